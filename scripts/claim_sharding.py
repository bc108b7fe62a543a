#!/usr/bin/python3
"""Claim 6, sharding: the single writer scales across cores where the state partitions
(docs/claims.md); and, where cores are too few, what the 1 -> 2 shard collapse is."""

from __future__ import annotations

import re

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_stats as st
import swlab_style as swstyle

THRESHOLD = 0.75
SSW, SMX = "sharded-single-writer", "sharded-mutex"
WAITS = ("blocking", "spin-yield", "busy-spin")

SPEC = cv.Spec(
    claim="Sharding scales the single writer across cores where the state partitions.",
    precondition="some shard count k >= 2 at which the sharded single writer's runs at c clients (c = max(1, "
                 "CPUs / 2)) were not oversubscribed: k shard threads + c clients <= logical CPUs, each on a core "
                 "of its own (results: `oversubscribed` false)",
    effect="scaling efficiency at the largest such k: throughput(k shards) / (k x throughput(1 shard)), the "
           "sharded single writer at c clients, uniform markets, per block",
    threshold=f"{THRESHOLD:.2f}",
    rule=f"holds iff the 95% interval's lower bound >= {THRESHOLD:.2f}",
    control="none: no configuration makes shards scale without the cores the precondition asks for; "
            "the sharded mutex is measured beside it, and where the precondition fails the page measures "
            "what the second shard costs instead (the wait policy, one client against two)")


def shard_count(spec: str) -> int | None:
    found = re.search(r"(?:^|:)shards=(\d{1,6})(?::|$)", spec)
    return int(found.group(1)) if found else None


def wait_of(spec: str) -> str:
    found = re.search(r"(?:^|:)wait=([a-z-]+)(?::|$)", spec)
    return found.group(1) if found else "blocking"


def specs_of(res: sr.Results, base: str, wait: str = "blocking") -> dict[int, str]:
    """shards -> spec, for the base engine with that wait policy."""
    return {shard_count(e): e for e in cd.engines_in(res)
            if swstyle.engine_base(e) == base and shard_count(e) and wait_of(e) == wait}


def efficiency(res: sr.Results, specs: dict, k: int, threads: int) -> st.Effect | None:
    """throughput(k) / (k x throughput(1)) per block, with the interval scaled alike."""
    if 1 not in specs or k not in specs:
        return None
    m = ce.paired(res, cd.throughput, {"engine": specs[1]}, {"engine": specs[k]}, threads=threads)
    e = m.effect
    return None if e is None else st.Effect(e.ratio / k, e.low / k, e.high / k, e.n)


def precondition(res: sr.Results, specs: dict, c: int, cpus: int) -> tuple[cv.Condition, int | None]:
    fits, busy = [], {}
    for k, spec in sorted(specs.items()):
        runs = cd.all_runs(res, engine=spec, threads=c)
        if k >= 2 and runs:
            busy[k] = max(cd.busy_threads(r) for r in runs)
            if not any(map(cd.oversubscribed, runs)):
                fits.append(k)
    k = max(fits) if fits else None
    measured = ("; ".join(f"k = {n}: {b} busy threads" for n, b in busy.items()) or "no run with 2 shards or more") \
        + f", on {cpus} logical CPUs"
    clients = f"{c} client{'s' if c != 1 else ''}"
    return cv.Condition(f"k >= 2 shards and {clients} each on a core", measured, k is not None,
                        f"a machine with at least {c + 2} logical CPUs (2 shard threads and {c} "
                        f"client{'s' if c != 1 else ''})"), k


def collapse_rows(res: sr.Results) -> tuple[list, dict]:
    """Throughput, context switches (voluntary: a sleep and a wake-up; involuntary: a
    preemption) and CPU per command for 1 shard and 2 shards under each wait policy, at each
    client count; with the figures the explanation reads."""
    rows, facts = [], {}
    for t in sorted({r["threads"] for r in res.runs}):
        for label, spec in [("1 shard", specs_of(res, SSW).get(1))] + [
                (f"2 shards, wait={w}", specs_of(res, SSW, w).get(2)) for w in WAITS]:
            runs = cd.all_runs(res, engine=spec, threads=t) if spec else []
            if not runs:
                continue
            f = {"tput": cd.med(map(cd.throughput, runs)), "busy": max(map(cd.busy_threads, runs)),
                 "tputs": [cd.throughput(r) for r in runs],
                 "ctxs": [v for v in map(sr.ctx_per_1000, runs) if v is not None],
                 "vol": cd.med(cd.switches_of(r, "voluntary") for r in runs),
                 "invol": cd.med(cd.switches_of(r, "involuntary") for r in runs),
                 "cpu": cd.med(map(cd.cpu_ns_of, runs))}
            facts[(t, label)] = f
            rows.append([t, label, f["busy"], cd.rate(f["tput"]), cd.per_1000(f["vol"]), cd.per_1000(f["invol"]),
                         cd.ns(f["cpu"])])
    return rows, facts


