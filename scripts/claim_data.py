#!/usr/bin/python3
"""What every claim reads from a claims.sh directory: the result sets (each parsed and
checked once, before the first figure), the metrics of a run, the runs that may decide a
verdict, and the page's small formatting helpers. No figures here (claim_draw.py), no
verdict rules (claim_verdict.py)."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Callable, NamedTuple

import claim_effects as ce
import claim_verdict as cv
import swlab_results as sr
import swlab_style as swstyle

DEADLINE_NS = 1_000_000  # goodput: commands answered within 1 ms
LOCKS = ("mutex", "rwlock", "spinlock", "flat-combining")
SW = "single-writer"


class Missing(Exception):
    """An input the page needs is absent or malformed: one line, exit 2."""


class Context(NamedTuple):
    """What a claim is measured against: the directory, the machine's logical CPUs (from
    machine.txt), the form, whether the swlab that measured had --inject-ns, and how a
    figure is saved ((fig, name) -> its path relative to the page)."""

    d: Path
    cpus: int
    form: str
    inject: bool
    save: Callable


class Section(NamedTuple):
    """A claim's measurements: the verdict is decided from conditions and criteria
    (claim_verdict.decide); `interpretation` is the data-chosen explanation after it."""

    commands: list
    figure: str
    numbers: list
    conditions: list
    criteria: list
    control: cv.Control
    interpretation: str


# ---------------------------------------------------------------------------------------------
# The result sets

# claims.sh's result sets, by directory name: all are read and checked before the first figure
# is drawn, so a malformed one stops claims.py before any work (and each is parsed once).
SET_PATTERNS = ("contention-w*", "pipelined", "service-c*", "capacity", "open-*", "order-*",
                "backpressure-c*", "sharding*", "not-to-use-*", "recovery-runs/*")
_loaded: dict[Path, sr.Results] = {}


def preload(d: Path) -> None:
    """Loads every result set of DIR into the cache load() reads; Missing on the first that
    cannot be used."""
    _loaded.clear()
    for pattern in SET_PATTERNS:
        for p in sorted(d.glob(pattern)):
            if (p / "results.json").exists():
                try:
                    _loaded[sr.resolve_path(p / "results.json")] = sr.load(p)
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


def has(d: Path, name: str) -> bool:
    return (d / name / "results.json").exists()


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


# ---------------------------------------------------------------------------------------------
# Runs and their metrics


def med(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def runs_of(results: sr.Results, placement: str | None = None, **match) -> list[dict]:
    """The runs matching every field given that may decide a verdict (ce.usable), in
    `placement` when one is named."""
    runs = ce.usable(results, **match)
    return runs if placement is None else [r for r in runs if results.placement(r) == placement]


def all_runs(results: sr.Results, **match) -> list[dict]:
    """Every completed run matching the fields, usable or not."""
    return [r for r in results.runs if all(r.get(k) == v for k, v in match.items())]


def runs_in(results: sr.Results, placement: str | None = None, **match) -> list[dict]:
    """Every completed run matching the fields, in `placement` when one is named: what a
    figure shows (the runs kept out of verdicts drawn apart)."""
    runs = all_runs(results, **match)
    return runs if placement is None else [r for r in runs if results.placement(r) == placement]


def throughput(run: dict) -> float:
    return float(run["summary"]["throughput"])


def p99_of(run: dict) -> float | None:
    return sr.run_latency(run, "p99")


def goodput(run: dict) -> float | None:
    """Commands answered within the deadline, per second of the measured part."""
    buckets = sr.buckets_of(run)
    if buckets is None or not run["summary"]["duration_s"]:
        return None
    within = sum(count for value, count in buckets if value <= DEADLINE_NS)
    return within / run["summary"]["duration_s"]


def shed(run: dict) -> int:
    return int(run["summary"].get("shed") or 0)


def cpu_ns_of(run: dict) -> float | None:
    return (run["summary"].get("cpu") or {}).get("ns_per_command")


# The tables' figures: medians over every completed run of the configuration (what was
# measured, shown even when not testable); the effects read only the usable runs (ce.paired).


def tput(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(throughput(r) for r in runs_in(results, placement, **match))


def p99(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(p99_of(r) for r in runs_in(results, placement, **match))


def stability(results: sr.Results, **match) -> float | None:
    """Tail stability, only from runs with 30 intervals or more (sr.tail_stability)."""
    return med(sr.tail_stability(r) for r in runs_in(results, **match))


def cpu_ns(results: sr.Results, placement: str | None = None, **match) -> float | None:
    return med(cpu_ns_of(r) for r in runs_in(results, placement, **match))


def switches(results: sr.Results, placement: str | None = None, **match) -> float | None:
    """Context switches per 1,000 commands, both kinds: the median over the runs."""
    return med(sr.ctx_per_1000(r) for r in runs_in(results, placement, **match))


def switches_of(run: dict, kind: str) -> float | None:
    """Voluntary or involuntary context switches per 1,000 commands: a thread that sleeps
    and is woken switches voluntarily, one preempted for another switches involuntarily."""
    cs = run["summary"].get("context_switches")
    commands = run["summary"].get("commands") or 0
    if not cs or not commands or cs.get(kind) is None:
        return None
    return 1000.0 * float(cs[kind]) / commands


def hw(results: sr.Results, key: str, placement: str | None = None, **match) -> float | None:
    """The median of a hardware counter per command over the matching runs that counted it;
    None where the machine does not expose counters."""
    return med((r.get("hardware_counters") or {}).get(key) for r in runs_in(results, placement, **match))


def oversubscribed(run: dict) -> bool:
    return run.get("oversubscribed") is True


def busy_threads(run: dict) -> int:
    return int(run.get("busy_threads") or 0)


def inject_ns(run: dict) -> int:
    """The busy delay injected inside the engine's critical section (engine_config.inject_ns,
    or the spec's inject-ns option)."""
    recorded = (run.get("engine_config") or {}).get("inject_ns")
    if isinstance(recorded, (int, float)) and not isinstance(recorded, bool):
        return int(recorded)
    found = re.search(r"(?:^|:)inject-ns=(\d{1,12})(?::|$)", run["engine"])
    return int(found.group(1)) if found else 0


