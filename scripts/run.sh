#!/usr/bin/env bash
# Sets up, builds the release binary, runs the default comparison (every engine,
# balanced preset, 1/2/4 client threads; about 20 s on 2 cores), and writes the
# results, figures and a report under results/. Extra arguments go to `swlab run`
# (see build/release/swlab run --help), e.g. scripts/run.sh --threads 1,8.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
swlab_ensure_deps
swlab_build release >/dev/null

log=$(mktemp)
trap 'rm -f "$log"' EXIT
build/release/swlab run "$@" | tee "$log"
json=$(sed -n 's/^results: \(.*results\.json\).*/\1/p' "$log")
[ -f "$json" ] || { echo "swlab: no results file was written" >&2; exit 1; }

if [ -f scripts/plot.py ]; then
  /usr/bin/python3 scripts/plot.py "$json"
  /usr/bin/python3 scripts/report.py "$json"
  echo "report: $(dirname "$json")/report.md"
fi
