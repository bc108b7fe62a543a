#!/usr/bin/env bash
# The single-writer channels side by side, from one run of bm_request_reply:
#   bare channel round trip      BM_ChannelRoundTrip/C (tokio: the seed's echo)
#   engine round trip, 1 client  BM_EngineRoundTrip/single-writer:channel=C:reply=spin:wait=busy-spin
#   pipelined throughput         BM_EnginePipelined/ the same spec, window 64, batch 64
#   channel throughput           BM_ChannelThroughput/C/2: two producers, one consumer
# each round trip also as a multiple of the cross-core ping-pong floor
# (BM_PingPong<SeparateLines>/pin:0) measured in the same run. Benchmarks run
# REPETITIONS times, randomly interleaved, so that a burst of outside load or a
# vCPU migration (which moves the floor several-fold on a VM) hits every row alike;
# the table gives medians. Run it on an otherwise idle machine. The channels, and
# their order, are the binary's own (its BM_ChannelRoundTrip/<name> benchmarks, from
# the engine's list of channels): a new channel gets a row without an edit here.
#
# usage: scripts/channel_table.sh [BUILD_DIR] [REPETITIONS] [OUT_JSON] [MIN_TIME_S]
#   BUILD_DIR defaults to build/release (built here if missing), REPETITIONS to 5,
#   OUT_JSON (the raw Google Benchmark output) to a temporary file, MIN_TIME_S (each
#   timed benchmark's minimum running time) to Google Benchmark's default, 0.5 s; a
#   smaller one makes a quick, noisier table.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
reps=${2:-5}
json=${3:-$(mktemp /tmp/swlab-channel-table.XXXXXX.json)}
min_time=${4:-0.5}
bm="$build/bench/micro/bm_request_reply"
if [ ! -x "$bm" ]; then
  . scripts/deps.sh
  swlab_ensure_deps
  cmake --preset release >/dev/null
  cmake --build --preset release --target bm_request_reply -j "$(nproc)" >&2
fi

spin='reply=spin:wait=busy-spin/'
filter="BM_PingPong<SeparateLines>/pin:0|BM_ChannelRoundTrip/|BM_TokioRoundTripNoParking|BM_TokioOneshotAlone"
filter+="|BM_EngineRoundTrip/single-writer:channel=[a-z-]+:$spin|BM_EngineRoundTrip/single-writer:channel=tokio"
filter+="|BM_EnginePipelined/single-writer:channel=[a-z-]+:$spin|BM_ChannelThroughput/[a-z-]+/2/"
# The channels, in the binary's order (the list's, then the baselines).
channels=$("$bm" --benchmark_list_tests --benchmark_filter='^BM_ChannelRoundTrip/' |
  sed -n 's|^BM_ChannelRoundTrip/\([a-z-]*\)/real_time$|\1|p' | tr '\n' ' ')
[ -n "$channels" ] || { echo "channel_table.sh: $bm lists no BM_ChannelRoundTrip/<channel>" >&2; exit 1; }
echo "bm_request_reply: $reps interleaved repetitions, min time $min_time s -> $json" >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$bm" --benchmark_filter="$filter" --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
  --benchmark_min_time="$min_time" \
  --benchmark_out="$json" --benchmark_out_format=json >&2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$json" "$reps" "$load_before" "$load_after" "$(git describe --always --dirty --abbrev=7)" \
  "$channels" <<'EOF'
import json
import statistics
import sys

path, reps, load_before, load_after, commit, listed = sys.argv[1:7]
doc = json.load(open(path))
runs = {}
for b in doc["benchmarks"]:
    if b.get("run_type") == "iteration":
        runs.setdefault(b["run_name"], []).append(b)


def median_ns(name):
    rs = runs.get(name)
    if not rs:
        return None
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    return statistics.median(r["real_time"] * scale[r["time_unit"]] for r in rs)


