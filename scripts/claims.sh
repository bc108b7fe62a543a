#!/usr/bin/env bash
# Every claim of the single-writer pattern as an experiment on this machine, with a figure
# and a verdict by a rule stated before the data (docs/claims.md). Each experiment is a
# `swlab run`, `swlab audit` or `swlab replay` invocation: the measurement machinery is
# swlab's; this script only chooses the configurations. scripts/claims.py then reads the
# results, checks each claim's precondition and writes claims.md, where every number and
# every verdict comes from the results (nothing is typed in).
#
#   1 contention        closed loop, clients 2, CPUs-1, 2xCPUs: the lock engines and the
#                       single writer (and with 16 requests in flight); control: a lock
#                       with an injected 2 us convoy
#   2 predictability    the service shape, 1,024 connections (--long: also 64) on
#                       W = max(1, CPUs-1) workers; open loop at 50% of each engine's own
#                       capacity
#   3 explicit order    throughput with a journal over without, 1 client, blocks of the
#                       two back to back; swlab audit; control: durability always vs none
#   4 backpressure      the service shape, 1,024 (--long: also 4,096) connections on W
#                       workers offered 4x the single writer's capacity, capacity 64 with
#                       reject / priority / block, the lock engines; control: an unbounded
#                       queue
#   5 recovery          journals of 10^4.. commands replayed whole and from a snapshot;
#                       the snapshots' pause, blocks with and without snapshots
#   6 sharding          shards 1, 2, 4.. at CPUs/2 clients; the 1 -> 2 shard step by wait
#                       policy and client count
#   7 when not to use   1,000 ns of work in the clients, and no work, at 1..CPUs clients
#
# Every comparison runs as blocks (--order interleaved: every configuration once per round)
# and every run lasts at least 30 time-series intervals after its warm-up.
#
# usage: scripts/claims.sh [--quick | --long] [--out DIR | --resume DIR] [--build DIR] [--label TEXT]
#   (default)  about 30 s on an idle 2-core machine: 0.07 s runs at 2 ms intervals, 3
#              blocks, no floor probe, journals to 10^5
#   --quick    the CI smoke form: 0.04 s runs at 1 ms intervals, 2 blocks (about 20 s)
#   --long     the reference form: 1 s runs at 25 ms intervals, 9 blocks, a floor probe per
#              run, journals to 10^7 (about 35 minutes on 2 cores); the
#              client, worker, shard and connection grids from the machine's topology
#              (scripts/grids.sh: up to the cores and once past them)
#   --out DIR  where the results go (default: results/local/claims.<form>.<date>, git-ignored)
#   --build    the build directory holding swlab (default: build/release)
#   --label    describes the machine in the results ("2-vCPU VM, loaded" ...)
#   --resume DIR  finish an interrupted run in DIR (same form): every run that completed
#              there is kept, the rest is measured (the recovery experiment re-runs whole)
# The positive controls that inject a busy delay into a lock (--inject-ns) are skipped,
# with a note on the page, when the swlab binary has no such flag.
# A bad flag is one line on stderr and exit status 2, before any work starts.
set -euo pipefail
# The whole script is one block, so bash has read all of it before it starts: an edit to
# this file while a 35-minute run goes cannot change what the run does next.
{
cd "$(dirname "$0")/.."

die_usage() {
  echo "claims.sh: $1 (usage: scripts/claims.sh [--quick | --long] [--out DIR | --resume DIR] [--build DIR] [--label TEXT])" >&2
  exit 2
}

form=default
out=
resume=
build=build/release
label=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) [ "$form" = default ] || die_usage "--quick and --long exclude each other"; form=quick ;;
    --long) [ "$form" = default ] || die_usage "--quick and --long exclude each other"; form=long ;;
    --out|--build|--label|--resume)
      [ $# -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"
      case "$1" in --out) out=$2 ;; --build) build=$2 ;; --label) label=$2 ;; --resume) resume=$2 ;; esac
      shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die_usage "unknown argument '$1'" ;;
  esac
  shift
done

. scripts/prerequisites.sh
problem=$(swlab_prerequisite_problem "$build")
[ -z "$problem" ] || die_usage "$problem"
swlab="$build/swlab"
if [ -n "$resume" ]; then
  [ -z "$out" ] || die_usage "--resume and --out exclude each other"
  [ -f "$resume/machine.txt" ] || die_usage "--resume $resume: not a claims.sh directory (no machine.txt)"
  [ "$(sed -n 's/^form //p' "$resume/machine.txt")" = "$form" ] ||
    die_usage "--resume $resume: it holds the $(sed -n 's/^form //p' "$resume/machine.txt") form, not $form"
  out=$resume
