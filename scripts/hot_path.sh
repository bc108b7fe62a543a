#!/usr/bin/env bash
# The single-writer hot path against the machine's floor, optionally before and after a
# change: each figure is a ratio to the cross-core ping-pong measured in the same
# invocation, because on a VM the floor itself moves several-fold between minutes.
#
#   bm_request_reply   the ping-pong, the spsc / disruptor channels bare, and the engine's
#                      round trip with one client in five configurations (the default and
#                      the spinning ones)
#   bm_load_generator  the load generator's own cost per command, inside the latencies
#                      (TSC clock) and the clock read alone
#   swlab run          1 client, read-heavy, --clock tsc, 2 repetitions: mutex (the
#                      baseline), the default single-writer and two spinning ones; p50 over
#                      the run's own floor probe
#
# With --against REV the same is measured for a build of REV (a git worktree under
# $TMPDIR), alternating REV and this tree in every round, so that drift hits both alike.
#
# usage: scripts/hot_path.sh [--rounds N] [--against REV] [--out DIR]
#   --rounds N     rounds (default 1: about 40 s; each round runs every binary once)
#   --against REV  also measure REV (built first: a few minutes)
#   --out DIR      where the outputs and summary.md go (default results/local/hot-path.<UTC time>, git-ignored)
# Ctrl-C keeps the rounds already done; the summary covers what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '/^# usage:/,/^# Ctrl-C/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
rounds=1 against= out=
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
    --against) [ $# -ge 2 ] || usage; against=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "hot_path.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
case $rounds in ''|*[!0-9]*|0) echo "hot_path.sh: --rounds must be a whole number from 1, not '$rounds'" >&2; exit 2 ;; esac
if [ -n "$against" ] && ! git rev-parse --verify -q "$against^{commit}" >/dev/null; then
  echo "hot_path.sh: --against '$against' is not a commit here" >&2; exit 2
fi
out=${out:-results/local/hot-path.$(date -u +%Y%m%dT%H%M%SZ)}
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "hot_path.sh: --out $out exists and is not empty" >&2; exit 2
fi

. scripts/deps.sh
swlab_ensure_deps
targets=(bm_request_reply bm_load_generator swlab)
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target "${targets[@]}" >&2
here=$(git describe --always --dirty --abbrev=7)
variants=("new:build/release:$here")
if [ -n "$against" ]; then
  wt=$(mktemp -d "${TMPDIR:-/tmp}/swlab-hot-path.XXXXXX")
  trap 'git worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
  git worktree add -q --detach "$wt" "$against"
  echo "building $against in $wt" >&2
  (cd "$wt" && cmake --preset release >/dev/null && cmake --build --preset release -j "$(nproc)" --target "${targets[@]}" >&2)
  variants=("old:$wt/build/release:$(git rev-parse --short "$against")" "${variants[@]}")
fi
mkdir -p "$out"
printf '%s\n' "${variants[@]}" > "$out/variants.txt"
echo "host: $(uname -srm); CPUs: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" > "$out/machine.txt"

# The rows of bm_request_reply, each run in an invocation of its own right after its own
# ping-pong: the host moves the vCPUs between placements within seconds, so a row read
# against a floor measured rows earlier can mix the two (hot_path_summary.py places each
# row by its own floor). The channels by name (BM_ChannelRoundTrip/spsc), from the
# engine's list; older commits name them by class (<SpscChannel>), so that --against one
# still finds them.
floor_row='BM_PingPong<SeparateLines>/pin:1/'
rows=(
  'BM_ChannelRoundTrip(/spsc/|<SpscChannel>)'
  'BM_ChannelRoundTrip(/boost-spsc/|<BoostSpscChannel>)'
  'BM_ChannelRoundTrip(/disruptor/|<DisruptorChannel>)'
  'BM_EngineRoundTrip/single-writer/real'
  'BM_EngineRoundTrip/single-writer:channel=spsc:reply=spin:wait=busy-spin/real'
  'BM_EngineRoundTrip/single-writer:channel=disruptor:reply=spin:wait=busy-spin/real'
  'BM_EngineRoundTrip/single-writer:channel=spsc:reply=futex:wait=busy-spin/real'
  'BM_EngineRoundTrip/single-writer:channel=spsc:reply=atomic-wait:wait=busy-spin/real'
)
engines='mutex,single-writer,single-writer:channel=spsc:reply=spin:wait=busy-spin,single-writer:channel=disruptor:reply=spin:wait=busy-spin'

summarize() { /usr/bin/python3 scripts/hot_path_summary.py "$out" > "$out/summary.md" && cat "$out/summary.md"; }
trap 'echo "interrupted: summarising the rounds done" >&2; summarize; exit 130' INT

for ((r = 1; r <= rounds; r++)); do
  for v in "${variants[@]}"; do
    IFS=: read -r name dir commit <<< "$v"
    echo "round $r/$rounds: $name ($commit)" >&2
    for k in "${!rows[@]}"; do
      "$dir/bench/micro/bm_request_reply" --benchmark_filter="$floor_row|${rows[k]}" --benchmark_min_time=0.3 \
        --benchmark_out="$out/rr.$name.$r.$k.json" --benchmark_out_format=json >/dev/null
    done
    "$dir/bench/micro/bm_load_generator" --benchmark_filter='OverheadTsc|ClockRead<TscClock>' \
      --benchmark_out="$out/gen.$name.$r.json" --benchmark_out_format=json >/dev/null
    "$dir/swlab" run --engine "$engines" --threads 1 --preset read-heavy --clock tsc --repetitions 2 \
      --order interleaved --quiet --out "$out/run.$name.$r" --force >/dev/null
    rm -rf "$out/run.$name.$r/hgrm"  # results.json holds the same histograms
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
trap - INT
summarize
