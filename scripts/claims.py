#!/usr/bin/python3
"""claims.md from the result sets scripts/claims.sh wrote: for each of the single-writer
pattern's seven claims, the claim, the exact commands, one figure, the numbers and a verdict
(holds / does not hold on this machine / not testable here) chosen by the data.

    scripts/claims.py DIR [--form quick|default|long]

Every number on the page is read from DIR; the interpretations are written here, one per
outcome, and the data pick which one is printed. Each effect is measured within one result
set and one placement, block by block, with a bootstrap 95% interval (claim_effects.py); runs
that are interrupted, generator-bound or not steady decide nothing. Every figure shows every
repetition (or its min..max), and runs of the two placements apart when a set has both.
A missing or malformed result set is one line on stderr and exit status 2; the page and its
figures are written only into DIR (figures/ there), never through a link.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import sys
from typing import Callable, NamedTuple
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import claim_effects as ce  # noqa: E402
import swlab_axes  # noqa: E402
import swlab_output as out  # noqa: E402
import swlab_results as sr  # noqa: E402
import swlab_cli as swcli  # noqa: E402
import swlab_stats as st  # noqa: E402
import swlab_style as swstyle  # noqa: E402

PROG = "claims.py"
HOLDS, FAILS, UNTESTABLE = "holds", "does not hold on this machine", "not testable here"
DEADLINE_NS = 1_000_000  # goodput: commands answered within 1 ms
LOCKS = ("mutex", "rwlock", "spinlock", "flat-combining")


class Missing(Exception):
    pass


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# The result sets claims.sh writes, by directory name: all are read and checked before the
# first figure is drawn, so a malformed one stops claims.py before any work (and each is
# parsed once, however many claims read it).
SET_PATTERNS = ("contention-w*", "pipelined", "service-c*", "open-*", "backpressure", "sharding-z*",
                "parallel")
_loaded: dict[Path, sr.Results] = {}


def preload(d: Path) -> None:
    """Loads every result set of DIR into the cache load() reads; Missing on the first that
    cannot be used."""
    _loaded.clear()
    for pattern in SET_PATTERNS:
        for p in sorted(d.glob(pattern)):
            if (p / "results.json").exists():
                try:
                    _loaded[p / "results.json"] = sr.load(p)
                except sr.ResultsError as e:
                    raise Missing(str(e)) from None


def load(d: Path, name: str) -> sr.Results:
    path = sr.resolve_path(d / name)
    if path not in _loaded:
        try:
            _loaded[path] = sr.load(path)
        except sr.ResultsError as e:
            raise Missing(str(e)) from None
    return _loaded[path]


def sets(d: Path, prefix: str, parse: Callable[[str], float]) -> list[tuple]:
    """(parameter, results) for every DIR/<prefix><parameter>/results.json, by parameter;
    directories whose suffix does not parse are not claims.sh's and are passed over."""
    found = []
    for p in d.glob(f"{prefix}*"):
        if not (p / "results.json").exists():
            continue
        try:
            value = parse(p.name[len(prefix):])
        except ValueError:
            continue
        found.append((value, load(d, p.name)))
    return sorted(found, key=lambda vr: vr[0])


def styles(*results: sr.Results) -> dict[str, swstyle.Style]:
    """One colour per engine spec across the figure's sets (swstyle.spec_styles: specs differing
    only in options, overload=block and overload=reject, get different colours)."""
    return swstyle.spec_styles(r["engine"] for res in results for r in res.runs)


def runs_of(results: sr.Results, placement: str | None = None, **match) -> list[dict]:
    """The runs matching every field given that may decide a verdict (ce.usable), in
    `placement` when one is named."""
    runs = ce.usable(results, **match)
    return runs if placement is None else [r for r in runs if results.placement(r) == placement]


def throughput(run: dict) -> float:
    return float(run["summary"]["throughput"])


def p99_of(run: dict) -> float | None:
    return sr.run_latency(run, "p99")


def tput(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(throughput(r) for r in runs_of(results, placement, **match))


def p99(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(p99_of(r) for r in runs_of(results, placement, **match))


def stability(results: sr.Results, placement: str | None = None, **match) -> float | None:
    """Tail stability, only from runs with 30 intervals or more (sr.tail_stability)."""
    return med(sr.tail_stability(r) for r in runs_of(results, placement, **match))


def cpu_ns(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med((r["summary"].get("cpu") or {}).get("ns_per_command")
               for r in runs_of(results, placement, **match))


def hw(results: sr.Results, key: str, placement: str | None = None, **match) -> float | None:
    """The median of a hardware counter per command (cycles_per_command ...) over the
    matching runs that counted it; None where the machine does not expose counters."""
    return med((r.get("hardware_counters") or {}).get(key)
               for r in runs_of(results, placement, **match))


def fmt_stability(x: float | None) -> str:
    """Tail stability needs 30 intervals of the time series; shorter runs have none."""
    return "-" if x is None else f"{x:.2f}"


def ctx(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(sr.ctx_per_1000(r) for r in runs_of(results, placement, **match))


def goodput(run: dict) -> float:
    """Commands answered within the deadline, per second of the measured part."""
    buckets = sr.buckets_of(run) or []
    within = sum(count for value, count in buckets if value <= DEADLINE_NS)
    return within / run["summary"]["duration_s"]


def engines_in(results: sr.Results) -> list[str]:
    return sorted({r["engine"] for r in results.runs}, key=lambda e: (swstyle.engine_order(swstyle.engine_base(e)), e))


def rate(x: float | None) -> str:
    return swstyle.format_rate(x)


def ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.2f}x"


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines + [""]


def commands(results: sr.Results) -> str:
    return results.data.get("command", "")


def method_lines(named: list[tuple[str, sr.Results]]) -> list[str]:
    """How each set's effects were measured: placement, pairing, runs kept out."""
    lines = []
    for name, res in named:
        left = ce.excluded_note(res)
        lines.append(f"- `{name}`: {ce.placement_note(res)}; {ce.pairing_note(res)}"
                     + (f"; kept out of the verdict: {left}" if left else "") + ".")
    return ["**How the effects were measured** (each a median of within-block ratios with its "
            "bootstrap 95% interval, docs/methodology.md):", "", *lines, ""]


# ---------------------------------------------------------------------------------------------
# Drawing: spread and placement on every figure


def placements_of(*results: sr.Results) -> list[str | None]:
    """[None] when every set has one placement, else near and far, drawn apart."""
    return [st.NEAR, st.FAR] if any(r.both_placements for r in results) else [None]


def placement_suffix(placement: str | None) -> str:
    return "" if placement is None else f" ({placement})"


def line_with_spread(ax, xs: list, runs_at: Callable[[object], list[dict]],
                     metric: Callable[[dict], float | None], style: swstyle.Style, label: str,
                     linestyle: str = "-", hollow: bool = False) -> None:
    """The median at each x as a line, every repetition as a dot beside it: the spread is
    there to see, and a placement drawn hollow (far) apart from a filled one (near)."""
    pts, every = [], []
    for x in xs:
        values = [v for v in (metric(r) for r in runs_at(x)) if v is not None and v > 0]
        if values:
            pts.append((x, statistics.median(values)))
            every += [(x, v) for v in values]
    if not pts:
        return
    face = "white" if hollow else style.colour
    ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle, color=style.colour,
            marker=style.marker, markerfacecolor=face, label=label)
    ax.scatter([p[0] for p in every], [p[1] for p in every], s=9, color=style.colour,
               alpha=0.45, linewidths=0, zorder=3)


def bars_with_spread(ax, positions: list[float], samples: list[list[float]], colours: list[str],
                     width: float = 0.8, hatch: str | None = None, labels: list | None = None) -> None:
    """A bar at each sample's median, a min..max error bar and every repetition as a dot."""
    meds = [statistics.median(s) if s else 0.0 for s in samples]
    ax.bar(positions, meds, width=width, color=colours, hatch=hatch, edgecolor="white" if not hatch else "grey",
           label=labels)
    for x, s, m in zip(positions, samples, meds):
        if len(s) > 1:
            ax.errorbar([x], [m], yerr=[[m - min(s)], [max(s) - m]], color="grey", capsize=3)
        ax.scatter([x] * len(s), s, s=9, color="black", alpha=0.6, zorder=3)


def count_axis(ax) -> None:
    """A linear axis of counts or rates labelled 500k, 1.5M (not 0.5 with "1e6" in a corner)."""
    from matplotlib import ticker
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=""))


