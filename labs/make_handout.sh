#!/usr/bin/env bash
# Makes the students' copy of the repository: everything, minus the labs' reference
# solutions (labs/lab*/solution/) and the instructor notes (docs/labs/instructors.md).
#
# usage: labs/make_handout.sh OUT_DIR [--from-working-tree]
#
# By default the handout is the committed tree at HEAD (`git archive`), so that what
# students get is a commit you can name; --from-working-tree copies the working tree
# instead (build/ and .git left out). OUT_DIR must not exist.
#
# In the handout, labs/CMakeLists.txt finds no solution/ directories and registers
# one ctest test per lab, labN.student, which runs the autograder on the student's
# files and must pass (in this repository the same binary is labN.starter, which must
# fail). labs/grade.sh works the same in both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || { sed -n '5,6p' "$0" | sed 's/^# //' >&2; exit 2; }
out=$1
mode=${2:-}
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

rm -rf "$out"/labs/lab*/solution "$out/docs/labs/instructors.md"
# Two pages link the instructor notes; the students' copy drops the links.
[ -f "$out/docs/labs/README.md" ] && sed -i '/^Instructors: \[instructors.md\]/d' "$out/docs/labs/README.md"
[ -f "$out/labs/README.md" ] && sed -i '/^Instructor notes: /d' "$out/labs/README.md"

left=$(find "$out/labs" -type d -name solution | wc -l)
[ "$left" -eq 0 ] || { echo "make_handout: solution directories are still there" >&2; exit 1; }
echo "handout: $out (from $from), without labs/lab*/solution/ and docs/labs/instructors.md"
echo "students: cmake --preset debug && cmake --build --preset debug && ctest --preset debug -L labN"
