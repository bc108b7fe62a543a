#!/usr/bin/python3
"""Reading swlab results files (docs/results-format.md, versions 1, 2 and 3).

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
and the command work (command_work); a version 1 file simply has neither. Version 3 adds what
the analysis needs to compare like with like: each run's placement (floor.placement, and the
set's placement_rule), steadiness (summary.steady, summary.intervals), the open loop's send
lateness and generator_bound, failed runs (failed, error) and engine_config.inject_ns. Where a
file lacks them, the same rules are applied here (scripts/swlab_stats.py), so older sets read
the same way.

Hostile files: every value a script reads is checked for its type and range here (integers
within 64 bits, finite numbers, bounded counts), nesting and number length are bounded at
parse time, and the file's size is bounded before it is read; any failure is one line naming
the file and the problem (ResultsError), never a traceback.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, NamedTuple, NoReturn, Sequence

import numpy as np

import swlab_schema as schema
import swlab_stats as st
import swlab_style as swstyle
from swlab_style import engine_order  # grouping orders engines as the legends do

FORMAT = "swlab-results"
VERSION = 3
# Version 1 (before the floor, the time series and engine_config) and version 2 (before
# the run schema: settings, placement, steadiness, failed runs) are still read: the committed
# reference sets are in them. What they lack reads as absent, or is derived with the rules of
# swlab_stats.
VERSIONS = (1, 2, 3)
MODES = schema.MODES
RESULTS_NAME = "results.json"
# Bounds on what a file may ask of the reader. The largest committed results.json is 12 MB,
# a histogram with 3 significant digits from 1 ns to an hour has about 70,000 buckets, and a
# run of an hour in 1 ms intervals has 3.6 M rows: far above all of them, far below what
# would exhaust the memory of a laptop.
MAX_FILE_BYTES = 512 << 20
MAX_BUCKETS = 1_000_000
MAX_ROWS = 4_000_000
MAX_INT = 2**63 - 1          # what the C++ writer's 64-bit integers can hold
MAX_COUNT_TOTAL = 2**62      # a histogram's total count (numpy sums it in int64)
MAX_CONFIG_DEPTH = 16        # report.py prints the config's values; the writer nests 3 deep

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
    runs: tuple          # the runs that completed (failed ones are in `failed`)
    rate_sweeps: tuple
    failed: tuple = ()   # runs with "failed": true, each with its "error"
    rule: st.PlacementRule = st.PlacementRule(st.PLACEMENT_METHOD, 1, None, None)
    placements: dict = None  # run id -> "near" | "far" | "unknown"

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def both_placements(self) -> bool:
        """Some runs ran near and some far: the set is read within each placement, never
        across (a run whose probes differ is "unknown" and does not count here)."""
        seen = set((self.placements or {}).values())
        return st.NEAR in seen and st.FAR in seen

    def placement_counts(self, runs: Iterable[dict] | None = None) -> dict[str, int]:
        """Runs per placement, near / far / unknown, of `runs` (default: all completed)."""
        counts = dict.fromkeys(st.PLACEMENTS, 0)
        for run in self.runs if runs is None else runs:
            counts[self.placement(run)] += 1
        return counts

    def placement(self, run: dict) -> str:
        return (self.placements or {}).get(run["id"], st.UNKNOWN)


# What makes runs repetitions of one another: every identity setting the schema declares
# (engine, threads, preset, mode, connections, rate, window), everything but the repetition.
# A setting a file predates (version 1 has no connections) reads as None.
ConfigKey = NamedTuple("ConfigKey", [(key, Any) for key in schema.IDENTITY_KEYS])


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
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ResultsError(f"{p}: {size} bytes, more than the {MAX_FILE_BYTES >> 20} MiB "
                               "a results file may have")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{p}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ResultsError(f"{p}: cannot read: {_reason(e)}") from None
    data = parse_json(p, text)
    try:
        return _validate(p, data)
    except _Invalid as e:
        raise ResultsError(f"{p}: {e}") from None
    except RecursionError:
        raise ResultsError(f"{p}: nested too deeply") from None


def parse_json(p: Path, text: str) -> Any:
    """json.loads, with every way a hostile text can make it fail turned into ResultsError:
    NaN and Infinity (not JSON), integers of more than 4,300 digits (Python refuses to convert
    them), nesting deeper than the interpreter's stack."""
    def no_constant(name: str) -> NoReturn:
        raise _Invalid(f"{name} is not a JSON number")
    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as e:
        raise ResultsError(f"{p}: not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") \
            from None
    except _Invalid as e:
        raise ResultsError(f"{p}: not valid JSON: {e}") from None
    except RecursionError:
        raise ResultsError(f"{p}: not valid JSON: nested too deeply") from None
    except ValueError as e:  # int() of a number with more than sys.get_int_max_str_digits()
        raise ResultsError(f"{p}: not valid JSON: a number too long to read "
                           f"({str(e).split(':')[0]})") from None
    except MemoryError:
        raise ResultsError(f"{p}: not valid JSON: too large to read into memory") from None


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


