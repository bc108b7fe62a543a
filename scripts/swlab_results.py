#!/usr/bin/python3
"""Reading swlab results files (docs/results-format.md, versions 1 and 2).

One loader for plot.py, report.py and compare.py, so that all three refuse the same files
with the same message and agree on what a run's percentiles, configuration and colour are.

What load() insists on and what it tolerates: the identity of every run (id, engine, preset,
threads, mode, rate, window, repetition, busy_threads) and the summary numbers every script
uses (duration_s, commands, throughput, latency_ns with count/p50/p99/p999/max) must be
present and well typed, because nothing can be drawn or compared without them. Everything a
single figure or warning needs (histogram, histogram_uncorrected, latency_uncorrected_ns,
context_switches, cpu, offered/accepted/shed, rejected, rate_sweeps) may be absent or null:
the figure is then skipped, not the file. When present, it must still be well formed.

Version 2 adds, among others, the service mode (mode "service", with connections and workers)
and the command work (command_work); a version 1 file simply has neither.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, NoReturn, Sequence

import numpy as np

FORMAT = "swlab-results"
VERSION = 3
# Version 1 (before the floor, the time series and engine_config) and version 2 (before
# the run schema) are still read: the committed reference sets of earlier commits are in
# them. What they lack reads as absent.
VERSIONS = (1, 2, 3)
MODES = ("closed", "open", "service")
RESULTS_NAME = "results.json"

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
FALLBACK_MARKERS = ("X", "*", "<", ">", "p", "8")  # none of the known engines' shapes

# The summary percentiles, in the order and with the names the results file uses.
PERCENTILES = {"p50": 50.0, "p90": 90.0, "p99": 99.0, "p999": 99.9, "p9999": 99.99}
PERCENTILE_LABELS = {"p50": "p50", "p90": "p90", "p99": "p99", "p999": "p99.9",
                     "p9999": "p99.99", "max": "max"}
REQUIRED_LATENCY_KEYS = ("count", "p50", "p99", "p999", "max")


class ResultsError(Exception):
    """A results file that cannot be used; str() is one line naming the file and the problem."""


@dataclass(frozen=True)
class Results:
    """A validated results file. Runs and sweeps stay the plain dicts of the JSON (the schema
    document is their reference); load() has checked every field the scripts read."""

    path: Path
    data: dict
    machine: dict
    config: dict
    runs: tuple
    rate_sweeps: tuple

    @property
    def directory(self) -> Path:
        return self.path.parent


class ConfigKey(NamedTuple):
    """What makes runs repetitions of one another: everything but the repetition index."""

    engine: str
    preset: str
    threads: int
    mode: str
    rate: float | None
    window: int
    connections: int | None = None  # service mode: the logical clients the threads serve


class Spread(NamedTuple):
    """Median and range of repetitions: the median resists one disturbed repetition, the
    range shows how much the repetitions disagree."""

    median: float
    low: float
    high: float
    n: int


# ---------------------------------------------------------------------------------------------
# Loading and validation


def resolve_path(path: str | Path) -> Path:
    """A results directory stands for its results.json, so a directory can be passed around."""
    p = Path(path)
    return p / RESULTS_NAME if p.is_dir() else p


def load(path: str | Path) -> Results:
    """Reads and validates a results file; raises ResultsError with one line on any problem."""
    p = resolve_path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultsError(f"{p}: cannot read: {_reason(e)}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ResultsError(f"{p}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") \
            from None
    try:
        return _validate(p, data)
    except _Invalid as e:
        raise ResultsError(f"{p}: {e}") from None


def _reason(e: BaseException) -> str:
    return getattr(e, "strerror", None) or str(e)


class _Invalid(Exception):
    """Internal: a validation failure, without the file name (load() adds it)."""


_KINDS = {
    "str": (str,),
    "int": (int,),
    "number": (int, float),
    "bool": (bool,),
    "dict": (dict,),
    "list": (list,),
}


def _type_name(value: Any) -> str:
    return {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
            list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _check(value: Any, kind: str, where: str, *, nullable: bool = False,
           minimum: float | None = None) -> Any:
    """Checks one value's JSON type (booleans are not numbers, NaN is not a number)."""
    if value is None and nullable:
        return None
    ok = isinstance(value, _KINDS[kind]) and not (kind != "bool" and isinstance(value, bool))
    if ok and kind == "number" and not math.isfinite(value):
        ok = False
    if not ok:
        wanted = {"str": "a string", "int": "an integer", "number": "a finite number",
                  "bool": "a boolean", "dict": "an object", "list": "an array"}[kind]
        raise _Invalid(f"{where} must be {wanted}{' or null' if nullable else ''}, "
                       f"got {_type_name(value)}")
    if minimum is not None and value < minimum:
        raise _Invalid(f"{where} must be >= {minimum:g}, got {value}")
    return value


