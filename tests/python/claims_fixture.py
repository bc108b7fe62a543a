#!/usr/bin/python3
"""A synthetic scripts/claims.sh directory, built from conftest's run builders, in which
every claim's precondition and effect is a knob: the tests set one knob to fail one
precondition, or to put one effect above or below its threshold, and check the verdict.

Defaults (Knobs()): every precondition met on a 4-CPU machine, every effect past its
threshold in the claim's favour, every control detected: each claim holds. A knob is named
for what it sets; effects are ratios in the direction the claim states them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from conftest import FAR_FLOOR, NEAR_FLOOR, fill_declared, latency_buckets, make_results, make_run
import swlab_stats as st

DURATION = 0.1
REPS = 3
W_CPUS = 4  # the default machine: W = 3 workers, clients 2, 3, 8


@dataclass
class Knobs:
    cpus: int = W_CPUS
    steady: bool = True              # every run's summary.steady
    contention: float = 1.5          # single writer / best lock throughput
    tail: float = 2.0                # best lock p99 / single writer's, service shape
    retained: float = 1.5            # single writer's retained share / best lock's
    audit_ok: bool = True            # every journal replays exactly
    shed: int = 50_000               # reject's (and priority's) shed per run
    bp_tail: float = 3.0             # best lock p99 / reject's
    bp_goodput: float = 1.0          # reject's goodput / best lock's
    records: int = 105_865           # the longest journal's records
    snapshots: int = 2               # snapshots a run left (and a replay loaded, when > 0)
    replay_rate: float = 3e6         # records/s
    pause: float = 1.2               # peak p99.9 with snapshots / without
    efficiency: float = 0.9          # throughput(k) / (k x throughput(1))
    parallel: float = 1.0            # how much of the ideal c-fold the lock gains from 1 to c clients
    not_to_use: float = 2.0          # best lock / single writer, parallel work
    near_reps: tuple = ()            # repetitions in near placement (3x faster); the others far


def workers(cpus: int) -> int:
    return max(1, cpus - 1)


def jitter(rep: int, spread: float = 0.02) -> float:
    return 1 + spread * (rep - 1)


def run(engine: str, threads: int, rep: int, tput: float, median_ns: float, k: Knobs, *, busy: int | None = None,
        mode: str = "closed", rate: float | None = None, connections: int | None = None, shed: int = 0,
        spike: float = 1.1, window: int = 1, preset: str = "balanced", ctx: float = 5.0) -> dict:
    """One version 3 run with `tput` commands/s over DURATION and a latency median."""
    near = rep in k.near_reps
    count = max(int(tput * DURATION * (3 if near else 1)), 200)
    busy = threads if busy is None else busy
    r = make_run(engine=engine, threads=threads, repetition=rep,
                 buckets=latency_buckets(count, median_ns / (3 if near else 1)), mode=mode, rate=rate, window=window,
                 busy_threads=busy, logical_cpus=k.cpus, duration_s=DURATION, shed=shed, stability_spike=spike,
                 preset=preset, ctx_per_1000=ctx, floor=NEAR_FLOOR if near else FAR_FLOOR)
    if connections is not None:
        r.update(connections=connections, workers=threads)
        r["id"] = r["id"].replace(f".r{rep}", f".c{connections}.r{rep}")
    r["summary"].update(intervals=36, steady=k.steady)
    inject = int(engine.split("inject-ns=")[1].split(":")[0]) if "inject-ns=" in engine else 0
    r["engine_config"].update(inject_ns=inject, markets=8)
    r.update(failed=False, interrupted=False)
    if mode == "open":
        r["summary"].update(send_lateness_ns={"p50": 100, "p99": 300, "max": 900}, generator_bound=False)
    return fill_declared(r)


def write_set(d: Path, name: str, runs: list, command: str, cpus: int) -> None:
    data = make_results(runs, command=command, repetitions=REPS, logical_cpus=cpus)
    data["version"] = 3
    data["config"]["order"] = "interleaved"
    rule = st.placement_rule(r["floor"][w]["p50_ns"] for r in runs for w in ("before", "after"))
    data["placement_rule"] = rule.as_dict()
    for r in runs:
        r["floor"]["placement"] = st.classify(r["floor"]["before"]["p50_ns"], r["floor"]["after"]["p50_ns"], rule)
    (d / name).mkdir(parents=True)
    (d / name / "results.json").write_text(json.dumps(data))


def contention_sets(d: Path, k: Knobs) -> None:
    clients = sorted({2, max(2, k.cpus - 1), 2 * k.cpus})
    locks = {"mutex": 900e3, "spinlock": 1.2e6, "flat-combining": 1.0e6}
    runs = []
    for rep in range(REPS):
        for c in clients:
            for e, tp in locks.items():
                runs.append(run(e, c, rep, tp * jitter(rep), 800 * c, k))
            runs.append(run("single-writer", c, rep, 1.2e6 * k.contention * jitter(rep, 0.03), 600 * c, k, busy=c + 1))
            runs.append(run("mutex:inject-ns=2000", c, rep, 150e3 * jitter(rep), 9000 * c, k))
    write_set(d, "contention-w0", runs, "swlab run --engine mutex,spinlock,flat-combining,single-writer,"
              "mutex:inject-ns=2000 --order interleaved", k.cpus)
    piped = [run("single-writer", c, rep, 1.7e6, 9000, k, busy=c + 1, window=16)
             for rep in range(REPS) for c in clients]
    write_set(d, "pipelined", piped, "swlab run --engine single-writer --window 16", k.cpus)


def service_sets(d: Path, k: Knobs) -> None:
    w = workers(k.cpus)
    for c in (64, 1024):
        runs = []
        for rep in range(REPS):
            sw_ns = 50_000 * c / 64
            for e, tp, ns_, busy in (("mutex", 600e3, sw_ns * k.tail, w),
                                     ("flat-combining", 900e3, sw_ns * k.tail * 1.2, w),
                                     ("single-writer", 1.4e6, sw_ns, w + 1),
                                     ("mutex:inject-ns=2000", 300e3, sw_ns * 10, w)):
                runs.append(run(e, w, rep, tp, ns_ * jitter(rep, 0.01 if e == "single-writer" else 0.0), k, busy=busy,
                                mode="service", connections=c))
        write_set(d, f"service-c{c}", runs, f"swlab run --mode service --connections {c} --workers {w}", k.cpus)
    cap = [run(e, w, 0, tp, 900, k, busy=w + (e == "single-writer")) for e, tp in
           (("mutex", 900e3), ("flat-combining", 1e6), ("single-writer", 500e3))]
    write_set(d, "capacity", cap, f"swlab run --threads {w} --repetitions 1", k.cpus)
    for e, tp in (("mutex", 900e3), ("single-writer", 500e3)):
        runs = [run(e, w, rep, tp / 2, 2000, k, mode="open", rate=tp / 2, busy=w + (e == "single-writer"))
                for rep in range(REPS)]
        write_set(d, f"open-{e}", runs, f"swlab run --mode open --engine {e} --rate {tp / 2:.0f}", k.cpus)


def order_sets(d: Path, k: Knobs) -> None:
    plain = {"single-writer": 300e3, "mutex": 2e6, "flat-combining": 1.5e6}
    share = {"mutex": 0.10, "flat-combining": 0.08, "single-writer": 0.10 * k.retained}
    for rep in range(REPS):
        for half in ("plain", "journal"):
            runs = [run(e, 1, 0, tp * (share[e] * jitter(rep, 0.02 if e == "single-writer" else 0.0)
                                       if half == "journal" else 1), 2000, k, busy=1 + (e == "single-writer"))
                    for e, tp in plain.items()]
            write_set(d, f"order-{half}-r{rep}", runs, f"swlab run --threads 1 ({half})", k.cpus)
    control = [run(e, 1, rep, tp, 2000, k, busy=2) for rep in range(REPS)
               for e, tp in (("single-writer", 300e3), ("single-writer:durability=always", 500))]
    write_set(d, "order-control", control, "swlab run --accounts 10 --journal DIR", k.cpus)
    audit = {"format": "swlab-audit", "version": 1, "threads": 2, "commands": 10000, "durability": "none",
             "engines": [{"engine": e, "same_digest": False, "journal": True,
                          "replay_reproduces_run1": k.audit_ok or e != "mutex", "replay_reproduces_run2": True,
                          "throughput_with_journal": 300e3, "throughput_without_journal": 1.8e6}
                         for e in ("single-writer", "mutex", "flat-combining")]}
    (d / "audit.json").write_text(json.dumps(audit))


def backpressure_sets(d: Path, k: Knobs) -> None:
    w = workers(k.cpus)
    runs = []
    for rep in range(REPS):
        for e, tp, ns_, shed in (
                ("single-writer:overload=reject:capacity=64", 400e3 * k.bp_goodput, 40_000, k.shed),
                ("single-writer:overload=priority:capacity=64", 400e3, 45_000, k.shed // 2),
                ("single-writer:overload=block:capacity=64", 400e3, 60_000, 0),
                ("mutex", 400e3, 40_000 * k.bp_tail, 0), ("flat-combining", 380e3, 40_000 * k.bp_tail * 1.3, 0),
                ("single-writer:overload=block:capacity=1048576", 400e3, 400_000, 0)):
            base = "single-writer" in e
            runs.append(run(e, w, rep, tp, ns_ * jitter(rep, 0.01 if "reject" in e else 0.0), k, busy=w + base,
                            mode="service", connections=1024, shed=shed))
    write_set(d, "backpressure-c1024", runs, f"swlab run --mode service --connections 1024 --workers {w}", k.cpus)


def recovery_sets(d: Path, k: Knobs) -> None:
    n, every = 100_000, 10_000
    lines = ["kind commands snapshot_every repetition seconds records snapshots"]
    for rep in range(REPS):
        for snap, spike in ((0, 1.0), (every, k.pause * jitter(rep, 0.03))):
            r = run("single-writer", 1, 0, 300e3, 1500, k, busy=2, spike=spike)
            write_set(d, f"recovery-runs/p{n}.s{snap}.r{rep}", [r], "swlab run --journal DIR", k.cpus)
            lines.append(f"run {n} {snap} {rep} 0 0 {k.snapshots if snap else 0}")
    lines.append(f"run 10000 1000 0 0 0 {k.snapshots}")
    lines += ["replay 10000 0 0 0.01 10600 0", f"replay 10000 1000 0 0.005 600 {min(k.snapshots, 1)}"]
    for rep in range(REPS):
        whole = k.records / k.replay_rate * jitter(rep, 0.05)
        lines += [f"replay {n} 0 {rep} {whole:.6f} {k.records} 0",
                  f"replay {n} {every} {rep} {whole / 5:.6f} 5800 {min(k.snapshots, 1)}"]
    (d / "recovery.txt").write_text("\n".join(lines) + "\n")


def sharding_sets(d: Path, k: Knobs) -> None:
    c = max(1, k.cpus // 2)
    shards = [s for s in (1, 2, 4) if s <= max(2, c)]
    runs = []
    for rep in range(REPS):
        for t in sorted({c, 2 * c}):
            for s in shards:
                runs.append(run(f"sharded-single-writer:shards={s}", t, rep,
                                600e3 * (1 if s == 1 else s * k.efficiency) * jitter(rep, 0.01 * (s > 1)), 3000, k,
                                busy=t + s, ctx=5.0 if s == 1 else 1900.0))
                runs.append(run(f"sharded-mutex:shards={s}", t, rep, 800e3, 2000, k))
            for wait in ("spin-yield", "busy-spin"):
                runs.append(run(f"sharded-single-writer:shards=2:wait={wait}", t, rep, 300e3, 4000, k, busy=t + 2,
                                ctx=1200.0))
    write_set(d, "sharding", runs, "swlab run --engine sharded-single-writer:shards=1,... --zipf 0", k.cpus)


def not_to_use_sets(d: Path, k: Knobs) -> None:
    clients = sorted({1, 2, max(1, k.cpus - 1), k.cpus})
    for work in (1000, 0):
        runs = []
        for rep in range(REPS):
            for c in clients:
                gain = 1 + (c - 1) * k.parallel if work else 1.0
                for e, tp in (("mutex", 800e3), ("flat-combining", 700e3)):
                    runs.append(run(e, c, rep, tp * gain * jitter(rep), 1200, k))
                lock_at_c = 800e3 * gain
                sw = lock_at_c / k.not_to_use if work else 800e3 / 3
                runs.append(run("single-writer", c, rep, sw * jitter(rep, 0.03), 2500, k, busy=c + 1))
        write_set(d, f"not-to-use-p{work}", runs, f"swlab run --parallel-work-ns {work}", k.cpus)


def write_claims_dir(d: Path, knobs: Knobs | None = None) -> Path:
    """Every input claims.py reads, as claims.sh writes them, shaped by the knobs."""
    k = knobs or Knobs()
    d.mkdir(parents=True, exist_ok=True)
    (d / "machine.txt").write_text(f"form default\ncpus {k.cpus}\nstarted 2026-12-07T00:00:00Z\n"
                                   "loadavg 0.1 0.1 0.1\ninject yes\nmachine cpu_model    Test CPU\n"
                                   "hardware_counters no\nhardware_counters_detail not exposed: test\n")
    for build in (contention_sets, service_sets, order_sets, backpressure_sets, recovery_sets, sharding_sets,
                  not_to_use_sets):
        build(d, k)
    return d