def _short(value: Any) -> str:
    text = str(value) if not isinstance(value, int) or abs(value) < 10**30 else \
        f"an integer of {len(str(abs(value)))} digits"
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(value: Any) -> str:
    return {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
            list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _check(value: Any, kind: str, where: str, *, nullable: bool = False,
           minimum: float | None = None) -> Any:
    """Checks one value's JSON type (booleans are not numbers, NaN is not a number)."""
    if value is None and nullable:
        return None
    ok = isinstance(value, _KINDS[kind]) and not (kind != "bool" and isinstance(value, bool))
    if ok and isinstance(value, int) and abs(value) > MAX_INT:
        raise _Invalid(f"{where} is out of range ({_short(value)}): integers must fit in 64 bits")
    if ok and isinstance(value, float) and not math.isfinite(value):
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
        found = "'format' is missing" if "format" not in data else f"format is {_short(repr(fmt))}"
        raise _Invalid(f"not a swlab results file: {found}, expected {FORMAT!r}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in VERSIONS:
        found = "missing" if "version" not in data else _short(json.dumps(version)
                                                               if not isinstance(version, int) else version)
        raise _Invalid(f"unsupported results version {found} (this reader understands "
                       f"versions {', '.join(map(str, VERSIONS))})")
    machine = _validate_machine(_field(data, "machine", "dict", "top level"))
    config = _validate_config(_field(data, "config", "dict", "top level"))
    _validate_header(data)
    runs = _field(data, "runs", "list", "top level")
    if not runs:
        raise _Invalid("'runs' is empty: nothing to read")
    seen: set[str] = set()
    for i, run in enumerate(runs):
        _validate_run(run, i, seen, version)
    sweeps = _field(data, "rate_sweeps", "list", "top level", required=False) or []
    for i, sweep in enumerate(sweeps):
        _validate_sweep(sweep, f"rate_sweeps[{i}]")
    completed = tuple(r for r in runs if r.get("failed") is not True)
    if not completed:
        raise _Invalid("every run failed: nothing to read")
    rule = _placement_rule(data, completed)
    recorded = rule.method == (data.get("placement_rule") or {}).get("method")
    placements = {r["id"]: _placement(r, rule, recorded) for r in completed}
    return Results(path=path, data=data, machine=machine, config=config, runs=completed,
                   rate_sweeps=tuple(sweeps), failed=tuple(r for r in runs if r.get("failed") is True),
                   rule=rule, placements=placements)


def _validate_machine(machine: dict) -> dict:
    _field(machine, "cpu_model", "str", "machine")
    _field(machine, "logical_cpus", "int", "machine", minimum=1)
    for key in ("label", "hostname", "kernel", "compiler", "build_type", "build_flags",
                "git_commit"):
        _field(machine, key, "str", "machine", required=False)
    _field(machine, "git_dirty", "bool", "machine", required=False)
    return machine


def _validate_config(config: dict) -> dict:
    """The invocation's flags. report.py prints every value, so none may nest deeper than the
    writer ever does; compare.py reads the work mode and the order."""
    for key, value in config.items():
        if _depth(value, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH:
            raise _Invalid(f"config: '{key}' nests more than {MAX_CONFIG_DEPTH} levels deep")
    _field(config, "order", "str", "config", required=False)
    _field(config, "repetitions", "int", "config", required=False, minimum=0)
    work = _field(config, "work", "dict", "config", required=False)
    if work is not None:
        _field(work, "kind", "str", "config: work", required=False)
        _field(work, "commands", "int", "config: work", required=False, minimum=0)
    work = _field(config, "command_work", "dict", "config", required=False)
    if work is not None:
        _validate_command_work(work, "config: command_work")
    return config


def _depth(value: Any, limit: int) -> int:
    """How deep value nests, counting no further than limit + 1 (so a hostile value costs
    nothing more than the limit)."""
    if limit < 0 or not isinstance(value, (dict, list)):
        return 0
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(v, limit - 1) for v in children), default=0)


def _validate_header(data: dict) -> None:
    """The top-level fields the report prints besides machine and config."""
    for key in ("command", "created"):
        _field(data, key, "str", "top level", required=False)
    _field(data, "interrupted", "bool", "top level", required=False)
    clock = _field(data, "clock", "dict", "top level", required=False)
    if clock is not None:
        _field(clock, "source", "str", "clock", required=False)
        _field(clock, "overhead_ns", "number", "clock", required=False, minimum=0)
    calibration = _field(data, "calibration", "dict", "top level", required=False)
    if calibration is not None:
        _field(calibration, "target_s", "number", "calibration", minimum=0)
    rule = _field(data, "placement_rule", "dict", "top level", required=False)
    if rule is not None:
        _field(rule, "method", "str", "placement_rule")
        modes = _field(rule, "modes", "int", "placement_rule")
        if modes not in (1, 2):
            raise _Invalid(f"placement_rule: 'modes' must be 1 or 2, got {modes}")
        for key in ("near_max_ns", "far_min_ns"):
            _field(rule, key, "number", "placement_rule", required=False, minimum=0)
        if modes == 2 and (rule.get("near_max_ns") is None or rule.get("far_min_ns") is None):
            raise _Invalid("placement_rule: two modes need 'near_max_ns' and 'far_min_ns'")


def _validate_command_work(work: dict, where: str) -> None:
    for key in ("work_ns", "parallel_work_ns", "work_iterations", "parallel_work_iterations"):
        _field(work, key, "int", where, required=False, minimum=0)
    _field(work, "iterations_per_ns", "number", where, required=False, minimum=0)


def _validate_identity(run: dict, where: str) -> str:
    """The fields that say which configuration a run is (a failed run has them too)."""
    _field(run, "engine", "str", where)
    _field(run, "preset", "str", where)
    _field(run, "threads", "int", where, minimum=1)
    mode = _field(run, "mode", "str", where)
    if mode not in MODES:
        raise _Invalid(f"{where}: 'mode' must be one of {', '.join(MODES)}, got {_short(repr(mode))}")
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
    _field(run, "repetition", "int", where, minimum=0)
    return mode


def _validate_run(run: Any, index: int, seen: set[str], version: int) -> None:
    where = f"runs[{index}]"
    _check(run, "dict", where)
    run_id = _field(run, "id", "str", where)
    where = f"runs[{index}] ({_short(run_id)})"
    if run_id in seen:
        raise _Invalid(f"{where}: duplicate run id")
    seen.add(run_id)
    if _field(run, "failed", "bool", where, required=False):
        # A failed run keeps what names it and why it failed; it has no measurements, and
        # the scripts only list it.
        _field(run, "engine", "str", where)
        _field(run, "error", "str", where)
        for key in ("preset", "mode"):
            _field(run, key, "str", where, required=False)
        for key in ("threads", "repetition"):
            _field(run, key, "int", where, required=False, minimum=0)
        return
    _validate_identity(run, where)
    if version >= 3:  # every field the writer declares (scripts/swlab_schema.json), typed
        schema.validate_run(run, where, _Invalid)
    _field(run, "error", "str", where, required=False)
    work = _field(run, "command_work", "dict", where, required=False)
    if work is not None:
        _validate_command_work(work, f"{where}: command_work")
    _field(run, "busy_threads", "int", where, minimum=1)
    for key in ("oversubscribed", "unstable_floor", "interrupted"):
        _field(run, key, "bool", where, required=False)
    _field(run, "order", "int", where, required=False, minimum=0)
    _validate_summary(_field(run, "summary", "dict", where), f"{where}: summary")
    _validate_floor(_field(run, "floor", "dict", where, required=False), where)
    series = _field(run, "time_series", "dict", where, required=False)
    if series is not None:
        _validate_time_series(series, f"{where}: time_series")
    config = _field(run, "engine_config", "dict", where, required=False)
    if config is not None:
        _field(config, "spec", "str", f"{where}: engine_config")
        _field(config, "inject_ns", "int", f"{where}: engine_config", required=False, minimum=0)
    counters = _field(run, "hardware_counters", "dict", where, required=False)
    if counters is not None:
        _field(counters, "exposed", "bool", f"{where}: hardware_counters", required=False)
        for key in ("cycles_per_command", "instructions_per_command", "cache_misses_per_command"):
            _field(counters, key, "number", f"{where}: hardware_counters", required=False)
    for key in ("histogram", "histogram_uncorrected"):
        hist = _field(run, key, "dict", where, required=False)
        if hist is not None:
            _validate_histogram(hist, f"{where}: {key}")


def _validate_floor(floor: dict | None, where: str) -> None:
    if floor is None:
        return
    for when in ("before", "after"):
        sample = _field(floor, when, "dict", f"{where}: floor")
        _field(sample, "p50_ns", "number", f"{where}: floor.{when}", minimum=0)
        _field(sample, "p99_ns", "number", f"{where}: floor.{when}", minimum=0)
    placement = _field(floor, "placement", "str", f"{where}: floor", required=False)
    if placement is not None and placement not in st.PLACEMENTS:
        raise _Invalid(f"{where}: floor: 'placement' must be one of {', '.join(st.PLACEMENTS)}, "
                       f"got {_short(repr(placement))}")


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
        _check(count, "int", f"{where}: 'rejected.{_short(reason)}'", minimum=0)
    _validate_latency(_field(summary, "latency_ns", "dict", where), f"{where}: latency_ns",
                      required=REQUIRED_LATENCY_KEYS)
    uncorrected = _field(summary, "latency_uncorrected_ns", "dict", where, required=False)
    if uncorrected is not None:
        _validate_latency(uncorrected, f"{where}: latency_uncorrected_ns",
                          required=REQUIRED_LATENCY_KEYS)
    ctx = _field(summary, "context_switches", "dict", where, required=False)
    if ctx is not None:
        _field(ctx, "per_1000_commands", "number", f"{where}: context_switches", minimum=0)
    cpu = _field(summary, "cpu", "dict", where, required=False)
    if cpu is not None:
        _field(cpu, "ns_per_command", "number", f"{where}: cpu", required=False, minimum=0)
    _field(summary, "steady", "bool", where, required=False)
    _field(summary, "intervals", "int", where, required=False, minimum=0)
    _field(summary, "generator_bound", "bool", where, required=False)
    lateness = _field(summary, "send_lateness_ns", "dict", where, required=False)
    if lateness is not None:
        for key in ("p50", "p99", "max"):
            _field(lateness, key, "number", f"{where}: send_lateness_ns", minimum=0)


TIME_SERIES_COLUMNS = ("start_s", "commands", "p50_ns", "p99_ns", "p999_ns", "max_ns", "context_switches")
# Results written before 2026-12-02 have no p999_ns column; they stay readable.
TIME_SERIES_COLUMNS_NO_P999 = ("start_s", "commands", "p50_ns", "p99_ns", "max_ns", "context_switches")


def _validate_time_series(series: dict, where: str) -> None:
    interval = _field(series, "interval_s", "number", where, minimum=0)
    if interval <= 0:
        raise _Invalid(f"{where}: 'interval_s' must be > 0, got {interval}")
    columns = _field(series, "columns", "list", where)
    if not all(isinstance(c, str) for c in columns) or \
            tuple(columns) not in (TIME_SERIES_COLUMNS, TIME_SERIES_COLUMNS_NO_P999):
        raise _Invalid(f"{where}: 'columns' must be {list(TIME_SERIES_COLUMNS)}, "
                       f"got {_short(columns)}")
    rows = _field(series, "rows", "list", where)
    if len(rows) > MAX_ROWS:
        raise _Invalid(f"{where}: {len(rows)} rows, more than the {MAX_ROWS} a run may have")
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == len(columns)):
            raise _Invalid(f"{where}: rows[{i}] must have {len(columns)} values")
        for name, value in zip(columns, row):
            _check(value, "number", f"{where}: rows[{i}].{name}", minimum=0)


