#!/usr/bin/env bash
# Produces a reference result set for this machine under
# results/<date>.<cpu>.<cores>c.<commit>/ (the name comes from `swlab machine`). The client
# and thread counts come from the machine's topology (scripts/grids.sh): C cores, P CPUs.
#   closed/   every registered engine x the thread grid (1, doubling, C-1, C, P, 2P: at most
#             8 counts; 1,2,4 on 2 cores) x balanced / read-heavy / hot-market; 5
#             repetitions in random order; fixed work (one N per point, calibrated so the
#             slowest engine runs about 0.5 s); floor probe before and after every run on
#             the CPUs of the first client and the engine; a 100 ms latency time series
#   open/     open-loop knee search per engine at C-1 clients, so that with --placement
#             auto each client and the engine thread have a core (median p99 over 5
#             repetitions)
#   overload/ reject vs block past saturation at C-1 clients, 5 repetitions
#   journal/  the cost of the journal: single-writer vs mutex, off / none / batch /
#             always, 1 and 4 clients, 5 repetitions, fixed work
#   audit.json, audit.txt   swlab audit --long
#   core-map.json, core-map.png   the core-to-core map (swlab machine --matrix, 60 s at most)
#   micro/    Google Benchmark JSON of the microbenchmarks; channels.txt: every
#             single-writer channel, bare and in the engine, as multiples of the floor
#   figures (raw and --normalise floor) and report.md in each sweep directory
# About 20 minutes on 2 cores. The grids are capped, not proportional to the cores, and
# every run is fixed work calibrated to a target time or time-bounded, so the count of
# runs and their length do not grow with the machine: at most about 45 minutes on a
# 64-core machine (docs/methodology.md, "Experiments that scale"). Run it on an otherwise
# idle machine: every run records the floor and the load average, so a disturbed run
# shows, but it is still disturbed.
#
# usage: scripts/reference.sh [--quick] [--no-figures] [BUILD_DIR] [LABEL]
#   --quick     1 repetition, 1 and C clients, balanced only, no microbenchmarks or
#               audit (about 1 minute): checks the script, not the machine
#   --no-figures  results only: draw them later, elsewhere (scripts/plot.py, report.py),
#               as on a machine the bundle (scripts/bundle.sh) was carried to
#   BUILD_DIR   defaults to build/release (built here if missing)
#   LABEL       describes the machine in the results ("2-vCPU KVM guest" ...)
# Ctrl-C stops at once; every sweep finished so far stays, and an interrupted sweep
# is marked as such in its results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
draw=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-figures) draw=0 ;;
    *) break ;;
  esac
  shift
done
case "${1:-}" in -*) echo "usage: scripts/reference.sh [--quick] [--no-figures] [BUILD_DIR] [LABEL]" >&2; exit 2 ;; esac
build=${1:-build/release}
label=${2:-}
if [ ! -x "$build/swlab" ]; then
  . scripts/deps.sh
  swlab_ensure_deps
  swlab_build release >/dev/null
fi
swlab="$build/swlab"
name=$("$swlab" machine | sed -n 's/^results_dir *results\///p')
[ -n "$name" ] || { echo "reference.sh: 'swlab machine' named no results directory" >&2; exit 1; }
out="results/$name"
[ $quick -eq 1 ] && out="$out.quick"
if [ -e "$out" ]; then echo "reference.sh: $out exists; move it away first" >&2; exit 2; fi
mkdir -p "$out/micro"
echo "reference results -> $out" >&2
lab=(--label "${label:-$(nproc)-CPU machine}")
. scripts/grids.sh
swlab_grids "$swlab"
echo "topology: $GRID_CORES cores, $GRID_CPUS CPUs, $GRID_L3_DOMAINS L3 domains; threads $GRID_THREADS" >&2
if [ $quick -eq 1 ]; then
  reps=1; threads=$(swlab_grid_join 1 "$GRID_CORES"); presets=balanced
else
  reps=5; threads=$GRID_THREADS; presets=balanced,read-heavy,hot-market
fi
clients=$GRID_ENGINE_CLIENTS
common=(--repetitions "$reps" --order random "${lab[@]}")

