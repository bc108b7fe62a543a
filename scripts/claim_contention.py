#!/usr/bin/python3
"""Claim 1, contention: one owner beats threads taking turns with a lock (docs/claims.md)."""

from __future__ import annotations

import claim_data as cd
import claim_draw as draw
import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_stats as st
import swlab_style as swstyle
from claim_data import SW

THRESHOLD = 1.10
CONVOY_NS = 2000  # the control's injected critical section: a lock convoy must form

SPEC = cv.Spec(
    claim="Under contention, one thread owning the state beats threads taking turns with a lock.",
    precondition="some client count c >= 2 at which no run of the comparison (the lock engines and the "
                 "single writer, closed loop) was oversubscribed: clients + engine threads <= logical CPUs "
                 "(results: `oversubscribed` false; at c = 2 that takes 3 logical CPUs)",
    effect="the single writer's throughput over the best lock engine's (the lock with the highest median), "
           "at the largest such c, balanced preset, work 0: the median of within-block ratios",
    threshold=f"{THRESHOLD:.2f}x",
    rule=f"holds iff the 95% interval's lower bound >= {THRESHOLD:.2f}x",
    control=f"`mutex:inject-ns={CONVOY_NS}` (a 2 us busy delay inside the lock: a convoy) against the plain "
            f"single writer at the same c: the single writer's ratio must pass the same rule")


def convoy_spec(res: sr.Results) -> str | None:
    return next((e for e in cd.engines_in(res) if swstyle.engine_base(e) == "mutex" and e != "mutex"
                 and any(cd.inject_ns(r) > 0 for r in cd.all_runs(res, engine=e))), None)


def comparison_runs(res: sr.Results, c: int, preset: str) -> list[dict]:
    specs = set(cd.plain_locks(res)) | {SW}
    return [r for r in res.runs if r["engine"] in specs and r["threads"] == c and r["preset"] == preset]


def precondition(res: sr.Results, preset: str, cpus: int) -> tuple[cv.Condition, int | None]:
    """The condition and the largest c >= 2 where no comparison run was oversubscribed."""
    counts = sorted({r["threads"] for r in res.runs if r["threads"] >= 2})
    fits = [c for c in counts if comparison_runs(res, c, preset)
            and not any(cd.oversubscribed(r) for r in comparison_runs(res, c, preset))]
    busiest = {c: max(cd.busy_threads(r) for r in comparison_runs(res, c, preset))
               for c in counts if comparison_runs(res, c, preset)}
    if fits:
        c = max(fits)
        measured = f"c = {c}: at most {busiest[c]} busy threads on {cpus} logical CPUs"
    else:
        c = None
        measured = ("; ".join(f"c = {k}: {v} busy threads" for k, v in busiest.items()) or "no run at c >= 2") \
            + f", on {cpus} logical CPUs"
    need = min(busiest.values()) if busiest else 3
    return cv.Condition("a client count c >= 2 with no oversubscribed run", measured, c is not None,
                        f"a machine with at least {need} logical CPUs (c clients and the engine thread each "
                        "on a core of its own)"), c


def contention_panel(ax, res: sr.Results, w: int, presets: list, style: dict, cpus: int) -> None:
    for e in cd.engines_in(res):
        for preset, dash in zip(presets, ("-", "--")):
            pts = sorted({r["threads"] for r in cd.all_runs(res, engine=e, preset=preset)})
            for placement in draw.placements_of(res):
                draw.line_with_spread(ax, pts, lambda t: cd.runs_in(res, placement, engine=e, preset=preset, threads=t),
                                      cd.throughput, style[e], f"{e} {preset}{draw.placement_suffix(placement)}",
                                      dash, hollow=placement == st.FAR)
    ax.axvline(cpus, color="grey", linestyle=":", linewidth=1)
    ax.set_xticks(sorted({r["threads"] for r in res.runs}))
    ax.set_title(f"work {w} ns (dotted: the CPUs)", fontsize=9)
    ax.set_xlabel("client threads")
    ax.set_ylabel("commands/s (dots: repetitions)")
    draw.log_axis(ax, "y")
    draw.legend(ax, fontsize=5)