COLLAPSE = 1.5  # 1 shard over 2 at or above this: a collapse to explain


def switches_say(one: dict, two: dict) -> str:
    """What the context switches say about the second shard: a wake-up per command (many
    more voluntary switches with 2 shards), preemption (many more involuntary), or neither."""
    vol1, vol2, inv1, inv2 = (one["vol"] or 0, two["vol"] or 0, one["invol"] or 0, two["invol"] or 0)
    counts = (f"voluntary {vol1:,.0f} -> {vol2:,.0f}, involuntary {inv1:,.0f} -> {inv2:,.0f} per 1,000 "
              "commands, 1 shard -> 2")
    if vol2 >= 500 and vol2 >= 2 * max(vol1, 1):
        return (f"Context switches: {counts}: a shard thread that runs out of work sleeps in the futex and every "
                "command that reaches it pays a wake-up, while 1 shard's thread is kept busy by the clients.")
    if inv2 >= 500 and inv2 >= 2 * max(inv1, 1):
        return (f"Context switches: {counts}: the extra thread is preempted by time slice, more busy threads "
                "than CPUs taking turns.")
    return f"Context switches barely differ ({counts}): they do not explain it."


def spinning_says(t: int, one: dict, facts: dict, cpus: int) -> str:
    """Whether keeping the shard threads awake recovers the 1-shard figure."""
    spin = [(w, facts.get((t, f"2 shards, wait={w}"))) for w in WAITS[1:]]
    spin = [(w, f) for w, f in spin if f and f["tput"]]
    if not spin:
        return ""
    wait, best = max(spin, key=lambda wf: wf[1]["tput"])
    kept = best["tput"] / one["tput"]
    said = (f"With the shard threads kept awake (wait={wait}) 2 shards serve {cd.rate(best['tput'])}, "
            f"{kept:.2f}x 1 shard: ")
    if kept >= 1 / COLLAPSE:
        return said + "the blocking wait was the cost, and a spinning one removes it (at a core per shard)."
    return said + (f"no recovery: a spinning shard thread needs a core of its own, and with {best['busy']} busy "
                   f"threads on {cpus} CPUs it takes the core a client or the other shard needs, so the machine's "
                   "cores, not the wake-up alone, bound it.")


def explain(facts: dict, cpus: int) -> str:
    """What the 1 -> 2 shard step costs here, sentence by sentence as the data say."""
    lines = []
    for t in sorted({t for t, _ in facts}):
        one, two = facts.get((t, "1 shard")), facts.get((t, "2 shards, wait=blocking"))
        if not one or not two or not one["tput"] or not two["tput"]:
            continue
        fall = one["tput"] / two["tput"]
        clients = f"{t} client{'s' if t != 1 else ''}"
        lines.append(f"With {clients}, 1 shard serves {cd.rate(one['tput'])} and 2 shards {cd.rate(two['tput'])} "
                     f"({two['busy']} busy threads on {cpus} CPUs; CPU per command {cd.ns(one['cpu'])} against "
                     f"{cd.ns(two['cpu'])})" + (f": {fall:.1f}x less." if fall >= COLLAPSE else ": no collapse here."))
        if fall >= COLLAPSE:
            lines += [switches_say(one, two), spinning_says(t, one, facts, cpus)]
    return " ".join(line for line in lines if line)


