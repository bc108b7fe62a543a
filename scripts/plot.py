#!/usr/bin/python3
"""Figures from a swlab results file (docs/results-format.md); how to read them: docs/plots.md.

    scripts/plot.py RESULTS.json [--out DIR] [--svg] [--normalise floor]
    scripts/plot.py CORE-MAP.json [--out DIR] [--svg]    (the heatmap: scripts/core_map.py)

Writes one PNG (and SVG with --svg) per figure and per (preset, mode) into DIR (default: the
results directory's figures/), named <preset>.<mode>.<figure>.png, and prints each path. When
the set holds runs of both placements (the floor probes split into near and far, see
docs/methodology.md), every figure is drawn per placement: <preset>.<mode>.<near|far>.<figure>.png,
so no median mixes the two machines (runs whose floor changed mode during the run measured
both, and are left out of the figures). Open-loop runs the generator could not
drive (generator-bound) and interrupted runs are drawn apart, hollow and dotted, and are kept
out of the knees. Names from the file are sanitised: nothing is written outside DIR.
With --normalise floor, latencies are drawn as multiples of each run's floor (the cross-core
ping-pong measured before it), so that runs from different placements and machines compare;
those figures are named <preset>.<mode>.<figure>.floor.png. A
figure whose data the file lacks is skipped with one line on stderr; a bad file or flag is one
line on stderr and exit status 2.

Figures (names as in the file names):
  percentiles               latency by percentile, per engine, at each engine's largest config
  latency-vs-threads        p50, p99, p99.9 against client threads
  throughput-vs-threads     throughput against client threads
  throughput-latency        p99 against offered rate (open loop), each engine's knee marked
  backpressure              accepted, shed and p99 against offered rate (open loop, if shed)
  corrected-vs-uncorrected  coordinated omission: latency from the planned vs actual send time
  context-switches          context switches per 1000 commands against client threads
  time-series               p99 and throughput per interval over the run, per engine
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import matplotlib

matplotlib.use("Agg")  # no display: figures are files, also on a headless benchmark machine
from matplotlib import ticker  # noqa: E402  (after the backend is chosen)
from matplotlib.figure import Figure  # noqa: E402
import numpy as np  # noqa: E402

import core_map  # noqa: E402
import swlab_axes  # noqa: E402
from swlab_axes import (count_axis, floor_axis, latency_axis, legend, percentile_axis,  # noqa: E402
                        rate_axis, threads_axis)
import swlab_output as out  # noqa: E402
import swlab_results as sr  # noqa: E402
import swlab_cli as swcli  # noqa: E402
import swlab_stats as st  # noqa: E402
import swlab_style as swstyle  # noqa: E402

PROG = "plot.py"
SIZE = (8.0, 5.2)
WIDE = (13.0, 4.8)
TALL = (8.0, 7.5)
LINESTYLES = ("-", "--", ":", "-.")
CURVE_POINTS = 240
# Knee heuristic when the file has no rate sweep: the largest offered rate whose p99 is still
# under this many times the p99 at the lowest offered rate.
KNEE_FACTOR = 10.0
FIELD_LABELS = {"threads": lambda v: f"t={v}", "window": lambda v: f"w={v}",
                "rate": lambda v: f"@{swstyle.format_rate(v)}"}


@dataclass(frozen=True)
class Options:
    """How figures are drawn. normalise="floor": latencies as multiples of the run's floor."""

    normalise: str | None = None

    @property
    def suffix(self) -> str:
        return "" if self.normalise is None else f".{self.normalise}"

    def latency(self, key: str, uncorrected: bool = False) -> Callable[[dict], float | None]:
        """The metric to plot for a latency statistic: seconds, or multiples of the floor."""
        if self.normalise != "floor":
            return latency_s(key, uncorrected)

        def over_floor(run: dict) -> float | None:
            value, floor = sr.run_latency(run, key, uncorrected), sr.floor_ns(run)
            return None if value is None or not floor else value / floor
        return over_floor

    def scale_of(self, runs: list) -> float | None:
        """What to multiply ns by for a group of repetitions (1e-9, or 1 / their median floor);
        None when normalising and the runs have no floor."""
        if self.normalise != "floor":
            return 1e-9
        s = sr.spread(sr.floor_ns(r) for r in runs)
        return None if s is None or not s.median else 1.0 / s.median

    def axis(self, ax, label: str) -> None:
        if self.normalise == "floor":
            floor_axis(ax, label)
        else:
            latency_axis(ax, label)