def log_axis(ax, which: str = "y", unit: str = "") -> None:
    """A log axis with at least three labelled ticks (swlab_axes)."""
    from matplotlib import ticker
    swlab_axes.readable_log_axis(ax, which, ticker.EngFormatter(unit=unit, sep=" " if unit else ""))


def save(fig, figdir: Path, name: str) -> str:
    """Writes the figure into figdir through a temporary file and a rename, never through a
    link (swlab_output)."""
    out.ensure_directory(figdir)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    out.write_atomically(out.inside(figdir, figdir / name), lambda f: f.write(buffer.getvalue()))
    return f"figures/{name}"


# ---------------------------------------------------------------------------------------------
# The claims. Each returns (claim sentence, commands, figure path, numbers lines, verdict, why).


def contention_panel(ax, res: sr.Results, w: int, presets: list, style: dict, cpus: int) -> None:
    for e in engines_in(res):
        for preset, dash in zip(presets, ("-", "--")):
            pts = sorted({r["threads"] for r in runs_of(res, engine=e, preset=preset)})
            for placement in placements_of(res):
                line_with_spread(ax, pts, lambda t: runs_of(res, placement, engine=e, preset=preset, threads=t),
                                 throughput, style[e], f"{e} {preset}{placement_suffix(placement)}", dash,
                                 hollow=placement == st.FAR)
    ax.axvline(cpus, color="grey", linestyle=":", linewidth=1)
    ax.set_xticks(sorted({r["threads"] for r in res.runs}))
    ax.set_title(f"work {w} ns")
    ax.set_xlabel("client threads")
    ax.set_ylabel("commands/s (dots: repetitions)")
    log_axis(ax, "y")
    ax.legend(fontsize=6)


def best_lock(res: sr.Results, metric, higher_is_better: bool = True, **common) -> tuple:
    """(lock engine, ce.Measured of the single writer against it) for the lock engine whose
    median is best in the measured scope; (None, None) when the set has no lock engine."""
    measured = {e: ce.paired(res, metric, {"engine": e}, {"engine": "single-writer"}, **common)
                for e in engines_in(res) if e in LOCKS}
    measured = {e: m for e, m in measured.items() if m.a is not None}
    if not measured:
        return None, None
    pick = max if higher_is_better else min
    best = pick(measured, key=lambda e: measured[e].a)
    return best, measured[best]


def contention_rows(res: sr.Results, w: int, presets: list, cpus: int, counted: bool) -> tuple[list, int, int]:
    rows, wins, total = [], 0, 0
    for preset in presets:
        for t in sorted({r["threads"] for r in res.runs if r["threads"] >= cpus}):
            best, m = best_lock(res, throughput, preset=preset, threads=t)
            if best is None or m.effect is None:
                continue
            total += 1
            wins += m.effect.ratio >= 1
            where = m.placement
            rows.append([w, preset, t, rate(m.b), f"{best} {rate(m.a)}", m.text(), m.effect.n,
                         swstyle.format_ns(cpu_ns(res, where, engine="single-writer", preset=preset, threads=t)),
                         swstyle.format_ns(cpu_ns(res, where, engine=best, preset=preset, threads=t)),
                         f"{ctx(res, where, engine='single-writer', preset=preset, threads=t) or 0:.1f}",
                         f"{ctx(res, where, engine=best, preset=preset, threads=t) or 0:.1f}"]
                        + ([f"{hw(res, k, where, engine=e, preset=preset, threads=t) or 0:.0f}"
                            for k in ("cycles_per_command", "cache_misses_per_command")
                            for e in ("single-writer", best)] if counted else [])
                        + ([m.note()] if res.both_placements else []))
    return rows, wins, total


def pipelined_panel(ax, piped: sr.Results, base: sr.Results, style: dict) -> tuple[list, str, bool]:
    """The single writer with requests in flight against the lock engines' blocking figures
    at the same clients (two sets: unpaired)."""
    window = piped.runs[0].get("window", 16)
    threads = piped.runs[0]["threads"]
    bars = [(e, base, {"engine": e}, "1") for e in engines_in(base) if e in LOCKS or e == "single-writer"]
    bars.append(("single-writer", piped, {"engine": "single-writer"}, str(window)))
    samples = [[throughput(r) for r in runs_of(res, preset="balanced", threads=threads, **m)]
               for _, res, m, _ in bars]
    bars_with_spread(ax, list(range(len(bars))), samples, [style[e].colour for e, _, _, _ in bars])
    ax.set_xticks(range(len(bars)), [f"{e}\nwindow {w}" for e, _, _, w in bars], rotation=30, ha="right",
                  fontsize=6)
    ax.set_title(f"{threads} clients: blocking calls vs {window} in flight", fontsize=8)
    ax.set_ylabel("commands/s (dots: repetitions)")
    count_axis(ax)
    rows = [[e, w, rate(med(s)), swstyle.format_ns(p99(res, preset="balanced", threads=threads, **m)),
             swstyle.format_ns(cpu_ns(res, preset="balanced", threads=threads, **m))]
            for (e, res, m, w), s in zip(bars, samples)]
    locks = {e: med(s) for (e, _, _, _), s in zip(bars, samples) if e in LOCKS and med(s)}
    if not locks:
        return rows, "", False
    best = max(locks, key=locks.get)
    m = ce.unpaired(base, {"engine": best}, piped, {"engine": "single-writer"}, throughput,
                    preset="balanced", threads=threads)
    if m.effect is None:
        return rows, "", False
    line = (f"; pipelined ({threads} clients x {window} in flight) single-writer {rate(m.b)} "
            f"against {best} {rate(m.a)} ({m.text()})")
    return rows, line, m.effect.ratio >= 1


