#!/usr/bin/env bash
# The portable bundle (scripts/bundle.sh), used as on a machine without a compiler: built
# into its own directory, unpacked into an empty one, the build tree moved away, and run
# with a PATH that holds no compiler, no cmake and no package manager: swlab needs none
# of the C++ runtime, hwloc or libudev of this machine and no glibc past 2.34, throws and
# catches an exception, a microbenchmark runs on the libraries beside it, and
# reference.sh --quick (without figures: they are drawn back home) and claims.sh --quick
# finish from the bundle, writing results named for this machine.
#   usage: tests/cli/bundle.sh BUNDLE_BUILD_DIR
# A few minutes: the bundle's build is incremental after its first (ccache helps that one).
set -euo pipefail
bdir=$(realpath -m "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/swlab-bundle-test.XXXXXX)
moved=
cleanup() {
  [ -n "$moved" ] && [ -d "$moved" ] && mv "$moved" "$bdir"
  rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { if ! eval "$1"; then echo "FAIL: $2" >&2; fail=1; fi; }

"$src/scripts/bundle.sh" --build "$bdir" --out "$tmp/bundle.tar.gz"
mkdir "$tmp/empty"
tar -C "$tmp/empty" -xzf "$tmp/bundle.tar.gz"
root=$(echo "$tmp"/empty/swlab-*)
moved="$bdir.moved.$$"
mv "$bdir" "$moved"  # nothing of the build may be found any more

# Only what the scripts use; no compiler, linker, cmake, ninja, make or apt.
bin="$tmp/bin"
mkdir "$bin"
for t in bash sh env sed awk grep tr sort paste head tail cut date mkdir rm rmdir ls cat tee find dirname \
         basename wc mktemp id nproc uname cp mv touch realpath sleep du; do
  ln -s "$(command -v "$t")" "$bin/$t"
done
for t in cc gcc g++ c++ clang cmake ninja make ld apt-get; do
  check "! PATH=$bin command -v $t >/dev/null" "the test's PATH has $t"
done
run() { (cd "$root" && env -i PATH="$bin" HOME="$tmp" LANG=C.UTF-8 "$@"); }

swlab="$root/build/release/swlab"
check "! ldd '$swlab' | grep -Eq 'libstdc|libgcc_s|libhwloc|libudev|$src'" "swlab needs a library of this machine: $(ldd "$swlab" | tr '\n' ' ')"
newest=$(objdump -T "$swlab" | grep -o 'GLIBC_[0-9.]*' | sort -V -u | tail -1)
check "[ '$newest' = GLIBC_2.34 ] || [ \"\$(printf '%s\n' '$newest' GLIBC_2.34 | sort -V | tail -1)\" = GLIBC_2.34 ]" \
  "swlab needs $newest, past glibc 2.34"
machine=$(run build/release/swlab machine)
check "grep -q '^cores ' <<<\"\$machine\"" "swlab machine prints no topology"
name=$(sed -n 's/^results_dir *results\///p' <<<"$machine")

# An exception thrown and caught (threads that cannot be created): the static unwinder finds
# its tables through cmake/glibc_compat.cpp's _dl_find_object.
set +e
out=$(cd "$root" && ulimit -v 1000000 && env -i PATH="$bin" build/release/swlab run --engine mutex --threads 400 \
  --duration 0.05 --warmup 0.01 --probe 0 --placement none --out "$tmp/threads" 2>&1)
rc=$?
set -e
check "[ $rc -eq 1 ] && grep -q 'could not start client thread' <<<\"\$out\"" "a failed thread start: exit $rc: $out"

check "run build/release/bench/micro/bm_histogram --benchmark_list_tests >/dev/null" "bm_histogram does not run from the bundle"

check "run scripts/reference.sh --quick --no-figures build/release 'bundle test' >'$tmp/reference.log' 2>&1" \
  "reference.sh --quick from the bundle: $(tail -3 "$tmp/reference.log" 2>/dev/null)"
check "[ -f '$root/results/$name.quick/closed/results.json' ] && [ -f '$root/results/$name.quick/core-map.json' ]" \
  "reference.sh wrote no results/$name.quick/ (closed/, core-map.json)"
check "run scripts/claims.sh --quick --build build/release --out results/$name.claims >'$tmp/claims.log' 2>&1" \
  "claims.sh --quick from the bundle: $(tail -3 "$tmp/claims.log" 2>/dev/null)"
check "[ -f '$root/results/$name.claims/claims.md' ]" "claims.sh wrote no results/$name.claims/claims.md"
[ $fail -eq 0 ] && echo "bundle: ran from an empty directory without the build tree or a compiler"
exit $fail
