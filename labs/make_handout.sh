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
# Of results/ (the committed reference sets, about 13 MB) the copy keeps the files the lab pages
# cite, in the one form every citation takes (docs/labs/README.md, "Reference
# results"): `results/SET/FILE :: KEY` inside backticks. A cited file that is not
# there stops the copy.
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

# labs/README.md describes this repository's solution/ variants; the copy has none.
[ -f "$out/labs/README.md" ] &&
  sed -i '/^labN\/solution\//d; /^In the students. copy the solution/,$d
          s|labN_grade_starter / labN_grade_solution|labN_grade_starter|; s|ctest labN.solution / labN.starter|ctest labN.student, labN.model.student|' \
    "$out/labs/README.md"

# The reference results the lab pages cite, and nothing else.
cited=$(grep -oh '`results/[^` ]* ::' "$out"/docs/labs/lab*.md | sed 's/^`//; s/ ::$//' | sort -u)
for f in $cited; do
  [ -f "$out/$f" ] || { echo "make_handout: docs/labs/ cite $f, which results/ does not have" >&2; exit 1; }
done
if [ -d "$out/results" ]; then
  (cd "$out" && find results -type f) | while read -r f; do
    [ "$f" = results/README.md ] || grep -qxF "$f" <<< "$cited" || rm -f "$out/$f"
  done
  find "$out/results" -mindepth 1 -type d -empty -delete
fi

left=$(find "$out/labs" -type d -name solution | wc -l)
[ "$left" -eq 0 ] || { echo "make_handout: solution directories are still there" >&2; exit 1; }
# check_answers.py's verdict; its notes (a shared line that no longer occurs) are shown,
# not swallowed: they are how a stale labs/handout/shared_lines.txt comes to light.
checked=$(/usr/bin/python3 -B "$here/handout/check_answers.py" "$root" "$out") ||
  { echo "$checked" >&2; exit 1; }
grep -v '^ok: ' <<< "$checked" | sed 's/^/make_handout: check_answers.py: /' >&2 || true
echo "handout: $out (from $from), $(du -sh "$out" | cut -f1), without the answers (labs/handout/README.md says what was left out)"
echo "students: cmake --preset debug && cmake --build --preset debug --target labN_grade_starter && ctest --preset debug -L labN"
