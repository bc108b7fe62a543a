#!/usr/bin/env bash
# Every claim of the single-writer pattern as an experiment on this machine, with a
# figure and a verdict (docs/claims.md). Each experiment is a `swlab run` or `swlab
# audit` / `swlab replay` invocation: the measurement machinery is swlab's; this script
# only chooses the configurations. scripts/claims.py then reads the results, draws one
# figure per claim and writes claims.md, where every number and every verdict comes
# from the results (nothing is typed in).
#
#   1 contention        threads CPUs and 2x CPUs (--long: also 1) x (balanced, hot-market) x command work
#   2 predictability    the service shape (connections on CPUs workers) and open loop at
#                       50% / 90% of each engine's own measured capacity
#   3 explicit order    swlab audit: the same streams twice, journals replayed
#   4 backpressure      open loop from 0.5x to 4x the single writer's capacity, the three
#                       overload policies and the lock engines at the same offered loads
#   5 recovery          recovery time against journal length, with and without snapshots
#   6 sharding          shards x skew for sharded-single-writer and sharded-mutex
#   7 when not to use   parallel work outside the critical section, and trivial state
#
# usage: scripts/claims.sh [--quick | --long] [--out DIR | --resume DIR] [--build DIR] [--label TEXT]
#   (default)  about 25 s on an idle 2-core machine: 0.1 s runs, one repetition, no
#              floor probe, journals to 10^5
#   --quick    the CI smoke form: the same seven experiments, tiny (about 12 s)
#   --long     the reference form: 1 s runs, 3 repetitions, journals up to 10^7, plot.py
#              commands; the thread, shard and connection grids from the machine's
#              topology (scripts/grids.sh: up to the cores and once past them, at most 8
#              thread and 6 shard counts), so about 25 minutes on an idle 2-core machine
#              and at most about 40 on 64 cores
#   --out DIR  where the results go (default: results/local/claims.<form>.<date>, git-ignored)
#   --build    the build directory holding swlab (default: build/release)
#   --label    describes the machine in the results ("2-vCPU VM, loaded" ...)
#   --resume DIR  finish an interrupted run in DIR (same form): every run that completed
#              there is kept, the rest is measured (the recovery experiment re-runs whole)
# A bad flag is one line on stderr and exit status 2, before any work starts.
set -euo pipefail
# The whole script is one block, so bash has read all of it before it starts: an edit to
# this file while a 40-minute run goes cannot change what the run does next.
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

swlab="$build/swlab"
[ -x "$swlab" ] || die_usage "no swlab binary at $swlab (build it: cmake --preset release && cmake --build --preset release)"
[ -x /usr/bin/python3 ] || die_usage "/usr/bin/python3 is missing"
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
twice=$((2 * cpus))
. scripts/grids.sh
shard_clients=$cpus
shard_args=()
case "$form" in
  quick)
    time_args=(--duration 0.05 --warmup 0.02 --probe 0); reps=1
    threads="1,$cpus"; presets=balanced; works="0 1000"
    contention_engines=mutex,flat-combining,single-writer
    connections="64"; journal_lengths="10000 100000"; shards="1,2"; skews="0 1.2"
    load_factors="0.5 2" ;;
  default)
    time_args=(--duration 0.1 --warmup 0.03 --probe 0); reps=1
    threads="$cpus,$twice"; presets=balanced,hot-market; works="0 1000"
    contention_engines=mutex,spinlock,flat-combining,single-writer
    connections="64 1024"; journal_lengths="10000 100000"; shards="1,2,4"; skews="0 0.99 1.2"
    load_factors="0.5 1 2 4" ;;
  long)
    swlab_grids "$swlab"  # scripts/grids.sh: from the topology
    time_args=(--duration 1 --warmup 0.25); reps=3
    threads="$GRID_THREADS"; presets=balanced,hot-market; works="0 100 1000"
    contention_engines=mutex,rwlock,spinlock,flat-combining,single-writer
    connections="$GRID_CONNECTIONS"; journal_lengths="10000 100000 1000000 10000000"; shards="$GRID_SHARDS"
    shard_clients=$GRID_SHARD_CLIENTS; shard_args=(--markets "$GRID_SHARD_MARKETS"); skews="0 0.99 1.2"
    load_factors="0.5 1 2 4" ;;
