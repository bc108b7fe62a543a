#!/usr/bin/env bash
# swlab audit checks every output before its first run (issue 12, items 9 and 12):
# an unwritable --out or --dir is exit 2 at once, not a failure after the work;
# and the audit shows its progress. Before, `--out /nonexistent/x.json` ran the
# whole audit and then exited 1.
set -uo pipefail
swlab=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
expect_usage() {  # expect_usage "<substring of the message>" args...
  local want=$1; shift
  local out rc start=$SECONDS
  out=$("$swlab" audit "$@" 2>"$tmp/err" </dev/null); rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: audit $*: exit $rc, want 2"; fail=1; fi
  if [[ "$(cat "$tmp/err")" != *"$want"* ]]; then echo "FAIL: audit $*: stderr '$(cat "$tmp/err")' lacks '$want'"; fail=1; fi
  if [ -n "$out" ]; then echo "FAIL: audit $*: printed to stdout: $out"; fail=1; fi
  if [ $((SECONDS - start)) -gt 5 ]; then echo "FAIL: audit $*: took $((SECONDS - start)) s before refusing"; fail=1; fi
}
expect_usage "--out: cannot write /nonexistent/x.json" --out /nonexistent/x.json
expect_usage "--out: '$tmp' is a directory" --out "$tmp"
touch "$tmp/file"
expect_usage "--dir: cannot create '$tmp/file/j'" --dir "$tmp/file/j"
expect_usage "--long sets --commands" --long --commands 10

# A short audit: progress on stderr, a run at a time; the JSON written.
out=$("$swlab" audit --engine single-writer,mutex --commands 2000 --dir "$tmp/journals" --out "$tmp/a.json" 2>"$tmp/err"); rc=$?
[ $rc -eq 0 ] || { echo "FAIL: short audit exited $rc: $(cat "$tmp/err")"; fail=1; }
[ "$(grep -c '^run [1-6]/6: ' "$tmp/err")" = 6 ] || { echo "FAIL: progress lines: $(cat "$tmp/err")"; fail=1; }
grep -q '"format": "swlab-audit"' "$tmp/a.json" || { echo "FAIL: no audit JSON"; fail=1; }
grep -q '^single-writer .*exact (2/2)' <<<"$out" || { echo "FAIL: audit table: $out"; fail=1; }
exit $fail