else
  [ -n "$out" ] || out="results/local/claims.$form.$(date -u +%Y%m%dT%H%M%SZ)"
  if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then die_usage "--out $out exists and is not empty"; fi
  mkdir -p "$out" 2>/dev/null || die_usage "--out $out: cannot create it"
  [ -w "$out" ] || die_usage "--out $out: not writable"
fi

cpus=$(nproc)
workers=$((cpus > 1 ? cpus - 1 : 1))     # W workers + the engine thread fit the CPUs
shard_clients=$((cpus > 1 ? cpus / 2 : 1))
# Unique, ascending, comma-separated.
list() { printf '%s\n' "$@" | sort -nu | paste -sd,; }
# Client counts: 2, CPUs-1 (when at least 2) and 2xCPUs (contention); 1, 2, powers of two,
# CPUs-1 and CPUs (when not to use it).
contention_clients=$(list 2 $((cpus - 1 >= 2 ? cpus - 1 : 2)) $((2 * cpus)))
upto_cpus=$(list 1 $((cpus >= 2 ? 2 : 1)) $(for ((p = 4; p < cpus; p *= 2)); do echo $p; done) $((cpus - 1 >= 1 ? cpus - 1 : 1)) "$cpus")
doubling() { local p; for ((p = 1; p <= $1; p *= 2)); do echo $p; done; }
. scripts/grids.sh
shard_args=()
case "$form" in
  quick)
    time_args=(--duration 0.04 --warmup 0.02 --interval 1 --probe 0); reps=2
    presets=balanced; locks=mutex,flat-combining; late_locks=mutex,flat-combining
    service_connections="1024"; backpressure_connections="1024"; open_shares="50"
    journal_lengths="10000 100000"; pause_length=100000; audit_commands=5000
    shards=$(list 1 2); skews=""; spinning=busy-spin ;;
  default)
    time_args=(--duration 0.07 --warmup 0.02 --interval 2 --probe 0); reps=3
    presets=balanced; locks=mutex,spinlock,flat-combining; late_locks=mutex,flat-combining
    service_connections="1024"; backpressure_connections="1024"; open_shares="50"
    journal_lengths="10000 100000"; pause_length=100000; audit_commands=10000
    shards=$(list $(doubling $((shard_clients > 2 ? shard_clients : 2)))); skews=""; spinning=busy-spin ;;
  long)
    time_args=(--duration 1 --warmup 0.25 --interval 25 --probe 0.1); reps=9
    presets=balanced,hot-market; locks=mutex,rwlock,spinlock,flat-combining; late_locks=mutex,spinlock,flat-combining
    service_connections="64 1024"; backpressure_connections="1024 4096"; open_shares="50 90"
    journal_lengths="10000 100000 1000000 10000000"; pause_length=1000000; audit_commands=200000
    shards=$(list $(doubling $((cpus > 4 ? cpus : 4)))); skews="1.2"; spinning="spin-yield busy-spin"
    swlab_grids "$swlab"  # scripts/grids.sh: the grids from the topology
    workers=$GRID_ENGINE_CLIENTS; shard_clients=$GRID_SHARD_CLIENTS; shards=$GRID_SHARDS
    shard_args=(--markets "$GRID_SHARD_MARKETS"); service_connections=$GRID_CONNECTIONS
    contention_clients=$(list 2 "$GRID_ENGINE_CLIENTS" $((2 * GRID_CPUS))) ;;
esac
machine_label=${label:-$cpus-CPU machine}
# Blocks: every configuration of a comparison once per round, `reps` rounds.
common=("${time_args[@]}" --repetitions "$reps" --order interleaved --label "$machine_label")
once=("${time_args[@]}" --repetitions 1 --label "$machine_label")
# The positive controls inject a busy delay inside a lock (a convoy): only where swlab has it.
if "$swlab" run --help 2>/dev/null | grep -q -- '--inject-ns'; then inject=yes; else inject=no; fi
convoy() { [ "$inject" = yes ] && printf ',mutex:inject-ns=2000' || true; }
[ "$inject" = yes ] || echo "claims.sh: this swlab has no --inject-ns: the injected convoy controls are skipped" >&2