figures() {  # figures DIR [floor]: the figures (with `floor`, the floor-normalised ones too)
  # and the report; then the set made small enough to commit (slim_results.py: results.json
  # without the histograms' buckets, the whole file kept beside it as the git-ignored
  # results.full.json). With --no-figures the whole file stays: the figures are drawn from
  # it later, elsewhere. Floor-normalised figures are drawn where latencies are a few floors
  # (closed loop, no fsync); in the open-loop and fsync sweeps they are queueing and the disk,
  # hundreds to thousands of floors, and the twins would only add bytes to the 5 MB a set holds.
  [ $draw -eq 1 ] || return 0
  /usr/bin/python3 scripts/plot.py "$1/results.json" || true
  [ "${2:-}" = floor ] && { /usr/bin/python3 scripts/plot.py --normalise floor "$1/results.json" || true; }
  /usr/bin/python3 scripts/report.py "$1/results.json" || true
  /usr/bin/python3 scripts/slim_results.py "$1" >/dev/null || true
}

# Every registered engine, fixed work: one N per (preset, threads), the same for
# every engine, calibrated so the slowest runs about 0.5 s. The fastest engines then
# finish in about 50 ms, so the time series uses 10 ms intervals: tail stability needs
# at least 5 complete intervals of 100 commands or more.
"$swlab" sweep --threads "$threads" --preset "$presets" --commands auto --target 0.5 --interval 10 \
  "${common[@]}" --out "$out/closed" | tee "$out/closed.txt"
figures "$out/closed" floor

"$swlab" sweep --engine mutex,spinlock,single-writer,sharded-single-writer --threads "$clients" --mode open \
  --find-knee 1000 --rate-start 25000 --rate-factor 2 --max-steps 9 --duration 0.5 --warmup 0.1 \
  "${common[@]}" --out "$out/open" | tee "$out/open.txt"
figures "$out/open"

"$swlab" sweep --engine single-writer:overload=reject:capacity=16,single-writer:overload=block:capacity=16 \
  --threads "$clients" --window 32 --mode open --rate 100000,400000,1600000,6400000 --duration 0.5 --warmup 0.1 \
  "${common[@]}" --out "$out/overload" | tee "$out/overload.txt"
figures "$out/overload"

# The cost of the journal: single-writer (group commit) vs mutex (fsync under the
# lock), each durability mode, 1 and 4 clients, and the same engines without one.
for mode in off none batch always; do
  jflags=()
  if [ "$mode" != off ]; then
    jdir=$(mktemp -d /tmp/swlab-journal-$mode.XXXXXX)
    jflags=(--journal "$jdir" --durability "$mode")
  fi
  # With fdatasync in the path (batch, always) the disk sets the pace and it can
  # change 10x within a sweep, so a calibrated N can turn a 0.3 s run into minutes:
  # those modes run for a fixed time instead, and the table's rejection mix shows
  # how far the engines' work differed.
  if [ "$mode" = batch ] || [ "$mode" = always ]; then work=(--duration 0.5 --warmup 0.1)
  else work=(--commands auto --target 0.3); fi
  "$swlab" sweep --engine single-writer,mutex --threads 1,4 "${work[@]}" "${jflags[@]}" \
    "${common[@]}" --out "$out/journal-$mode" | tee "$out/journal-$mode.txt"
  [ "$mode" != off ] && rm -rf "$jdir"
  if [ "$mode" = off ] || [ "$mode" = none ]; then figures "$out/journal-$mode" floor
  else figures "$out/journal-$mode"; fi
done

# Where the cores are, measured: the round trip between every pair (a sample past about
# 200 cores), 60 s at most; scripts/plot.py draws it as a heatmap.
map_budget=60
[ $quick -eq 1 ] && map_budget=5
"$swlab" machine --matrix --budget "$map_budget" --out "$out/core-map.json" | tee "$out/core-map.txt"
[ $draw -eq 0 ] || /usr/bin/python3 scripts/plot.py "$out/core-map.json" || true

if [ $quick -eq 0 ]; then
  "$swlab" audit --long --threads 2 --durability none --out "$out/audit.json" | tee "$out/audit.txt"
  set +e  # a failing microbenchmark must not cost the others
  # Every single-writer channel side by side, as multiples of the floor of the same run.
  scripts/channel_table.sh "$build" 5 "$out/micro/channels.json" | tee "$out/micro/channels.txt"
  for bm in bm_order_book bm_histogram bm_load_generator bm_request_reply bm_locks bm_false_sharing bm_spin_suspects bm_round_trip_shapes; do
    [ -x "$build/bench/micro/$bm" ] || continue
    echo "== $bm" >&2
    "$build/bench/micro/$bm" --benchmark_out="$out/micro/$bm.json" --benchmark_out_format=json | tee "$out/micro/$bm.txt"
  done
fi
echo "done: $out" >&2
