#!/usr/bin/python3
"""How the scripts show engines and numbers: one colour and marker per engine in every figure
of every results directory, distinguishable specs of one engine, and numbers with three
significant digits in the unit that keeps them readable."""

from __future__ import annotations

import math
import zlib
from typing import Iterable, NamedTuple

# Okabe & Ito (2008), "Color Universal Design": eight colours that stay distinguishable under
# the common colour-vision deficiencies. Yellow is left out of the fallback because it
# vanishes on a white background.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky-blue": "#56B4E9",
    "bluish-green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish-purple": "#CC79A7",
}
# Fixed so that an engine looks the same in every figure of every results directory: a reader
# who has learned "mutex is blue" must never have to relearn it because a sweep ran fewer engines.
ENGINE_COLOURS = {
    "mutex": OKABE_ITO["blue"],
    "rwlock": OKABE_ITO["sky-blue"],
    "spinlock": OKABE_ITO["vermillion"],
    "single-writer": OKABE_ITO["bluish-green"],
    "flat-combining": OKABE_ITO["black"],
    "sharded-mutex": OKABE_ITO["reddish-purple"],
    "sharded-single-writer": OKABE_ITO["orange"],
}
ENGINE_MARKERS = {
    "mutex": "o",
    "rwlock": "s",
    "spinlock": "^",
    "single-writer": "D",
    "sharded-mutex": "v",
    "sharded-single-writer": "P",
    "flat-combining": "h",
}
# Legend order: the lock engines (flat combining last among them, as `swlab engines`
# ranks it), then the single writer, then the sharded forms.
KNOWN_ENGINES = ("mutex", "rwlock", "spinlock", "flat-combining", "single-writer", "sharded-mutex",
                 "sharded-single-writer")
FALLBACK_COLOURS = tuple(c for name, c in OKABE_ITO.items() if name != "yellow")
# When one figure holds more engine specs than Okabe-Ito has colours (engines that differ only
# in options: overload=block and overload=reject), Paul Tol's "muted" scheme, also safe for
# the common colour-vision deficiencies, continues the palette.
EXTRA_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                 "#882255", "#AA4499", "#DDDDDD")
FALLBACK_MARKERS = ("X", "*", "<", ">", "p", "8")  # none of the known engines' shapes




def engine_colour(engine: str) -> str:
    """The engine's colour: fixed for known engines, else a stable hash of the name.

    crc32 rather than hash(): Python salts str hashes per process, which would recolour an
    unknown engine on every invocation.
    """
    if engine in ENGINE_COLOURS:
        return ENGINE_COLOURS[engine]
    return FALLBACK_COLOURS[zlib.crc32(engine.encode("utf-8")) % len(FALLBACK_COLOURS)]


def engine_base(spec: str) -> str:
    """The engine's name without its options: "single-writer:overload=reject" -> "single-writer"."""
    return spec.split(":", 1)[0]


class Style(NamedTuple):
    colour: str
    marker: str


def spec_styles(specs: Iterable[str]) -> dict[str, Style]:
    """A colour and marker for every engine spec drawn together, all colours different.

    A spec that is just an engine's name keeps that engine's fixed colour (mutex is blue in
    every figure). Specs that differ only in options share their engine's marker, so a reader
    sees the family, but never a colour: the first of them (in sorted order) takes the
    engine's colour when the plain engine is not in the figure, the others take colours no
    other spec of the figure uses, first from a palette no known engine owns. Decided from the set of specs alone, so the same specs get
    the same styles in every figure."""
    specs = sorted(set(specs), key=lambda s: (engine_order(engine_base(s)), s))
    styles: dict[str, Style] = {}
    used: set[str] = set()
    for spec in specs:  # plain known names first claim their fixed colours
        if spec in ENGINE_COLOURS:
            styles[spec] = Style(ENGINE_COLOURS[spec], engine_marker(spec))
            used.add(styles[spec].colour)
    for spec in specs:
        if spec in styles:
            continue
        preferred = engine_colour(engine_base(spec))
        # After the engine's own colour, colours no known engine owns, so that a variant
        # is never read as another engine; the engines' colours only when those run out.
        free = [c for c in (preferred, *EXTRA_COLOURS, *FALLBACK_COLOURS) if c not in used]
        colour = free[0] if free else preferred
        styles[spec] = Style(colour, engine_marker(engine_base(spec)))
        used.add(colour)
    return styles


def engine_marker(engine: str) -> str:
    """A marker per engine as a second cue beside colour (and the tie-breaker when two unknown
    engines hash to the same colour: the marker uses different bits of the hash)."""
    if engine in ENGINE_MARKERS:
        return ENGINE_MARKERS[engine]
    h = zlib.crc32(engine.encode("utf-8")) // len(FALLBACK_COLOURS)
    return FALLBACK_MARKERS[h % len(FALLBACK_MARKERS)]


def format_ns(ns: float | None) -> str:
    """A latency in the unit that keeps three significant digits readable: 950 ns, 12.3 us."""
    if ns is None or math.isnan(ns):
        return "-"
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "us")):
        if ns >= scale:
            return f"{_three_digits(ns / scale)} {unit}"
    return f"{ns:.0f} ns"


def format_si(x: float | None, unit: str = "") -> str:
    """A count or rate with an SI prefix: 61.7k, 1.23M."""
    if x is None or math.isnan(x):
        return "-"
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= scale:
            return f"{_three_digits(x / scale)}{prefix}{unit}"
    return f"{_three_digits(x) if x != int(x) else f'{x:.0f}'}{unit}"


def _three_digits(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def format_rate(rate: float | None) -> str:
    return "-" if rate is None else format_si(rate, "/s")

def engine_order(engine: str) -> tuple:
    """Known engines in their fixed order, then the rest alphabetically: legends and tables
    list engines the same way in every file."""
    return (KNOWN_ENGINES.index(engine), "") if engine in KNOWN_ENGINES else (len(KNOWN_ENGINES),
                                                                              engine)
