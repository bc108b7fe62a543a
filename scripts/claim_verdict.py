#!/usr/bin/python3
"""How a claim's verdict is decided, the same way for all seven (docs/claims.md).

Each claim states, before any data (its module's SPEC, quoted in docs/claims.md):
- its **precondition**: what shows that the mechanism was exercised, as numbers read from
  the results (never from the machine's description);
- its **effect** and **threshold**, and the **rule**: holds iff the effect's bootstrap 95%
  interval lies at or beyond the threshold (its lower bound at least the threshold, or its
  upper bound at most it);
- its **positive control**: a configuration where the effect must appear, run beside the
  comparison, so that a reader sees whether the experiment can detect the effect at all.

The verdict follows mechanically: a precondition unmet -> **not testable here**, naming it
and the machine that would meet it; met -> **holds** when every criterion passes its rule,
**does not hold** otherwise. An effect resting on fewer than MIN_BLOCKS blocks has no
spread to judge, and reads as an unmet precondition. The data is shown either way.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import swlab_stats as st

HOLDS, FAILS, UNTESTABLE = "holds", "does not hold", "not testable here"
VERDICTS = (HOLDS, FAILS, UNTESTABLE)
MIN_BLOCKS = 2  # one block gives the interval [r, r]: no spread is known
AT_LEAST, AT_MOST = "at least", "at most"


def two_places(x: float) -> str:
    return f"{x:.2f}"


class Spec(NamedTuple):
    """A claim as stated before any data: every field is quoted in docs/claims.md."""

    claim: str          # the claim in one sentence
    precondition: str   # what must be true, with its number
    effect: str         # what is measured
    threshold: str      # the threshold(s), as numbers
    rule: str           # holds iff ...
    control: str        # the positive control, or why there is none


class Condition(NamedTuple):
    """One precondition, checked from the results: `measured` gives the figure that decided
    it, `needs` the kind of machine (or run) that would meet it."""

    name: str
    measured: str
    met: bool
    needs: str


class Criterion(NamedTuple):
    """An effect against its threshold: passes iff the interval's lower bound is at least
    the threshold (AT_LEAST) or its upper bound at most it (AT_MOST)."""

    label: str
    effect: st.Effect | None
    threshold: float
    direction: str = AT_LEAST
    fmt: Callable[[float], str] = two_places
    unit: str = "x"

    @property
    def decidable(self) -> bool:
        return self.effect is not None and self.effect.n >= MIN_BLOCKS

    @property
    def passes(self) -> bool:
        if self.effect is None:
            return False
        if self.direction == AT_LEAST:
            return self.effect.low >= self.threshold
        return self.effect.high <= self.threshold

    def value(self) -> str:
        """'1.23x [1.10, 1.40] (3 blocks)', or 'not measured'."""
        e = self.effect
        if e is None:
            return "not measured (no usable block)"
        blocks = f"{e.n} block{'s' if e.n != 1 else ''}"
        return f"{self.fmt(e.ratio)}{self.unit} [{self.fmt(e.low)}, {self.fmt(e.high)}] ({blocks})"

    def bound(self) -> str:
        """The rule in words: 'lower bound >= 1.10x'."""
        side = "lower" if self.direction == AT_LEAST else "upper"
        sign = ">=" if self.direction == AT_LEAST else "<="
        return f"{side} bound {sign} {self.fmt(self.threshold)}{self.unit}"

    def line(self) -> str:
        verdict = ("passes" if self.passes else "fails") if self.decidable else "cannot be judged"
        return f"{self.label}: {self.value()}; rule: {self.bound()}: {verdict}"


class Control(NamedTuple):
    """The positive control: a criterion that must pass, or the reason it was not run."""

    name: str
    criterion: Criterion | None
    not_run: str = ""   # why there is no measurement ('' when there is one)

    @property
    def detected(self) -> bool:
        return self.criterion is not None and self.criterion.decidable and self.criterion.passes

    def line(self) -> str:
        if self.criterion is None:
            return f"{self.name}: not run ({self.not_run})."
        if not self.criterion.decidable:
            return f"{self.name}: {self.criterion.value()}: too few blocks to judge."
        outcome = ("detected: the experiment sees the effect where it must appear" if self.detected
                   else "NOT detected: where the effect must appear this experiment did not see it, "
                        "so its verdict cannot be trusted to find the effect either")
        return f"{self.name}: {self.criterion.value()} (rule: {self.criterion.bound()}): {outcome}."


def no_control(reason: str) -> Control:
    return Control("none", None, reason)


def blocks_condition(criteria: list[Criterion], kept_out: str = "") -> Condition:
    """That every criterion rests on MIN_BLOCKS blocks or more (its interval has a spread)."""
    counts = [0 if k.effect is None else k.effect.n for k in criteria]
    least = min(counts) if counts else 0
    measured = f"{least} usable block{'s' if least != 1 else ''}" + (f" (kept out: {kept_out})" if kept_out else "")
    return Condition(f"at least {MIN_BLOCKS} usable blocks per effect", measured, least >= MIN_BLOCKS,
                     "more repetitions (--long), or a quieter machine where runs are steady")


class Outcome(NamedTuple):
    verdict: str
    reason: str


def decide(conditions: list[Condition], criteria: list[Criterion]) -> Outcome:
    """The verdict by the stated rule: not testable while a precondition is unmet; else holds
    iff every criterion passes. A criterion on fewer than MIN_BLOCKS blocks is an unmet
    precondition here whatever the claim's own list says: one block's interval is [r, r], and
    a verdict from it is a verdict nobody's data could change (claim 2 once read "holds" so)."""
    if not all(k.decidable for k in criteria) and all(c.met for c in conditions):
        conditions = [*conditions, blocks_condition(criteria)]
    unmet = [c for c in conditions if not c.met]
    if unmet:
        return Outcome(UNTESTABLE, " ".join(
            f"Unmet precondition: {c.name} ({c.measured}); it needs {c.needs}." for c in unmet))
    if all(k.passes for k in criteria):
        return Outcome(HOLDS, "Every effect passes its stated rule: " +
                       "; ".join(f"{k.label} {k.value()}, {k.bound()}" for k in criteria) + ".")
    failing = [k for k in criteria if not k.passes]
    return Outcome(FAILS, "The precondition is met and " + "; ".join(
        f"{k.label} is {k.value()}, short of the rule ({k.bound()})" for k in failing) + ".")


def median_interval(values: list[float]) -> st.Effect | None:
    """The median of a sample with its bootstrap 95% interval (swlab_stats.paired_ratio
    against ones: the same resampling as every effect on the page)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return st.paired_ratio([1.0] * len(values), values)


def spec_lines(spec: Spec) -> list[str]:
    """The claim's statement as the page prints it before the measurements."""
    return ["**Stated before the data** (docs/claims.md):", "",
            f"- precondition: {spec.precondition}",
            f"- effect: {spec.effect}",
            f"- threshold: {spec.threshold}",
            f"- rule: {spec.rule}",
            f"- positive control: {spec.control}", ""]


def check_lines(conditions: list[Condition], criteria: list[Criterion], control: Control) -> list[str]:
    """What the data said about each part of the statement."""
    lines = ["**Precondition**, from the results:", ""]
    lines += [f"- {'met' if c.met else 'UNMET'}: {c.name}: {c.measured}" for c in conditions]
    lines += ["", "**Effect**:", ""] + [f"- {k.line()}" for k in criteria]
    lines += ["", f"**Positive control**: {control.line()}", ""]
    return lines