def claim_contention(d: Path, figdir: Path, cpus: int):
    works = sets(d, "contention-w", int)
    if not works:
        raise Missing("no contention-w*/results.json")
    presets = sorted({r["preset"] for _, res in works for r in res.runs})
    piped = load(d, "pipelined") if (d / "pipelined" / "results.json").exists() else None
    style = styles(*(res for _, res in works), *([piped] if piped else []))
    panels = len(works) + (1 if piped else 0)
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.6), squeeze=False)
    counted = any((r.get("hardware_counters") or {}).get("exposed") for _, res in works for r in res.runs)
    rows, wins, total = [], 0, 0
    for ax, (w, res) in zip(axes[0], works):
        contention_panel(ax, res, w, presets, style, cpus)
        more, won, n = contention_rows(res, w, presets, cpus, counted)
        rows, wins, total = rows + more, wins + won, total + n
    piped_rows, piped_line, piped_wins = [], "", False
    if piped:
        base = dict(works).get(0) or works[0][1]  # the locks' figures: work 0, the same clients
        piped_rows, piped_line, piped_wins = pipelined_panel(axes[0][-1], piped, base, style)
    fig.suptitle("Contention: throughput against client threads (dotted: the CPUs; dots: repetitions)", fontsize=9)
    figure = save(fig, figdir, "1-contention.png")
    both = any(res.both_placements for _, res in works)
    numbers = table(["work ns", "preset", "threads", "single-writer", "best lock", "sw / lock [95%]", "blocks",
                     "sw CPU/cmd", "lock CPU/cmd", "sw ctx/1000", "lock ctx/1000"]
                    + (["sw cycles/cmd", "lock cycles/cmd", "sw LLC misses/cmd", "lock LLC misses/cmd"]
                       if counted else []) + (["placement"] if both else []), rows)
    numbers += method_lines([(f"contention-w{w}", res) for w, res in works])
    if piped_rows:
        numbers += ["Pipelined callers (the right-hand panel): the single writer's clients keep requests in "
                    "flight; a lock engine completes each call inline, so its figures are the blocking ones "
                    "at the same clients (work 0, balanced).", "",
                    *table(["engine", "in flight per client", "commands/s", "p99", "CPU/cmd"], piped_rows)]
    headline = (f"single writer at or above the best lock in {wins} of {total} contended configurations"
                + piped_line)
    verdict, why = contention_verdict(wins, total, cpus, piped_line, piped_wins)
    return ("Under contention, one thread owning the state beats threads taking turns with a lock.",
            [commands(r) for _, r in works] + ([commands(piped)] if piped else []), figure, numbers, verdict,
            why, headline)


def contention_verdict(wins: int, total: int, cpus: int, piped_line: str, piped_wins: bool) -> tuple[str, str]:
    if total and wins * 2 > total:
        verdict, why = HOLDS, ("Once threads reach the CPUs, the single writer matches or beats the best "
                               "lock engine in most configurations: the state stays in one core's cache.")
    elif cpus <= 2:
        verdict, why = FAILS, (f"On {cpus} CPUs the engine thread takes one of them, so the single writer "
                               "runs one client at a time against the locks' two, and every call pays a "
                               "cross-core hand-off (and often a wake-up). Contention among locks this small "
                               "is cheap: the claim needs more cores than clients can saturate a lock with "
                               "(8 or more, where the lock's cache line bounces between many cores).")
    else:
        verdict, why = FAILS, ("The best lock engine keeps up with or beats the single writer here even "
                               "with threads at or above the CPUs.")
    if piped_line:
        why += (" With callers that do not block on each reply (the pipelined panel), "
                + ("the comparison turns: the engine thread drains a queue instead of waking once per command:"
                   if piped_wins else "the best lock still leads:") + piped_line.lstrip(";") + ".")
    return verdict, why


def grouped_bars(ax, sets_: list[tuple], metric, style: dict, scale: float = 1.0) -> list:
    """Bars per engine, grouped by the sets' parameter (connections), with every repetition;
    a set with both placements gets a hatched far bar beside its near one. Returns the
    group centres for the ticks."""
    centres = []
    for i, (_, res) in enumerate(sets_):
        es = engines_in(res)
        base = i * (len(es) + 1)
        centres.append(base + (len(es) - 1) / 2)
        places = placements_of(res)
        width = 0.8 / len(places)
        for j, placement in enumerate(places):
            offset = (j - (len(places) - 1) / 2) * width
            samples = [[v * scale for v in (metric(r) for r in runs_of(res, placement, engine=e)) if v]
                       for e in es]
            bars_with_spread(ax, [base + k + offset for k in range(len(es))], samples,
                             [style[e].colour for e in es], width=width,
                             hatch="//" if placement == st.FAR else None,
                             labels=[f"{e}{placement_suffix(placement)}" for e in es] if i == 0 else None)
    return centres


def open_loop_panel(ax, opens: list[tuple], style: dict) -> list:
    """p99 at 50% and 90% of each engine's own capacity, every repetition shown; runs the
    generator could not drive are drawn apart (x) and decide nothing."""
    rows, bound_drawn = [], False
    for e, res in opens:
        rs = sorted({r["rate"] for r in res.runs})
        pct = dict(zip(rs, (50, 90)))
        line_with_spread(ax, [pct[r] for r in rs], lambda x: runs_of(res, rate=next(r for r in rs if pct[r] == x)),
                         lambda r: (p99_of(r) or 0) * 1e-9, style.get(e, swstyle.Style(swstyle.engine_colour(e), "o")), e)
        bound = [r for r in res.runs if sr.generator_bound(r) and r["rate"] in pct]
        if bound:
            ax.scatter([pct[r["rate"]] for r in bound], [(p99_of(r) or 0) * 1e-9 for r in bound], marker="x",
                       color=style.get(e, swstyle.Style("grey", "x")).colour,
                       label=None if bound_drawn else "generator-bound (kept out)")
            bound_drawn = True
        for r in rs:
            rows.append([f"open loop {pct[r]}% of own capacity ({rate(r)})", e, rate(tput(res, rate=r)),
                         swstyle.format_ns(p99(res, rate=r)), fmt_stability(stability(res, rate=r)),
                         "-", sum(1 for x in res.runs if x["rate"] == r and sr.generator_bound(x)) or "-"])
    return rows