def pipelined_panel(ax, piped: sr.Results, base: sr.Results, style: dict) -> tuple[list, str]:
    """The single writer with requests in flight against the lock engines' blocking figures
    at the same clients (two sets: unpaired, shown, not part of the verdict)."""
    window = piped.runs[0].get("window", 16) if piped.runs else 16
    both = {r["threads"] for r in piped.runs} & {r["threads"] for r in base.runs}
    threads = max(both) if both else 0  # the most clients both sets measured
    bars = [(e, base, "1") for e in cd.plain_locks(base) + [SW]]
    bars.append((SW, piped, str(window)))
    runs = [cd.all_runs(res, engine=e, preset="balanced", threads=threads) for e, res, _ in bars]
    samples = [[cd.throughput(r) for r in rs if not draw.kept_out(r)] for rs in runs]
    draw.bars_with_spread(ax, list(range(len(bars))), samples, [style[e].colour for e, _, _ in bars],
                          out=[[cd.throughput(r) for r in rs if draw.kept_out(r)] for rs in runs])
    ax.set_xticks(range(len(bars)), [f"{e}\nwindow {w}" for e, _, w in bars], rotation=30, ha="right", fontsize=6)
    ax.set_title(f"{threads} clients: blocking calls vs {window} in flight (x: kept out)", fontsize=8)
    ax.set_ylabel("commands/s (dots: repetitions)")
    draw.count_axis(ax)
    rows = [[e, w, cd.rate(cd.med(map(cd.throughput, rs))), cd.ns(cd.p99(res, engine=e, preset="balanced",
                                                                           threads=threads)),
             cd.ns(cd.cpu_ns(res, engine=e, preset="balanced", threads=threads))]
            for (e, res, w), rs in zip(bars, runs)]
    best, m = None, None
    locks = {e: cd.med(s) for (e, _, _), s in zip(bars, samples) if e in cd.LOCKS and cd.med(s)}
    if locks:
        best = max(locks, key=locks.get)
        m = ce.unpaired(base, {"engine": best}, piped, {"engine": SW}, cd.throughput, preset="balanced",
                        threads=threads)
    line = "" if m is None or m.effect is None else (
        f"With pipelined callers ({threads} clients x {window} in flight, a set of its own, so unpaired) the "
        f"single writer serves {cd.rate(m.b)} against {best}'s blocking {cd.rate(m.a)} ({m.text()}).")
    return rows, line


def rows_for(res: sr.Results, w: int, presets: list, cpus: int, counted: bool) -> list[list]:
    rows = []
    convoy = convoy_spec(res)
    for preset in presets:
        for t in sorted({r["threads"] for r in res.runs if r["threads"] >= 2}):
            best, m = cd.best_lock(res, cd.throughput, preset=preset, threads=t)
            if best is None:
                continue
            over = max((cd.busy_threads(r) for r in comparison_runs(res, t, preset)), default=0)
            where = m.placement
            rows.append([w, preset, t, f"{over}{'*' if over > cpus else ''}", cd.rate(m.b), f"{best} {cd.rate(m.a)}",
                         m.text() + (f" ({m.note()})" if m.note() else ""),
                         cd.ns(cd.cpu_ns(res, where, engine=SW, preset=preset, threads=t)),
                         cd.ns(cd.cpu_ns(res, where, engine=best, preset=preset, threads=t)),
                         cd.per_1000(cd.switches(res, where, engine=SW, preset=preset, threads=t)),
                         cd.per_1000(cd.switches(res, where, engine=best, preset=preset, threads=t))]
                        + ([f"{cd.hw(res, k, where, engine=e, preset=preset, threads=t) or 0:.0f}"
                            for k in ("cycles_per_command", "cache_misses_per_command") for e in (SW, best)]
                           if counted else []))
            if convoy:
                mc = ce.paired(res, cd.throughput, {"engine": convoy}, {"engine": SW}, preset=preset, threads=t)
                rows.append([w, preset, t, "", cd.rate(mc.b), f"{convoy} {cd.rate(mc.a)}", mc.text(), "", "", "",
                             ""] + ([""] * 4 if counted else []))
    return rows


