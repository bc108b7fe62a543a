"""Summarises a scripts/hot_path.sh directory: every figure as a ratio to the ping-pong
floor of the same invocation, as a range over the rounds, per variant (old/new) and, when
the host moved the vCPUs between placements during the rounds, per placement.

The placement of a figure is its floor's: each bm_request_reply file holds one ping-pong
and the rows it ran beside (hot_path.sh runs each row in an invocation of its own, right
after its own ping-pong), and each swlab run records the floor before and after it. The
split into near and far is swlab_stats' rule over every floor of the directory (two modes
when they are 2x apart); a run whose floor moved during it is left out and counted."""
import glob
import json
import os
import re
import sys

import swlab_stats as st


def ranges(values, fmt):
    if not values:
        return ""
    lo, hi = fmt(min(values)), fmt(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def read(out, names):
    """Each figure with its floor: rr (variant, benchmark) -> [(ratio, floor)], floors
    variant -> [ns], gen (variant, what) -> [ns], runs (variant, engine) -> [(p50, before, after)]."""
    rr, floors, gen, runs = {}, {}, {}, {}
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
                    rr.setdefault((name, k), []).append((ns / floor, floor))
        for path in sorted(glob.glob(os.path.join(out, f"gen.{name}.*.json"))):
            for b in json.load(open(path))["benchmarks"]:
                if "in_latency" in b:
                    gen.setdefault((name, "in_latency"), []).append(b["in_latency"] * 1e9)
                elif "ClockRead" in b["name"]:
                    gen.setdefault((name, "clock"), []).append(b["real_time"])
        for path in sorted(glob.glob(os.path.join(out, f"run.{name}.*", "results.json"))):
            for r in json.load(open(path))["runs"]:
                floor = r["floor"]
                runs.setdefault((name, r["engine"]), []).append(
                    (r["summary"]["latency_ns"]["p50"], floor["before"]["p50_ns"],
                     (floor.get("after") or floor["before"])["p50_ns"]))
    return rr, floors, gen, runs


def main(out):
    variants = [line.strip().split(":") for line in open(os.path.join(out, "variants.txt")) if line.strip()]
    names = [v[0] for v in variants]
    commits = {v[0]: v[2] for v in variants}
    rr, floors, gen, runs = read(out, names)
    rule = st.placement_rule([f for fs in floors.values() for f in fs] +
                             [f for xs in runs.values() for _, before, after in xs for f in (before, after)])
    split = rule.modes == 2
    places = (st.NEAR, st.FAR) if split else (st.NEAR,)

    def label(text, place):
        return f"{text}, {place}" if split else text

    print(f"# The hot path against the floor ({out})\n")
    print(open(os.path.join(out, "machine.txt")).read().strip().replace("\n", "; ") + "\n")
    print("Variants: " + ", ".join(f"{n} = {commits[n]}" for n in names) + ". Every ratio is to the cross-core "
          "ping-pong of the same invocation; ranges are over the rounds.", end="")
    if split:
        print(f" The floors fell in two placements (near <= {rule.near_max_ns:.0f} ns, far >= {rule.far_min_ns:.0f} ns):"
              " each figure is in the row of its own floor's, and ranges never mix the two.")
    else:
        print(" The floors fell in one placement.")
    print()
    print("| bm_request_reply | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for place in places:
        cells = [ranges([f for f in floors.get(n, []) if rule.mode_of(f) == place], lambda x: f"{x:.0f}") for n in names]
        if any(cells):
            print(f"| {label('ping-pong floor, ns', place)} | " + " | ".join(cells) + " |")
    benches = sorted({k for (_, k) in rr}, key=lambda k: (not k.startswith("BM_Channel"), k))
    for k in benches:
        text = re.sub(r"^BM_(ChannelRoundTrip|EngineRoundTrip)/?",
                      lambda m: "channel " if "Channel" in m.group(1) else "engine ", k)
        for place in places:
            cells = [ranges([x for x, f in rr.get((n, k), []) if rule.mode_of(f) == place], lambda x: f"{x:.2f}x")
                     for n in names]
            if any(cells):
                print(f"| {label(text, place)} | " + " | ".join(cells) + " |")
    print("\n| bm_load_generator (TSC clock), ns | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for what, text in (("in_latency", "generator cost inside each latency"), ("clock", "one clock read")):
        print(f"| {text} | " + " | ".join(ranges(gen.get((n, what), []), lambda x: f"{x:.1f}") for n in names) + " |")
    print("\n| swlab run, 1 client, read-heavy: p50 / floor (p50 ns) | " + " | ".join(names) + " |")
    print("| --- |" + " --- |" * len(names))
    for engine in sorted({e for (_, e) in runs}, key=lambda e: (e != "mutex", e != "single-writer", e)):
        for place in places:
            cells = []
            for n in names:
                xs = [(p, before) for p, before, after in runs.get((n, engine), [])
                      if st.classify(before, after, rule) == place]
                cells.append(f"{ranges([p / f for p, f in xs], lambda x: f'{x:.2f}x')} "
                             f"({ranges([p for p, _ in xs], lambda x: f'{x:g}')})" if xs else "")
            if any(cells):
                print(f"| {label(engine, place)} | " + " | ".join(cells) + " |")
    moved = sum(st.classify(before, after, rule) == st.UNKNOWN for xs in runs.values() for _, before, after in xs)
    if moved:
        print(f"\n{moved} swlab run(s) left out: the floor moved between placements during the run.")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.path.isfile(os.path.join(sys.argv[1], "variants.txt")):
        print("usage: hot_path_summary.py DIR (a directory written by scripts/hot_path.sh)", file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