def claim_predictability(d: Path, figdir: Path, cpus: int):
    services = sets(d, "service-c", int)
    opens = [(p.name[len("open-"):], load(d, p.name)) for p in sorted(d.glob("open-*")) if (p / "results.json").exists()]
    if not services:
        raise Missing("no service-c*/results.json")
    style = styles(*(res for _, res in services), *(res for _, res in opens))
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    rows, sw_best, total, effects = [], 0, 0, {}
    for c, res in services:
        lock, m = best_lock(res, p99_of, higher_is_better=False)
        effects[c] = (lock, m)
        for e in engines_in(res):
            rows.append([f"service c={c}, {cpus} workers", e, rate(tput(res, engine=e)),
                         swstyle.format_ns(p99(res, engine=e)), fmt_stability(stability(res, engine=e)),
                         m.text() if e == "single-writer" and m else "-", "-"])
        if m is not None and m.effect is not None:
            total += 1
            sw_best += m.effect.ratio <= 1
    centres = grouped_bars(axes[0], services, p99_of, style, 1e-9)
    grouped_bars(axes[2], services, throughput, style)
    axes[0].set_title("service shape: p99 per engine, by connections")
    axes[0].set_ylabel("p99 (dots: repetitions)")
    log_axis(axes[0], "y", "s")
    axes[0].set_xticks(centres, [f"c={c}" for c, _ in services])
    axes[0].legend(fontsize=6)
    axes[2].set_title(f"service shape: throughput ({cpus} workers)")
    axes[2].set_ylabel("commands/s (dots: repetitions)")
    axes[2].set_xticks(centres, [f"c={c}" for c, _ in services])
    count_axis(axes[2])
    axes[2].legend(fontsize=6)
    rows += open_loop_panel(axes[1], opens, style)
    axes[1].set_title("open loop at 50% / 90% of own capacity")
    axes[1].set_xlabel("% of own closed-loop capacity")
    axes[1].set_ylabel("p99 (dots: repetitions)")
    axes[1].set_xticks([50, 90], ["50%", "90%"])
    if axes[1].has_data():
        log_axis(axes[1], "y", "s")
    axes[1].legend(fontsize=7)
    figure = save(fig, figdir, "2-predictability.png")
    numbers = table(["shape", "engine", "throughput", "p99", "tail stability", "sw p99 / best lock [95%]",
                     "generator-bound runs"], rows)
    numbers += method_lines([(f"service-c{c}", res) for c, res in services] + [(f"open-{e}", r) for e, r in opens])
    verdict, why, headline = predictability_verdict(services, effects, sw_best, total, cpus)
    return ("One writer gives predictable latency: stable tails, no lock convoys, in the shape a service runs.",
            [commands(r) for _, r in services] + [commands(r) for _, r in opens], figure, numbers, verdict, why,
            headline)


def predictability_verdict(services: list, effects: dict, sw_best: int, total: int, cpus: int):
    headline = f"single writer has the lowest service-mode p99 in {sw_best} of {total} connection counts"
    largest_c, largest = services[-1]
    lock, m = effects[largest_c]
    wins_largest = bool(m and m.effect and m.effect.ratio <= 1)
    if m and m.effect:
        headline += (f"; at c={largest_c}: p99 {swstyle.format_ns(m.b)} against the best lock's "
                     f"{swstyle.format_ns(m.a)} ({m.text()})")
    # Throughput in the service shape, at the most connections: the pattern's other promise.
    best_t, mt = best_lock(largest, throughput)
    serves_most = bool(mt and mt.effect and mt.effect.ratio > 1)
    throughput_line = ""
    if mt and mt.effect:
        headline += (f"; throughput at c={largest_c}: single writer {rate(mt.b)} against {best_t} "
                     f"{rate(mt.a)}")
        throughput_line = (f" In throughput it {'serves the most' if serves_most else 'does not lead either'}: "
                           f"{rate(mt.b)} at c={largest_c} against {best_t}'s {rate(mt.a)} ({mt.text()})"
                           + (", because a worker submits and moves on to its other connections while a lock "
                              "engine's worker runs each command itself." if serves_most else "."))
    if total and sw_best == total:
        verdict, why = HOLDS, ("In the service shape (many connections on a few workers) the single writer's "
                               "p99 is the lowest: the workers never wait on a lock while holding a request.")
    elif wins_largest:
        verdict, why = HOLDS, (f"Only with many connections: at c={largest_c} the single writer's service-mode "
                               f"p99 is {swstyle.format_ns(m.b)} against the best lock engine's "
                               f"{swstyle.format_ns(m.a)}, because a worker submits and moves on while a "
                               "lock engine's worker runs each command inline and its other connections queue "
                               "behind it. With fewer connections the lock engines' inline path is faster, and "
                               "in open loop (one blocked client thread per CPU) the single writer's tail is the "
                               f"worst: on {cpus} CPUs its engine thread competes with the clients for a core.")
    else:
        verdict, why = FAILS, (f"On {cpus} CPUs the workers, the engine thread and the rest of the machine share "
                               "too few cores: a lock engine's worker runs each command itself with no hand-off, "
                               "and its tail is no worse. The claim needs a core for the engine thread alone, "
                               "pinned (--engine-cpus), which this machine cannot spare.")
    return verdict, why + throughput_line, headline