def _field(obj: dict, key: str, kind: str, where: str, *, required: bool = True,
           nullable: bool = False, minimum: float | None = None) -> Any:
    """Checks obj[key]; an optional field may be absent (and then reads as None)."""
    if key not in obj:
        if required:
            raise _Invalid(f"{where}: missing '{key}'")
        return None
    return _check(obj[key], kind, f"{where}: '{key}'", nullable=nullable or not required,
                  minimum=minimum)


def _validate(path: Path, data: Any) -> Results:
    if not isinstance(data, dict):
        raise _Invalid(f"not a swlab results file: the top level is {_type_name(data)}, "
                       "expected an object")
    fmt = data.get("format")
    if fmt != FORMAT:
        found = "'format' is missing" if "format" not in data else f"format is {fmt!r}"
        raise _Invalid(f"not a swlab results file: {found}, expected {FORMAT!r}")
    version = data.get("version")
    if version not in VERSIONS or isinstance(version, bool):
        found = "missing" if "version" not in data else json.dumps(version)
        raise _Invalid(f"unsupported results version {found} (this reader understands "
                       f"versions {', '.join(map(str, VERSIONS))})")
    machine = _field(data, "machine", "dict", "top level")
    _field(machine, "cpu_model", "str", "machine")
    _field(machine, "logical_cpus", "int", "machine", minimum=1)
    _field(machine, "label", "str", "machine", required=False)
    config = _field(data, "config", "dict", "top level")
    _field(data, "clock", "dict", "top level", required=False)
    runs = _field(data, "runs", "list", "top level")
    if not runs:
        raise _Invalid("'runs' is empty: nothing to read")
    seen: set[str] = set()
    for i, run in enumerate(runs):
        _validate_run(run, i, seen)
    sweeps = _field(data, "rate_sweeps", "list", "top level", required=False) or []
    for i, sweep in enumerate(sweeps):
        _validate_sweep(sweep, f"rate_sweeps[{i}]")
    return Results(path=path, data=data, machine=machine, config=config, runs=tuple(runs),
                   rate_sweeps=tuple(sweeps))


def _validate_run(run: Any, index: int, seen: set[str]) -> None:
    where = f"runs[{index}]"
    _check(run, "dict", where)
    run_id = _field(run, "id", "str", where)
    where = f"runs[{index}] ({run_id})"
    if run_id in seen:
        raise _Invalid(f"{where}: duplicate run id")
    seen.add(run_id)
    _field(run, "engine", "str", where)
    _field(run, "preset", "str", where)
    _field(run, "threads", "int", where, minimum=1)
    mode = _field(run, "mode", "str", where)
    if mode not in MODES:
        raise _Invalid(f"{where}: 'mode' must be one of {', '.join(MODES)}, got {mode!r}")
    if "rate" not in run:
        raise _Invalid(f"{where}: missing 'rate'")
    rate = _check(run["rate"], "number", f"{where}: 'rate'", nullable=True)
    if mode == "open" and (rate is None or rate <= 0):
        raise _Invalid(f"{where}: an open-loop run needs a 'rate' > 0, got {json.dumps(rate)}")
    _field(run, "window", "int", where, minimum=1)
    connections = _field(run, "connections", "int", where, required=False, minimum=1)
    workers = _field(run, "workers", "int", where, required=False, minimum=1)
    if mode == "service" and (connections is None or workers is None):
        raise _Invalid(f"{where}: a service-mode run needs 'connections' and 'workers'")
    work = _field(run, "command_work", "dict", where, required=False)
    if work is not None:
        for key in ("work_ns", "parallel_work_ns", "work_iterations", "parallel_work_iterations"):
            _field(work, key, "int", f"{where}: command_work", required=False, minimum=0)
        _field(work, "iterations_per_ns", "number", f"{where}: command_work", required=False,
               minimum=0)
    _field(run, "repetition", "int", where, minimum=0)
    _field(run, "busy_threads", "int", where, minimum=1)
    _field(run, "oversubscribed", "bool", where, required=False)
    _validate_summary(_field(run, "summary", "dict", where), f"{where}: summary")
    floor = _field(run, "floor", "dict", where, required=False)
    if floor is not None:
        for when in ("before", "after"):
            sample = _field(floor, when, "dict", f"{where}: floor")
            _field(sample, "p50_ns", "number", f"{where}: floor.{when}", minimum=0)
            _field(sample, "p99_ns", "number", f"{where}: floor.{when}", minimum=0)
    series = _field(run, "time_series", "dict", where, required=False)
    if series is not None:
        _validate_time_series(series, f"{where}: time_series")
    config = _field(run, "engine_config", "dict", where, required=False)
    if config is not None:
        _field(config, "spec", "str", f"{where}: engine_config")
    for key in ("histogram", "histogram_uncorrected"):
        hist = _field(run, key, "dict", where, required=False)
        if hist is not None:
            _validate_histogram(hist, f"{where}: {key}")


