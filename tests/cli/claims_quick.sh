#!/usr/bin/env bash
# scripts/claims.sh --quick end to end: bad flags exit 2 before any work; a quick run
# writes claims.md with the seven claims, each stated before its data (precondition, effect,
# threshold, rule, positive control), with a figure that exists, numbers, the precondition
# checked from the results and a verdict from the three allowed; the backpressure queue
# fills (reject sheds past capacity).
#   usage: claims_quick.sh SWLAB_BINARY
set -uo pipefail
swlab=$1
root="$(cd "$(dirname "$0")/../.." && pwd)"
claims="$root/scripts/claims.sh"
build="$(dirname "$swlab")"
tmp=$(mktemp -d /tmp/swlab-claims-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Bad input: one line on stderr, exit 2, nothing written.
expect_usage() {
  local err rc
  err=$(bash "$claims" "$@" 2>&1 >/dev/null); rc=$?
  [ "$rc" -eq 2 ] || fail "claims.sh $*: exit $rc, expected 2"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || fail "claims.sh $*: expected one line, got: $err"
  printf '%s' "$err" | grep -q '^claims.sh: ' || fail "claims.sh $*: message does not name the script: $err"
}
expect_usage --bogus
expect_usage --quick --long
expect_usage --out
expect_usage --build "$tmp/nowhere" --out "$tmp/never"
[ ! -e "$tmp/never" ] || fail "a refused invocation created its output directory"
mkdir -p "$tmp/full" && touch "$tmp/full/x"
expect_usage --build "$build" --out "$tmp/full"

out="$tmp/quick"
bash "$claims" --quick --build "$build" --out "$out" --label "ctest" >"$tmp/log" 2>&1 ||
  { tail -20 "$tmp/log" >&2; fail "claims.sh --quick failed"; }
md="$out/claims.md"
[ -s "$md" ] || fail "no claims.md"
[ "$(grep -c '^## [1-7]\. ' "$md")" -eq 7 ] || fail "claims.md does not have the seven claim sections"
[ "$(grep -cE '^[1-7]\. \*\*.*\*\*: (holds|does not hold|not testable here) \(' "$md")" -eq 7 ] ||
  fail "the verdict summary does not list seven verdicts"
for i in 1 2 3 4 5 6 7; do
  section=$(awk -v n="## $i. " 'index($0, n) == 1 {on = 1; print; next} /^## / {on = 0} on' "$md")
  fig=$(printf '%s\n' "$section" | sed -n 's/^!\[.*\](\(.*\))$/\1/p' | head -1)
  [ -n "$fig" ] || fail "claim $i has no figure"
  [ -s "$out/$fig" ] || fail "claim $i: figure $fig is missing or empty"
  printf '%s\n' "$section" | grep -qE '^\*\*Verdict: (holds|does not hold|not testable here)\.\*\* .{20,}' ||
    fail "claim $i has no verdict with a reason"
  for part in '^\*\*Stated before the data\*\*' '^- precondition: ' '^- threshold: ' '^- rule: holds iff' \
      '^- positive control: ' '^\*\*Precondition\*\*, from the results' '^- (met|UNMET): ' '^\*\*Positive control\*\*: '; do
    printf '%s\n' "$section" | grep -qE "$part" || fail "claim $i lacks '$part'"
  done
  printf '%s\n' "$section" | grep -qE '^\| .*[0-9]' || fail "claim $i has no numbers"
  printf '%s\n' "$section" | grep -qE '^(swlab|.*/swlab) ' || fail "claim $i does not show its commands"
done
# Backpressure exercised its mechanism: reject shed past capacity (the table's last column).
shed=$(awk -F'|' '$3 ~ /overload=reject/ {gsub(/[ ,]/, "", $7); print $7}' "$md" | head -1)
[ -n "$shed" ] && [ "$shed" -gt 0 ] || fail "reject shed nothing past capacity (shed '$shed')"
echo "ok: claims.sh --quick wrote seven claims with figures, preconditions and verdicts"
