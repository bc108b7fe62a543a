"""The correctness parts: the model checker's, then the tests', each test in its own
process under a time limit (tests.run_test)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from . import discovery, interleaving
from .console import Console
from .runner import run_bounded
from .scoring import (HANGS_BEFORE_SHORTER_LIMIT, SHORTER_LIMIT_FACTOR, PartResult, part_score,
                      repetition_seed)
from .spec import Part
from .tests import Outcome, TestContext, run_test


@dataclass
class Hangs:
    """Tests that hung so far in this grading (later ones get a shorter limit)."""
    count: int = 0


def _repeat_count(test: str, part: Part, repeats, quick: bool) -> int:
    if part.kind == "race" or quick:
        return 1
    return max([1] + [c for c, f in repeats if discovery.filter_matches(f, test)])


def _run_repeated(ctx: TestContext, test: str, count: int, hangs: Hangs, console: Console, label: str) -> Outcome:
    """Runs a test `count` times with other seeds; the first run that fails decides."""
    o = None
    for rep in range(1, count + 1):
        env = dict(ctx.env)
        seed = ""
        if rep > 1:
            seed = repetition_seed(ctx.env.get("SWLAB_LAB_SEED", ""), rep)
            env["SWLAB_LAB_SEED"] = seed
        console.progress(label + (f", run {rep}/{count}" if count > 1 else ""))
        shorter = hangs.count >= HANGS_BEFORE_SHORTER_LIMIT
        limit = ctx.limit * SHORTER_LIMIT_FACTOR if shorter else ctx.limit
        o = run_test(TestContext(ctx.binary, limit, env, ctx.tree, ctx.student_files), test, console.log)
        if o.status == "HUNG":
            hangs.count += 1
            if shorter:
                o.detail.append(f"(a shorter limit: {hangs.count - 1} tests of this grading had hung before)")
        o.repetition, o.seed, o.count = rep, seed, count
        if o.status != "OK":
            break
    return o


def grade_tests(part: Part, ctx: TestContext, repeats, quick: bool, hangs: Hangs, console: Console,
                tests: list[str] | None = None, failed_before: dict | None = None) -> PartResult:
    """Every test of the part in its own process. `tests`: the part's tests, when the
    caller listed them already; `failed_before`: tests that failed in an earlier part,
    counted failed here without running them again (the race detector's part: a test
    that fails in the release build cannot pass under ThreadSanitizer)."""
    r = PartResult(part)
    t0 = time.monotonic()
    if tests is None:
        tests = discovery.list_tests(ctx.binary, part.filter)
    if tests is None:
        r.note = f"the test binary does not start or list its tests: run {ctx.binary} --gtest_list_tests"
        r.seconds = time.monotonic() - t0
        return r
    r.tests = len(tests)
    for i, t in enumerate(tests, 1):
        if failed_before and t in failed_before:
            r.failures.append((t, Outcome("EARLIER", ["failed in the release build already"], 0)))
            continue
        count = _repeat_count(t, part, repeats, quick)
        o = _run_repeated(ctx, t, count, hangs, console, f"  {part.name}: test {i}/{len(tests)}")
        if o.status == "OK":
            r.passed += 1
        elif o.status == "SKIPPED":
            r.skipped.append((t, o))
        else:
            r.failures.append((t, o))
    r.score = part_score(r)
    r.seconds = time.monotonic() - t0
    return r


def grade_model(part: Part, binary: Path, limit: float, tree: Path, student_files: list[str], harness: str,
                console: Console) -> PartResult:
    """Every model check the part names, each in its own process under `limit`; a
    failed one is shown as the interleaving that breaks it."""
    r = PartResult(part)
    t0 = time.monotonic()
    checks = discovery.list_model_checks(binary, part.filter)
    if not checks:
        r.note = f"the model checker does not start or list its checks: run {binary} --list"
        return r
    r.tests = len(checks)
    for i, (name, _) in enumerate(checks, 1):
        console.progress(f"  {part.name}: check {i}/{len(checks)}")
        done = run_bounded([str(binary), "--check", name], limit)
        console.log(f"---- model check {name} ({done.seconds:.1f} s, exit {done.status})\n{done.output}")
        found = [c for c in interleaving.parse(done.output) if c.name == name]
        if found and found[0].ok:
            r.passed += 1
            continue
        if not found or not found[0].ended:
            why = "hung" if done.status is None else f"exit status {done.status}"
            r.failures.append((name, Outcome("FAILED", [f"the check did not finish ({why}, {done.seconds:.0f} s)"],
                                             done.seconds)))
            continue
        detail = interleaving.render(found[0], tree, student_files, harness, binary.parent.parent)
        r.failures.append((name, Outcome("MODEL", detail, done.seconds)))
    r.score = part_score(r)
    r.seconds = time.monotonic() - t0
    return r
