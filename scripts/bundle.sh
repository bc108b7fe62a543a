#!/usr/bin/env bash
# The portable bundle: swlab and its benchmark binaries, built here, packed with the
# scripts that run the suite, into one archive that runs scripts/reference.sh and
# scripts/claims.sh on a bigger machine with no compiler and no package registry.
#
#   swlab-<commit>/
#     run-suite.sh             reference.sh, then claims.sh --long, results under results/
#                              named for that machine (swlab machine's results_dir)
#     build/release/swlab      libstdc++, libgcc and hwloc linked in (SWLAB_STATIC_RUNTIME)
#     build/release/bench/micro/bm_*    Google Benchmark binaries: Debian ships that library
#                              shared only, so they use the lib/ beside them (libbenchmark,
#                              the libstdc++ and libgcc_s it was built against)
#     lib/  scripts/  README.txt
#
# What the other machine needs: x86-64 Linux with glibc 2.34 or later (RHEL 9, Ubuntu 22.04,
# Debian 12 and newer; cmake/glibc_compat.cpp supplies the two newer functions the static
# runtime asks for), bash and coreutils; /usr/bin/python3 (its standard library) for
# claims.sh. The microbenchmarks carry this machine's libstdc++ and need its glibc (2.36
# here) or newer; where it is older they fail and reference.sh goes on without them. The
# figures and reports are drawn back here, from the results it writes (matplotlib is not
# needed there: reference.sh skips what it cannot draw).
#
# usage: scripts/bundle.sh [--out FILE] [--build DIR] [--no-benchmarks]
#   --out FILE       the archive (default: build/swlab-bundle.<commit>.tar.gz)
#   --build DIR      the build directory for the bundle's binaries (default: build/bundle);
#                    configured here with SWLAB_STATIC_RUNTIME=ON, without tests and labs
#   --no-benchmarks  swlab alone (reference.sh then skips the microbenchmarks)
# About 15 minutes on 2 cores the first time (a whole build), a minute with ccache's
# copies of an earlier build or once the directory exists. A bad flag exits 2 at once.
set -euo pipefail
cd "$(dirname "$0")/.."

die_usage() { echo "bundle.sh: $1 (usage: scripts/bundle.sh [--out FILE] [--build DIR] [--no-benchmarks])" >&2; exit 2; }
out=
build=build/bundle
micro=ON
while [ $# -gt 0 ]; do
  case "$1" in
    --out|--build)
      [ $# -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"
      if [ "$1" = --out ]; then out=$2; else build=$2; fi
      shift ;;
    --no-benchmarks) micro=OFF ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done
commit=$(git describe --always --dirty --abbrev=7 2>/dev/null || echo unknown)
[ -n "$out" ] || out="build/swlab-bundle.$commit.tar.gz"
case "$out" in *.tar.gz) ;; *) die_usage "--out $out: the archive's name must end in .tar.gz" ;; esac
[ -d "$(dirname "$out")" ] || mkdir -p "$(dirname "$out")" 2>/dev/null || die_usage "--out $out: cannot create its directory"
[ -L "$out" ] && die_usage "--out $out: is a symbolic link"
[ -d "$out" ] && die_usage "--out $out: is a directory"

