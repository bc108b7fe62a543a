#!/usr/bin/env bash
# How often scripts/compare.py is right on this machine: its false-positive rate (A against
# A: the same build and configuration measured twice) and its power (A against A + delta: the
# same with a known slowdown, a busy delay of N ns inside the engine's critical section,
# --inject-ns). delta is 2%, 5% and 10% of the p50 round trip (read by compare.py's p50) and
# of the time per command at the measured throughput (read by its throughput), N sized from a
# calibration run. Each trial measures A twice and each A + delta once, as separate sets in a
# shuffled order; scripts/power_table.py then runs compare.py's own comparison on the pairs and
# gives, per comparison and metric, how many trials compare.py called significant
# (Holm-corrected, at alpha 0.05), that rate with its 95% Wilson interval, the median measured
# ratio and the median minimum detectable effect compare.py printed (power.txt, power.json).
# docs/methodology.md ("How often compare.py is right") says how to read it.
#
# usage: scripts/power.sh [--quick | --long] [--trials N] [--repetitions R] [--engine SPEC]
#                         [--out DIR] [--build DIR]
#   (default)      2 trials, 9 repetitions of 0.05 s per set (about 40 s on 2 cores): shows
#                  the machinery works; 2 trials' intervals are too wide to conclude from
#   --quick        15 trials, 9 repetitions of 0.05 s (under 5 minutes on 2 idle cores)
#   --long         40 trials, 9 repetitions of 0.1 s (about 12 minutes on 2 cores)
#   --trials N     trials (each: A twice, and A + delta for the six deltas)
#   --repetitions R  repetitions per set (default 9: what the reference and claims sets use;
#                  at swlab sweep's default of 3, compare.py cannot reach p < 0.05 at all)
#   --engine SPEC  the configuration measured (default mutex, 1 client, closed loop)
#   --out DIR      where the sets and power.txt / power.json go (default:
#                  results/local/power.<form>.<date>, git-ignored)
#   --build DIR    the build directory holding swlab (default: build/release)
# Without --inject-ns in swlab, only A against A is measured (the false-positive rate), and
# the table says so. A bad flag is one line on stderr and exit status 2, before any work.
set -euo pipefail
{
cd "$(dirname "$0")/.."
die_usage() {
  echo "power.sh: $1 (usage: scripts/power.sh [--quick | --long] [--trials N] [--repetitions R] [--engine SPEC] [--out DIR] [--build DIR])" >&2
  exit 2
}
form=default
trials=
reps=9
engine=mutex
out=
build=build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) form=quick ;;
    --long) form=long ;;
    --trials|--repetitions|--engine|--out|--build)
      [ $# -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"
      case "$1" in
        --trials) [[ "$2" =~ ^[1-9][0-9]{0,3}$ ]] || die_usage "--trials takes 1 to 9999, not '$2'"; trials=$2 ;;
        --repetitions) [[ "$2" =~ ^[1-9][0-9]{0,2}$ ]] && [ "$2" -ge 2 ] ||
          die_usage "--repetitions takes 2 to 999, not '$2'"; reps=$2 ;;
        --engine) [[ "$2" =~ ^[a-z][a-z0-9:=.-]*$ ]] || die_usage "--engine takes one engine spec, not '$2'"; engine=$2 ;;
        --out) out=$2 ;;
        --build) build=$2 ;;
      esac
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
case "$form" in
  default) trials=${trials:-2}; shape=(--duration 0.05 --warmup 0.02 --interval 1 --probe 0) ;;
  quick) trials=${trials:-15}; shape=(--duration 0.05 --warmup 0.02 --interval 1 --probe 0) ;;
  long) trials=${trials:-40}; shape=(--duration 0.1 --warmup 0.03 --interval 3 --probe 0) ;;
esac
[ -n "$out" ] || out="results/local/power.$form.$(date -u +%Y%m%dT%H%M%SZ)"
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then die_usage "--out $out exists and is not empty"; fi
mkdir -p "$out" 2>/dev/null || die_usage "--out $out: cannot create it"
"$swlab" run --engine "$engine" --threads 1 --duration 0.01 --probe 0 --out "$out/check" --quiet >/dev/null 2>&1 ||
  die_usage "--engine $engine: swlab refuses it (see swlab run --help)"
rm -rf "$out/check"
if "$swlab" run --help 2>/dev/null | grep -q -- '--inject-ns'; then inject=yes; else inject=no; fi

measure() {  # measure NAME [EXTRA ARGS...]: one set of `reps` runs of the configuration
  local name=$1; shift
  "$swlab" run --engine "$engine" --threads 1 "${shape[@]}" --repetitions "$reps" --quiet "$@" \
    --out "$out/$name" >"$out/$name.log" 2>&1 ||
    { echo "power.sh: failed: swlab run $* (see $out/$name.log)" >&2; exit 1; }
  rm -rf "$out/$name/hgrm" "$out/$name.log"
}

t0=$(date +%s)
echo "power.sh: calibrating $engine, 1 client ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
measure calibration
read -r p50 per_command < <(/usr/bin/python3 - "$out/calibration/results.json" <<'EOF'
import json, statistics, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if not r.get("failed")]
p50 = statistics.median(r["summary"]["latency_ns"]["p50"] for r in runs)
tput = statistics.median(r["summary"]["throughput"] for r in runs)
print(f"{p50:.0f} {1e9 / tput:.1f}")
EOF
)
# The six slowdowns: N = delta x p50 (latency) and N = delta x the time per command
# (throughput), at least 1 ns.
deltas=()
if [ "$inject" = yes ]; then
  for family in p50 throughput; do
    base=$([ "$family" = p50 ] && echo "$p50" || echo "$per_command")
    for pct in 2 5 10; do
      deltas+=("$family:$pct:$(/usr/bin/python3 -c "print(max(1, round($base * $pct / 100)))")")
    done
  done
else
  echo "power.sh: this swlab has no --inject-ns: only A against A (the false-positive rate) is measured" >&2
fi
RANDOM=20261207  # the sets' order within a trial: shuffled, the same on every run of the script
for ((t = 0; t < trials; t++)); do
  names=("a1" "a2"); for d in "${deltas[@]}"; do names+=("b-$(tr : - <<<"${d%:*}")"); done
  for ((i = ${#names[@]} - 1; i > 0; i--)); do j=$((RANDOM % (i + 1))); x=${names[i]}; names[i]=${names[j]}; names[j]=$x; done
  mkdir -p "$out/trial$t"
  for name in "${names[@]}"; do
    extra=()
    for d in "${deltas[@]}"; do [ "$name" = "b-$(tr : - <<<"${d%:*}")" ] && extra=(--inject-ns "${d##*:}"); done
    measure "trial$t/$name" "${extra[@]}"
  done
  now=$(date +%s)
  printf '[%d/%d] %d s elapsed, about %d s left\n' $((t + 1)) "$trials" $((now - t0)) \
    $(((now - t0) * (trials - t - 1) / (t + 1))) >&2
done

{
  echo "engine $engine"
  echo "repetitions $reps"
  echo "trials $trials"
  echo "p50_ns $p50"
  echo "ns_per_command $per_command"
  echo "inject $inject"
  for d in "${deltas[@]}"; do echo "delta ${d//:/ }"; done
} >"$out/power.cfg"
/usr/bin/python3 scripts/power_table.py "$out"
echo "power: $out/power.txt ($(( $(date +%s) - t0 )) s; load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
exit 0
}
