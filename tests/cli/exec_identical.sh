#!/usr/bin/env bash
# Every engine prints byte-identical output for every golden script, through the
# real binary (stdin and FILE both), and that output is the golden one.
set -euo pipefail
swlab=$1
golden=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
engines=$("$swlab" engines)
[ -n "$engines" ] || { echo "no engines listed"; exit 1; }
fail=0
for script in "$golden"/*.in; do
  want=${script%.in}.out
  for e in $engines; do
    "$swlab" exec --engine "$e" "$script" > "$tmp/file.txt" || true
    "$swlab" exec --engine "$e" < "$script" > "$tmp/stdin.txt" || true
    if ! cmp -s "$tmp/file.txt" "$want"; then
      echo "FAIL: $e on $(basename "$script") differs from the golden output:"
      diff "$want" "$tmp/file.txt" | head -5
      fail=1
    fi
    cmp -s "$tmp/file.txt" "$tmp/stdin.txt" || { echo "FAIL: $e: FILE and stdin outputs differ"; fail=1; }
  done
done
exit $fail