class SkipFigure(Exception):
    """A figure's data are missing from the file; str() is the reason, for the skip line."""


@dataclass(frozen=True)
class Group:
    """The runs of one preset in one mode (and one placement, when the set has both): one
    figure of each kind per group, because presets are different workloads, open/closed loop
    are different experiments, and near/far placement are different machines."""

    preset: str
    mode: str
    runs: tuple
    placement: str | None = None
    rule: st.PlacementRule | None = None

    @property
    def stem(self) -> str:
        parts = [out.safe_name(self.preset), self.mode]
        return ".".join(parts + ([self.placement] if self.placement else []))

    @property
    def placement_note(self) -> str:
        """What the placement means in ns, for titles: 'near placement (floor <= 140 ns)'."""
        if self.placement is None or self.rule is None:
            return ""
        if self.placement == st.NEAR:
            return f"near placement (floor <= {self.rule.near_max_ns:g} ns)"
        return f"far placement (floor >= {self.rule.far_min_ns:g} ns)"


@dataclass
class Series:
    """One line of a figure: an engine plus whichever other configuration fields vary in the
    figure, with the repetitions at each x value. `apart` names why its runs are drawn apart
    from the others (sr.kept_apart: "generator-bound", "interrupted"), else None."""

    engine: str
    label: str
    linestyle: str
    points: dict = field(default_factory=dict)  # x value -> runs (repetitions)
    colour: str = ""
    marker: str = "o"
    apart: str | None = None

    def xs(self) -> list:
        return sorted(self.points)

    def any_run(self) -> dict:
        return next(iter(self.points.values()))[0]


class Knee(NamedTuple):
    rate: float
    source: str  # "rate_sweeps" or "heuristic"


class Rendered(NamedTuple):
    written: list
    skipped: list


# ---------------------------------------------------------------------------------------------
# Selecting and grouping runs


def all_groups(results: sr.Results) -> list[Group]:
    """Runs by (preset, mode), and by placement too when the set has runs of both."""
    split = results.both_placements
    by_group: dict[tuple, list] = {}
    for run in results.runs:
        placement = results.placement(run) if split else None
        by_group.setdefault((run["preset"], run["mode"], placement), []).append(run)
    order = {p: i for i, p in enumerate(st.PLACEMENTS)}
    keys = sorted(by_group, key=lambda k: (k[0], k[1], order.get(k[2], -1)))
    return [Group(p, m, tuple(by_group[(p, m, pl)]), pl, results.rule if split else None)
            for p, m, pl in keys]


def split_groups(results: sr.Results) -> tuple[list[Group], list[Group]]:
    """all_groups() as (drawn, left out): the runs of unknown placement in a set split by
    placement are left out. Each of those measured two machines (its floor changed mode during
    the run), so a figure of them would set a near run beside a far one, which the split exists
    to prevent; report.md lists them with both floors (Unstable machine)."""
    groups = all_groups(results)
    return ([g for g in groups if g.placement != st.UNKNOWN], [g for g in groups if g.placement == st.UNKNOWN])


def groups_of(results: sr.Results) -> list[Group]:
    """The groups drawn (split_groups())."""
    return split_groups(results)[0]


def left_out_lines(groups: list[Group]) -> list[str]:
    """One line per group left out (split_groups())."""
    return [f"skipped placement unknown ({out.safe_name(g.preset)}, {g.mode}): {len(g.runs)} "
            f"run(s) whose floor changed mode during the run are in no figure (report.md lists them)"
            for g in groups]


def _sort_value(v) -> tuple:
    return (v is None, 0 if v is None else v)