esac
common=("${time_args[@]}" --repetitions "$reps" --label "${label:-$cpus-CPU machine}")

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
# The throughput (median over repetitions) of ENGINE in RESULTS at THREADS, PRESET.
capacity() {
  /usr/bin/python3 - "$@" <<'EOF'
import json, statistics, sys
path, engine, threads, preset = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
runs = [r for r in json.load(open(path))["runs"]
        if r["engine"] == engine and r["threads"] == threads and r["preset"] == preset]
print(int(statistics.median(r["summary"]["throughput"] for r in runs)) if runs else 0)
EOF
}

if [ -n "$resume" ]; then
  echo "resumed $(date -u +%Y-%m-%dT%H:%M:%SZ) loadavg $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
else
{
  echo "form $form"
  echo "cpus $cpus"
  echo "started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  "$swlab" machine 2>/dev/null | grep -v '^hw_counters' | sed 's/^/machine /' || true
  # Hardware counters (cycles, instructions, cache misses through perf_event_open):
  # every run records them where the machine exposes them; here, whether it does.
  hw=$("$swlab" machine 2>/dev/null | sed -n 's/^hw_counters *//p')
  case "$hw" in exposed*) echo "hardware_counters yes" ;; *) echo "hardware_counters no" ;; esac
  echo "hardware_counters_detail ${hw:-unknown}"
} >"$out/machine.txt"
fi

# 1. Contention: every engine, threads up to twice the CPUs, command work 0..1000 ns.
progress contention
for w in $works; do
  run "$out/contention-w$w.log" "$swlab" run --engine "$contention_engines" --threads "$threads" \
    --preset "$presets" --work-ns "$w" "${common[@]}" --out "$out/contention-w$w"
done
contention="$out/contention-w0/results.json"
# The single writer with an asynchronous caller: CPUs clients, 16 requests in flight
# each. A lock engine completes each call inline (swlab refuses a window for it), so its
# figures are experiment 1's at the same clients.
run "$out/pipelined.log" "$swlab" run --engine single-writer --threads "$cpus" --window 16 \
  --preset balanced "${common[@]}" --out "$out/pipelined"

# 2. Predictability: the service shape, then open loop at 50% and 90% of each engine's
# own capacity (closed loop, CPUs clients, balanced, from experiment 1).
progress predictability
for c in $connections; do
  run "$out/service-c$c.log" "$swlab" run --mode service --connections "$c" --workers "$cpus" \
    --engine mutex,flat-combining,single-writer "${common[@]}" --out "$out/service-c$c"
done
for e in mutex flat-combining single-writer; do
  cap=$(capacity "$contention" "$e" "$cpus" balanced)
  [ "$cap" -gt 0 ] || { echo "claims.sh: no capacity measured for $e" >&2; exit 1; }
  run "$out/open-$e.log" "$swlab" run --mode open --engine "$e" --threads "$cpus" \
    --rate "$((cap / 2)),$((cap * 9 / 10))" "${common[@]}" --out "$out/open-$e"
done

# 3. Explicit order: the audit (the same streams twice, each journal replayed).
progress "explicit order"
audit_commands=$([ "$form" = long ] && echo 200000 || { [ "$form" = quick ] && echo 5000 || echo 20000; })
run "$out/audit.log" "$swlab" audit --engine single-writer,mutex,flat-combining --threads "$cpus" \
  --commands "$audit_commands" --durability none --out "$out/audit.json"
cp "$out/audit.log" "$out/audit.txt"