def measure(ctx: cd.Context) -> cd.Section:
    works = cd.sets(ctx.d, "contention-w", int)
    if not works:
        raise cd.Missing("no contention-w*/results.json")
    w0, res = works[0]
    presets = sorted({r["preset"] for _, r in works for r in r.runs}, key=lambda p: (p != "balanced", p))
    preset = presets[0]
    piped = cd.load(ctx.d, "pipelined") if cd.has(ctx.d, "pipelined") else None
    style = draw.styles(*(r for _, r in works), *([piped] if piped else []))
    fig, axes = draw.plt.subplots(1, len(works) + (1 if piped else 0), figsize=(4.4 * (len(works) + 1), 3.8),
                                  squeeze=False)
    for ax, (w, r) in zip(axes[0], works):
        contention_panel(ax, r, w, presets, style, ctx.cpus)
    piped_rows, piped_line = pipelined_panel(axes[0][-1], piped, res, style) if piped else ([], "")
    fig.suptitle("Contention: throughput against client threads (dots: repetitions)", fontsize=9)
    figure = ctx.save(fig, "1-contention.png")
    counted = any((r.get("hardware_counters") or {}).get("exposed") for _, s in works for r in s.runs)
    numbers = cd.table(["work ns", "preset", "clients", "busy threads (*: > CPUs)", "single-writer", "against",
                        "sw / it [95%]", "sw CPU/cmd", "lock CPU/cmd", "sw ctx/1000", "lock ctx/1000"]
                       + (["sw cycles/cmd", "lock cycles/cmd", "sw LLC misses/cmd", "lock LLC misses/cmd"]
                          if counted else []),
                       [row for w, r in works for row in rows_for(r, w, presets, ctx.cpus, counted)])
    numbers += cd.method_lines([(f"contention-w{w}", r) for w, r in works])
    if piped_rows:
        numbers += cd.table(["engine", "in flight per client", "commands/s", "p99", "CPU/cmd"], piped_rows)
    return decide(ctx, res, preset, w0, piped, piped_line, figure, numbers,
                  [cd.commands(r) for _, r in works] + ([cd.commands(piped)] if piped else []))


def decide(ctx: cd.Context, res: sr.Results, preset: str, w0: int, piped, piped_line: str, figure: str,
           numbers: list, cmds: list) -> cd.Section:
    condition, c = precondition(res, preset, ctx.cpus)
    at = c if c is not None else max((r["threads"] for r in res.runs), default=2)
    best, m = cd.best_lock(res, cd.throughput, preset=preset, threads=at)
    criterion = cv.Criterion(f"single writer / best lock ({best or 'none usable'}) at c = {at}",
                             m.effect if m else None, THRESHOLD)
    convoy = convoy_spec(res)
    if convoy:
        mc = ce.paired(res, cd.throughput, {"engine": convoy}, {"engine": SW}, preset=preset, threads=at)
        control = cv.Control(f"single writer / {convoy} at c = {at}",
                             cv.Criterion(f"single writer / {convoy}", mc.effect, THRESHOLD))
    else:
        control = cv.Control(f"mutex:inject-ns={CONVOY_NS}", None,
                             cd.INJECT_MISSING if not ctx.inject else "no injected lock in the set")
    conditions = [condition, cv.blocks_condition([criterion], cd.kept_out(res))]
    said = (f"At c = {at} (work {w0} ns, {preset}) the single writer serves {cd.rate(m.b)} against {best}'s "
            f"{cd.rate(m.a)}: {m.text()}." if m and m.effect else "")
    if c is None:
        said += (" Those runs were oversubscribed: the single writer's engine thread competed with the clients "
                 "for the CPUs, so they show what happens when cores run out, not the claim.")
    return cd.Section(cmds, figure, numbers, conditions, [criterion], control,
                      " ".join(x for x in (said, piped_line) if x))
