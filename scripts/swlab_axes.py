#!/usr/bin/python3
"""Axes a reader can read a value off: the tick rule every swlab figure shares.

matplotlib's default log axis labels only powers of ten, so an axis spanning 300 ns to 2 us
shows one label, or none, and its points cannot be read. readable_log_axis() picks ticks from
ever finer 1-2-5 ladders until at least MIN_TICKS fall inside the data's range, widens the range
to the neighbouring ticks when even the finest ladder leaves fewer, and thins a ladder that
would print more than MAX_TICKS labels.
"""

from __future__ import annotations

import math
from typing import Callable

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