def median_rate(name):
    rs = runs.get(name)
    return statistics.median(r["items_per_second"] for r in rs) if rs else None


floor_name = "BM_PingPong<SeparateLines>/pin:0/real_time"
floor = median_ns(floor_name)
if floor is None:
    sys.exit("no ping-pong floor in " + path)
floors = sorted(r["real_time"] for r in runs[floor_name])
ctx = doc["context"]
print(f"## Single-writer channels, one run of bm_request_reply ({commit})")
print()
print(f"{ctx.get('num_cpus')} CPUs at {ctx.get('mhz_per_cpu')} MHz, {ctx.get('date')}; load average "
      f"{load_before} before, {load_after} after. Medians of {reps} randomly interleaved repetitions.")
print(f"Floor: cross-core ping-pong, flags on separate lines, unpinned: **{floor:,.0f} ns** round trip "
      f"(repetitions from {floors[0]:,.0f} to {floors[-1]:,.0f} ns).")
print()

# The engine's channels: those the binary lists that have an engine round trip (the
# baselines have none).
channels = [c for c in listed.split()
            if f"BM_EngineRoundTrip/single-writer:channel={c}:reply=spin:wait=busy-spin/real_time" in runs]


def cell(ns):
    return ("n/a", "") if ns is None else (f"{ns:,.0f} ns", f"{ns / floor:.2f}")


print("| channel | bare round trip | x floor | engine round trip, 1 client | x floor | pipelined engine, window 64 "
      "| channel, 2 producers |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for c in channels:
    spec = f"single-writer:channel={c}:reply=spin:wait=busy-spin"
    bare = median_ns(f"BM_ChannelRoundTrip/{c}/real_time")
    eng = median_ns(f"BM_EngineRoundTrip/{spec}/real_time")
    rate = median_rate(f"BM_EnginePipelined/{spec}/iterations:3/real_time")
    b, bx = cell(bare)
    e, ex = cell(eng)
    tput = median_rate(f"BM_ChannelThroughput/{c}/2/iterations:3/real_time")
    r = "n/a" if rate is None else f"{rate / 1e6:.2f} M/s"
    t = "n/a" if tput is None else f"{tput / 1e6:.2f} M/s"
    print(f"| {c}{' (seed: both sides park)' if c == 'tokio' else ''} | {b} | {bx} | {e} | {ex} | {r} | {t} |")
print()
print("Engine round trip: `reply=spin:wait=busy-spin` for every channel (nobody sleeps); pipelined engine: the "
      "same spec, one client keeping 64 requests in flight, batch 64; channel: the bare channel, two producers "
      "to one consumer (items/s).")

if "tokio" in channels:
    print()
    print("tokio, where the time goes (same run):")
    print()
    print("| what | round trip | x floor |")
    print("| --- | ---: | ---: |")
    rows = [
        ("bare, the seed: blocking_send, the task awaits recv(), blocking_recv", "BM_ChannelRoundTrip/tokio/real_time"),
        ("bare, nobody parks: try_send, the task polls try_recv, the caller polls the oneshot", "BM_TokioRoundTripNoParking/real_time"),
        ("a oneshot alone: made, sent and received on one thread", "BM_TokioOneshotAlone"),
        ("engine, nobody parks (reply=spin, wait=busy-spin)", "BM_EngineRoundTrip/single-writer:channel=tokio:reply=spin:wait=busy-spin/real_time"),
        ("engine, the caller parks in blocking_recv (reply=futex, wait=busy-spin)", "BM_EngineRoundTrip/single-writer:channel=tokio:reply=futex:wait=busy-spin/real_time"),
        ("engine, the seed's shape: the engine task sleeps in recv().await too (channel=tokio defaults)", "BM_EngineRoundTrip/single-writer:channel=tokio/real_time"),
    ]
    for label, name in rows:
        v, x = cell(median_ns(name))
        print(f"| {label} | {v} | {x} |")
EOF