def _validate_summary(summary: dict, where: str) -> None:
    _field(summary, "tail_stability", "number", where, required=False, minimum=0)
    _field(summary, "unsent", "int", where, required=False, minimum=0)
    _field(summary, "duration_s", "number", where, minimum=0)
    if summary["duration_s"] <= 0:
        raise _Invalid(f"{where}: 'duration_s' must be > 0, got {summary['duration_s']}")
    _field(summary, "commands", "int", where, minimum=0)
    _field(summary, "throughput", "number", where, minimum=0)
    for key in ("offered", "accepted", "shed", "ok"):
        _field(summary, key, "int", where, required=False, minimum=0)
    rejected = _field(summary, "rejected", "dict", where, required=False)
    for reason, count in (rejected or {}).items():
        _check(count, "int", f"{where}: 'rejected.{reason}'", minimum=0)
    _validate_latency(_field(summary, "latency_ns", "dict", where), f"{where}: latency_ns",
                      required=REQUIRED_LATENCY_KEYS)
    uncorrected = _field(summary, "latency_uncorrected_ns", "dict", where, required=False)
    if uncorrected is not None:
        _validate_latency(uncorrected, f"{where}: latency_uncorrected_ns",
                          required=REQUIRED_LATENCY_KEYS)
    ctx = _field(summary, "context_switches", "dict", where, required=False)
    if ctx is not None:
        _field(ctx, "per_1000_commands", "number", f"{where}: context_switches", minimum=0)
    _field(summary, "cpu", "dict", where, required=False)


TIME_SERIES_COLUMNS = ("start_s", "commands", "p50_ns", "p99_ns", "p999_ns", "max_ns", "context_switches")
# Results written before 2026-12-02 have no p999_ns column; they stay readable.
TIME_SERIES_COLUMNS_NO_P999 = ("start_s", "commands", "p50_ns", "p99_ns", "max_ns", "context_switches")


def _validate_time_series(series: dict, where: str) -> None:
    _field(series, "interval_s", "number", where, minimum=0)
    columns = _field(series, "columns", "list", where)
    if tuple(columns) not in (TIME_SERIES_COLUMNS, TIME_SERIES_COLUMNS_NO_P999):
        raise _Invalid(f"{where}: 'columns' must be {list(TIME_SERIES_COLUMNS)}, got {columns}")
    for i, row in enumerate(_field(series, "rows", "list", where)):
        if not (isinstance(row, list) and len(row) == len(columns)):
            raise _Invalid(f"{where}: rows[{i}] must have {len(columns)} values")
        for name, value in zip(columns, row):
            _check(value, "number", f"{where}: rows[{i}].{name}")


def _validate_latency(lat: dict, where: str, required: Sequence[str]) -> None:
    for key in ("count", *PERCENTILES, "max", "min", "mean", "stddev"):
        _field(lat, key, "number", where, required=key in required, minimum=0)


def _validate_histogram(hist: dict, where: str) -> None:
    unit = _field(hist, "unit", "str", where, required=False)
    if unit not in (None, "ns"):
        raise _Invalid(f"{where}: 'unit' must be \"ns\", got {unit!r}")
    buckets = _field(hist, "buckets", "list", where)
    previous = -1
    for i, bucket in enumerate(buckets):
        if not (isinstance(bucket, list) and len(bucket) == 2):
            raise _Invalid(f"{where}: buckets[{i}] must be a [value, count] pair")
        value = _check(bucket[0], "int", f"{where}: buckets[{i}] value", minimum=0)
        _check(bucket[1], "int", f"{where}: buckets[{i}] count", minimum=0)
        if value <= previous:
            raise _Invalid(f"{where}: buckets must ascend by value; buckets[{i}] = {value} "
                           f"follows {previous}")
        previous = value


def _validate_sweep(sweep: Any, where: str) -> None:
    _check(sweep, "dict", where)
    _field(sweep, "engine", "str", where)
    _field(sweep, "preset", "str", where)
    _field(sweep, "threads", "int", where, minimum=1)
    _field(sweep, "p99_bound_ns", "number", where, required=False, minimum=0)
    _field(sweep, "max_rate_under_bound", "number", where, required=False, minimum=0)
    _field(sweep, "steps", "list", where, required=False)