def _validate_latency(lat: dict, where: str, required: Sequence[str]) -> None:
    for key in ("count", *PERCENTILES, "max", "min", "mean", "stddev"):
        _field(lat, key, "number", where, required=key in required, minimum=0)


def _validate_histogram(hist: dict, where: str) -> None:
    unit = _field(hist, "unit", "str", where, required=False)
    if unit not in (None, "ns"):
        raise _Invalid(f"{where}: 'unit' must be \"ns\", got {_short(repr(unit))}")
    buckets = _field(hist, "buckets", "list", where)
    if len(buckets) > MAX_BUCKETS:
        raise _Invalid(f"{where}: {len(buckets)} buckets, more than the {MAX_BUCKETS} a "
                       "histogram may have")
    previous, total = -1, 0
    for i, bucket in enumerate(buckets):
        if not (isinstance(bucket, list) and len(bucket) == 2):
            raise _Invalid(f"{where}: buckets[{i}] must be a [value, count] pair")
        value = _check(bucket[0], "int", f"{where}: buckets[{i}] value", minimum=0)
        total += _check(bucket[1], "int", f"{where}: buckets[{i}] count", minimum=0)
        if value <= previous:
            raise _Invalid(f"{where}: buckets must ascend by value; buckets[{i}] = {value} "
                           f"follows {previous}")
        previous = value
    if total > MAX_COUNT_TOTAL:
        raise _Invalid(f"{where}: the counts add up to {_short(total)}, more than the "
                       f"2^62 a histogram can hold")


