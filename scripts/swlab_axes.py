#!/usr/bin/python3
"""Axes a reader can read a value off: the tick rule every swlab figure shares.

matplotlib's default log axis labels only powers of ten, so an axis spanning 300 ns to 2 us
shows one label, or none, and its points cannot be read. readable_log_axis() picks ticks from
ever finer 1-2-5 ladders until at least MIN_TICKS fall inside the data's range, widens the range
to the neighbouring ticks when even the finest ladder leaves fewer, and thins a ladder that
would print more than MAX_TICKS labels.

The axes swlab's figures share (latency, floor multiples, threads, rates, counts,
percentiles) are here too, each applying that rule where it is a log axis.
"""

from __future__ import annotations

import math
from typing import Callable, Iterable

from matplotlib import ticker

MIN_TICKS = 3
MAX_TICKS = 8
LADDERS = ((1.0,), (1.0, 2.0, 5.0), (1.0, 2.0, 3.0, 5.0), (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0))


def _candidates(low: float, high: float, subs: tuple) -> list[float]:
    first, last = math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1
    return [float(f"{m:g}e{k}") for k in range(first, last + 1) for m in subs]  # 5e-06, not 4.99e-06


def log_ticks(low: float, high: float) -> tuple[list[float], float, float]:
    """(ticks, low, high): labelled ticks for a log axis over [low, high], and the range to
    show, widened when the data span too little for MIN_TICKS ticks."""
    low, high = min(low, high), max(low, high)
    for subs in LADDERS:
        inside = [t for t in _candidates(low, high, subs) if low * (1 - 1e-9) <= t <= high * (1 + 1e-9)]
        if len(inside) >= MIN_TICKS:
            step = math.ceil(len(inside) / MAX_TICKS)
            return inside[::step], low, high
    ladder = _candidates(low, high, LADDERS[-1])
    below = [t for t in ladder if t < low]
    above = [t for t in ladder if t > high]
    inside = [t for t in ladder if low <= t <= high]
    while len(inside) < MIN_TICKS:
        if above and (len(inside) % 2 == 0 or not below):
            inside.append(above.pop(0))
        elif below:
            inside.insert(0, below.pop())
        else:
            break
    return inside, min(low, inside[0]), max(high, inside[-1])


def readable_log_axis(ax, which: str = "y", formatter: ticker.Formatter | Callable | None = None) -> None:
    """Puts a log scale on ax's `which` axis ("x" or "y") with ticks from log_ticks() over the
    data now drawn (call it after plotting); `formatter` labels them (default: engineering
    notation, 2k, 1.5M)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    getter, setter = (ax.get_ylim, ax.set_ylim) if which == "y" else (ax.get_xlim, ax.set_xlim)
    (ax.set_yscale if which == "y" else ax.set_xscale)("log", nonpositive="mask")
    low, high = getter()
    if not (low > 0 and high > 0 and math.isfinite(low) and math.isfinite(high)):
        return
    ticks, low, high = log_ticks(low, high)
    axis.set_major_locator(ticker.FixedLocator(ticks))
    if formatter is None:
        formatter = ticker.EngFormatter(sep="")
    elif not isinstance(formatter, ticker.Formatter):
        formatter = ticker.FuncFormatter(formatter)
    axis.set_major_formatter(formatter)
    axis.set_minor_formatter(ticker.NullFormatter())
    setter(low, high)


def labelled_ticks(ax, which: str = "y") -> list[str]:
    """The labels of the major ticks inside the visible range, empty ones left out: what a
    reader can read off the axis (the tests count them)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    low, high = sorted(ax.get_ylim() if which == "y" else ax.get_xlim())
    locs = [loc for loc in axis.get_majorticklocs()
            if low * (1 - 1e-9) - 1e-12 <= loc <= high * (1 + 1e-9) + 1e-12]
    formatter = axis.get_major_formatter()
    formatter.set_locs(locs)
    return [text for text in formatter.format_ticks(locs) if text.strip()]