# ---------------------------------------------------------------------------------------------
# Percentiles from the lossless histogram


def buckets_of(run: dict, uncorrected: bool = False) -> list | None:
    """The run's histogram buckets, or None when the file carries none for it."""
    hist = run.get("histogram_uncorrected" if uncorrected else "histogram")
    return None if hist is None else hist["buckets"]


def rank_at_percentile(percentile: float, total: int) -> int:
    """HdrHistogram's rank: ceil(p/100 * count), at least 1 and at most count.

    The 4-ulp shave matches bench/hdr_histogram.cpp: 99.9/100*1000 is 999.0000000000001 in
    binary floating point, and without it rank 999 of 1000 would come out as 1000, so the
    Python figures would disagree with the C++ summary at exactly the percentiles people quote.
    """
    exact = percentile / 100.0 * total
    rank = math.ceil(exact * (1.0 - 4 * sys.float_info.epsilon))
    return int(min(max(rank, 1), total))


def values_at_percentiles(buckets: Sequence[Sequence[int]],
                          percentiles: Iterable[float]) -> np.ndarray:
    """Values at many percentiles at once (HdrHistogram semantics, as value_at_percentile()).

    Each value is the first bucket whose cumulative count reaches the percentile's rank; p <= 0
    gives the lowest bucket, p >= 100 the highest (the exact max). Vectorised because the
    percentile-distribution figure asks for hundreds of percentiles per run. Empty histograms
    give NaN.
    """
    ps = np.asarray(list(percentiles), dtype=float)
    pairs = [(v, c) for v, c in buckets if c > 0]
    if not pairs:
        return np.full(ps.shape, np.nan)
    values = np.array([v for v, _ in pairs], dtype=float)
    cumulative = np.cumsum([c for _, c in pairs])
    total = int(cumulative[-1])
    ranks = np.array([rank_at_percentile(p, total) for p in ps], dtype=np.int64)
    index = np.searchsorted(cumulative, ranks, side="left")
    out = values[np.minimum(index, len(values) - 1)]
    out[ps <= 0] = values[0]
    out[ps >= 100] = values[-1]
    return out


def value_at_percentile(buckets: Sequence[Sequence[int]], percentile: float) -> float | None:
    """One percentile from the buckets; None for an empty histogram."""
    value = values_at_percentiles(buckets, [percentile])[0]
    return None if math.isnan(value) else float(value)


def run_latency(run: dict, key: str, uncorrected: bool = False) -> float | None:
    """A run's latency statistic ("p50", "p99", "p999", "max", ...) in ns.

    The summary is what the load generator measured and is authoritative; the histogram is the
    fallback, for keys a summary may lack. None when neither has it.
    """
    summary = run["summary"]
    lat = summary.get("latency_uncorrected_ns" if uncorrected else "latency_ns")
    if lat is not None and lat.get(key) is not None:
        return float(lat[key])
    buckets = buckets_of(run, uncorrected)
    if buckets is None:
        return None
    if key == "max":
        return value_at_percentile(buckets, 100.0)
    if key in PERCENTILES:
        return value_at_percentile(buckets, PERCENTILES[key])
    return None


# ---------------------------------------------------------------------------------------------
# Grouping runs


def config_key(run: dict) -> ConfigKey:
    return ConfigKey(run["engine"], run["preset"], run["threads"], run["mode"], run["rate"],
                     run["window"], run.get("connections"))


def engine_order(engine: str) -> tuple:
    """Known engines in their fixed order, then the rest alphabetically: legends and tables
    list engines the same way in every file."""
    return (KNOWN_ENGINES.index(engine), "") if engine in KNOWN_ENGINES else (len(KNOWN_ENGINES),
                                                                              engine)


def key_order(key: ConfigKey) -> tuple:
    """Sort order for configurations (a plain tuple sort fails on rate None vs a number)."""
    return (key.preset, key.mode, engine_order(key.engine), key.threads,
            -1.0 if key.rate is None else key.rate, key.window,
            -1 if key.connections is None else key.connections)


def group_runs(runs: Iterable[dict]) -> dict[ConfigKey, list[dict]]:
    """Runs grouped into repetitions of one configuration, configurations in key_order and
    repetitions by index."""
    groups: dict[ConfigKey, list[dict]] = {}
    for run in runs:
        groups.setdefault(config_key(run), []).append(run)
    return {k: sorted(groups[k], key=lambda r: r["repetition"])
            for k in sorted(groups, key=key_order)}


