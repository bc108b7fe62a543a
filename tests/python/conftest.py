#!/usr/bin/python3
"""Shared helpers for the tests of scripts/plot.py, report.py and compare.py.

Two jobs:
  - running the scripts as a user would (a subprocess of /usr/bin/python3, so exit codes and
    stderr are checked for real), writing only under pytest's tmp_path;
  - building the fixture results files. The committed files under fixtures/ are plain JSON
    that follow docs/results-format.md; this module is how they were made, so that a change of
    the schema is one edit here plus `/usr/bin/python3 tests/python/conftest.py` to rewrite
    them (test_fixtures_are_current in test_report.py catches a forgotten rewrite).

Nothing may be left in the repository: bytecode is off for everything imported after this
file, subprocesses get PYTHONDONTWRITEBYTECODE, and pytest's own cache is off (pytest.ini).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from statistics import NormalDist

sys.dont_write_bytecode = True  # before importing the scripts: no scripts/__pycache__

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SCRIPTS = REPO / "scripts"
FIXTURES = HERE / "fixtures"
PYTHON = "/usr/bin/python3"

sys.path.insert(0, str(SCRIPTS))
import swlab_results  # noqa: E402  (needs the path above)
import swlab_schema  # noqa: E402
import swlab_style  # noqa: E402

try:
    import pytest
except ImportError:  # run as a script to rewrite the fixtures: pytest is not needed
    pytest = None

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIN_FIGURE_BYTES = 5_000  # empty titled axes save at ~2.5 KB (64-colour palette, 80 dpi); the sparsest real figure here (one run) ~7 KB


# ---------------------------------------------------------------------------------------------
# Running the scripts


def run_script(script: str, *args: str | Path) -> subprocess.CompletedProcess:
    """Runs scripts/<script> with /usr/bin/python3 as a user would, from a neutral directory."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return subprocess.run([PYTHON, str(SCRIPTS / script), *map(str, args)], capture_output=True,
                          text=True, env=env, cwd="/", timeout=120, check=False)


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def fixture(name: str) -> Path:
    return FIXTURES / name


# ---------------------------------------------------------------------------------------------
# Building histograms and results files

# Bucket representatives: ten per decade (an E-series), so a fixture histogram has tens of
# buckets, not thousands, and the committed files stay small.
MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
WIDE_GRID = tuple(m * 10**k for k in range(1, 9) for m in MANTISSAS)  # 10 ns .. 800 ms
# Every value even and below 2048 (exact in HdrHistogram): halving a histogram on this grid
# halves every percentile exactly, which the compare tests rely on.
EVEN_GRID = tuple(v for v in (m * 10**k for k in (2, 3) for m in MANTISSAS) if v <= 2000)


def highest_equivalent_value(value: int) -> int:
    """bench/hdr_histogram.h's bucket top: exact below 2048, 1/1024 resolution above."""
    if value < 2048:
        return value
    shift = value.bit_length() - 11
    return (((value >> shift) + 1) << shift) - 1


def latency_buckets(count: int, median_ns: float, sigma: float = 0.5, tail_share: float = 0.005,
                    tail_factor: float = 8.0, grid: tuple = WIDE_GRID) -> list[list[int]]:
    """A deterministic latency histogram: a log-normal body plus a small slower tail (the shape
    of real latency distributions: a tight mode and a long tail of preempted or queued
    requests). Counts are apportioned by largest remainder so they add up to `count` exactly."""
    values = sorted({highest_equivalent_value(int(round(v))) for v in grid})
    body, tail = NormalDist(math.log(median_ns), sigma), NormalDist(
        math.log(median_ns * tail_factor), sigma * 1.5)

    def cdf(x: float) -> float:
        lx = math.log(x)
        return (1 - tail_share) * body.cdf(lx) + tail_share * tail.cdf(lx)

    edges = [0.0] + [cdf(v + 0.5) for v in values[:-1]] + [1.0]
    shares = [count * (hi - lo) for lo, hi in zip(edges, edges[1:])]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[:count - sum(counts)]:
        counts[i] += 1
    return [[v, c] for v, c in zip(values, counts) if c > 0]


