#!/usr/bin/env bash
# swlab exec against hostile input and broken output (issue 12, items 8 and 13):
# unreadable input exits 2 naming it, a failed write to stdout exits non-zero with
# a message, a huge line is one error line, and what error lines echo is quoted
# and cut. Each case exited 0, aborted or echoed raw bytes before.
set -uo pipefail
swlab=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() {  # check NAME WANT_RC WANT_STDERR_SUBSTRING RC STDERR
  local name=$1 want_rc=$2 want_err=$3 rc=$4 err=$5
  if [ "$rc" != "$want_rc" ]; then echo "FAIL: $name: exit $rc, want $want_rc"; fail=1; fi
  if [[ "$err" != *"$want_err"* ]]; then echo "FAIL: $name: stderr '$err' lacks '$want_err'"; fail=1; fi
}

out=$("$swlab" exec "$tmp" 2>"$tmp/err"); check "a directory as FILE" 2 "'$tmp' is a directory" $? "$(cat "$tmp/err")"
[ -z "$out" ] || { echo "FAIL: a directory as FILE printed: $out"; fail=1; }
"$swlab" exec <"$tmp" >/dev/null 2>"$tmp/err"; check "a directory as stdin" 2 "standard input is a directory" $? "$(cat "$tmp/err")"
"$swlab" exec /proc/self/mem >/dev/null 2>"$tmp/err"; check "an unreadable FILE" 2 "cannot read '/proc/self/mem': Input/output error" $? "$(cat "$tmp/err")"
printf 'top S0\n%.0s' $(seq 1 2000) > "$tmp/many.in"
"$swlab" exec "$tmp/many.in" >/dev/full 2>"$tmp/err"; check "stdout is full" 1 "cannot write the output: No space left on device" $? "$(cat "$tmp/err")"

# One 50 MB line: one error line, bounded memory, and the run goes on.
{ head -c 50000000 /dev/zero | tr '\0' x; printf '\ntop S0\n'; } > "$tmp/long.in"
out=$("$swlab" exec "$tmp/long.in" 2>"$tmp/err"); rc=$?
[ $rc -eq 1 ] || { echo "FAIL: a 50 MB line: exit $rc, want 1 ($(cat "$tmp/err"))"; fail=1; }
[ "$out" = $'error line 1: line is longer than 4096 bytes\ntop S0 bid=- ask=-' ] || { echo "FAIL: a 50 MB line printed: ${out:0:200}"; fail=1; }

# Echoed tokens: quoted, non-printable bytes as \xNN, cut after 32 bytes.
printf 'bo\0gus S0\n\033[31mred\ndeposit S0 1 %s 5\n' "$(head -c 1000 /dev/zero | tr '\0' y)" > "$tmp/raw.in"
out=$("$swlab" exec "$tmp/raw.in" 2>/dev/null)
want=$'error line 1: unknown command \'bo\\x00gus\'\nerror line 2: unknown command \'\\x1b[31mred\'\nerror line 3: deposit asset must be \'cash\' or \'qty\', got \'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...\' (1000 bytes)'
[ "$out" = "$want" ] || { echo "FAIL: echoed tokens:"; echo "$out" | cat -v; fail=1; }
exit $fail