def read_audit(path: Path) -> dict:
    """audit.json (docs/results-format.md), checked for every field claim 3 reads: one line
    naming the file and the problem otherwise (Missing)."""
    try:
        if path.stat().st_size > sr.MAX_FILE_BYTES:
            raise Missing(f"{path}: too large for an audit")
        audit = sr.parse_json(path, path.read_text(encoding="utf-8"))
    except sr.ResultsError as e:
        raise Missing(str(e)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if not isinstance(audit, dict):
        raise Missing(f"{path}: not a swlab audit: the top level is not an object")
    engines = audit.get("engines") or audit.get("rows") or []
    if not isinstance(engines, list) or not engines:
        raise Missing(f"{path}: no engines")
    for i, e in enumerate(engines):
        ok = isinstance(e, dict) and isinstance(e.get("engine"), str) and all(
            isinstance(e.get(k), (bool, type(None))) for k in ("same_digest", "replay_reproduces_run1",
                                                              "replay_reproduces_run2")) and all(
            e.get(k) is None or (isinstance(e.get(k), (int, float)) and not isinstance(e.get(k), bool)
                                 and math.isfinite(e.get(k)) and 0 <= e.get(k) <= sr.MAX_INT)
            for k in ("throughput_with_journal", "throughput_without_journal"))
        if not ok:
            raise Missing(f"{path}: engines[{i}] is malformed (an object with a string 'engine', booleans "
                          "for the replay checks and finite throughputs is expected)")
    for key in ("threads", "commands"):
        if not isinstance(audit.get(key), (int, type(None))) or isinstance(audit.get(key), bool):
            raise Missing(f"{path}: '{key}' must be an integer")
    return dict(audit, engines=engines)


def claim_order(d: Path, figdir: Path, cpus: int):
    audit = read_audit(d / "audit.json")
    engines = audit["engines"]
    fig, ax = plt.subplots(figsize=(6, 3.4))
    names = [e["engine"] for e in engines]
    style = swstyle.spec_styles(names)
    with_j = [e.get("throughput_with_journal") or 0 for e in engines]
    without = [e.get("throughput_without_journal") or 0 for e in engines]
    xs = range(len(names))
    # One audit: each bar is its only measurement (there is no spread to draw).
    ax.bar([x - 0.2 for x in xs], without, width=0.4, color=[style[n].colour for n in names], alpha=0.45,
           label="without journal")
    ax.bar([x + 0.2 for x in xs], with_j, width=0.4, color=[style[n].colour for n in names],
           label="with journal")
    for x, e in zip(xs, engines):
        ok = e.get("replay_reproduces_run1") and e.get("replay_reproduces_run2")
        ax.annotate("replay = run" if ok else "replay differs", (x, max(with_j[x], without[x])),
                    ha="center", va="bottom", fontsize=7)
    ax.set_xticks(list(xs), names, fontsize=8)
    ax.set_ylabel("commands/s")
    count_axis(ax)
    ax.set_title("Audit: same streams twice, each journal replayed (one run each)")
    ax.legend(fontsize=7)
    figure = save(fig, figdir, "3-order.png")
    rows = [[e["engine"], "yes" if e.get("same_digest") else "no",
             "yes" if e.get("replay_reproduces_run1") and e.get("replay_reproduces_run2") else "no",
             rate(e.get("throughput_without_journal")), rate(e.get("throughput_with_journal"))] for e in engines]
    numbers = table(["engine", "two runs same state", "journal replays to each run's state",
                     "throughput, no journal", "throughput, journal"], rows)
    sw = next((e for e in engines if e["engine"] == "single-writer"), None)
    sw_ok = bool(sw and sw.get("replay_reproduces_run1") and sw.get("replay_reproduces_run2"))
    locks_ok = [e["engine"] for e in engines if e["engine"] != "single-writer"
                and e.get("replay_reproduces_run1") and e.get("replay_reproduces_run2")]
    headline = f"single-writer replay reproduces both runs: {'yes' if sw_ok else 'no'}"
    if sw_ok:
        extra = (f" The lock engines that journal under their lock ({', '.join(locks_ok)}) replay exactly too: "
                 "the explicit order is the journal's, written where the state changes; the single writer "
                 "gets it without a lock." if locks_ok else "")
        verdict, why = HOLDS, ("The single writer's journal is the order: replaying it rebuilds each run's exact "
                               "state, even though two runs of the same streams interleave differently."
                               + extra)
    else:
        verdict, why = FAILS, "The single writer's journal did not replay to its run's state: see audit.txt."
    return ("One writer makes the order of every change explicit: its journal replays to the exact state.",
            [f"swlab audit --engine {','.join(names)} --threads {audit.get('threads')} "
             f"--commands {audit.get('commands')} --durability {audit.get('durability')}"],
            figure, numbers, verdict, why, headline)


def backpressure_panels(axes, res: sr.Results, rates: list, style: dict) -> list:
    rows = []
    for e in engines_in(res):
        for placement in placements_of(res):
            at = lambda x, e=e, placement=placement: runs_of(res, placement, engine=e, rate=x)
            label, hollow = f"{e}{placement_suffix(placement)}", placement == st.FAR
            line_with_spread(axes[0], rates, at, goodput, style[e], label, hollow=hollow)
            line_with_spread(axes[1], rates, at, lambda r: (p99_of(r) or 0) * 1e-9, style[e], label, hollow=hollow)
        bound = [r for r in res.runs if r["engine"] == e and sr.generator_bound(r)]
        if bound:  # drawn apart: they measured the load generator
            axes[1].scatter([r["rate"] for r in bound], [(p99_of(r) or 0) * 1e-9 for r in bound], marker="x",
                            color=style[e].colour, label=f"{e} generator-bound (kept out)")
        for x in rates:
            shed = med(r["summary"].get("shed") for r in runs_of(res, engine=e, rate=x))
            rows.append([e, rate(x), rate(tput(res, engine=e, rate=x)),
                         rate(med(goodput(r) for r in runs_of(res, engine=e, rate=x))),
                         swstyle.format_ns(p99(res, engine=e, rate=x)), shed or 0])
    axes[0].plot(rates, rates, color="grey", linestyle=":", label="offered")
    axes[0].set_title("goodput: answered within 1 ms, per second (dots: repetitions)", fontsize=9)
    axes[1].set_title("p99 (corrected; dots: repetitions)", fontsize=9)
    for ax in axes:
        log_axis(ax, "x")
        ax.set_xlabel("offered load (commands/s)")
        ax.legend(fontsize=6)
    axes[0].set_ylabel("commands/s within 1 ms")
    count_axis(axes[0])
    axes[1].set_ylabel("p99")
    log_axis(axes[1], "y", "s")
    return rows


def claim_backpressure(d: Path, figdir: Path, cpus: int):
    res = load(d, "backpressure")
    es = engines_in(res)
    rates = sorted({r["rate"] for r in res.runs})
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    rows = backpressure_panels(axes, res, rates, styles(res))
    figure = save(fig, figdir, "4-backpressure.png")
    numbers = table(["engine", "offered", "throughput", "goodput (1 ms)", "p99", "shed"], rows)
    top = rates[-1]
    good = {e: med(goodput(r) for r in runs_of(res, engine=e, rate=top)) or 0 for e in es}
    policies = [e for e in es if swstyle.engine_base(e) == "single-writer"]
    locks = [e for e in es if swstyle.engine_base(e) in LOCKS]
    m = None
    if policies and locks:
        policy, lock = max(policies, key=good.get), max(locks, key=good.get)
        m = ce.paired(res, goodput, {"engine": lock}, {"engine": policy}, rate=top)
    headline = (f"at {rate(top)} offered: best single-writer policy goodput "
                f"{rate(m.b if m else None)}, best lock {rate(m.a if m else None)}"
                + (f" ({m.text()})" if m and m.effect else ""))
    numbers += method_lines([("backpressure", res)])
    shed_any = any((r["summary"].get("shed") or 0) > 0 for r in res.runs)
    if m and m.effect and m.effect.ratio > 1.1:
        verdict, why = HOLDS, ("Past capacity a bounded queue with a policy keeps answering within the deadline "
                               "more commands per second than a lock engine, whose callers all queue behind the "
                               "lock.")
    elif shed_any:
        verdict, why = FAILS, ("The policies engaged (commands were shed) but the single writer still answered "
                               "fewer commands within 1 ms than the best lock engine at the highest load.")
    else:
        verdict, why = FAILS, (f"On {cpus} CPUs with window 1 per client, the offered load cannot overrun the "
                               "single writer's queue (the clients wait for each reply), so the policies see no "
                               "overload to act on and every engine falls behind the same way: the clients, not "
                               "the queue, saturate. Testing it needs many more clients (or the service shape "
                               "with thousands of connections) than this machine's cores can drive.")
    return ("A bounded queue with an explicit policy (block, reject, priority) degrades gracefully past capacity.",
            [commands(res)], figure, numbers, verdict, why, headline)


def read_recovery(path: Path) -> list[tuple]:
    """recovery.txt: a header, then `commands snapshot_every replay_s records_replayed` per
    line; a malformed line is one message naming the file and the line (Missing)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")[1:]
    except (OSError, UnicodeDecodeError) as e:
        raise Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    pts = []
    for number, line in enumerate(lines, 2):
        if not line.strip():
            continue
        try:
            n, snap, secs, replayed = line.split()
            point = (int(n), int(snap), float(secs), int(replayed))
        except ValueError:
            raise Missing(f"{path}:{number}: expected 'commands snapshot_every replay_s records_replayed', "
                          f"got {line[:60]!r}") from None
        if not (0 < point[0] <= sr.MAX_INT and 0 <= point[1] <= sr.MAX_INT and math.isfinite(point[2])
                and point[2] >= 0 and 0 <= point[3] <= sr.MAX_INT):
            raise Missing(f"{path}:{number}: a value out of range: {line[:60]!r}")
        pts.append(point)
    if not pts:
        raise Missing(f"{path}: no measurements")
    return pts


def claim_recovery(d: Path, figdir: Path, cpus: int):
    pts = read_recovery(d / "recovery.txt")
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    for snapped, style, label in ((False, "-o", "whole journal"), (True, "--s", "from the latest snapshot")):
        sel = sorted(p for p in pts if (p[1] > 0) == snapped)
        ax.plot([p[0] for p in sel], [p[2] for p in sel], style, color="black" if snapped else swstyle.OKABE_ITO["blue"],
                label=label)
    log_axis(ax, "x")
    log_axis(ax, "y", "s")
    ax.set_xlabel("journal length (commands)")
    ax.set_ylabel("swlab replay wall time (s)")
    ax.set_title("Recovery time against journal length (one replay each)")
    ax.legend(fontsize=7)
    n_max = max(p[0] for p in pts)
    pause = snapshot_pause(d, n_max, ax2)
    figure = save(fig, figdir, "5-recovery.png")
    rows = [[n, snap or "-", f"{secs:.3f} s", replayed, rate(replayed / secs if secs > 0 else None)]
            for n, snap, secs, replayed in sorted(pts)]
    numbers = table(["commands", "snapshot every", "replay time", "records replayed", "replay rate"], rows)
    whole = sorted(p for p in pts if p[1] == 0)
    # The journal holds the state changes only (queries are not journaled) plus the
    # accounts' funding, so its records are not N; that the replay rebuilds the run's
    # exact state is the audit's check (claim 3). Here: every replay succeeded (claims.sh
    # stops otherwise) and found records.
    complete = bool(whole) and all(p[3] > 0 for p in whole)
    largest = whole[-1] if whole else pts[-1]
    snapped = next((p for p in pts if p[0] == largest[0] and p[1] > 0), None)
    bounded = snapped is not None and snapped[3] < largest[3]
    headline = (f"{largest[0]} commands: {largest[3]} records replayed in {largest[2]:.2f} s"
                + (f"; from a snapshot {snapped[3]} records in {snapped[2]:.2f} s" if snapped else ""))
    if complete and bounded:
        faster = snapped[2] < largest[2]
        verdict, why = HOLDS, ("Every journal replays completely, and a snapshot bounds the replay to the records "
                               f"after it ({snapped[3]} of {largest[3]} at {largest[0]} commands)"
                               + (", which also shortens the wall time." if faster else
                                  "; at these lengths the wall time is mostly process start-up and reading the "
                                  "snapshot, so the records saved do not show in seconds yet (the long form goes "
                                  "to 10^7 commands)."))
    elif not complete:
        verdict, why = FAILS, "A whole replay found no records: see recovery-*.replay.txt."
    else:
        verdict, why = FAILS, "The snapshot did not shorten the replay: see recovery-*.replay.txt."
    if pause:
        headline += (f"; p99.9 per {pause.interval_ms:g} ms interval: median {swstyle.format_ns(pause.median_with)}, "
                     f"peak {swstyle.format_ns(pause.peak_with)} with snapshots against median "
                     f"{swstyle.format_ns(pause.median_without)}, peak {swstyle.format_ns(pause.peak_without)} without")
        # The pause shows when the run with snapshots has clearly more slow intervals and a higher peak.
        stands_out = (pause.slow_with > 2 * max(pause.slow_without, 1)
                      and pause.peak_with > 2 * pause.peak_without)
        why += (f" Taking a snapshot stops the writer while it serialises the state: in the {n_max}-command run "
                f"with a snapshot every {pause.snapshot_every} commands, {pause.slow_with} intervals' p99.9 rose "
                f"above three times the run without snapshots' median, against {pause.slow_without} in the run "
                f"without (peaks {swstyle.format_ns(pause.peak_with)} and {swstyle.format_ns(pause.peak_without)}; right "
                "panel). ")
        why += ("That pause is the cost the pattern pays for a bounded replay; a copy-on-write or forked snapshot "
                "would move it off the writer." if stands_out else
                "Here the snapshots' pauses do not stand out: the run without them stalled as often and as long, "
                "so at this journal length something else (the journal's own writes reaching the disk, the "
                "host) stops the writer for as long as a snapshot does, and this measurement cannot tell the "
                "snapshot's pause from them.")
    else:
        why += " The snapshot's pause over time could not be read: the runs' time series are missing."
    return ("One writer's state is its journal: recovery is a replay, bounded by snapshots.",
            ["swlab run --engine single-writer --threads 1 --commands N --journal DIR --durability none "
             "[--snapshot-every N/10]; swlab replay --dir DIR/RUN [--no-snapshot]"],
            figure, numbers, verdict, why, headline)


class SnapshotPause(NamedTuple):
    snapshot_every: int
    interval_ms: float
    median_with: float       # p99.9 per interval, the run with snapshots
    peak_with: float
    median_without: float    # the run without snapshots
    peak_without: float
    slow_with: int           # intervals whose p99.9 is above 3x median_without
    slow_without: int


def snapshot_pause(d: Path, n: int, ax) -> SnapshotPause | None:
    """Draws p99.9 per interval of the n-command journaled runs with and without
    snapshots on ax and sums them up; None when the runs' time series are not there."""
    series = {}
    for p in sorted((d / "recovery-runs").glob(f"n{n}.s*")):
        try:
            res = sr.load(p)
        except sr.ResultsError:
            continue
        try:
            snap = int(p.name.split(".s")[1])
        except (IndexError, ValueError):
            continue
        rows = [row for row in (sr.time_series(res.runs[0]) or []) if row["commands"] > 0 and "p999_ns" in row]
        if rows:
            series[snap] = (rows, sr.interval_s(res.runs[0]) or 0.1)
    plain, snapped = series.get(0), next((v for k, v in series.items() if k > 0), None)
    snap_every = next((k for k in series if k > 0), 0)
    if not plain or not snapped:
        ax.text(0.5, 0.5, "no time series", ha="center", transform=ax.transAxes)
        return None
    for (rows, _), label, color in ((plain, "no snapshots", swstyle.OKABE_ITO["blue"]),
                                    (snapped, f"a snapshot every {snap_every} commands", "black")):
        ax.plot([row["start_s"] for row in rows], [row["p999_ns"] * 1e-9 for row in rows], "-", color=color,
                label=label, linewidth=1)
    log_axis(ax, "y", "s")
    ax.set_xlabel("time into the measured part (s)")
    ax.set_ylabel("p99.9 per interval")
    ax.set_title(f"Snapshot pauses: {n} commands, 1 client", fontsize=10)
    ax.legend(fontsize=7)
    without = [row["p999_ns"] for row in plain[0]]
    with_ = [row["p999_ns"] for row in snapped[0]]
    base = med(without)
    return SnapshotPause(snap_every, snapped[1] * 1e3, med(with_), max(with_), base, max(without),
                         sum(1 for v in with_ if v > 3 * base), sum(1 for v in without if v > 3 * base))


def shard_count(spec: str) -> int | None:
    found = re.search(r"(?:^|:)shards=(\d{1,6})(?::|$)", spec)
    return int(found.group(1)) if found else None


def claim_sharding(d: Path, figdir: Path, cpus: int):
    zsets = sets(d, "sharding-z", float)
    if not zsets:
        raise Missing("no sharding-z*/results.json")
    fig, axes = plt.subplots(1, len(zsets), figsize=(4 * len(zsets), 3.4), squeeze=False, sharey=True)
    rows, gains = [], {}
    for ax, (z, res) in zip(axes[0], zsets):
        for base in ("sharded-single-writer", "sharded-mutex"):
            specs = sorted((s for s in {r["engine"] for r in res.runs}
                            if swstyle.engine_base(s) == base and shard_count(s) is not None), key=shard_count)
            if not specs:
                continue
            style = swstyle.Style(swstyle.engine_colour(base), swstyle.engine_marker(base))
            for placement in placements_of(res):
                line_with_spread(ax, [shard_count(s) for s in specs],
                                 lambda n: runs_of(res, placement, engine=next(s for s in specs if shard_count(s) == n)),
                                 throughput, style, f"{base}{placement_suffix(placement)}",
                                 hollow=placement == st.FAR)
            m = ce.paired(res, throughput, {"engine": specs[0]}, {"engine": specs[-1]})
            gains[(z, base)] = m
            for spec in specs:
                rows.append([z, base, shard_count(spec), rate(tput(res, m.placement, engine=spec)),
                             m.text() if spec == specs[-1] else "", m.note() if spec == specs[-1] else ""])
        ax.set_title(f"zipf {z:g}")
        ax.set_xlabel("shards")
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("commands/s (dots: repetitions)")
    count_axis(axes[0][0])
    figure = save(fig, figdir, "6-sharding.png")
    numbers = table(["zipf", "engine", "shards", "throughput", "most shards / one [95%]", "placement"], rows)
    numbers += method_lines([(f"sharding-z{z:g}", res) for z, res in zsets])
    none = ce.Measured(None, None, None, None, 0)
    uniform = gains.get((zsets[0][0], "sharded-single-writer"), none)
    skewed = gains.get((zsets[-1][0], "sharded-single-writer"), none)
    headline = (f"sharded single writer, most shards over one: {uniform.text()} uniform, {skewed.text()} at zipf "
                f"{zsets[-1][0]:g}")
    if uniform.effect and uniform.effect.ratio > 1.1:
        verdict, why = HOLDS, ("More shards serve more commands when markets are uniform, and skew erodes the "
                               "gain as the hot market's shard saturates.")
    elif cpus <= 2:
        verdict, why = UNTESTABLE, (f"Each shard is an engine thread; on {cpus} CPUs a second shard's thread "
                                    "competes with the clients for the same two cores, so there is nothing to "
                                    "scale onto. The experiment needs at least shards + clients cores (8+).")
    else:
        verdict, why = FAILS, "More shards did not raise throughput even with cores to run them."
    return ("Sharding scales the single writer across cores where the state partitions; skew limits it.",
            [commands(r) for _, r in zsets], figure, numbers, verdict, why, headline)


def claim_not_to_use(d: Path, figdir: Path, cpus: int):
    par = load(d, "parallel")
    trivial = load(d, "contention-w0")
    threads = [r["threads"] for r in par.runs if r["threads"] <= cpus]
    if not threads:
        raise Missing(f"parallel: no run with at most {cpus} client threads")
    t = max(threads)
    style = styles(par, trivial)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    rows, found = [], {}
    for ax, (label, res, match) in zip(axes, (("parallel work 1000 ns", par, {}),
                                               ("trivial state, no work", trivial, {"preset": "balanced"}))):
        es = [e for e in engines_in(res) if e in ("mutex", "flat-combining", "single-writer", "sharded-mutex")]
        samples = [[throughput(r) for r in runs_of(res, engine=e, threads=t, **match)] for e in es]
        bars_with_spread(ax, list(range(len(es))), samples, [style[e].colour for e in es])
        ax.set_xticks(range(len(es)), es, fontsize=7)
        ax.set_title(f"{label}, {t} client threads", fontsize=9)
        ax.set_ylabel("commands/s (dots: repetitions)")
        count_axis(ax)
        others = [e for e in es if e != "single-writer"]
        measured = {e: ce.paired(res, throughput, {"engine": "single-writer"}, {"engine": e}, threads=t, **match)
                    for e in others}
        best = max(others, key=lambda e: measured[e].b or 0) if others else None
        found[label] = (best, measured.get(best))
        for e, sample in zip(es, samples):
            m = measured.get(e)
            rows.append([label, e, t, rate(med(sample)), m.text() if m else "-"])
    figure = save(fig, figdir, "7-not-to-use.png")
    numbers = table(["shape", "engine", "threads", "throughput", "engine / single writer [95%]"], rows)
    numbers += method_lines([("parallel", par), ("contention-w0", trivial)])
    wins = {k: (b, m) for k, (b, m) in found.items() if m is not None and m.effect is not None}
    headline = "; ".join(f"{k}: {b} {m.text()} the single writer" for k, (b, m) in wins.items())
    said = ", ".join(f"{k}: {b} by {m.text()}" for k, (b, m) in wins.items())
    if wins and len(wins) == len(found) and all(m.effect.ratio > 1 for _, m in wins.values()):
        verdict, why = HOLDS, ("With the work outside any critical section, or state this cheap to change, "
                               "the lock engines win: their callers run in parallel and pay no hand-off, "
                               "while the single writer adds a cross-thread round trip to every command. "
                               + said + ".")
    else:
        verdict, why = FAILS, ("The single writer kept up with the lock engines even with the work outside the "
                               "critical section or trivial state: " + said + ".")
    return ("The pattern is the wrong tool when the work parallelises or the state is trivial: locks or "
            "sharding win there.", [commands(par), commands(trivial)], figure, numbers, verdict, why, headline)


CLAIMS = (("Contention", claim_contention), ("Predictability", claim_predictability),
          ("Explicit order", claim_order), ("Backpressure", claim_backpressure),
          ("Recovery", claim_recovery), ("Sharding", claim_sharding),
          ("When not to use it", claim_not_to_use))


def machine_lines(d: Path) -> tuple[list[str], int, bool]:
    """machine.txt (`key value` lines, claims.sh writes it) as the page's machine section; a
    file that cannot be read is Missing."""
    path = d / "machine.txt"
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    pairs = [line.partition(" ")[::2] for line in text.splitlines()]
    info: dict[str, str] = {}
    for k, v in pairs:
        info.setdefault(k, v)
    cpus_text = (info.get("cpus") or "0").strip()
    if not re.fullmatch(r"\d{1,5}", cpus_text):
        raise Missing(f"{path}: 'cpus' must be a count of CPUs, got {cpus_text[:40]!r}")
    cpus = int(cpus_text)
    counters = info.get("hardware_counters") == "yes"
    detail = info.get("hardware_counters_detail", "")
    lines = [f"- form: `{info.get('form', '?')}`, started {info.get('started', '?')}",
             f"- logical CPUs: {cpus}; load average at the start: {info.get('loadavg', '?')}",
             "- hardware counters (cycles, instructions, cache misses, per command in every run's "
             "`hardware_counters`): " +
             (f"{detail or 'exposed'}; claim 1's table gives them per command" if counters else
              f"not exposed ({detail.removeprefix('not exposed: ') or 'unknown'}); CPU time per command and "
              "context switches stand in for them")]
    lines += [f"- {v}" for k, v in pairs if k == "machine" and v.strip()]
    lines += [f"- resumed (scripts/claims.sh --resume) {v}" for k, v in pairs if k == "resumed"]
    return lines, cpus, counters


def main(argv: list[str]) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="the directory scripts/claims.sh wrote")
    parser.add_argument("--form", choices=("quick", "default", "long"), default="default")
    args = parser.parse_args(argv)
    d = Path(args.dir)
    if not d.is_dir():
        return swcli.fail(PROG, f"{d}: no such directory")
    def work() -> int:
        try:
            out.write_text(d / "claims.md", render(d, args.form))
        except (Missing, out.OutputError) as e:
            return swcli.fail(PROG, str(e))
        except OSError as e:
            return swcli.fail(PROG, f"cannot write into {d}: {e.strerror or e}")
        print(d / "claims.md")
        return 0
    return swcli.guarded(PROG, str(d), work)