def make_series(runs: Iterable[dict], x_field: str, extra_fields: tuple) -> list[Series]:
    """Lines by engine, split further by the extra fields that actually vary (so a closed-loop
    sweep at one window shows just "mutex", never "mutex w=1")."""
    runs = list(runs)
    varying = [f for f in extra_fields if len({r[f] for r in runs}) > 1]
    extras = sorted({tuple(r[f] for f in varying) for r in runs},
                    key=lambda t: [_sort_value(v) for v in t])
    styles = swstyle.spec_styles(r["engine"] for r in runs)
    series: dict[tuple, Series] = {}
    for run in runs:
        extra = tuple(run[f] for f in varying)
        apart = sr.kept_apart(run)
        key = (run["engine"], extra, apart or "")
        if key not in series:
            label = " ".join([run["engine"], *(FIELD_LABELS[f](v)
                                               for f, v in zip(varying, extra))])
            style = LINESTYLES[extras.index(extra) % len(LINESTYLES)]
            if apart:  # hollow and dotted: present, but visibly not the engine's curve
                label, style = f"{label} ({apart})", ":"
            colour, marker = styles[run["engine"]]
            series[key] = Series(run["engine"], label, style, colour=colour, marker=marker,
                                 apart=apart)
        series[key].points.setdefault(run[x_field], []).append(run)
    return [series[k] for k in sorted(series, key=lambda k: (
        swstyle.engine_order(swstyle.engine_base(k[0])), k[0], [_sort_value(v) for v in k[1]], k[2]))]


def measured(runs: Iterable[dict]) -> list[dict]:
    """The runs that describe the engine (sr.kept_apart leaves out interrupted and
    generator-bound ones): what the single-curve figures draw."""
    return [r for r in runs if not sr.kept_apart(r)]


def largest_config_per_engine(runs: Iterable[dict]) -> dict[str, tuple[sr.ConfigKey, list]]:
    """Each engine's most loaded configuration (most threads, then highest rate, then widest
    window) with its repetitions: where engines differ most, and the tail is most telling."""
    chosen: dict[str, tuple[sr.ConfigKey, list]] = {}
    for key, reps in sr.group_runs(runs).items():
        load = (key.threads, key.rate or 0.0, key.window)
        best = chosen.get(key.engine)
        if best is None or load > (best[0].threads, best[0].rate or 0.0, best[0].window):
            chosen[key.engine] = (key, reps)
    return dict(sorted(chosen.items(), key=lambda kv: swstyle.engine_order(kv[0])))


def describe_load(key: sr.ConfigKey) -> str:
    text = f"t={key.threads}, w={key.window}"
    if key.connections is not None:
        text += f", c={key.connections}"
    return text if key.rate is None else f"{text}, {swstyle.format_rate(key.rate)}"


def thread_sweep_runs(group: Group) -> tuple:
    """Runs to plot against client threads. Open-loop runs at a single thread count are a
    rate sweep: against threads they would be a column of unrelated points."""
    threads = sorted({r["threads"] for r in group.runs})
    if group.mode == "open" and len(threads) < 2:
        raise SkipFigure(f"the open-loop runs all use t={threads[0]} and vary only by offered "
                         "rate (see throughput-latency)")
    return group.runs


# ---------------------------------------------------------------------------------------------
# Metrics


def ns_to_s(ns: float | None) -> float | None:
    """Latencies are plotted in seconds so that matplotlib's engineering formatter labels the
    ticks in the unit a reader wants (100 ns, 12 us, 3 ms) on any range."""
    return None if ns is None else ns * 1e-9


def latency_s(key: str, uncorrected: bool = False) -> Callable[[dict], float | None]:
    return lambda run: ns_to_s(sr.run_latency(run, key, uncorrected))


def throughput(run: dict) -> float:
    return float(run["summary"]["throughput"])


def per_second(key: str) -> Callable[[dict], float | None]:
    """summary[key] (a count over the measured part) as a rate."""
    def metric(run: dict) -> float | None:
        value = run["summary"].get(key)
        return None if value is None else value / run["summary"]["duration_s"]
    return metric


def has_uncorrected(run: dict) -> bool:
    return (run.get("histogram_uncorrected") is not None
            or run["summary"].get("latency_uncorrected_ns") is not None)