# Progress: the step, the time so far and, once a step has run, an estimate of the rest
# from the mean step time (the steps are of similar size by construction).
steps=7
step=0
t0=$(date +%s)
progress() {
  step=$((step + 1))
  local now elapsed eta=""
  now=$(date +%s); elapsed=$((now - t0))
  [ "$step" -gt 1 ] && eta=", about $(((elapsed * (steps - step + 1)) / (step - 1))) s left"
  printf '[%d/%d] %-18s %3d s elapsed%s\n' "$step" "$steps" "$1" "$elapsed" "$eta" >&2
}
# A run's output goes to a log beside its results; on failure, the log's tail is shown.
# With --resume, a run whose log was marked complete (LOG.ok) is kept, not repeated.
run() {
  local log=$1
  if [ -n "$resume" ] && [ -f "$log.ok" ]; then
    echo "    kept from the interrupted run: ${log#"$out"/}" >&2
    return 0
  fi
  run_fresh "$@"
  : >"$log.ok"
}
run_fresh() {
  local log=$1; shift
  if [ -n "$resume" ]; then  # a run the interruption cut short left its --out behind
    local prev=
    for a in "$@"; do
      [ "$prev" = --out ] && rm -rf "$a"
      prev=$a
    done
  fi
  if ! "$@" >"$log" 2>&1; then
    echo "claims.sh: failed: $*" >&2
    tail -5 "$log" >&2
    exit 1
  fi
}
# The throughput (median over repetitions) of ENGINE in RESULTS at THREADS.
capacity() {
  /usr/bin/python3 - "$@" <<'EOF'
import json, statistics, sys
path, engine, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [r for r in json.load(open(path))["runs"]
        if r["engine"] == engine and r["threads"] == threads and not r.get("failed")]
print(int(statistics.median(r["summary"]["throughput"] for r in runs)) if runs else 0)
EOF
}
jdir=$(mktemp -d /tmp/swlab-claims-journal.XXXXXX)
trap 'rm -rf "$jdir"' EXIT

if [ -n "$resume" ]; then
  echo "resumed $(date -u +%Y-%m-%dT%H:%M:%SZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
else
{
  echo "form $form"
  echo "cpus $cpus"
  echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "inject $inject"
  "$swlab" machine 2>/dev/null | grep -v '^hw_counters' | sed 's/^/machine /' || true
  # Hardware counters (cycles, instructions, cache misses through perf_event_open):
  # every run records them where the machine exposes them; here, whether it does.
  hw=$("$swlab" machine 2>/dev/null | sed -n 's/^hw_counters *//p')
  case "$hw" in exposed*) echo "hardware_counters yes" ;; *) echo "hardware_counters no" ;; esac
  echo "hardware_counters_detail ${hw:-unknown}"
} >"$out/machine.txt"
fi

# 1. Contention: the lock engines and the single writer, closed loop, as blocks; the
# control: a mutex whose critical section holds an injected 2 us (a convoy must form).
contention() {
  run "$out/contention-w0.log" "$swlab" run --engine "$locks,single-writer$(convoy)" \
    --threads "$contention_clients" --preset "$presets" "${common[@]}" --out "$out/contention-w0"
  # The single writer with asynchronous callers (16 in flight each): a lock engine
  # completes each call inline (swlab refuses a window for it), so a set of its own.
  run "$out/pipelined.log" "$swlab" run --engine single-writer --threads "$contention_clients" --window 16 \
    --preset balanced "${common[@]}" --out "$out/pipelined"
}

# 2. Predictability: the service shape on W workers (W + the engine thread fit the CPUs),
# then open loop at a share of each engine's own closed-loop capacity at W clients.
predictability() {
  local c e cap rates
  for c in $service_connections; do
    run "$out/service-c$c.log" "$swlab" run --mode service --connections "$c" --workers "$workers" \
      --engine "mutex,flat-combining,single-writer$(convoy)" "${common[@]}" --out "$out/service-c$c"
  done
  run "$out/capacity.log" "$swlab" run --engine mutex,flat-combining,single-writer --threads "$workers" \
    "${once[@]}" --out "$out/capacity"
  for e in mutex flat-combining single-writer; do
    cap=$(capacity "$out/capacity/results.json" "$e" "$workers")
    [ "$cap" -gt 0 ] || { echo "claims.sh: no capacity measured for $e" >&2; exit 1; }
    rates=$(for s in $open_shares; do echo $((cap * s / 100)); done | paste -sd,)
    run "$out/open-$e.log" "$swlab" run --mode open --engine "$e" --threads "$workers" --rate "$rates" \
      "${common[@]}" --out "$out/open-$e"
  done
}