def render(d: Path, form: str) -> str:
    """claims.md's text; draws the figures into DIR/figures on the way. Missing names the
    claim and the problem when an input is absent or malformed."""
    machine, cpus, _ = machine_lines(d)
    cpus = cpus or 2
    figdir = d / "figures"
    preload(d)
    read_audit(d / "audit.json")
    read_recovery(d / "recovery.txt")
    page = ["# The single-writer pattern's claims, measured", "",
            f"Written by `scripts/claims.sh{'' if form == 'default' else ' --' + form}` and `scripts/claims.py`; "
            "every number below is read from the result sets beside this file, and each verdict is chosen by "
            "them. Effects are medians of within-block ratios with bootstrap 95% intervals, measured within one "
            "placement; runs that were interrupted, generator-bound or not steady decide nothing.", "",
            "## The machine", "", *machine, "", "## Verdicts", ""]
    sections, summary = [], []
    for i, (title, fn) in enumerate(CLAIMS, 1):
        try:
            claim, cmds, figure, numbers, verdict, why, headline = fn(d, figdir, cpus)
        except Missing as e:
            raise Missing(f"claim {i} ({title}): {e}") from None
        summary.append(f"{i}. **{title}**: {verdict} ({headline}).")
        sections += [f"## {i}. {title}", "", f"**Claim.** {claim}", "", "**Experiment.**", "", "```",
                     *[c for c in cmds if c], "```", "", f"![{title}]({figure})", "", *numbers,
                     f"**Verdict: {verdict}.** {why}", ""]
    return "\n".join(page + summary + [""] + sections)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
