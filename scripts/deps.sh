# Sourced by run.sh and test.sh: makes sure the Debian 12 packages swlab needs are
# installed. As root it installs what is missing; otherwise it prints the exact
# command to run and exits 2, before any work starts.

SWLAB_PACKAGES=(
  cmake ninja-build g++ clang libclang-rt-14-dev
  libgtest-dev libbenchmark-dev libconcurrentqueue-dev libboost-dev
  # The machine's topology for placement (bench/measure/topology.h); hwloc's lstopo
  # exports a machine as XML for swlab --topology.
  libhwloc-dev hwloc
  python3 python3-matplotlib python3-numpy python3-scipy python3-pytest
  # The labs' model checker (tests/model/, ctest -L model): Relacy, header-only.
  relacy-dev
  # channel=tokio (engines/tokio/): Debian's Rust toolchain and tokio crate, built
  # offline. Optional for a build (without them the channel is listed as not
  # built), installed here so that CI builds and tests it.
  cargo rustc librust-tokio-dev
)

swlab_ensure_deps() {
  local missing=() p
  for p in "${SWLAB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "swlab: missing Debian packages: ${missing[*]}" >&2
    echo "install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
  echo "swlab: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || { echo "swlab: apt-get update failed" >&2; exit 1; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    { echo "swlab: apt-get install failed" >&2; exit 1; }
}

# Configure and build one preset (release, debug, asan, tsan) into build/<preset>.
swlab_build() {
  local preset=$1; shift
  cmake --preset "$preset" "$@" >/dev/null || { echo "swlab: cmake configure ($preset) failed" >&2; exit 1; }
  cmake --build --preset "$preset" -j "$(nproc)" || { echo "swlab: build ($preset) failed" >&2; exit 1; }
}