def percentile_curve(bucket_lists: list) -> tuple | None:
    """(x, median, low, high) over repetitions, x = 1/(1-p), from the lossless buckets.

    The curve stops at x = count: beyond 1 - 1/count no percentile is distinct from the max.
    """
    totals = [sum(c for _, c in b) for b in bucket_lists]
    if not bucket_lists or min(totals) == 0:
        return None
    xs = np.logspace(0.0, math.log10(max(min(totals), 2)), CURVE_POINTS)
    ps = 100.0 * (1.0 - 1.0 / xs)
    matrix = np.array([sr.values_at_percentiles(b, ps) for b in bucket_lists])
    return xs, np.median(matrix, axis=0), matrix.min(axis=0), matrix.max(axis=0)


def summary_curve(runs: list, uncorrected: bool) -> tuple | None:
    """The same from the summary's p50..p99.99 when a run has no histogram: five points."""
    keys = [k for k in sr.PERCENTILES if all(sr.run_latency(r, k, uncorrected) is not None
                                             for r in runs)]
    if not keys:
        return None
    xs = np.array([1.0 / (1.0 - sr.PERCENTILES[k] / 100.0) for k in keys])
    matrix = np.array([[sr.run_latency(r, k, uncorrected) for k in keys] for r in runs])
    return xs, np.median(matrix, axis=0), matrix.min(axis=0), matrix.max(axis=0)


def distribution(runs: list, uncorrected: bool = False) -> tuple | None:
    """Percentile curve of repetitions: from histograms when all have one, else the summary."""
    buckets = [sr.buckets_of(r, uncorrected) for r in runs]
    if all(b is not None for b in buckets):
        return percentile_curve(buckets)
    return summary_curve(runs, uncorrected)


def find_knee(series: Series, sweeps: Iterable[dict], preset: str) -> Knee | None:
    """Where the engine saturates, as the file states it (rate_sweeps) or by heuristic.

    Heuristic: the largest offered rate whose median p99 is under KNEE_FACTOR x the p99 at the
    lowest offered rate, but only if some higher rate went over: a sweep that never left the
    bound shows no knee, and marking its last point would claim a saturation nobody saw.
    Series drawn apart (generator-bound, interrupted) have no knee: they did not measure the
    engine.
    """
    if series.apart:
        return None
    run = series.any_run()
    for sweep in sweeps:
        if (sweep["engine"], sweep["preset"], sweep["threads"]) == (run["engine"], preset,
                                                                    run["threads"]):
            rate = sweep.get("max_rate_under_bound")
            return None if rate is None else Knee(float(rate), "rate_sweeps")
    p99 = {}
    for rate, reps in series.points.items():
        s = sr.spread(sr.run_latency(r, "p99") for r in reps)
        if s is not None:
            p99[rate] = s.median
    if len(p99) < 2:
        return None
    limit = KNEE_FACTOR * p99[min(p99)]
    under = [rate for rate, value in p99.items() if value < limit]
    if not under or max(under) == max(p99):
        return None
    return Knee(max(under), "heuristic")


# ---------------------------------------------------------------------------------------------
# Drawing


def new_figure(size: tuple = SIZE) -> Figure:
    """A Figure without pyplot, so no figure outlives its save and nothing is global."""
    return Figure(figsize=size, dpi=out.FIGURE_DPI, layout="constrained")


def title(fig: Figure, what: str, group: Group, results: sr.Results, note: str = "") -> None:
    """Every figure names the workload and the machine: a PNG travels without its JSON."""
    extra = "".join(f", {n}" for n in (group.placement_note, note) if n)
    head = f"{what} \u2014 preset {group.preset}, {group.mode} loop{extra}"
    if len(head) > 90:  # about the width of the narrowest figure at fontsize 10: wrap, never clip
        head = f"{what}\npreset {group.preset}, {group.mode} loop{extra}"
    fig.suptitle(f"{head}\n{sr.machine_line(results)}", fontsize=10)


