#!/usr/bin/env bash
# Produces a reference result set for this machine under
# results/<date>.<cpu>.<cores>c.<commit>/ (the name comes from `swlab`):
#   closed/   thread sweep, every engine, balanced / read-heavy / hot-market, 3 repetitions
#   open/     open-loop knee search per engine, plus overload runs (reject) past saturation
#   journal-{off,none,batch,always}/   the cost of the journal, single-writer vs mutex
#   audit.json, audit.txt   swlab audit
#   micro/    Google Benchmark JSON of the microbenchmarks
#   figures and report.md in closed/ and open/
# Takes about 15 minutes on 2 cores. Run it on an otherwise idle machine.
#
# usage: scripts/reference.sh [BUILD_DIR] [LABEL]
#   BUILD_DIR defaults to build/release (built here if missing); LABEL describes the
#   machine in the results ("2-core development machine" ...).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
label=${2:-}
if [ ! -x "$build/swlab" ]; then
  . scripts/deps.sh
  swlab_ensure_deps
  swlab_build release >/dev/null
fi
swlab="$build/swlab"
name=$("$swlab" machine | sed -n 's/^results_dir *results\///p')
out="results/$name"
mkdir -p "$out/micro"
echo "reference results -> $out" >&2
lab=(--label "${label:-$(nproc)-core machine}")

"$swlab" sweep --engine mutex,rwlock,spinlock,single-writer,sharded-mutex,sharded-single-writer \
  --threads 1,2,4,8 --preset balanced,read-heavy,hot-market --repetitions 3 --duration 1 --warmup 0.25 \
  "${lab[@]}" --out "$out/closed" | tee "$out/closed.txt"

"$swlab" sweep --engine mutex,spinlock,single-writer,sharded-single-writer --threads 2 --mode open \
  --find-knee 1000 --rate-start 25000 --rate-factor 2 --max-steps 9 --duration 1 --warmup 0.25 \
  "${lab[@]}" --out "$out/open" | tee "$out/open.txt"
"$swlab" sweep --engine single-writer:overload=reject:capacity=16,single-writer:overload=block:capacity=16 \
  --threads 2 --window 32 --mode open --rate 100000,400000,1600000,6400000 --repetitions 2 --duration 1 --warmup 0.25 \
  "${lab[@]}" --out "$out/overload" | tee "$out/overload.txt"

# The cost of the journal: single-writer (group commit) vs mutex (fsync under the
# lock), each durability mode, 1 and 4 clients; and the same engines without one.
"$swlab" run --engine single-writer,mutex --threads 1,4 --duration 1 --warmup 0.25 "${lab[@]}" \
  --out "$out/journal-off" | tee "$out/journal-off.txt"
for mode in none batch always; do
  rm -rf "/tmp/swlab-journal-$mode"
  "$swlab" run --engine single-writer,mutex --threads 1,4 --duration 1 --warmup 0.25 "${lab[@]}" \
    --journal "/tmp/swlab-journal-$mode" --durability "$mode" --out "$out/journal-$mode" | tee "$out/journal-$mode.txt"
  rm -rf "/tmp/swlab-journal-$mode"
done

"$swlab" audit --commands 200000 --threads 2 --durability none --out "$out/audit.json" | tee "$out/audit.txt"

set +e  # a failing microbenchmark must not cost the others
for bm in bm_order_book bm_histogram bm_load_generator bm_request_reply bm_locks bm_false_sharing; do
  [ -x "$build/bench/micro/$bm" ] || continue
  echo "== $bm" >&2
  "$build/bench/micro/$bm" --benchmark_out="$out/micro/$bm.json" --benchmark_out_format=json | tee "$out/micro/$bm.txt"
done

for d in closed open overload journal-off journal-none journal-batch journal-always; do
  /usr/bin/python3 scripts/plot.py "$out/$d/results.json" || true
  /usr/bin/python3 scripts/report.py "$out/$d/results.json" || true
done
echo "done: $out" >&2
