#!/usr/bin/env bash
# ctest labs.handout.holds_no_answers: makes a students' copy of the working tree in
# a temporary directory (labs/make_handout.sh, which runs check_answers.py on it) and
# checks that what the copy must lack is gone; with a compiler and the engines'
# definitions (CXX -DNAME=VALUE ...), also that the copy still compiles where its
# replaced files are used: every header under engines/ and every source of engines/
# and bench/ that uses the reply slot, syntax only (a replacement that lagged behind
# the project's own file once left the copy unbuildable). About 10 s.
#
# usage: test_handout.sh [CXX -DNAME=VALUE ...]
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
# results/: the files the lab pages cite and nothing else, a few MB (the whole tree holds
# about 100 MB of reference sets).
results_mb=$(du -sm "$h/results" | cut -f1)
[ "$results_mb" -le 5 ] || { echo "FAIL: the copy's results/ is $results_mb MB"; fail=1; }
(cd "$h" && find results -type f ! -name README.md) | while read -r f; do
  grep -q "\`$f ::" "$h"/docs/labs/lab*.md || { echo "FAIL: the copy has $f, which no lab page cites"; exit 1; }
done || fail=1
grep -q 'compare_exchange_strong' "$h/engines/engine/completion.h" && { echo "FAIL: the copy has the futex reply slot"; fail=1; }
grep -q 'rwlock_engine.cpp\|sharded_engine.cpp' "$h/CMakeLists.txt" && { echo "FAIL: CMakeLists.txt still builds a removed engine"; fail=1; }
if [ $# -ge 1 ]; then
  cxx=$1; shift
  defs=("$@")
  headers_tu() {  # TREE: a source including every header under TREE/engines
    (cd "$1/engines" && find . -name '*.h' | sort | sed 's|^\./\(.*\)|#include "\1"|') > "$tmp/all_headers.$2.cpp"
    echo "$tmp/all_headers.$2.cpp"
  }
  users() {  # TREE: the sources of engines/ and bench/ that use the reply slot
    grep -rl --include='*.cpp' 'Completion' "$1/engines" "$1/bench" | grep -v '/micro/' | sort
  }
  check_tree() {  # TREE NAME
    local tree=$1 bad=0 f
    for f in "$(headers_tu "$tree" "$2")" $(users "$tree"); do
      "$cxx" -std=c++20 -fsyntax-only -I "$tree/engines" -I "$tree/bench" "${defs[@]}" "$f" > "$tmp/syntax.log" 2>&1 ||
        { echo "  ${f#"$tree"/}: $(grep -m1 'error' "$tmp/syntax.log")"; bad=1; }
    done
    return "$bad"
  }
  # The project's own tree first: if it fails, the check is out of date, not the copy.
  if ! check_tree "$here/../.." project > "$tmp/project.txt"; then
    echo "FAIL: the syntax check does not pass on the project's own tree (update test_handout.sh):"
    cat "$tmp/project.txt"
    fail=1
  elif ! check_tree "$h" copy > "$tmp/copy.txt"; then
    echo "FAIL: the students' copy does not compile where its replaced files are used:"
    cat "$tmp/copy.txt"
    fail=1
  fi
fi
[ "$fail" = 0 ] && echo "ok: the students' copy holds no answer and compiles where its files were replaced"
exit "$fail"