# 3. Explicit order: each block is the engines without a journal and with one, back to
# back (--journal is one setting for a whole invocation), the first alternating; the audit;
# the control: an fdatasync per command against none, the same engine (10 accounts per
# market: funding each account is a command, and with `always` each costs a sync).
order() {
  local k half journal
  run "$out/audit.log" "$swlab" audit --engine single-writer,mutex,flat-combining --threads "$cpus" \
    --commands "$audit_commands" --durability none --dir "$jdir/audit" --out "$out/audit.json"
  cp "$out/audit.log" "$out/audit.txt"
  rm -rf "$jdir/audit"
  for ((k = 0; k < reps; k++)); do
    for half in $([ $((k % 2)) -eq 0 ] && echo "plain journal" || echo "journal plain"); do
      journal=(); [ "$half" = plain ] || journal=(--journal "$jdir/order" --durability none)
      run "$out/order-$half-r$k.log" "$swlab" run --engine single-writer,mutex,flat-combining --threads 1 \
        "${journal[@]}" "${once[@]}" --out "$out/order-$half-r$k"
      rm -rf "$jdir/order"
    done
  done
  run "$out/order-control.log" "$swlab" run --engine single-writer,single-writer:durability=always --threads 1 \
    --accounts 10 --journal "$jdir/control" --durability none "${common[@]}" --out "$out/order-control"
  rm -rf "$jdir/control"
}

# 4. Backpressure: thousands of connections on W workers against a queue of 64: reject,
# priority and block, the lock engines, and the control, an unbounded queue. Each connection
# thinks between requests so that every engine is offered the same load, 4x the single
# writer's own capacity in this shape (experiment 2, 1,024 connections): a rejected request
# is answered at once, and without a pause its connection would send the next one at once,
# a retry storm that measures the worker's loop rather than the queue.
backpressure() {
  local c think cap bounded=capacity=64
  cap=$(capacity "$out/service-c1024/results.json" single-writer "$workers")
  [ "$cap" -gt 0 ] || { echo "claims.sh: no service-shape capacity measured for single-writer" >&2; exit 1; }
  for c in $backpressure_connections; do
    think=$((c * 1000000000 / (4 * cap)))
    run "$out/backpressure-c$c.log" "$swlab" run --mode service --connections "$c" --workers "$workers" --think "$think" \
      --engine "single-writer:overload=reject:$bounded,single-writer:overload=priority:$bounded,single-writer:overload=block:$bounded,mutex,flat-combining,single-writer:overload=block:capacity=1048576" \
      "${common[@]}" --out "$out/backpressure-c$c"
  done
}

# 5. Recovery (durability none: the journal's length is the variable, not the disk's sync).
# One journaled run of N commands, with snapshots every N/10 or without; each appends
# `run N SNAP K 0 0 SNAPSHOTS_LEFT` to recovery.txt and leaves its journal in $jdir/J.
journaled() {
  local n=$1 snap=$2 name=$3 j=$4 snap_args=()
  [ "$snap" -gt 0 ] && snap_args=(--snapshot-every "$snap")
  rm -rf "$j"
  run_fresh "$out/recovery-$name.log" "$swlab" run --engine single-writer --threads 1 --commands "$n" \
    --warmup-commands 0 --probe 0 --interval 10 --journal "$j" --durability none "${snap_args[@]}" \
    --label "$machine_label" --out "$out/recovery-runs/$name"
  echo "run $n $snap ${name##*.r} 0 0 $(find "$j" -name 'snapshot-*.sws' | wc -l)" >>"$out/recovery.txt"
}
# Replays the journal in J (whole, or from its latest snapshot) and appends
# `replay N SNAP K SECONDS RECORDS LOADED`.
replayed() {
  local j=$1 n=$2 snap=$3 k=$4 rundir args start end text
  rundir=$(find "$j" -mindepth 1 -maxdepth 1 -type d | head -1)
  [ -n "$rundir" ] || { echo "claims.sh: no journal written under $j" >&2; exit 1; }
  args=(--dir "$rundir"); [ "$snap" -gt 0 ] || args+=(--no-snapshot)
  text="$out/recovery-n$n-s$snap-r$k.replay.txt"
  start=$(date +%s%N)
  "$swlab" replay "${args[@]}" >"$text" 2>&1 ||
    { echo "claims.sh: replay of $rundir failed" >&2; tail -3 "$text" >&2; exit 1; }
  end=$(date +%s%N)
  echo "replay $n $snap $k $(/usr/bin/python3 -c "print(($end - $start) / 1e9)")" \
    "$(sed -n 's/^journal .* \([0-9]*\) records replayed/\1/p' "$text" | head -1 | grep . || echo 0)" \
    "$(grep -q '^snapshot *snapshot-' "$text" && echo 1 || echo 0)" >>"$out/recovery.txt"
}
recovery() {
  local n k snap n_max every first blocks
  rm -rf "$out/recovery-runs" "$out"/recovery-*.log "$out"/recovery-*.replay.txt
  echo "kind commands snapshot_every repetition seconds records snapshots" >"$out/recovery.txt"
  n_max=$(printf '%s\n' $journal_lengths | sort -n | tail -1)
  every=$((pause_length / 10))
  # The snapshots' pause: blocks of the run without and the run with snapshots, the first
  # alternating; block 0's snapshotted journal is kept when it is a length below.
  for ((k = 0; k < reps; k++)); do
    for snap in $([ $((k % 2)) -eq 0 ] && echo "0 $every" || echo "$every 0"); do
      journaled "$pause_length" "$snap" "p$pause_length.s$snap.r$k" "$jdir/p.s$snap.r$k"
    done
    rm -rf "$jdir/p.s0.r$k"; [ "$k" -eq 0 ] || rm -rf "$jdir/p.s$every.r$k"
  done
  for n in $journal_lengths; do
    if [ "$n" -eq "$pause_length" ]; then mv "$jdir/p.s$every.r0" "$jdir/n$n"
    else journaled "$n" $((n / 10)) "n$n.s$((n / 10)).r0" "$jdir/n$n"; fi
    # The longest journal: replay blocks (whole and from the snapshot, the first
    # alternating); the others once each way, for the figure.
    blocks=1; [ "$n" -ne "$n_max" ] || blocks=$reps
    for ((k = 0; k < blocks; k++)); do
      first=$([ $((k % 2)) -eq 0 ] && echo 0 || echo 1)
      for snap in $([ "$first" -eq 0 ] && echo "0 $((n / 10))" || echo "$((n / 10)) 0"); do
        replayed "$jdir/n$n" "$n" "$snap" "$k"
      done
    done
    rm -rf "$jdir/n$n"
  done
}