# 4. Backpressure: offered loads from 0.5x to 4x the single writer's capacity at CPUs
# open-loop clients; the default capacity (far above the window of 1 per client).
progress backpressure
sw_cap=$(capacity "$contention" single-writer "$cpus" balanced)
rates=$(for f in $load_factors; do /usr/bin/python3 -c "print(int($sw_cap * $f))"; done | paste -sd,)
run "$out/backpressure.log" "$swlab" run --mode open --threads "$cpus" --rate "$rates" \
  --engine single-writer:overload=block,single-writer:overload=reject,single-writer:overload=priority,mutex,flat-combining \
  "${common[@]}" --out "$out/backpressure"

# 5. Recovery: journals of N commands (durability none: the journal's length is the
# variable, not the disk's sync), replayed whole and from the latest snapshot.
progress recovery
jdir=$(mktemp -d /tmp/swlab-claims-journal.XXXXXX)
trap 'rm -rf "$jdir"' EXIT
echo "commands snapshot_every replay_s records_replayed" >"$out/recovery.txt"
for n in $journal_lengths; do
  for snap in 0 $((n / 10)); do
    d="$jdir/n$n.s$snap"
    snap_args=()
    [ "$snap" -gt 0 ] && snap_args=(--snapshot-every "$snap")
    run_fresh "$out/recovery-n$n-s$snap.log" "$swlab" run --engine single-writer --threads 1 --commands "$n" \
      --warmup-commands 0 --probe 0 --interval 10 --journal "$d" --durability none "${snap_args[@]}" --label "${label:-$cpus-CPU machine}" \
      --out "$out/recovery-runs/n$n.s$snap"
    rundir=$(find "$d" -mindepth 1 -maxdepth 1 -type d | head -1)
    [ -n "$rundir" ] || { echo "claims.sh: no journal written under $d" >&2; exit 1; }
    replay_args=(--dir "$rundir")
    [ "$snap" -gt 0 ] || replay_args+=(--no-snapshot)
    start=$(date +%s%N)
    "$swlab" replay "${replay_args[@]}" >"$out/recovery-n$n-s$snap.replay.txt" 2>&1 ||
      { echo "claims.sh: replay of $rundir failed" >&2; tail -3 "$out/recovery-n$n-s$snap.replay.txt" >&2; exit 1; }
    end=$(date +%s%N)
    replayed=$(sed -n 's/^journal .* \([0-9]*\) records replayed/\1/p' "$out/recovery-n$n-s$snap.replay.txt")
    echo "$n $snap $(/usr/bin/python3 -c "print(($end - $start) / 1e9)") ${replayed:-0}" >>"$out/recovery.txt"
    rm -rf "$d"
  done
done

# 6. Sharding: shard counts x market skew, the sharded single writer against sharded
# mutexes, CPUs clients (--long: half the cores, so shards and clients each have a core).
progress sharding
for z in $skews; do
  specs=$(for s in ${shards//,/ }; do printf 'sharded-single-writer:shards=%s,sharded-mutex:shards=%s,' "$s" "$s"; done)
  run "$out/sharding-z$z.log" "$swlab" run --engine "${specs%,}" --threads "$shard_clients" --zipf "$z" \
    "${shard_args[@]}" "${common[@]}" --out "$out/sharding-z$z"
done

# 7. When not to use it: the work in the clients (outside any critical section), and
# trivial state with no work at all (experiment 1's work 0 covers that one).
progress "when not to use it"
run "$out/parallel.log" "$swlab" run --engine mutex,flat-combining,single-writer,sharded-mutex \
  --threads "$threads" --parallel-work-ns 1000 "${common[@]}" --out "$out/parallel"

# Every set's own figures (plot.py; the long form only: on 2 cores they take longer than
# the short forms' measurements), then the claims page with one figure per claim.
for d in "$out"/*/; do
  [ "$form" = long ] || break
  [ -f "$d/results.json" ] || continue
  /usr/bin/python3 scripts/plot.py "$d/results.json" >/dev/null 2>&1 || true
done
/usr/bin/python3 scripts/claims.py "$out" --form "$form"
rm -f "$out"/*.log.ok
echo "claims: $out/claims.md ($(( $(date +%s) - t0 )) s)" >&2
exit 0
}
