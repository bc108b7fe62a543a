#!/usr/bin/env bash
# ctest labs.handout.holds_no_answers: makes a students' copy of the working tree in
# a temporary directory (labs/make_handout.sh, which runs check_answers.py on it) and
# checks that what the copy must lack is gone. About 2 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$here/../make_handout.sh" "$tmp/h" --from-working-tree
h=$tmp/h
fail=0
for gone in labs/lab2/solution labs/wrong labs/handout docs/labs/instructors.md engines/locks/rwlock_engine.cpp \
            engines/sharded/sharded_engine.cpp labs/lab6/given/reference_layouts.h; do
  [ ! -e "$h/$gone" ] || { echo "FAIL: the copy has $gone"; fail=1; }
done
grep -q 'handout-omit' -r "$h/engines" && { echo "FAIL: handout-omit markers left in the copy"; fail=1; }
grep -q 'compare_exchange_strong' "$h/engines/engine/completion.h" && { echo "FAIL: the copy has the futex reply slot"; fail=1; }
grep -q 'rwlock_engine.cpp\|sharded_engine.cpp' "$h/CMakeLists.txt" && { echo "FAIL: CMakeLists.txt still builds a removed engine"; fail=1; }
[ "$fail" = 0 ] && echo "ok: the students' copy holds no answer"
exit "$fail"