# The release preset's flags, so the figures a bundle measures are those of a release build
# (and ccache serves the objects of one); the debug info is stripped when packing.
echo "bundle.sh: building in $build" >&2
launcher=()  # ccache, where there is one, serves the objects an earlier build compiled
if [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g -DNDEBUG" \
  -DSWLAB_STATIC_RUNTIME=ON -DSWLAB_BUILD_TESTS=OFF -DSWLAB_BUILD_LABS=OFF -DSWLAB_BUILD_BENCHMARKS="$micro" >/dev/null
targets=(swlab)
if [ "$micro" = ON ]; then
  mapfile -t bms < <(sed -n 's/^swlab_microbenchmark(\(bm_[a-z_]*\) .*/\1/p' bench/micro/CMakeLists.txt)
  targets+=("${bms[@]}")
fi
cmake --build "$build" --target "${targets[@]}" -j "$(nproc)" | { grep -v '^\[' || true; } >&2

# The point of the bundle: nothing of the C++ runtime or hwloc left to find on the other machine.
if ldd "$build/swlab" | grep -E 'libstdc\+\+|libgcc_s|libhwloc|libudev' >&2; then
  echo "bundle.sh: $build/swlab still needs the libraries above" >&2
  exit 1
fi
newest=$(objdump -T "$build/swlab" | grep -o 'GLIBC_[0-9.]*' | sort -V -u | tail -1)
if [ "$(printf '%s\n' "$newest" GLIBC_2.34 | sort -V | tail -1)" != GLIBC_2.34 ]; then
  echo "bundle.sh: $build/swlab needs $newest; the bundle promises glibc 2.34 (cmake/glibc_compat.cpp)" >&2
  exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/swlab-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/swlab-$commit"
mkdir -p "$root/build/release/bench/micro" "$root/lib" "$root/scripts"
strip --strip-debug -o "$root/build/release/swlab" "$build/swlab"
if [ "$micro" = ON ]; then
  mkdir -p "$root/build/release/bench/micro/.bin"
  for bm in "${bms[@]}"; do
    strip --strip-debug -o "$root/build/release/bench/micro/.bin/$bm" "$build/bench/micro/$bm"
    # What reference.sh and channel_table.sh run: the binary, with the bundle's lib/ first.
    printf '%s\n' '#!/bin/sh' "# $bm of the swlab bundle, with the libraries it was built against (../../../../lib)." \
      'here=$(cd "$(dirname "$0")" && pwd)' \
      'LD_LIBRARY_PATH="$here/../../../../lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/.bin/'"$bm"'" "$@"' \
      >"$root/build/release/bench/micro/$bm"
    chmod +x "$root/build/release/bench/micro/$bm"
  done
  ldd "$build/bench/micro/${bms[0]}" | awk '/libbenchmark|libstdc\+\+|libgcc_s/ { print $3 }' |
    while read -r lib; do cp -L "$lib" "$root/lib/"; done
fi
cp scripts/*.sh scripts/*.py scripts/swlab_schema.json "$root/scripts/"
cat >"$root/run-suite.sh" <<'EOF'
#!/usr/bin/env bash
# The whole suite on this machine, from the bundle: the reference set (scripts/reference.sh),
# then every claim in its long form (scripts/claims.sh --long), each under results/ with a
# name that says which machine it ran on. usage: ./run-suite.sh [LABEL]
set -euo pipefail
cd "$(dirname "$0")"
label=${1:-}
name=$(build/release/swlab machine | sed -n 's/^results_dir *results\///p')
scripts/reference.sh build/release "$label"
scripts/claims.sh --long --build build/release --out "results/$name.claims" ${label:+--label "$label"} ||
  echo "run-suite.sh: claims.sh stopped; its runs so far are in results/$name.claims (--resume goes on)" >&2
echo "done: results/$name and results/$name.claims; draw them at home: scripts/plot.py, scripts/claims.py" >&2
EOF
chmod +x "$root/run-suite.sh"
cat >"$root/README.txt" <<EOF
swlab $commit, bundled $(date -u +%Y-%m-%d) on $(uname -m) (scripts/bundle.sh).

  ./run-suite.sh "LABEL"            the reference set and the claims, results/ named for this machine
  build/release/swlab machine       this machine's topology; --matrix for its core-to-core map
  build/release/swlab run --plan    where a run's threads would go (docs/methodology.md, "Placement")

Needs x86-64 Linux with glibc 2.34 or later, bash, coreutils and /usr/bin/python3 (standard
library) for claims.sh. Bring results/ home and draw it there (scripts/plot.py, report.py, claims.py).
EOF
tmp="$out.$$.tmp"
tar -C "$stage" -czf "$tmp" "swlab-$commit"
mv -f "$tmp" "$out"
echo "bundle: $out ($(du -h "$out" | cut -f1)); unpack it and run swlab-$commit/run-suite.sh" >&2