def plot_metric(ax, series: list[Series], metric: Callable[[dict], float | None], *,
                log: bool = False, label_suffix: str = "", linestyle: str | None = None,
                hollow: bool = False) -> int:
    """Median over repetitions at each x, min..max as error bars; returns the points drawn.

    Non-positive values are dropped on a log axis (a 0 ns percentile is below the clock's
    resolution and has no place on it)."""
    drawn = 0
    for s in series:
        xs, med, lo, hi = [], [], [], []
        for x in s.xs():
            spr = sr.spread(metric(r) for r in s.points[x])
            if spr is None or (log and spr.median <= 0):
                continue
            # On a log axis a low of 0 would send the bar to -infinity: floor it instead.
            low = max(spr.low, spr.median * 1e-3) if log else spr.low
            xs.append(x)
            med.append(spr.median)
            lo.append(spr.median - low)
            hi.append(spr.high - spr.median)
        if not xs:
            continue
        spread_shown = any(lo) or any(hi)
        ax.errorbar(xs, med, yerr=[lo, hi] if spread_shown else None, color=s.colour,
                    marker=s.marker, linestyle=linestyle or s.linestyle, capsize=3,
                    markerfacecolor="white" if hollow or s.apart else s.colour,
                    label=s.label + label_suffix)
        drawn += len(xs)
    return drawn


def draw_distribution(ax, curve: tuple, colour: str, label: str, linestyle: str = "-",
                      scale: float = 1e-9) -> None:
    """scale converts the curve's ns: 1e-9 to seconds, or 1 / floor to multiples of it."""
    xs, med, lo, hi = curve
    marker = "o" if len(xs) < 20 else None  # summary points are points, not a curve
    ax.plot(xs, med * scale, color=colour, linestyle=linestyle, marker=marker, label=label)
    if np.any(hi > lo):
        ax.fill_between(xs, lo * scale, hi * scale, color=colour, alpha=0.15, linewidth=0)


# ---------------------------------------------------------------------------------------------
# The figures: each takes the results and a group, returns a Figure or raises SkipFigure


