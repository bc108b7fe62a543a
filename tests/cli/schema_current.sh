#!/usr/bin/env bash
# scripts/swlab_schema.json must be exactly what `swlab schema` prints: the Python
# scripts validate results against it without a binary. After adding or changing a
# run setting or field: build/release/swlab schema > scripts/swlab_schema.json
set -uo pipefail
swlab=$1 committed=$2
if ! diff -u "$committed" <("$swlab" schema) >/tmp/swlab_schema_diff.$$; then
  echo "FAIL: $committed differs from 'swlab schema' (regenerate it: swlab schema > $committed):"
  head -40 /tmp/swlab_schema_diff.$$
  rm -f /tmp/swlab_schema_diff.$$
  exit 1
fi
rm -f /tmp/swlab_schema_diff.$$
echo "schema current"