def engines_in(results: sr.Results) -> list[str]:
    return sorted({r["engine"] for r in results.runs},
                  key=lambda e: (swstyle.engine_order(swstyle.engine_base(e)), e))


def plain_locks(results: sr.Results) -> list[str]:
    """The lock engines of the set as the comparison's contenders: a bare spec (no options,
    so not the injected control)."""
    return [e for e in engines_in(results) if e in LOCKS]


def best_lock(results: sr.Results, metric, higher_is_better: bool = True, against: str = SW,
              keep: ce.Keep | None = None, lock_over: bool = False, **common) -> tuple:
    """(lock engine, ce.Measured) for the plain lock engine whose median is best in the
    measured scope; (None, None) when the set has none. The effect is `against` over the lock
    (a: the lock's median, b: against's), or with lock_over the lock over `against` (a:
    against's median, b: the lock's)."""
    def sides(e: str) -> tuple[dict, dict]:
        return ({"engine": against}, {"engine": e}) if lock_over else ({"engine": e}, {"engine": against})

    measured = {e: ce.paired(results, metric, *sides(e), keep, **common) for e in plain_locks(results)}
    lock_median = (lambda m: m.b) if lock_over else (lambda m: m.a)
    measured = {e: m for e, m in measured.items() if lock_median(m) is not None}
    if not measured:
        return None, None
    pick = max if higher_is_better else min
    best = pick(measured, key=lambda e: lock_median(measured[e]))
    return best, measured[best]


# ---------------------------------------------------------------------------------------------
# Formatting


def rate(x: float | None) -> str:
    return swstyle.format_rate(x)


def ns(x: float | None) -> str:
    return swstyle.format_ns(x)


def per_1000(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}" if x >= 100 else f"{x:.1f}"


def fmt_stability(x: float | None) -> str:
    """Tail stability needs 30 intervals of the time series; shorter runs have none."""
    return "-" if x is None else f"{x:.2f}"


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
            "bootstrap 95% interval, from the usable runs only; the tables' figures are medians of every "
            "completed run, and the figures draw the runs kept out as x; docs/methodology.md):", "", *lines, ""]


def kept_out(*results: sr.Results) -> str:
    """The runs kept out of the verdict across sets, counted by reason ('' when none)."""
    reasons: dict[str, int] = {}
    for res in results:
        for run in res.runs:
            why = sr.verdict_excluded(run)
            if why:
                reasons[why] = reasons.get(why, 0) + 1
        if res.failed:
            reasons["failed"] = reasons.get("failed", 0) + len(res.failed)
    return ", ".join(f"{n} {why}" for why, n in sorted(reasons.items()))


# Why an injected control has no runs, when machine.txt says swlab lacked the flag.
INJECT_MISSING = "the swlab that measured this has no --inject-ns (claims.sh skipped the injected control)"