def scale_buckets(buckets: list, value_factor: float = 1.0, count_factor: int = 1) -> list:
    return [[int(v * value_factor), c * count_factor] for v, c in buckets]


def latency_summary(buckets: list) -> dict:
    """summary.latency_ns as the load generator writes it, computed from the buckets."""
    values = [v for v, _ in buckets]
    counts = [c for _, c in buckets]
    total = sum(counts)
    mean = sum(v * c for v, c in buckets) / total
    var = sum(c * (v - mean) ** 2 for v, c in buckets) / total
    pct = swlab_results.values_at_percentiles(buckets, swlab_results.PERCENTILES.values())
    out = {"count": total, "min": values[0], "mean": round(mean, 1),
           "stddev": round(math.sqrt(var), 1)}
    out.update({k: int(v) for k, v in zip(swlab_results.PERCENTILES, pct)})
    out["max"] = values[-1]
    return out


INTERVALS = 36


def run_id(engine, preset, mode, threads, window, rate, repetition) -> str:
    rate_part = "" if rate is None else f".rate{int(rate)}"
    return f"{engine}.{preset}.{mode}.t{threads}.w{window}{rate_part}.r{repetition}"


def make_run(*, engine: str, threads: int, repetition: int, buckets: list,
             preset: str = "balanced", mode: str = "closed", rate: float | None = None,
             window: int = 1, busy_threads: int | None = None, logical_cpus: int = 2,
             duration_s: float = 1.0, shed: int = 0, rejected_share: float = 0.04,
             ctx_per_1000: float | None = 5.0, uncorrected: list | None = None,
             floor: tuple[int, int] = (450, 460), stability_spike: float = 1.1,
             omit: tuple = ()) -> dict:
    """One run object of results.json. The buckets' total is the run's replies (commands), and
    throughput follows from it; `omit` drops optional sections by name."""
    commands = sum(c for _, c in buckets)
    busy = busy_threads if busy_threads is not None else threads
    unknown = int(commands * rejected_share)
    funds = int(commands * 0.002)
    rejected = {k: v for k, v in (("insufficient_funds", funds), ("unknown_order", unknown)) if v}
    lat = latency_summary(buckets)
    summary = {
        "duration_s": duration_s,
        "commands": commands,
        "throughput": commands / duration_s,
        "offered": commands + shed,
        "accepted": commands,
        "shed": shed,
        "ok": commands - unknown - funds,
        "rejected": rejected,
        "latency_ns": lat,
        "latency_uncorrected_ns": None if uncorrected is None else latency_summary(uncorrected),
        "cpu": {"user_s": round(duration_s * min(busy, logical_cpus) * 0.9, 3),
                "system_s": round(duration_s * 0.05, 3), "engine_threads_s": 0.0},
    }
    if ctx_per_1000 is not None:
        switches = int(ctx_per_1000 * commands / 1000)
        summary["context_switches"] = {"voluntary": switches - switches // 4,
                                       "involuntary": switches // 4,
                                       "per_1000_commands": round(ctx_per_1000, 2)}
    # Version 2: the floor before and after, and a time series of 36 intervals (at least 30:
    # below that the scripts report neither tail stability nor steadiness) whose p99s are
    # the run's p99 but for one interval `stability_spike` times higher (so the tail
    # stability, the p99 of the p99s over their median, is that factor).
    intervals = INTERVALS
    rows = []
    for i in range(intervals):
        n = commands // intervals + (1 if i < commands % intervals else 0)
        p99 = int(lat["p99"] * (stability_spike if i == 3 else 1.0))
        rows.append([round(i * duration_s / intervals, 3), n, lat["p50"], p99, p99, max(p99, lat["max"] if i == 3 else p99),
                     int((ctx_per_1000 or 0) * n / 1000)])
    summary["tail_stability"] = round(stability_spike, 4)
    summary["unsent"] = 0
    summary["cpu"]["ns_per_command"] = round(summary["cpu"]["user_s"] * 1e9 / max(commands, 1), 1)
    run = {
        "id": run_id(engine, preset, mode, threads, window, rate, repetition),
        "engine": engine, "preset": preset, "threads": threads, "mode": mode, "rate": rate,
        "window": window, "repetition": repetition, "order": 0,
        "engine_config": {"spec": engine, "name": engine, "markets": "8"},
        "work": {"kind": "duration", "duration_s": duration_s, "warmup_s": 0.25},
        "floor": {"before": {"p50_ns": floor[0], "p99_ns": floor[0] * 2, "round_trips": 400_000,
                             "yields_per_round_trip": 0.0, "pinned": True, "cost_s": 0.2},
                  "after": {"p50_ns": floor[1], "p99_ns": floor[1] * 2, "round_trips": 400_000,
                            "yields_per_round_trip": 0.0, "pinned": True, "cost_s": 0.2}},
        "unstable_floor": max(floor) / min(floor) > 1.5,
        "oversubscribed": busy > logical_cpus,
        "busy_threads": busy, "summary": summary,
        "time_series": {"interval_s": duration_s / intervals, "columns": list(swlab_results.TIME_SERIES_COLUMNS),
                        "rows": rows},
        "by_type": {"place": {k: lat[k] for k in ("p50", "p90", "p99", "p999", "p9999", "max",
                                                  "mean")} | {"count": commands // 2}},
        "histogram": {"unit": "ns", "significant_digits": 3, "buckets": buckets},
        "histogram_uncorrected": None if uncorrected is None else {
            "unit": "ns", "significant_digits": 3, "buckets": uncorrected},
    }
    for name in omit:
        run.pop(name, None)
        summary.pop(name, None)
    return run


def make_results(runs: list, *, command: str, mode: str = "closed", rates: list | None = None,
                 repetitions: int = 1, logical_cpus: int = 2, rate_sweeps: list | None = None,
                 label: str = "2-core development machine") -> dict:
    """A whole results.json around the runs; config lists what the runs contain."""
    engines = sorted({r["engine"] for r in runs}, key=swlab_style.engine_order)
    data = {
        "format": "swlab-results",
        "version": 2,
        "created": "2026-11-28T05:00:00Z",
        "command": command,
        "machine": {
            "hostname": "dev-1",
            "cpu_model": "Intel(R) Xeon(R) CPU @ 2.20GHz",
            "logical_cpus": logical_cpus,
            "kernel": "Linux 6.1.0-27-amd64 x86_64",
            "compiler": "GNU 12.2.0",
            "build_type": "RelWithDebInfo",
            "build_flags": "-O2 -g -DNDEBUG",
            "git_commit": "ba8adf0",
            "label": label,
        },
        "clock": {"source": "steady_clock", "overhead_ns": 19.8},
        "config": {
            "engines": engines,
            "threads": sorted({r["threads"] for r in runs}),
            "presets": sorted({r["preset"] for r in runs}),
            "mode": mode,
            "rates": rates or [],
            "window": 1,
            "duration_s": runs[0]["summary"]["duration_s"],
            "warmup_s": 0.5,
            "max_commands": 0,
            "repetitions": repetitions,
            "order": "random",
            "order_seed": 1,
            "seed": 1,
            "pin": False,
            "engine_config": {"capacity": 1024, "batch": 64},
            "workload": {"markets": 8, "zipf": 0.0, "accounts": 1000,
                         "mix": {"place": 48, "ioc": 5, "cancel": 33, "reduce": 4, "query": 10}},
        },
        "runs": runs,
    }
    if rate_sweeps is not None:
        data["rate_sweeps"] = rate_sweeps
    return data


# ---------------------------------------------------------------------------------------------
# The fixtures

CLOSED_THROUGHPUT = {"mutex": {1: 900e3, 2: 700e3, 4: 500e3},
                     "single-writer": {1: 600e3, 2: 1.0e6, 4: 1.1e6}}
CLOSED_MEDIAN_NS = {"mutex": {1: 900, 2: 1800, 4: 5000},
                    "single-writer": {1: 1500, 2: 1900, 4: 3500}}
CLOSED_CTX = {"mutex": {1: 0.5, 2: 8.0, 4: 40.0}, "single-writer": {1: 1.0, 2: 3.0, 4: 25.0}}
REPETITION_JITTER = (1.0, 1.02, 0.98)
# mutex at 4 threads: repetitions 100%, 135%, 80% of the nominal throughput, so the report's
# wide-spread warning has something to find ((1.35 - 0.8) / 1.0 = 55% > 20%).
WIDE_JITTER = (1.0, 1.35, 0.8)
# single-writer at 4 threads rejects 12% of its commands: above the report's 10% threshold.
HIGH_REJECTION = ("single-writer", 4, 0.12)
# One run during which the host moved the vCPUs: the floor went from near to far placement.
UNSTABLE_RUN = ("single-writer", 2, 1)
UNSTABLE_FLOOR = (150, 600)
# Tail stability per engine: the p99 of one interval in ten is this many times the others'.
STABILITY = {"mutex": 1.1, "single-writer": 3.0}


def closed_sweep() -> dict:
    """2 engines x threads 1, 2, 4 x 3 repetitions, closed loop, on a 2-CPU machine."""
    runs = []
    for engine, by_threads in CLOSED_THROUGHPUT.items():
        for threads, nominal in by_threads.items():
            jitter = WIDE_JITTER if (engine, threads) == ("mutex", 4) else REPETITION_JITTER
            share = HIGH_REJECTION[2] if (engine, threads) == HIGH_REJECTION[:2] else 0.04
            for rep, factor in enumerate(jitter):
                count = int(round(nominal * factor))
                buckets = latency_buckets(count, CLOSED_MEDIAN_NS[engine][threads] / factor)
                runs.append(make_run(
                    engine=engine, threads=threads, repetition=rep,
                    buckets=buckets, rejected_share=share,
                    busy_threads=threads + (1 if engine == "single-writer" else 0),
                    ctx_per_1000=CLOSED_CTX[engine][threads] * factor,
                    floor=UNSTABLE_FLOOR if (engine, threads, rep) == UNSTABLE_RUN else (450, 460),
                    stability_spike=STABILITY[engine]))
    return make_results(runs, command="swlab sweep --engines mutex,single-writer "
                        "--threads 1,2,4 --repetitions 3 --duration 1", repetitions=3)


RATES = (100e3, 200e3, 400e3, 800e3)
# Corrected (from the planned send time) and uncorrected (from the actual send time) medians.
# mutex has no overload policy: past its capacity (500k/s) the queue grows and the corrected
# latency explodes while the uncorrected one hides it. single-writer sheds past 600k/s, which
# keeps its latency bounded at the price of refusing commands.
OPEN_MEDIAN_NS = {"mutex": (1500, 2000, 6000, 3_000_000),
                  "single-writer": (2500, 2700, 4000, 40_000)}
OPEN_UNCORRECTED_NS = {"mutex": (1400, 1800, 4000, 60_000),
                       "single-writer": (2400, 2600, 3500, 20_000)}
OPEN_CAPACITY = {"mutex": 480e3, "single-writer": 600e3}
OPEN_REPETITIONS = (1.0, 1.04)


def open_sweep() -> dict:
    """2 engines x 4 offered rates x 2 repetitions at 2 client threads, open loop, with
    shedding, uncorrected histograms and a rate_sweeps section for mutex only (so the knee
    comes from the file for mutex and from the heuristic for single-writer)."""
    runs, steps = [], []
    for engine in OPEN_MEDIAN_NS:
        for i, rate in enumerate(RATES):
            for rep, factor in enumerate(OPEN_REPETITIONS):
                served = min(rate, OPEN_CAPACITY[engine])
                shed = int(rate - served) if engine == "single-writer" else 0
                count = int(round(served * (2 - factor)))
                buckets = latency_buckets(count, OPEN_MEDIAN_NS[engine][i] * factor)
                uncorrected = latency_buckets(count, OPEN_UNCORRECTED_NS[engine][i] * factor)
                run = make_run(engine=engine, threads=2, repetition=rep,
                               buckets=buckets, mode="open", rate=rate, shed=shed,
                               busy_threads=2 + (1 if engine == "single-writer" else 0),
                               ctx_per_1000=2.0 + i, uncorrected=uncorrected)
                runs.append(run)
                if engine == "mutex" and rep == 0:
                    steps.append({"rate": rate, "run": run["id"],
                                  "p99": run["summary"]["latency_ns"]["p99"]})
    sweeps = [{"engine": "mutex", "preset": "balanced", "threads": 2, "p99_bound_ns": 1_000_000,
               "max_rate_under_bound": 400e3, "steps": steps}]
    return make_results(runs, command="swlab sweep --mode open --threads 2 --rates "
                        "100000,200000,400000,800000 --repetitions 2 --find-knee --duration 1",
                        mode="open", rates=list(RATES), repetitions=2, rate_sweeps=sweeps)


def missing_sections() -> dict:
    """Closed loop, 2 engines x 2 thread counts, without histograms, context switches, CPU
    times, by_type, offered/accepted/shed, uncorrected latencies or rate sweeps."""
    omit = ("histogram", "histogram_uncorrected", "by_type", "context_switches", "cpu",
            "latency_uncorrected_ns", "offered", "accepted", "shed", "floor", "time_series",
            "tail_stability")
    runs = [make_run(engine=e, threads=t, repetition=0,
                     buckets=latency_buckets(int(tp), 1000 * t), omit=omit)
            for e in ("mutex", "rwlock") for t, tp in ((1, 800e3), (2, 600e3))]
    return make_results(runs, command="swlab run --engines mutex,rwlock --threads 1,2")


def single_run() -> dict:
    run = make_run(engine="spinlock", threads=1, repetition=0,
                   buckets=latency_buckets(750_000, 1200))
    return make_results([run], command="swlab run --engines spinlock --threads 1")


def wrong_version() -> dict:
    data = single_run()
    data["version"] = 99
    return data


def service_results() -> dict:
    """A version 2 file of service-mode runs (64 connections on 1 and 2 workers), with command
    work: what `swlab run --mode service` writes, reduced to what the scripts read."""
    runs = []
    for engine, base in (("mutex", 4000), ("flat-combining", 3000), ("single-writer", 2500)):
        for workers in (1, 2):
            run = make_run(engine=engine, threads=workers, repetition=0,
                           buckets=latency_buckets(20_000, base * (3 - workers)), mode="service")
            run["id"] = run["id"].replace(".r0", ".c64.r0")
            run.update(connections=64, workers=workers,
                       command_work={"work_ns": 500, "parallel_work_ns": 0,
                                     "iterations_per_ns": 0.35, "work_iterations": 175,
                                     "parallel_work_iterations": 0})
            run["summary"]["connection_replies"] = {"min": 300, "max": 330}
            runs.append(run)
    data = make_results(runs, command="swlab run --mode service --connections 64 --workers 1,2 "
                                      "--work-ns 500", mode="service")
    data["version"] = 2
    return data


NEAR_FLOOR, FAR_FLOOR = (118, 124), (450, 470)


def placement_set(repetitions: int = 4) -> dict:
    """mutex and single-writer at 1 and 2 threads, in blocks (every configuration once per
    repetition): repetitions 0 and 1 in near placement, the others far, where every latency is
    3x and throughput a third. Built in the tests, not committed: what plot.py, report.py and
    claims.py must keep apart."""
    runs = []
    for rep in range(repetitions):
        near = rep < 2
        for engine, base in (("mutex", 500), ("single-writer", 1500)):
            for threads in (1, 2):
                count = int(400_000 / threads * (1 if near else 1 / 3))
                runs.append(make_run(engine=engine, threads=threads, repetition=rep,
                                     buckets=latency_buckets(count, base * threads * (1 if near else 3)),
                                     floor=NEAR_FLOOR if near else FAR_FLOOR))
    data = make_results(runs, command="swlab sweep --engines mutex,single-writer --threads 1,2 "
                        "--repetitions 4 --order interleaved", repetitions=repetitions)
    data["config"]["order"] = "interleaved"
    return data


_TYPE_DEFAULTS = {"int": 0, "number": 0.0, "bool": False, "text": "", "object": {}, "array": []}


def fill_declared(run: dict) -> dict:
    """Every field the C++ writer declares for a version 3 run (scripts/swlab_schema.json) that
    the builder above has not set, with a neutral value of its declared type (null where it may
    be null), and every run setting under `settings`: the fixtures follow the writer's
    declarations, not a list of this file's own."""
    for f in swlab_schema.declared_fields():
        *parents, leaf = f.path.split(".")
        obj = run
        for part in parents:
            if obj.get(part, {}) is None:  # a section the run has not (a floor with --probe 0)
                break
            obj = obj.setdefault(part, {})
        else:
            if leaf not in obj:
                obj[leaf] = None if f.nullable else json.loads(json.dumps(_TYPE_DEFAULTS[f.type]))
    settings = run.setdefault("settings", {})
    for setting in swlab_schema.RUN_SETTINGS:
        if setting.scope == "run" and not setting.engine_option:
            default = setting.default if not isinstance(setting.default, (list, dict)) else None
            settings.setdefault(setting.key, default)
    return run


def version3(data: dict) -> dict:
    """A version 2 document with every field version 3 adds, as the C++ writer writes them:
    placement per run and the set's rule, steadiness, open-loop send lateness and
    generator_bound, inject_ns, and one failed run kept with the completed ones."""
    data = json.loads(json.dumps(data))
    data["version"] = 3
    rule = swlab_results.st.placement_rule(
        r["floor"][w]["p50_ns"] for r in data["runs"] if r.get("floor") for w in ("before", "after"))
    data["placement_rule"] = rule.as_dict()
    for run in data["runs"]:
        if run.get("floor"):
            run["floor"]["placement"] = swlab_results.st.classify(
                run["floor"]["before"]["p50_ns"], run["floor"]["after"]["p50_ns"], rule)
        run["summary"]["intervals"] = INTERVALS
        run["summary"]["steady"] = True
        run["engine_config"]["inject_ns"] = 0
        run["failed"] = False
        run["interrupted"] = False
        run["engine_config"]["markets"] = 8
        if run["mode"] == "open":
            late = 900_000 if run["rate"] >= 800e3 and run["engine"] == "single-writer" else 150
            run["summary"]["send_lateness_ns"] = {"p50": late // 3, "p99": late, "max": late * 4}
            run["summary"]["generator_bound"] = late > 100_000
        fill_declared(run)
    first = data["runs"][0]
    data["runs"].append({"id": first["id"] + ".failed", "engine": first["engine"], "preset": first["preset"],
                         "threads": first["threads"], "mode": first["mode"], "rate": first["rate"],
                         "window": first["window"], "repetition": 9, "failed": True,
                         "error": "journal: No space left on device"})
    return data


# ---------------------------------------------------------------------------------------------
# A claims.sh directory: tests/python/claims_fixture.py builds one from the runs above.


COMPARE_REPS = 9


def compare_pair() -> tuple[dict, dict]:
    """A and B for compare.py with known answers:
      - mutex t=1 and t=2 (9 repetitions): B has exactly 2x the throughput and half the
        latency (every bucket value halved, every count doubled);
      - single-writer t=1 (3 repetitions): B identical to A;
      - single-writer t=2 (1 repetition): B 1.25x the throughput, too few for a U test;
      - mutex t=4 only in A, rwlock t=1 only in B."""
    a_runs, b_runs = [], []

    def add(engine, threads, reps, nominal, median, b_count_factor, b_value_factor, b_tp=None):
        for rep in range(reps):
            factor = 1 + 0.01 * (rep - reps // 2)
            count = int(round(nominal * factor))
            buckets = latency_buckets(count, median * factor, sigma=0.3, grid=EVEN_GRID)
            a_runs.append(make_run(engine=engine, threads=threads, repetition=rep,
                                   buckets=buckets))
            if b_tp is not None:
                b_buckets = latency_buckets(int(count * b_tp), median * factor, sigma=0.3,
                                            grid=EVEN_GRID)
            else:
                b_buckets = scale_buckets(buckets, b_value_factor, b_count_factor)
            b_runs.append(make_run(engine=engine, threads=threads, repetition=rep,
                                   buckets=b_buckets))

    add("mutex", 1, COMPARE_REPS, 400e3, 600, 2, 0.5)
    add("mutex", 2, COMPARE_REPS, 300e3, 800, 2, 0.5)
    add("single-writer", 1, 3, 500e3, 700, 1, 1.0)
    add("single-writer", 2, 1, 400e3, 700, 1, 1.0, b_tp=1.25)
    a_runs.append(make_run(engine="mutex", threads=4, repetition=0,
                           buckets=latency_buckets(200_000, 1500, grid=EVEN_GRID)))
    b_runs.append(make_run(engine="rwlock", threads=1, repetition=0,
                           buckets=latency_buckets(350_000, 900, grid=EVEN_GRID)))
    cmd = "swlab sweep --engines mutex,single-writer --threads 1,2 --repetitions 9"
    return (make_results(a_runs, command=cmd, repetitions=COMPARE_REPS),
            make_results(b_runs, command=cmd, repetitions=COMPARE_REPS))


def fixture_texts() -> dict[str, str]:
    """Every committed fixture file's exact text, by file name."""
    compare_a, compare_b = compare_pair()
    documents = {
        "closed_sweep.json": closed_sweep(),
        "open_sweep.json": open_sweep(),
        "missing_sections.json": missing_sections(),
        "single_run.json": single_run(),
        "wrong_version.json": wrong_version(),
        "service.json": service_results(),
        "compare_a.json": compare_a,
        "compare_b.json": compare_b,
    }
    texts = {name: dumps(doc) for name, doc in documents.items()}
    # Cut off mid-array, as a writer killed halfway would leave it (were it not for the rename).
    texts["malformed.json"] = texts["single_run.json"][:400]
    return texts


def dumps(doc: dict) -> str:
    """Indented, except histogram buckets one per line pair-wise compact: readable diffs, small
    files."""
    text = json.dumps(doc, indent=1)
    return _compact_pairs(text) + "\n"


def _compact_pairs(text: str) -> str:
    """Folds json.dumps' one-number-per-line [value, count] pairs back onto one line."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if (line.rstrip().endswith("[") and i + 3 < len(lines)
                and lines[i + 3].strip() in ("]", "],")
                and all(_is_number(lines[i + k].strip().rstrip(",")) for k in (1, 2))):
            a, b = lines[i + 1].strip().rstrip(","), lines[i + 2].strip()
            out.append(f"{line.rstrip()}{a}, {b}{lines[i + 3].strip()}")
            i += 4
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def write_fixtures() -> None:
    FIXTURES.mkdir(exist_ok=True)
    for name, text in fixture_texts().items():
        (FIXTURES / name).write_text(text, encoding="utf-8")
        print(FIXTURES / name)


# ---------------------------------------------------------------------------------------------
# pytest glue

if pytest is not None:
    @pytest.fixture(scope="session")
    def plotted(tmp_path_factory):
        """Runs plot.py once per fixture (with --svg) and keeps the result: matplotlib's
        start-up dominates, and several tests look at the same figures."""
        cache = {}

        def plot(name: str):
            if name not in cache:
                out = tmp_path_factory.mktemp(name.replace(".json", ""))
                cache[name] = (run_script("plot.py", fixture(name), "--out", out, "--svg"), out)
            return cache[name]
        return plot


def pytest_sessionfinish(session, exitstatus):
    """pytest rewrote and cached this conftest before its first line could turn bytecode off;
    remove that one file (and the folder, if nothing else is in it)."""
    cache = HERE / "__pycache__"
    if cache.is_dir():
        for pyc in cache.glob("conftest.*.pyc"):
            pyc.unlink()
        if not any(cache.iterdir()):
            cache.rmdir()


if __name__ == "__main__":
    write_fixtures()