def fig_percentiles(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    runs = [r for r in measured(group.runs) if sr.buckets_of(r) is not None]
    if not runs:
        raise SkipFigure("no run has a histogram")
    chosen = largest_config_per_engine(runs)
    styles = swstyle.spec_styles(chosen)
    loads = {describe_load(key) for key, _ in chosen.values()}
    fig = new_figure()
    ax = fig.subplots()
    max_x = 0.0
    for engine, (key, reps) in chosen.items():
        curve = percentile_curve([sr.buckets_of(r) for r in reps])
        scale = opts.scale_of(reps)
        if curve is None or not np.any(curve[1] > 0) or scale is None:
            continue
        label = engine if len(loads) == 1 else f"{engine} ({describe_load(key)})"
        if len(reps) > 1:
            label += f", median of {len(reps)}"
        draw_distribution(ax, curve, styles[engine].colour, label, scale=scale)
        max_x = max(max_x, curve[0][-1])
    if max_x == 0:
        raise SkipFigure("every histogram is empty or holds only 0 ns"
                         + (", or no run has a floor probe" if opts.normalise else ""))
    percentile_axis(ax, max_x)
    opts.axis(ax, "latency")
    legend(ax, title="engine (band: min..max of repetitions)", title_fontsize=8)
    note = f"at {loads.pop()}" if len(loads) == 1 else "each engine at its largest configuration"
    title(fig, "Latency by percentile", group, results, note)
    return fig


def fig_latency_vs_threads(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    runs = thread_sweep_runs(group)
    series = make_series(runs, "threads", ("rate", "window"))
    fig = new_figure(WIDE)
    axes = fig.subplots(1, 3)
    drawn = 0
    for ax, key in zip(axes, ("p50", "p99", "p999")):
        drawn += plot_metric(ax, series, opts.latency(key), log=True)
        threads_axis(ax, runs, results.machine["logical_cpus"])
        opts.axis(ax, f"{sr.PERCENTILE_LABELS[key]} latency")
        ax.set_title(sr.PERCENTILE_LABELS[key], fontsize=10)
    if drawn == 0:
        raise SkipFigure("no run has a positive latency")
    legend(axes[0])
    title(fig, "Latency percentiles vs client threads (median, min..max bars)", group, results)
    return fig


def count_vs_threads(results: sr.Results, group: Group, runs: tuple | list,
                     metric: Callable[[dict], float | None], label: str, heading: str) -> Figure:
    """One count (metric of each run, on a linear axis labelled `label`) against client threads."""
    fig = new_figure()
    ax = fig.subplots()
    plot_metric(ax, make_series(runs, "threads", ("rate", "window")), metric)
    threads_axis(ax, runs, results.machine["logical_cpus"])
    count_axis(ax, label)
    legend(ax)
    title(fig, heading, group, results)
    return fig


def fig_throughput_vs_threads(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    return count_vs_threads(results, group, thread_sweep_runs(group), throughput, "throughput (commands/s)",
                            "Throughput vs client threads (median, min..max bars)")


def fig_context_switches(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    runs = [r for r in thread_sweep_runs(group) if sr.ctx_per_1000(r) is not None]
    if not runs:
        raise SkipFigure("no run has context_switches")
    return count_vs_threads(results, group, runs, sr.ctx_per_1000, "context switches per 1000 commands",
                            "Context switches vs client threads (voluntary + involuntary)")


def fig_throughput_latency(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    series = make_series(group.runs, "rate", ("threads", "window"))
    knees = [find_knee(s, results.rate_sweeps, group.preset) for s in series]
    for s, knee in zip(series, knees):
        if knee is not None:
            source = ", from rate_sweeps" if knee.source == "rate_sweeps" else ""
            s.label += f" (knee {swstyle.format_rate(knee.rate)}{source})"
    fig = new_figure()
    ax = fig.subplots()
    if plot_metric(ax, series, opts.latency("p99"), log=True) == 0:
        raise SkipFigure("no open-loop run has a p99" + (" and a floor" if opts.normalise else ""))
    if opts.normalise is None:
        for s, knee in zip(series, knees):
            mark_knee(ax, s, knee)
        for bound in sorted({sw["p99_bound_ns"] for sw in results.rate_sweeps
                             if sw["preset"] == group.preset and sw.get("p99_bound_ns")}):
            ax.axhline(bound * 1e-9, color="grey", linestyle=":", linewidth=1,
                       label=f"p99 bound {swstyle.format_ns(bound)}")
    rate_axis(ax, [r["rate"] for r in group.runs])
    opts.axis(ax, "p99 latency")
    legend(ax)
    title(fig, "Throughput-latency: p99 vs offered rate", group, results)
    return fig


def mark_knee(ax, series: Series, knee: Knee | None) -> None:
    """A ring around the knee point (and a dotted line when the knee rate was not run)."""
    if knee is None:
        return
    reps = series.points.get(knee.rate)
    spr = sr.spread(latency_s("p99")(r) for r in reps) if reps else None
    if spr is None:
        ax.axvline(knee.rate, color=series.colour, linestyle=":", linewidth=1)
        return
    ax.plot([knee.rate], [spr.median], marker="o", markersize=16, markerfacecolor="none",
            markeredgecolor=series.colour, markeredgewidth=2, linestyle="none")
    ax.annotate("knee", (knee.rate, spr.median), textcoords="offset points", xytext=(-12, 12),
                color=series.colour, fontsize=8, ha="right")


def fig_backpressure(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    if not any((r["summary"].get("shed") or 0) > 0 for r in group.runs):
        raise SkipFigure("no run shed commands (summary.shed is 0 or absent everywhere)")
    series = make_series(group.runs, "rate", ("threads", "window"))
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    rates = sorted({r["rate"] for r in group.runs})
    top.plot(rates, rates, color="grey", linestyle=":", linewidth=1, label="accepted = offered")
    plot_metric(top, series, per_second("accepted"), label_suffix=" accepted")
    plot_metric(top, series, per_second("shed"), label_suffix=" shed", linestyle="--",
                hollow=True)
    count_axis(top, "commands/s")
    legend(top)
    plot_metric(bottom, series, latency_s("p99"), log=True)
    rate_axis(bottom, rates)
    latency_axis(bottom, "p99 latency")
    bottom.set_title("p99 latency of accepted commands", fontsize=9)
    top.set_title("accepted (solid) and shed (dashed, hollow markers) per second", fontsize=9)
    title(fig, "Backpressure: what the engine admits and refuses", group, results)
    return fig


def fig_corrected(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    runs = [r for r in group.runs if has_uncorrected(r)]
    if not runs:
        raise SkipFigure("no run has latency_uncorrected_ns or histogram_uncorrected")
    fig = new_figure(WIDE)
    left, right = fig.subplots(1, 2)
    series = make_series(runs, "rate", ("threads", "window"))
    plot_metric(left, series, latency_s("p99"), log=True, label_suffix=" corrected")
    plot_metric(left, series, latency_s("p99", uncorrected=True), log=True,
                label_suffix=" uncorrected", linestyle="--", hollow=True)
    rate_axis(left, [r["rate"] for r in runs])
    latency_axis(left, "p99 latency")
    left.set_title("p99 vs offered rate", fontsize=10)
    legend(left)
    chosen = largest_config_per_engine(measured(runs))
    styles = swstyle.spec_styles(chosen)
    loads = {describe_load(key) for key, _ in chosen.values()}
    max_x = 2.0
    for engine, (key, reps) in chosen.items():
        suffix = "" if len(loads) == 1 else f" ({describe_load(key)})"
        for uncorrected, style in ((False, "-"), (True, "--")):
            curve = distribution(reps, uncorrected)
            if curve is not None:
                kind = "uncorrected" if uncorrected else "corrected"
                draw_distribution(right, curve, styles[engine].colour,
                                  f"{engine}{suffix} {kind}", style)
                max_x = max(max_x, curve[0][-1])
    percentile_axis(right, max_x)
    latency_axis(right, "latency")
    right.set_title("by percentile, at " + (loads.pop() if len(loads) == 1
                                            else "each engine's largest configuration"),
                    fontsize=10)
    legend(right)
    title(fig, "Coordinated omission: corrected (planned send) vs uncorrected (actual send)",
          group, results)
    return fig


def representative(reps: list) -> dict:
    """Of a configuration's repetitions, the one whose tail stability is the median (the
    middle one of an odd count, the lower of an even one): a typical run, not the best."""
    with_series = [r for r in reps if sr.time_series(r)]
    ranked = sorted(with_series, key=lambda r: (sr.tail_stability(r) is None,
                                                sr.tail_stability(r) or 0.0))
    defined = [r for r in ranked if sr.tail_stability(r) is not None]
    pool = defined or ranked
    return pool[(len(pool) - 1) // 2]


def fig_time_series(results: sr.Results, group: Group, opts: Options = Options()) -> Figure:
    runs = [r for r in measured(group.runs) if sr.time_series(r)]
    if not runs:
        raise SkipFigure("no run has a time_series (results version 1)")
    chosen = largest_config_per_engine(runs)
    styles = swstyle.spec_styles(chosen)
    loads = {describe_load(key) for key, _ in chosen.values()}
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    drawn = 0
    for engine, (key, reps) in chosen.items():
        run = representative(reps)
        rows = sr.time_series(run)
        floor = sr.floor_ns(run)
        if opts.normalise == "floor" and not floor:
            continue
        scale = 1e-9 if opts.normalise is None else 1.0 / floor
        step = sr.interval_s(run) or 0.1
        end = run["summary"]["duration_s"]
        kept = [row for row in rows if row["commands"] > 0]
        ts = [row["start_s"] + step / 2 for row in kept]
        p99 = [row["p99_ns"] * scale for row in kept]
        # The last interval is cut short by the end of the run: its rate over what it lasted.
        rate = [row["commands"] / max(min(step, end - row["start_s"]), step * 0.05) for row in kept]
        stability = sr.tail_stability(run)
        label = engine if len(loads) == 1 else f"{engine} ({describe_load(key)})"
        label += f", stability {stability:.2f}" if stability is not None else ", stability -"
        colour, marker = styles[engine]
        top.plot(ts, p99, color=colour, marker=marker, markersize=3, label=label)
        bottom.plot(ts, rate, color=colour, marker=marker, markersize=3, label=engine)
        drawn += len(ts)
    if drawn == 0:
        raise SkipFigure("no interval holds a command" + (" in a run with a floor" if opts.normalise else ""))
    opts.axis(top, "p99 per interval")
    top.set_title("p99 of each interval (stability: p99 of these over their median)", fontsize=9)
    legend(top)
    count_axis(bottom, "commands/s in the interval")
    bottom.set_xlabel("seconds into the measured part")
    bottom.set_title("throughput of each interval", fontsize=9)
    note = f"at {loads.pop()}" if len(loads) == 1 else "each engine at its largest configuration"
    title(fig, "Latency over time (the repetition with the median stability)", group, results, note)
    return fig


class FigureKind(NamedTuple):
    name: str
    build: Callable[..., Figure]
    modes: tuple = ("closed", "open", "service")
    normalisable: bool = False  # drawn again with --normalise floor


FIGURES = (
    FigureKind("percentiles", fig_percentiles, normalisable=True),
    FigureKind("latency-vs-threads", fig_latency_vs_threads, normalisable=True),
    FigureKind("throughput-vs-threads", fig_throughput_vs_threads),
    FigureKind("throughput-latency", fig_throughput_latency, ("open",), normalisable=True),
    FigureKind("backpressure", fig_backpressure, ("open",)),
    FigureKind("corrected-vs-uncorrected", fig_corrected, ("open",)),
    FigureKind("context-switches", fig_context_switches),
    FigureKind("time-series", fig_time_series, normalisable=True),
)


# ---------------------------------------------------------------------------------------------
# Writing


def figure_path(outdir: Path, group: Group, kind: FigureKind, ext: str = "png",
                opts: Options = Options()) -> Path:
    """<preset>.<mode>[.<placement>].<figure>[.floor].<ext>: sorts by workload, says what it
    is without opening it. The preset is sanitised (Group.stem): always a file in outdir."""
    return out.inside(outdir, outdir / f"{group.stem}.{kind.name}{opts.suffix}.{ext}")


def save(fig: Figure, outdir: Path, group: Group, kind: FigureKind, svg: bool,
         opts: Options = Options()) -> list[Path]:
    """Writes under a temporary name and renames, as the C++ side does: a file that looks
    complete never is half-written (a report may link it while plot.py runs), and nothing is
    written through a planted link (swlab_output.write_atomically)."""
    written = []
    for ext in ("png", "svg") if svg else ("png",):
        final = figure_path(outdir, group, kind, ext, opts)
        out.write_figure(final, fig, ext)
        written.append(final)
    return written


def render_all(results: sr.Results, outdir: Path, svg: bool = False,
               opts: Options = Options()) -> Rendered:
    """Every figure for every group; figures whose data are missing become skip lines. With
    opts.normalise only the figures that draw latencies are drawn."""
    groups, unknown = split_groups(results)
    written, skipped = [], left_out_lines(unknown)
    for kind in FIGURES:
        if opts.normalise and not kind.normalisable:
            continue
        applicable = [g for g in groups if g.mode in kind.modes]
        if not applicable:
            skipped.append(f"skipped {kind.name}: no {' or '.join(kind.modes)}-loop runs")
            continue
        for group in applicable:
            try:
                fig = kind.build(results, group, opts)
            except SkipFigure as e:
                where = ", ".join([out.safe_name(group.preset), group.mode]
                                  + ([group.placement] if group.placement else []))
                skipped.append(f"skipped {kind.name}{opts.suffix} ({where}): {e}")
                continue
            written += save(fig, outdir, group, kind, svg, opts)
    return Rendered(written, skipped)


def make_parser() -> argparse.ArgumentParser:
    parser = swcli.results_parser(PROG, "Draw the figures of a swlab results file (see docs/plots.md).")
    parser.add_argument("--out", metavar="DIR", help="where to write the figures "
                        "(default: the results directory's figures/)")
    parser.add_argument("--svg", action="store_true", help="also write SVG")
    parser.add_argument("--normalise", choices=["floor"], help="draw latencies as multiples of "
                        "each run's floor (the cross-core ping-pong measured before it)")
    return parser


def main(argv: list[str] | None = None) -> int:
    if core_map.names_a_core_map(sys.argv[1:] if argv is None else argv):  # swlab machine --matrix --out
        return core_map.main(argv, prog=PROG)
    return swcli.run_with_results(PROG, make_parser(), argv, draw)


def draw(args: argparse.Namespace, results: sr.Results) -> int:
    outdir = Path(args.out) if args.out else results.directory / "figures"
    try:
        out.ensure_directory(outdir)
        rendered = render_all(results, outdir, args.svg, Options(normalise=args.normalise))
    except out.OutputError as e:
        return swcli.fail(PROG, str(e))
    except OSError as e:
        return swcli.fail(PROG, f"cannot write into {outdir}: {e.strerror or e}")
    for line in rendered.skipped:
        print(line, file=sys.stderr)
    for path in rendered.written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