def _validate_sweep(sweep: Any, where: str) -> None:
    _check(sweep, "dict", where)
    _field(sweep, "engine", "str", where)
    _field(sweep, "preset", "str", where)
    _field(sweep, "threads", "int", where, minimum=1)
    _field(sweep, "p99_bound_ns", "number", where, required=False, minimum=0)
    _field(sweep, "max_rate_under_bound", "number", where, required=False, minimum=0)
    _field(sweep, "steps", "list", where, required=False)


def _placement_rule(data: dict, runs: Sequence[dict]) -> st.PlacementRule:
    """The file's placement rule when it is this rule (version 3 records it), else this rule
    applied to its probes: a file without one, or written by an older rule (largest-log-gap,
    which missed the modes when probes fell between them), reads as a new one would."""
    recorded = data.get("placement_rule")
    if recorded is not None and recorded["method"] == st.PLACEMENT_METHOD:
        return st.PlacementRule(recorded["method"], recorded["modes"],
                                recorded.get("near_max_ns"), recorded.get("far_min_ns"))
    return st.placement_rule(p for run in runs for p in (floor_ns(run, "before"),
                                                         floor_ns(run, "after")))


def _placement(run: dict, rule: st.PlacementRule, rule_recorded: bool) -> str:
    recorded = (run.get("floor") or {}).get("placement")
    if recorded is not None and rule_recorded:
        return recorded
    return st.classify(floor_ns(run, "before"), floor_ns(run, "after"), rule)


