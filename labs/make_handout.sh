#!/usr/bin/env bash
# Makes the students' copy of the repository: everything, minus the answers.
#
# usage: labs/make_handout.sh OUT_DIR [--from-working-tree]
#
# By default the handout is the committed tree at HEAD (`git archive`), so that what
# students get is a commit you can name; --from-working-tree copies the working tree
# instead (build/ and .git left out). OUT_DIR must not exist.
#
# Left out: the reference solutions (labs/lab*/solution/), the deliberately wrong
# ones (labs/wrong/), the instructor notes (docs/labs/instructors.md), and the
# project's own versions of what the labs ask for (labs/handout/README.md): the reply
# slot is replaced by a plain one, the reader-writer engine, the sharded router and
# the padded layouts are removed, and the lines between `handout-omit` markers are
# cut. labs/handout/check_answers.py then proves that no file of the copy holds a
# distinctive line of any lab's reference answer.
#
# In the handout, labs/CMakeLists.txt finds no solution/ directories and registers
# one ctest test per lab, labN.student, which runs the autograder on the student's
# files and must pass (in this repository the same binary is labN.starter, which must
# fail). labs/grade.sh works the same in both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
usage() { echo "usage: labs/make_handout.sh OUT_DIR [--from-working-tree]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
out=$1
mode=${2:-}
[ -z "$mode" ] || [ "$mode" = "--from-working-tree" ] || usage
[ -e "$out" ] && { echo "make_handout: $out exists; give a new directory" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$mode" = "--from-working-tree" ] || ! git -C "$root" rev-parse --git-dir > /dev/null 2>&1; then
  (cd "$root" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$out" && tar -xf -)
  from="the working tree of $root"
else
  git -C "$root" archive HEAD | (cd "$out" && tar -xf -)
  from="$(git -C "$root" rev-parse --short HEAD) ($root)"
fi
handout=$out/labs/handout  # the instructions below; removed from the copy at the end

# The project's own answers: replaced, removed, cut.
(cd "$handout/files" && find . -type f) | while read -r f; do cp "$handout/files/$f" "$out/$f"; done
grep -v '^\s*\(#\|$\)' "$handout/remove.txt" | while read -r f; do
  rm -f "$out/$f"
  sed -i "\\|^\\s*$f\$|d" "$out/CMakeLists.txt"
done
grep -rl --include='*.h' --include='*.cpp' 'handout-omit: begin' "$out/engines" "$out/labs" "$out/bench" 2>/dev/null |
  while read -r f; do sed -i '/handout-omit: begin/,/handout-omit: end/d' "$f"; done

rm -rf "$out"/labs/lab*/solution "$out/labs/wrong" "$handout" "$out/docs/labs/instructors.md"
# Two pages link the instructor notes; the students' copy drops the links.
[ -f "$out/docs/labs/README.md" ] && sed -i '/^Instructors: \[instructors.md\]/d' "$out/docs/labs/README.md"
[ -f "$out/labs/README.md" ] && sed -i '/^Instructor notes: /d; /^wrong\//d; /^handout\//d' "$out/labs/README.md"

left=$(find "$out/labs" -type d -name solution | wc -l)
[ "$left" -eq 0 ] || { echo "make_handout: solution directories are still there" >&2; exit 1; }
/usr/bin/python3 -B "$here/handout/check_answers.py" "$root" "$out" > /dev/null ||
  { /usr/bin/python3 -B "$here/handout/check_answers.py" "$root" "$out" >&2; exit 1; }
echo "handout: $out (from $from), without the answers (labs/handout/README.md says what was left out)"
echo "students: cmake --preset debug && cmake --build --preset debug && ctest --preset debug -L labN"
