#!/usr/bin/python3
"""Claim 2, predictability: one writer gives a predictable tail in the shape a service runs
(docs/claims.md)."""

from __future__ import annotations

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_style as swstyle
from claim_data import SW

THRESHOLD = 1.10
CONVOY_NS = 2000

SPEC = cv.Spec(
    claim="One writer gives predictable latency: no lock convoys, a tail that holds in the shape a service runs.",
    precondition="at the most connections (1,024), the service runs of the comparison (mutex, flat-combining, "
                 "single writer on W = max(1, CPUs - 1) workers) were not oversubscribed, and at least 2 blocks "
                 "in which every such run was steady (`summary.steady` true: 30 intervals or more, the last "
                 "third within 1.25x of the first)",
    effect="the best lock engine's p99 (the lock with the lowest median p99) over the single writer's, "
           "at 1,024 connections: the median of within-block ratios",
    threshold=f"{THRESHOLD:.2f}x",
    rule=f"holds iff the 95% interval's lower bound >= {THRESHOLD:.2f}x (steady runs only)",
    control=f"`mutex:inject-ns={CONVOY_NS}` (a convoy inside the lock) in the same service runs: its p99 over the "
            "single writer's must pass the same rule")


def steady_true(run: dict) -> bool:
    return sr.steady(run) is True


def comparison(res: sr.Results) -> list[dict]:
    specs = set(cd.plain_locks(res)) | {SW}
    return [r for r in res.runs if r["engine"] in specs]


def steady_blocks(res: sr.Results) -> tuple[int, int, int]:
    """(blocks whose every comparison run is steady, blocks, runs too short to judge)."""
    runs = comparison(res)
    reps = sorted({r["repetition"] for r in runs})
    ok = sum(1 for rep in reps if all(steady_true(r) for r in runs if r["repetition"] == rep))
    return ok, len(reps), sum(1 for r in runs if sr.steady(r) is None)


def conditions_for(res: sr.Results, c: int, cpus: int) -> list[cv.Condition]:
    runs = comparison(res)
    busiest = max((cd.busy_threads(r) for r in runs), default=0)
    over = any(cd.oversubscribed(r) for r in runs)
    ok, reps, short = steady_blocks(res)
    return [
        cv.Condition(f"no oversubscribed service run at c = {c}",
                     f"at most {busiest} busy threads (workers + engine threads) on {cpus} logical CPUs", not over,
                     f"a machine with at least {busiest} logical CPUs"),
        cv.Condition(f"at least {cv.MIN_BLOCKS} steady blocks at c = {c}",
                     f"{ok} of {reps} blocks steady throughout"
                     + (f"; {short} runs under 30 intervals" if short else ""),
                     ok >= cv.MIN_BLOCKS,
                     "runs of at least 30 intervals (--duration / --interval)" if short else
                     "a quieter machine: the runs drifted between their first and last thirds"),
    ]


def open_loop_panel(ax, opens: list[tuple], style: dict) -> list:
    """p99 at a share of each engine's own capacity, every repetition shown; runs the
    generator could not drive (generator-bound) are drawn apart (x) and decide nothing."""
    rows = []
    for e, res in opens:
        rs = sorted({r["rate"] for r in res.runs})
        st_ = style.get(e, draw.style_of(e))
        draw.line_with_spread(ax, rs, lambda x: cd.runs_in(res, rate=x), lambda r: (cd.p99_of(r) or 0) * 1e-9, st_, e)
        for x in rs:
            late = cd.med((r["summary"].get("send_lateness_ns") or {}).get("p99") for r in cd.all_runs(res, rate=x))
            rows.append([f"open loop {cd.rate(x)}", e, cd.rate(cd.tput(res, rate=x)), cd.ns(cd.p99(res, rate=x)),
                         cd.fmt_stability(cd.stability(res, rate=x)), cd.ns(late),
                         sum(1 for r in cd.all_runs(res, rate=x) if sr.generator_bound(r)) or "-"])
    return rows


def service_rows(services: list, cpus: int) -> list:
    rows = []
    for c, res in services:
        for e in cd.engines_in(res):
            runs = cd.all_runs(res, engine=e)
            rows.append([f"service c={c}, {runs[0].get('workers') or runs[0]['threads']} workers", e,
                         cd.rate(cd.tput(res, engine=e)), cd.ns(cd.p99(res, engine=e)),
                         cd.fmt_stability(cd.stability(res, engine=e)),
                         f"{sum(1 for r in runs if steady_true(r))}/{len(runs)}",
                         f"{max(cd.busy_threads(r) for r in runs)}{'*' if any(map(cd.oversubscribed, runs)) else ''}"])
    return rows