# ---------------------------------------------------------------------------------------------
# Percentiles from the lossless histogram


def buckets_of(run: dict, uncorrected: bool = False) -> list | None:
    """The run's histogram buckets, or None when the file carries none for it (a committed set
    slimmed by slim_results.py keeps the summaries, not the buckets)."""
    hist = run.get("histogram_uncorrected" if uncorrected else "histogram")
    return None if hist is None or not hist["buckets"] else hist["buckets"]


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
    return ConfigKey(**{key: run.get(key) for key in schema.IDENTITY_KEYS})



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
    """p99 of the per-interval p99s over their median (1.0 = stable); None when undefined or
    resting on fewer than swlab_stats.STABILITY_MIN_INTERVALS intervals (with 10 its "p99"
    is simply the worst interval, which says little about a tail)."""
    value = run["summary"].get("tail_stability")
    n = intervals(run)
    if value is None or n is None or n < st.STABILITY_MIN_INTERVALS:
        return None
    return float(value)


def _complete_rows(run: dict) -> list[dict] | None:
    rows = time_series(run)
    if rows is None:
        return None
    return st.complete_intervals(rows, interval_s(run), run["summary"]["duration_s"])


def intervals(run: dict) -> int | None:
    """Complete time-series intervals after warm-up: summary.intervals (version 3), else
    counted from the time series; None without one."""
    recorded = run["summary"].get("intervals")
    if recorded is not None:
        return int(recorded)
    rows = _complete_rows(run)
    return None if rows is None else len(rows)


