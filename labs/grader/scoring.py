"""Scores: a part's from its tests' verdicts, a performance case's from its ratio."""

from __future__ import annotations

from dataclasses import dataclass, field

from .spec import Part


@dataclass
class PartResult:
    part: Part
    tests: int = 0
    passed: int = 0
    score: float = 0
    failures: list = field(default_factory=list)  # (test, Outcome)
    skipped: list = field(default_factory=list)
    seconds: float = 0
    note: str = ""


def part_score(r: PartResult) -> float:
    """`part`: in proportion; `strict`, `race` and `model`: all or nothing (a lost
    acknowledged command, a data race, a memory-order mistake are not partly right)."""
    if r.tests == 0:
        return 0.0
    if r.part.kind == "part":
        return r.part.points * r.passed / r.tests
    return r.part.points if r.passed == r.tests else 0.0


def ratio_score(ratio: float, threshold: float, points: float) -> float:
    """Full points at or above the threshold, none at half of it, linear between."""
    if ratio >= threshold:
        return points
    if ratio <= threshold / 2:
        return 0.0
    return points * (ratio - threshold / 2) / (threshold / 2)


def repetition_seed(base: str, rep: int) -> str:
    return str((int(base) if base else 0) * 1000 + 7919 * rep + 1)


# After this many hangs in one grading, a test gets a quarter of its limit: an engine
# that loses wake-ups would otherwise cost the full limit once per test.
HANGS_BEFORE_SHORTER_LIMIT = 2
SHORTER_LIMIT_FACTOR = 0.25