def figure(ctx: cd.Context, services: list, opens: list) -> tuple[str, list]:
    """The figure's path and the open-loop rows drawn on it."""
    style = draw.styles(*(r for _, r in services), *(r for _, r in opens))
    fig, axes = draw.plt.subplots(1, 3, figsize=(14, 3.9))
    centres = draw.grouped_bars(axes[0], services, cd.p99_of, style, 1e-9)
    axes[0].set_title("service shape: p99 per engine (dots: repetitions)", fontsize=9)
    axes[0].set_ylabel("p99")
    draw.log_axis(axes[0], "y", "s")
    axes[0].set_xticks(centres, [f"c={c}" for c, _ in services])
    draw.legend(axes[0], fontsize=5)
    draw.grouped_bars(axes[2], services, cd.throughput, style)
    axes[2].set_title("service shape: throughput", fontsize=9)
    axes[2].set_ylabel("commands/s (dots: repetitions)")
    axes[2].set_xticks(centres, [f"c={c}" for c, _ in services])
    draw.count_axis(axes[2])
    axes[1].set_title("open loop at a share of each engine's own capacity", fontsize=9)
    axes[1].set_xlabel("offered load (commands/s)")
    axes[1].set_ylabel("p99 (dots: repetitions)")
    rows = open_loop_panel(axes[1], opens, style)
    if axes[1].has_data():
        draw.log_axis(axes[1], "y", "s")
        draw.log_axis(axes[1], "x")
        draw.legend(axes[1], fontsize=6)
    else:
        draw.empty(axes[1], "no open-loop runs")
    return ctx.save(fig, "2-predictability.png"), rows


def measure(ctx: cd.Context) -> cd.Section:
    services = cd.sets(ctx.d, "service-c", int)
    if not services:
        raise cd.Missing("no service-c*/results.json")
    opens = [(p.name[len("open-"):], cd.load(ctx.d, p.name)) for p in sorted(ctx.d.glob("open-*"))
             if (p / "results.json").exists()]
    path, open_rows = figure(ctx, services, opens)
    numbers = cd.table(["shape", "engine", "throughput", "p99", "tail stability", "steady runs",
                        "busy threads (*: > CPUs)"], service_rows(services, ctx.cpus))
    numbers += cd.table(["shape", "engine", "throughput", "p99", "tail stability", "send lateness p99",
                         "generator-bound runs"], open_rows) if open_rows else []
    numbers += cd.method_lines([(f"service-c{c}", r) for c, r in services] + [(f"open-{e}", r) for e, r in opens])
    c, res = services[-1]
    best, m = cd.best_lock(res, cd.p99_of, higher_is_better=False, keep=steady_true, lock_over=True)
    criterion = cv.Criterion(f"best lock ({best or 'none usable'}) p99 / single writer's at c = {c}",
                             m.effect if m else None, THRESHOLD)
    convoy = next((e for e in cd.engines_in(res) if swstyle.engine_base(e) == "mutex" and e != "mutex"), None)
    if convoy:
        mc = ce.paired(res, cd.p99_of, {"engine": SW}, {"engine": convoy}, steady_true)
        control = cv.Control(f"{convoy} p99 / single writer's at c = {c}",
                             cv.Criterion(f"{convoy} / single writer", mc.effect, THRESHOLD))
    else:
        control = cv.Control(f"mutex:inject-ns={CONVOY_NS}", None,
                             cd.INJECT_MISSING if not ctx.inject else "no injected lock in the set")
    said = ""
    if m and m.effect:
        said = (f"At {c} connections the single writer's p99 is {cd.ns(m.a)} against {best}'s {cd.ns(m.b)} "
                f"(lock / single writer {m.text()}): a worker submits and moves on to its other connections, "
                "while a lock engine's worker runs each command itself and its other connections wait.")
    return cd.Section([cd.commands(r) for _, r in services] + [cd.commands(r) for _, r in opens], path, numbers,
                      conditions_for(res, c, ctx.cpus) + [cv.blocks_condition([criterion], cd.kept_out(res))],
                      [criterion], control, said)