def spread(values: Iterable[float | None]) -> Spread | None:
    """Median and min..max of the values that exist; None when none do."""
    vals = [float(v) for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return None
    return Spread(statistics.median(vals), min(vals), max(vals), len(vals))


def relative_spread(s: Spread | None) -> float | None:
    """(max - min) / median: how far repetitions disagree, relative to what is reported."""
    if s is None or s.n < 2 or s.median == 0:
        return None
    return (s.high - s.low) / s.median


def rejected_total(run: dict) -> int:
    """Rejections over all reasons (as summary.csv's `rejected` column)."""
    return sum((run["summary"].get("rejected") or {}).values())


def ctx_per_1000(run: dict) -> float | None:
    ctx = run["summary"].get("context_switches")
    return None if ctx is None else float(ctx["per_1000_commands"])


def floor_ns(run: dict, when: str = "before") -> float | None:
    """The machine's cross-core ping-pong p50 measured before (or after) the run, in ns;
    None for runs without a probe (version 1, or --probe 0)."""
    floor = run.get("floor")
    if not floor or not floor.get(when):
        return None
    value = floor[when].get("p50_ns")
    return float(value) if value else None


def unstable_floor(run: dict) -> bool:
    """The floor moved by more than 1.5x between before and after the run (the C++ side
    decides and records it; recomputed for files that only carry the samples)."""
    if "unstable_floor" in run:
        return bool(run["unstable_floor"])
    a, b = floor_ns(run, "before"), floor_ns(run, "after")
    return bool(a and b and max(a, b) / min(a, b) > 1.5)


def tail_stability(run: dict) -> float | None:
    """p99 of the per-interval p99s over their median (1.0 = stable); None when undefined."""
    value = run["summary"].get("tail_stability")
    return None if value is None else float(value)


def time_series(run: dict) -> list[dict] | None:
    """The run's time series as one dict per interval (keys: TIME_SERIES_COLUMNS; files before
    2026-12-02 lack p999_ns), or None."""
    series = run.get("time_series")
    if not series:
        return None
    return [dict(zip(series["columns"], row)) for row in series["rows"]]


def interval_s(run: dict) -> float | None:
    series = run.get("time_series")
    return None if not series else float(series["interval_s"])


# ---------------------------------------------------------------------------------------------
# Presentation shared by the scripts


def engine_colour(engine: str) -> str:
    """The engine's colour: fixed for known engines, else a stable hash of the name.

    crc32 rather than hash(): Python salts str hashes per process, which would recolour an
    unknown engine on every invocation.
    """
    if engine in ENGINE_COLOURS:
        return ENGINE_COLOURS[engine]
    return FALLBACK_COLOURS[zlib.crc32(engine.encode("utf-8")) % len(FALLBACK_COLOURS)]


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


def describe_key(key: ConfigKey) -> str:
    """A configuration in one short line: 'mutex balanced closed t=4 w=1' (+ '@200k/s', or
    ' c=64' for the connections of a service-mode run)."""
    text = f"{key.engine} {key.preset} {key.mode} t={key.threads} w={key.window}"
    if key.connections is not None:
        text += f" c={key.connections}"
    return text if key.rate is None else f"{text} @{format_rate(key.rate)}"


def machine_line(results: Results) -> str:
    """The machine as figures and reports name it: CPU, logical CPUs, free-text label."""
    m = results.machine
    parts = [m["cpu_model"].strip(), f"{m['logical_cpus']} logical CPUs"]
    if m.get("label"):
        parts.append(m["label"])
    return " \u00b7 ".join(parts)


# ---------------------------------------------------------------------------------------------
# Command lines


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and still exit 2), like every other error of
    these scripts: a CI log then shows the problem, not a screen of usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def fail(prog: str, message: str) -> int:
    """Reports a fatal input problem as one line on stderr; returns the exit status, 2."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2


def results_parser(prog: str, description: str) -> ArgumentParser:
    """The parser of a script that reads one results file, named by its first argument."""
    parser = ArgumentParser(prog=prog, description=description)
    parser.add_argument("results", help="results.json, or the directory holding it")
    return parser


def run_with_results(prog: str, parser: argparse.ArgumentParser, argv: list[str] | None,
                     run: Callable[[argparse.Namespace, Results], int]) -> int:
    """A script's main(): parses argv, loads the results file it names and returns
    run(args, results); a results file that cannot be used is one line and exit status 2."""
    args = parser.parse_args(argv)
    try:
        results = load(args.results)
    except ResultsError as e:
        return fail(prog, str(e))
    return run(args, results)
