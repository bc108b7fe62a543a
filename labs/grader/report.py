"""What the student reads: each part's line and its failures, the next step of the
handout, the score; and the JSON for the course's records."""

from __future__ import annotations

import json
from pathlib import Path

from . import discovery
from .console import Console, fmt
from .diagnose import short_path
from .options import ROOT
from .scoring import PartResult
from .spec import Spec

SHOWN = 3  # failing tests shown per part; the log has them all
TAGS = {"model": " (all or nothing)", "part": "", "strict": " (all or nothing)", "race": " (all or nothing)"}


def name_width(spec: Spec) -> int:
    return min(72, max([62] + [len(p.name + TAGS[p.kind]) for p in spec.parts]))


def _failure_lines(r: PartResult, console: Console):
    shown_interleaving = False
    earlier = sum(1 for _, o in r.failures if o.status == "EARLIER")
    if earlier:
        console.say(f"      {earlier} of its tests failed in the release build already: not run again under "
                    "ThreadSanitizer")
    failures = [(t, o) for t, o in r.failures if o.status != "EARLIER"]
    for t, o in failures[:SHOWN]:
        if r.part.kind == "model":
            # One interleaving in full (the first): the others by their verdict, so the
            # next step stays on the screen.
            console.say(f"      failed: {t}")
            detail = o.detail if not shown_interleaving else o.detail[:1]
            shown_interleaving |= len(o.detail) > 1
            for l in detail:
                console.say(f"          {l}")
            continue
        where = f" (run {o.repetition} of {o.count}, SWLAB_LAB_SEED={o.seed})" if o.repetition > 1 else ""
        console.say(f"      {o.status.lower()}: {discovery.display_name(t)}{where}")
        for l in o.detail[:8]:
            console.say(f"          {l}")
    if len(failures) > SHOWN:
        console.say(f"      ... and {len(failures) - SHOWN} more failing (all in the log)")


def show_part(r: PartResult, binary: Path, width: int, console: Console):
    p = r.part
    unit = "checks" if p.kind == "model" else "tests"
    console.say(f"  {p.name + TAGS[p.kind]:<{width}} {r.passed:3d}/{r.tests:<3d} {unit} {fmt(r.score):>6}/{p.points:g}")
    if r.note:
        console.say(f"      {r.note}")
    _failure_lines(r, console)
    for t, o in r.skipped:
        console.say(f"      skipped (does not apply to the engine as written; scores nothing): {discovery.display_name(t)}")
        for l in o.detail[:2]:
            console.say(f"          {l}")
    shown = [(t, o) for t, o in r.failures if o.status != "EARLIER"]
    if shown:
        t, o = shown[0]
        if p.kind == "model":
            console.say(f"      run it: {short_path(str(binary), ROOT)} --check '{t}'")
        else:
            env = f"SWLAB_LAB_SEED={o.seed} " if o.seed else ""
            console.say(f"      run it: {env}{short_path(str(binary), ROOT)} --gtest_filter='{t}'")


def next_step(spec: Spec, results: list[PartResult], lab: str) -> str:
    """The handout's first step whose tests or checks failed."""
    failed = [t for r in results for t, _ in r.failures]
    failed += [f"{r.part.name}" for r in results if r.note]
    for step in spec.steps:
        if any(discovery.filter_matches(step.filter, t) for t in failed):
            return f"next: step {step.number} of docs/labs/lab{lab}.md, {step.title}"
    if any(r.failures or r.note for r in results):
        return f"next: the failures above (docs/labs/lab{lab}.md says what each part checks)"
    return ""


def summary(spec: Spec, corr: float, corr_max: float, perf_total: float, perf_max: float, perf_graded: bool,
            all_correct: bool, console: Console) -> float:
    total, total_max = corr + perf_total, corr_max + perf_max
    line = f"score: {fmt(total)}/{total_max:g} (correctness {fmt(corr)}/{corr_max:g}"
    if perf_max:
        line += f", performance {fmt(perf_total)}/{perf_max:g}" + ("" if perf_graded else " where graded here")
    line += ")" + (" + write-up (by hand)" if spec.writeup else "")
    console.say(line)
    if not all_correct or perf_graded:
        verdict = "pass" if total >= spec.pass_mark else "below the pass mark"
        console.say(f"verdict: {verdict} ({spec.pass_mark:g} of {total_max:g})")
    else:
        console.say(f"verdict: correct; the pass mark ({spec.pass_mark:g} of {total_max:g}) includes the performance "
                    "the course grades")
    return total


def rule_broken(rule: str, lines: list[str], console: Console):
    console.say(f"rule: {rule}")
    for l in lines[:8]:
        console.say(f"  {l}")
    console.say("score: 0 (the lab's rule is broken: docs/labs/README.md, the rules)")
    console.say("verdict: below the pass mark")


def write_json(path: str, record: dict, results: list[PartResult]):
    record["parts"] = [{"name": r.part.name, "kind": r.part.kind, "points": r.part.points, "score": round(r.score, 2),
                        "tests": r.tests, "passed": r.passed, "seconds": round(r.seconds, 1),
                        "failures": [{"test": discovery.display_name(t) if r.part.kind != "model" else t,
                                      "status": o.status, "detail": o.detail, "repetition": o.repetition,
                                      "seconds": round(o.seconds, 2)}
                                     for t, o in r.failures]} for r in results]
    Path(path).write_text(json.dumps(record, indent=1) + "\n")
