#!/usr/bin/env bash
# Sets up, builds and runs every test: clang's thread-safety analysis of the lock
# engines, the C++ suite through ctest in the asan (AddressSanitizer + UBSan) and
# tsan (ThreadSanitizer) builds, then the Python tests of the plotting scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
swlab_ensure_deps

# A sanitizer report is a failure, never a warning to scroll past.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

start=$(date +%s)
# Clang's thread-safety analysis of the lock engines and the sharded router, every
# warning an error. It compiles those five files only (seconds); configuring it
# proves the check can fail (cmake/SwlabThreadSafety.cmake).
echo "== thread-safety: clang -Wthread-safety -Werror, the lock engines" >&2
swlab_build thread-safety
# The tsan test preset leaves out five process-level script tests (the chaos faults
# and claims.sh --quick, about 80 s each under tsan; the live view in a pseudo-terminal,
# 33 s; the students' copy's answer and compile check, 11 s; the grader's reliability
# probes, which fork, detach and hang on purpose): they exercise processes, terminals and
# files, not shared memory (the live view's hand-over between threads is
# TimeSeries.ALiveSinkSeesEveryServedCommandOnceWhileTheRunGoes, which tsan runs), and
# run in the asan pass (CMakePresets.json). So do the tests of input handling and file
# layout, one thread each (bad flags, hostile files, symlinks, the schema, --from,
# oversized snapshots, the Python scripts): ThreadSanitizer has nothing to watch there.
# Neither pass runs the bundle test (`ctest -L bundle` in a release build: it builds its own
# static release swlab, about 10 minutes on 2 cores, which CI's 40 minutes cannot hold
# beside the two sanitizer builds); run it before handing a bundle to another machine
# (docs/methodology.md, "On a bigger machine").
for preset in asan tsan; do
  echo "== $preset: build" >&2
  swlab_build "$preset"
  echo "== $preset: test" >&2
  ctest --preset "$preset" -j "$(nproc)"
done

echo "== fuzz: journal and snapshot decoders, exec protocol parser" >&2
# 10 s per target, a smoke test from the corpus (`scripts/fuzz.sh 600` for a campaign): CI
# must finish within 40 minutes on 2 cores, and a fresh-clone run took 1,957 s up to the end
# of the tsan tests on 2026-12-07 (1,672-1,764 s in all a round earlier).
bash scripts/fuzz.sh 10

if [ -d tests/python ]; then
  echo "== python: test" >&2
  /usr/bin/python3 -m pytest -q tests/python
fi
echo "== all tests passed in $(( $(date +%s) - start )) s" >&2
