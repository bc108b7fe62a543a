#!/usr/bin/python3
"""The figure helpers every claim shares: spread and placement on every figure (each
repetition a dot beside the median; runs of the far placement hollow, apart from the near
ones), readable axes (swlab_axes), one colour per engine spec (swlab_style)."""

from __future__ import annotations

import statistics
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401  (claims re-export it)
from matplotlib import ticker  # noqa: E402

import claim_data as cd  # noqa: E402
import swlab_axes  # noqa: E402
import swlab_results as sr  # noqa: E402
import swlab_stats as st  # noqa: E402
import swlab_style as swstyle  # noqa: E402


def styles(*results: sr.Results) -> dict[str, swstyle.Style]:
    """One colour per engine spec across the figure's sets (specs differing only in options,
    overload=block and overload=reject, get different colours)."""
    return swstyle.spec_styles(r["engine"] for res in results for r in res.runs)


def style_of(spec: str) -> swstyle.Style:
    return swstyle.Style(swstyle.engine_colour(swstyle.engine_base(spec)), swstyle.engine_marker(spec))


def placements_of(*results: sr.Results) -> list[str | None]:
    """[None] when every set has one placement, else near and far, drawn apart."""
    return [st.NEAR, st.FAR] if any(r.both_placements for r in results) else [None]


def placement_suffix(placement: str | None) -> str:
    return "" if placement is None else f" ({placement})"


def kept_out(item) -> bool:
    """A run that may not decide a verdict (interrupted, generator-bound, not steady): drawn,
    as an x, but not in the medians."""
    return isinstance(item, dict) and "summary" in item and bool(sr.verdict_excluded(item))


def line_with_spread(ax, xs: list, runs_at: Callable[[object], list], metric: Callable[[object], float | None],
                     style: swstyle.Style, label: str, linestyle: str = "-", hollow: bool = False) -> None:
    """The median of the usable runs at each x as a line, every repetition as a dot beside it
    (the runs kept out of verdicts as x): the spread is there to see, and a placement drawn
    hollow (far) apart from a filled one (near)."""
    pts, every, out = [], [], []
    for x in xs:
        runs = runs_at(x)
        values = [v for v in (metric(r) for r in runs if not kept_out(r)) if v is not None and v > 0]
        out += [(x, v) for v in (metric(r) for r in runs if kept_out(r)) if v is not None and v > 0]
        if values:
            pts.append((x, statistics.median(values)))
            every += [(x, v) for v in values]
    face = "white" if hollow else style.colour
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle, color=style.colour,
                marker=style.marker, markerfacecolor=face, label=label)
        ax.scatter([p[0] for p in every], [p[1] for p in every], s=9, color=style.colour,
                   alpha=0.45, linewidths=0, zorder=3)
    if out:
        ax.scatter([p[0] for p in out], [p[1] for p in out], s=14, marker="x", color=style.colour,
                   linewidths=0.8, zorder=3, label=None if pts else f"{label} (kept out)")


def bars_with_spread(ax, positions: list[float], samples: list[list[float]], colours: list[str],
                     width: float = 0.8, hatch: str | None = None, labels: list | None = None,
                     out: list[list[float]] | None = None) -> None:
    """A bar at each sample's median, a min..max error bar and every repetition as a dot;
    `out`, the values of runs kept out of verdicts at each position, as x."""
    for x, values in zip(positions, out or []):
        ax.scatter([x] * len(values), values, s=14, marker="x", color="grey", linewidths=0.8, zorder=3)
    meds = [statistics.median(s) if s else 0.0 for s in samples]
    ax.bar(positions, meds, width=width, color=colours, hatch=hatch,
           edgecolor="white" if not hatch else "grey", label=labels)
    for x, s, m in zip(positions, samples, meds):
        if len(s) > 1:
            ax.errorbar([x], [m], yerr=[[m - min(s)], [max(s) - m]], color="grey", capsize=3)
        ax.scatter([x] * len(s), s, s=9, color="black", alpha=0.6, zorder=3)


def grouped_bars(ax, sets_: list[tuple], metric, style: dict, scale: float = 1.0) -> list:
    """Bars per engine, grouped by the sets' parameter (connections), with every repetition;
    a set with both placements gets a hatched far bar beside its near one. Returns the
    group centres for the ticks."""
    centres = []
    for i, (_, res) in enumerate(sets_):
        es = cd.engines_in(res)
        base = i * (len(es) + 1)
        centres.append(base + (len(es) - 1) / 2)
        places = placements_of(res)
        width = 0.8 / len(places)
        for j, placement in enumerate(places):
            offset = (j - (len(places) - 1) / 2) * width
            runs = [cd.runs_in(res, placement, engine=e) for e in es]
            samples = [[v * scale for v in (metric(r) for r in rs if not kept_out(r)) if v] for rs in runs]
            out = [[v * scale for v in (metric(r) for r in rs if kept_out(r)) if v] for rs in runs]
            bars_with_spread(ax, [base + k + offset for k in range(len(es))], samples,
                             [style[e].colour for e in es], width=width, out=out,
                             hatch="//" if placement == st.FAR else None,
                             labels=[f"{e}{placement_suffix(placement)}" for e in es] if i == 0 else None)
    return centres


def count_axis(ax) -> None:
    """A linear axis of counts or rates labelled 500k, 1.5M (not 0.5 with "1e6" in a corner)."""
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=""))


def log_axis(ax, which: str = "y", unit: str = "") -> None:
    """A log axis with at least three labelled ticks (swlab_axes)."""
    swlab_axes.readable_log_axis(ax, which, ticker.EngFormatter(unit=unit, sep=" " if unit else ""))


def threshold_line(ax, value: float, label: str, horizontal: bool = True) -> None:
    """The stated threshold, drawn where the effect is read."""
    draw = ax.axhline if horizontal else ax.axvline
    draw(value, color="grey", linestyle="--", linewidth=1, label=label)


def legend(ax, **kwargs) -> None:
    """A legend where the axes have labelled artists (matplotlib warns on an empty one)."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(**kwargs)


def empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=8)
