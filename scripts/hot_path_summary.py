"""Summarises a scripts/hot_path.sh directory: every figure as a ratio to the ping-pong
floor of the same invocation, as a range over the rounds, per variant (old/new)."""
import glob
import json
import os
import re
import sys


def ranges(values, fmt):
    if not values:
        return ""
    lo, hi = fmt(min(values)), fmt(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def main(out):
    variants = [line.strip().split(":") for line in open(os.path.join(out, "variants.txt")) if line.strip()]
    names = [v[0] for v in variants]
    commits = {v[0]: v[2] for v in variants}
    rr = {}        # (variant, benchmark) -> [ratio]
    floors = {}    # variant -> [ns]
    gen = {}       # (variant, what) -> [ns]
    runs = {}      # (variant, engine) -> [(p50, floor)]
    for name in names:
        for path in sorted(glob.glob(os.path.join(out, f"rr.{name}.*.json"))):
            bms = {b["name"].replace("/real_time", ""): b["real_time"]
                   for b in json.load(open(path))["benchmarks"] if b.get("run_type", "iteration") == "iteration"}
            floor = bms.get("BM_PingPong<SeparateLines>/pin:1")
            if not floor:
                continue
            floors.setdefault(name, []).append(floor)
            for k, ns in bms.items():
                if "PingPong" not in k:
                    rr.setdefault((name, k), []).append(ns / floor)
        for path in sorted(glob.glob(os.path.join(out, f"gen.{name}.*.json"))):
            for b in json.load(open(path))["benchmarks"]:
                if "in_latency" in b:
                    gen.setdefault((name, "in_latency"), []).append(b["in_latency"] * 1e9)
                elif "ClockRead" in b["name"]:
                    gen.setdefault((name, "clock"), []).append(b["real_time"])
        for path in sorted(glob.glob(os.path.join(out, f"run.{name}.*", "results.json"))):
            for r in json.load(open(path))["runs"]:
                runs.setdefault((name, r["engine"]), []).append(
                    (r["summary"]["latency_ns"]["p50"], r["floor"]["before"]["p50_ns"]))
    print(f"# The hot path against the floor ({out})\n")
    print(open(os.path.join(out, "machine.txt")).read().strip().replace("\n", "; ") + "\n")
    print("Variants: " + ", ".join(f"{n} = {commits[n]}" for n in names) + ". Every ratio is to the cross-core "
          "ping-pong of the same invocation; ranges are over the rounds.\n")
    print("| bm_request_reply | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    print("| ping-pong floor, ns | " + " | ".join(ranges(floors.get(n, []), lambda x: f"{x:.0f}") for n in names) + " |")
    benches = sorted({k for (_, k) in rr}, key=lambda k: (not k.startswith("BM_Channel"), k))
    for k in benches:
        label = re.sub(r"^BM_(ChannelRoundTrip|EngineRoundTrip)/?", lambda m: "channel " if "Channel" in m.group(1) else "engine ", k)
        print(f"| {label} | " + " | ".join(ranges(rr.get((n, k), []), lambda x: f"{x:.2f}x") for n in names) + " |")
    print("\n| bm_load_generator (TSC clock), ns | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for what, label in (("in_latency", "generator cost inside each latency"), ("clock", "one clock read")):
        print(f"| {label} | " + " | ".join(ranges(gen.get((n, what), []), lambda x: f"{x:.1f}") for n in names) + " |")
    print("\n| swlab run, 1 client, read-heavy: p50 / floor (p50 ns) | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for engine in sorted({e for (_, e) in runs}, key=lambda e: (e != "mutex", e != "single-writer", e)):
        cells = []
        for n in names:
            xs = runs.get((n, engine), [])
            cells.append(f"{ranges([p / f for p, f in xs], lambda x: f'{x:.2f}x')} ({ranges([p for p, _ in xs], str)})" if xs else "")
        print(f"| {engine} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isfile(os.path.join(sys.argv[1], "variants.txt")):
        print("usage: hot_path_summary.py DIR (a directory written by scripts/hot_path.sh)", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