def figure(ctx: cd.Context, res: sr.Results, c: int, facts: dict, skews: list) -> str:
    fig, axes = draw.plt.subplots(1, 3, figsize=(14, 3.7))
    for base in (SSW, SMX):
        specs = specs_of(res, base)
        for t, dash in sorted({(r["threads"], "-" if r["threads"] == c else "--") for r in res.runs}):
            draw.line_with_spread(axes[0], sorted(specs), lambda k: cd.runs_in(res, engine=specs[k], threads=t),
                                  cd.throughput, draw.style_of(base), f"{base}, {t} client{'s' if t != 1 else ''}",
                                  dash)
    for z, skewed in skews:
        for base in (SSW, SMX):
            specs = specs_of(skewed, base)
            draw.line_with_spread(axes[0], sorted(specs), lambda k: cd.runs_in(skewed, engine=specs[k], threads=c),
                                  cd.throughput, draw.style_of(base), f"{base}, {c} clients, zipf {z:g}", ":")
    axes[0].set_xticks(sorted(specs_of(res, SSW)) or [1])
    axes[0].set_xlabel("shards")
    axes[0].set_ylabel("commands/s (dots: repetitions)")
    draw.log_axis(axes[0], "y")
    axes[0].set_title("throughput against shards (dotted: skewed markets)", fontsize=9)
    draw.legend(axes[0], fontsize=6)
    labels = sorted({lbl for _, lbl in facts}, key=lambda s: (s != "1 shard", s))
    ts = sorted({t for t, _ in facts})
    for j, t in enumerate(ts):
        for i, lbl in enumerate(labels):
            f = facts.get((t, lbl))
            if f:
                x = j * (len(labels) + 1) + i
                draw.bars_with_spread(axes[1], [x], [f["tputs"]], [swstyle.OKABE_ITO["blue" if i == 0 else "orange"]])
                axes[2].scatter([x] * len(f["ctxs"]), f["ctxs"], s=9, color="black", alpha=0.6, zorder=3)
                axes[2].bar([x], [f["vol"] or 0], color=swstyle.OKABE_ITO["vermillion"],
                            label="voluntary (sleep, wake-up)" if (j, i) == (0, 0) else None)
                axes[2].bar([x], [f["invol"] or 0], bottom=[f["vol"] or 0], color=swstyle.OKABE_ITO["sky-blue"],
                            label="involuntary (preempted)" if (j, i) == (0, 0) else None)
    ticks = [(j * (len(labels) + 1) + i, f"{t} cl.\n{lbl}") for j, t in enumerate(ts) for i, lbl in enumerate(labels)]
    for ax in axes[1:]:
        ax.set_xticks([x for x, _ in ticks], [s for _, s in ticks], rotation=35, ha="right", fontsize=5)
    axes[1].set_title("1 shard against 2, by wait policy", fontsize=9)
    axes[1].set_ylabel("commands/s (dots: repetitions)")
    draw.count_axis(axes[1])
    axes[2].set_title("context switches per 1,000 commands (medians; dots: each run's total)", fontsize=8)
    draw.legend(axes[2], fontsize=6)
    return ctx.save(fig, "6-sharding.png")


def measure(ctx: cd.Context) -> cd.Section:
    if not cd.has(ctx.d, "sharding"):
        raise cd.Missing("no sharding/results.json")
    res = cd.load(ctx.d, "sharding")
    skews = cd.sets(ctx.d, "sharding-z", float)
    c = min((r["threads"] for r in res.runs), default=1)
    specs = specs_of(res, SSW)
    condition, k = precondition(res, specs, c, ctx.cpus)
    at = k if k is not None else max((n for n in specs if n >= 2), default=2)
    rows, facts = collapse_rows(res)
    path = figure(ctx, res, c, facts, skews)
    scale = []
    for base in (SSW, SMX):
        for z, s in [(0.0, res)] + skews:
            sp = specs_of(s, base)
            for n in sorted(sp):
                e = efficiency(s, sp, n, c) if n > 1 else None
                scale.append([z, base, n, c, cd.rate(cd.tput(s, engine=sp[n], threads=c)), e.text() if e else "-"])
    numbers = cd.table(["zipf", "engine", "shards", "clients", "throughput", "tput(k) / (k x tput(1)) [95%]"], scale)
    numbers += cd.table(["clients", "sharded single writer", "busy threads", "throughput", "voluntary ctx/1000",
                         "involuntary ctx/1000", "CPU/cmd"], rows)
    numbers += cd.method_lines([("sharding", res)] + [(f"sharding-z{z:g}", s) for z, s in skews])
    eff = efficiency(res, specs, at, c)
    criterion = cv.Criterion(f"efficiency at {at} shards, {c} client{'s' if c != 1 else ''}", eff, THRESHOLD, unit="")
    said = explain(facts, ctx.cpus)
    return cd.Section([cd.commands(res)] + [cd.commands(s) for _, s in skews], path, numbers,
                      [condition, cv.blocks_condition([criterion], cd.kept_out(res))], [criterion],
                      cv.no_control("no configuration can make shards scale without cores"), said)