# HdrHistogram's percentile axis: x = 1/(1 - p), so every "nine" gets the same width.
PERCENTILE_TICKS = ((0.0, "0%"), (50.0, "50%"), (90.0, "90%"), (99.0, "99%"), (99.9, "99.9%"),
                    (99.99, "99.99%"), (99.999, "99.999%"), (99.9999, "99.9999%"))


def latency_axis(ax, label: str) -> None:
    """Log latency axis, ticks in engineering units of seconds (ns, us, ms).

    Over a short range 1-2-5 ticks, else one per decade: a log axis with a single label has
    no readable scale."""
    ax.set_ylabel(f"{label} (s, log scale)")
    if not ax.has_data() or not ax.dataLim.ymax > 0:
        # Nothing positive to show: a log scale would only add matplotlib's warning.
        ax.text(0.5, 0.5, "no positive latency to show", transform=ax.transAxes, ha="center")
        return
    readable_log_axis(ax, "y", ticker.EngFormatter(unit="s"))
    ax.grid(True, which="major", alpha=0.3)


def floor_axis(ax, label: str) -> None:
    """Log axis of multiples of the run's floor: 1x is one cross-core round trip."""
    ax.set_ylabel(f"{label} (multiples of the floor, log scale)")
    if not ax.has_data() or not ax.dataLim.ymax > 0:
        ax.text(0.5, 0.5, "no run has a floor probe", transform=ax.transAxes, ha="center")
        return
    readable_log_axis(ax, "y", lambda v, _: f"{v:g}x")
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    ax.grid(True, which="major", alpha=0.3)


def threads_axis(ax, runs: Iterable[dict], logical_cpus: int) -> None:
    """Client threads on a log2 axis when they double (1, 2, 4, ...), ticks at the values run;
    a line where the clients alone fill the machine's logical CPUs."""
    runs = list(runs)
    threads = sorted({r["threads"] for r in runs})
    if threads[-1] / threads[0] >= 4:
        ax.set_xscale("log", base=2)
    ax.set_xticks(threads)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    if len(threads) == 1:
        ax.set_xlim(threads[0] / 1.6, threads[0] * 1.6)
    if threads[0] <= logical_cpus <= threads[-1]:
        ax.axvline(logical_cpus, color="grey", linestyle=":", linewidth=1,
                   label=f"{logical_cpus} logical CPUs")
    # Service mode: the threads are workers, each serving many connections.
    service = any(r["mode"] == "service" for r in runs)
    ax.set_xlabel("worker threads" if service else "client threads")
    ax.grid(True, which="major", alpha=0.3)


def rate_axis(ax, rates: Iterable[float]) -> None:
    """Offered rate; log when the sweep spans a decade or more (sweeps are usually geometric)."""
    rates = sorted(set(rates))
    if rates[-1] / rates[0] >= 8:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_xticks(rates)
    ax.xaxis.set_major_formatter(ticker.EngFormatter(sep=""))
    ax.set_xlabel("offered rate (commands/s)")
    ax.grid(True, which="major", alpha=0.3)


def count_axis(ax, label: str) -> None:
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(ticker.EngFormatter(sep=""))
    ax.set_ylabel(label)
    ax.grid(True, which="major", alpha=0.3)


def percentile_axis(ax, max_x: float) -> None:
    """HdrHistogram's x axis: 1/(1-p) on a log scale, labelled as percentiles."""
    ax.set_xscale("log")
    ticks = [(1.0 / (1.0 - p / 100.0), text) for p, text in PERCENTILE_TICKS]
    ticks = [(x, text) for x, text in ticks if x <= max_x * 1.0001]
    ax.set_xticks([x for x, _ in ticks], [text for _, text in ticks])
    ax.xaxis.set_minor_locator(ticker.NullLocator())
    ax.set_xlim(1.0, max_x)
    ax.set_xlabel("percentile (axis: 1/(1 - percentile), log scale)")
    ax.grid(True, which="major", alpha=0.3)


def legend(ax, **kwargs) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, **kwargs)