def steady(run: dict) -> bool | None:
    """summary.steady (version 3), else the same rule on the time series (swlab_stats.
    steady_state: the last third of the intervals against the first); None when undecided
    (fewer than 30 intervals, or no time series)."""
    if "steady" in run["summary"]:
        value = run["summary"]["steady"]
        return None if value is None else bool(value)
    rows = _complete_rows(run)
    if rows is None:
        return None
    return st.steady_state([r["p50_ns"] for r in rows], [r["commands"] for r in rows])


def generator_bound(run: dict) -> bool:
    """An open-loop run whose load generator could not send on schedule (version 3's
    summary.generator_bound): it measured the generator, not the engine."""
    return run["summary"].get("generator_bound") is True


def interrupted(run: dict) -> bool:
    return run.get("interrupted") is True


def kept_apart(run: dict) -> str | None:
    """Why a completed run must not be folded into medians, knees or verdicts with the others
    ("interrupted", "generator-bound"), or None. Non-steady runs are counted in the medians
    but kept out of verdicts: see verdict_excluded()."""
    if interrupted(run):
        return "interrupted"
    if generator_bound(run):
        return "generator-bound"
    return None


def verdict_excluded(run: dict) -> str | None:
    """Why a run may not decide a verdict: kept apart, or not steady."""
    return kept_apart(run) or ("not steady" if steady(run) is False else None)


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
# Presentation shared by the scripts (the rest is swlab_style.py)

def describe_key(key: ConfigKey) -> str:
    """A configuration in one short line: 'mutex balanced closed t=4 w=1' (+ '@200k/s', or
    ' c=64' for the connections of a service-mode run)."""
    text = f"{key.engine} {key.preset} {key.mode} t={key.threads} w={key.window}"
    if key.connections is not None:
        text += f" c={key.connections}"
    return text if key.rate is None else f"{text} @{swstyle.format_rate(key.rate)}"


def machine_line(results: Results) -> str:
    """The machine as figures and reports name it: CPU, logical CPUs, free-text label."""
    m = results.machine
    parts = [m["cpu_model"].strip(), f"{m['logical_cpus']} logical CPUs"]
    if m.get("label"):
        parts.append(m["label"])
    return " \u00b7 ".join(parts)