# 6. Sharding: shard counts at CPUs/2 clients (so k shards + the clients fit the CPUs up to
# k = CPUs/2) and twice that; the 1 -> 2 shard step with the shard threads blocking and
# spinning (--long: and yielding); skew (--long).
sharding() {
  local specs z k waits
  specs=$(for k in ${shards//,/ }; do printf 'sharded-single-writer:shards=%s,sharded-mutex:shards=%s,' "$k" "$k"; done)
  waits=$(for w in $spinning; do printf ',sharded-single-writer:shards=2:wait=%s' "$w"; done)
  run "$out/sharding.log" "$swlab" run --engine "${specs%,}$waits" \
    --threads "$(list "$shard_clients" $((2 * shard_clients)))" --zipf 0 "${shard_args[@]}" "${common[@]}" --out "$out/sharding"
  for z in $skews; do
    run "$out/sharding-z$z.log" "$swlab" run --engine "${specs%,}" --threads "$shard_clients" --zipf "$z" \
      "${shard_args[@]}" "${common[@]}" --out "$out/sharding-z$z"
  done
}

# 7. When not to use it: its own experiment, the work in the clients (outside any critical
# section) and trivial state (no work), 1..CPUs clients.
not_to_use() {
  local work
  for work in 1000 0; do
    run "$out/not-to-use-p$work.log" "$swlab" run --engine "$late_locks,single-writer" --threads "$upto_cpus" \
      --parallel-work-ns "$work" "${common[@]}" --out "$out/not-to-use-p$work"
  done
}

progress contention; contention
progress predictability; predictability
progress "explicit order"; order
progress backpressure; backpressure
progress recovery; recovery
progress sharding; sharding
progress "when not to use it"; not_to_use
echo "loadavg_end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# The claims page with one figure per claim, drawn and judged from the whole files. Each
# set's own figures are not drawn here: the page links none of them, and a long set's 35
# sets would draw about 280 (4 MB, most of the 5 MB a committed set may hold); draw any of
# them with `scripts/plot.py DIR/SET/results.full.json --out DIR/SET/figures`.
/usr/bin/python3 scripts/claims.py "$out" --form "$form"
# Small enough to commit (results/README.md): every set, the recovery runs' too, without
# its histograms' buckets, and without the latency per command type and the time series,
# which no claim reads (results.full.json keeps them all, git-ignored); the recovery runs
# keep their series, which claim 5's snapshot pause is read from.
for d in "$out"/*/ "$out"/recovery-runs/*/; do
  [ -f "$d/results.json" ] || continue
  case "$d" in
    "$out"/recovery-runs/*) drop=by_type ;;
    *) drop=by_type,time_series ;;
  esac
  /usr/bin/python3 scripts/slim_results.py --drop "$drop" "$d" >/dev/null || true
done
rm -f "$out"/*.log.ok
echo "claims: $out/claims.md ($(( $(date +%s) - t0 )) s)" >&2
exit 0
}
