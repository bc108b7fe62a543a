#!/usr/bin/python3
"""How claims.py measures an effect inside a result set: one configuration against another,
within one placement, block by block, with a bootstrap interval.

- Runs that may not decide a verdict are left out: interrupted, generator-bound, not steady
  (swlab_results.verdict_excluded).
- A block is every configuration of the comparison once: the runs with the same repetition
  index. With `--order interleaved` (config.order) the sweep ran them back to back, so a block
  shares one moment of the machine; otherwise the pairing is by index alone, and the claims
  page says so.
- When the set has runs of both placements, a block counts only if all its runs are in one
  placement, and the effect is measured in the placement with the most blocks; the page says
  how many blocks each placement had.
- The effect is the median of the within-block ratios B/A with its bootstrap 95% interval
  (swlab_stats.paired_ratio); across two sets, which nothing pairs, the ratio of the medians
  (swlab_stats.unpaired_ratio).
"""

from __future__ import annotations

import statistics
from typing import Callable, NamedTuple

import swlab_results as sr
import swlab_stats as st

Metric = Callable[[dict], "float | None"]


class Measured(NamedTuple):
    """B against A: the effect B/A, the medians of A and B over the runs it used, the
    placement it was measured in (None: the set has one), the blocks used, and the blocks
    per placement when the set has both (for the note)."""

    effect: st.Effect | None
    a: float | None
    b: float | None
    placement: str | None
    blocks: int
    per_placement: dict | None = None

    def text(self) -> str:
        """'0.17x [0.15, 0.19]', or '-' without a block."""
        return "-" if self.effect is None else self.effect.text()

    def note(self) -> str:
        """Where the effect was measured, when the set has both placements; '' otherwise."""
        if self.per_placement is None:
            return ""
        counts = ", ".join(f"{n} {p}" for p, n in self.per_placement.items())
        if self.placement is None:
            return f"no block within one placement ({counts})"
        return f"within {self.placement} placement ({counts} blocks)"


Keep = Callable[[dict], bool]


def usable(results: sr.Results, keep: Keep | None = None, **match) -> list[dict]:
    """The runs matching every field given that may decide a verdict (and pass `keep`, a
    claim's own filter, when one is given)."""
    return [r for r in results.runs if all(r.get(k) == v for k, v in match.items())
            and not sr.verdict_excluded(r) and (keep is None or keep(r))]


def median_of(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _by_repetition(runs: list[dict], metric: Metric) -> dict[int, float]:
    """repetition index -> the metric (the median when the match holds several runs)."""
    out: dict[int, list] = {}
    for run in runs:
        value = metric(run)
        if value is not None:
            out.setdefault(run["repetition"], []).append(value)
    return {rep: statistics.median(v) for rep, v in out.items()}


def paired(results: sr.Results, metric: Metric, a: dict, b: dict, keep: Keep | None = None,
           **common) -> Measured:
    """B against A in one set: `a` and `b` are the fields that select each side (with
    `common` added to both); `keep` filters the runs further."""
    runs_a, runs_b = usable(results, keep, **a, **common), usable(results, keep, **b, **common)
    if not results.both_placements:
        return _paired(runs_a, runs_b, metric, None, None)
    per = {}
    for placement in (st.NEAR, st.FAR):
        in_a = [r for r in runs_a if results.placement(r) == placement]
        in_b = [r for r in runs_b if results.placement(r) == placement]
        per[placement] = (in_a, in_b, len(set(_by_repetition(in_a, metric))
                                          & set(_by_repetition(in_b, metric))))
    counts = {p: n for p, (_, _, n) in per.items()}
    best = max(per, key=lambda p: (counts[p], results.placement_counts()[p]))
    if counts[best] == 0:
        return Measured(None, None, None, None, 0, counts)
    return _paired(per[best][0], per[best][1], metric, best, counts)


def _paired(runs_a: list, runs_b: list, metric: Metric, placement, counts) -> Measured:
    va, vb = _by_repetition(runs_a, metric), _by_repetition(runs_b, metric)
    blocks = sorted(set(va) & set(vb))
    effect = st.paired_ratio([va[r] for r in blocks], [vb[r] for r in blocks])
    # The medians quoted beside the effect come from the same blocks, so "A against B (ratio)"
    # never reads 1.43 ms against 1.50 ms (2.68x): the paired ratio rests on the blocks alone.
    # Without a block, the medians of every usable run still describe each side.
    if blocks:
        va, vb = {r: va[r] for r in blocks}, {r: vb[r] for r in blocks}
    return Measured(effect, median_of(va.values()), median_of(vb.values()), placement,
                    len(blocks), counts)


def unpaired(results_a: sr.Results, a: dict, results_b: sr.Results, b: dict, metric: Metric,
             **common) -> Measured:
    """B (one set) against A (another): nothing pairs their runs. Within one placement when
    either set has both: the placement both sets hold most runs of."""
    runs_a, runs_b = usable(results_a, **a, **common), usable(results_b, **b, **common)
    counts = None
    if results_a.both_placements or results_b.both_placements:
        counts = {p: min(sum(results_a.placement(r) == p for r in runs_a),
                         sum(results_b.placement(r) == p for r in runs_b)) for p in (st.NEAR, st.FAR)}
        best = max(counts, key=counts.get)
        runs_a = [r for r in runs_a if results_a.placement(r) == best]
        runs_b = [r for r in runs_b if results_b.placement(r) == best]
    values_a = [metric(r) for r in runs_a]
    values_b = [metric(r) for r in runs_b]
    effect = st.unpaired_ratio(values_a, values_b)
    return Measured(effect, median_of(values_a), median_of(values_b),
                    None if counts is None else max(counts, key=counts.get),
                    min(len(runs_a), len(runs_b)), counts)


def pairing_note(results: sr.Results) -> str:
    """How the set's blocks were formed, for the claims page."""
    if results.config.get("order") == "interleaved":
        return "blocks: the runs of one repetition index, made back to back (--order interleaved)"
    order = results.config.get("order") or "unrecorded"
    return (f"paired by repetition index; the runs were made in {order} order, not as "
            "blocks, so a block's runs did not share one moment of the machine")


def placement_note(results: sr.Results) -> str:
    """The set's placement split in one line, for the claims page."""
    counts = results.placement_counts()
    if not results.both_placements:
        return f"one placement ({counts[st.NEAR] + counts[st.FAR]} runs placed, {counts[st.UNKNOWN]} not)"
    rule = results.rule
    return (f"both placements: {counts[st.NEAR]} runs near (floor <= {rule.near_max_ns:g} ns), "
            f"{counts[st.FAR]} far (>= {rule.far_min_ns:g} ns), {counts[st.UNKNOWN]} unknown; "
            "compared within one")


def excluded_note(results: sr.Results) -> str:
    """How many runs were kept out of the verdict, by reason; '' when none."""
    reasons: dict[str, int] = {}
    for run in results.runs:
        why = sr.verdict_excluded(run)
        if why:
            reasons[why] = reasons.get(why, 0) + 1
    if results.failed:
        reasons["failed"] = len(results.failed)
    return ", ".join(f"{n} {why}" for why, n in sorted(reasons.items()))


def cross_blocks(blocks: list[list[dict | None]]) -> tuple[list[int], dict | None]:
    """Blocks made of runs from different sets (claims.sh runs a block's sets back to back:
    a journal and no journal, snapshots and none): the indices of the blocks that may decide,
    each with every run present and usable, and, when the runs' floor probes fall in two
    placements (one rule pooled over every run, as compare.py does), only blocks whose runs
    share one placement, in the placement with the most such blocks; with the blocks per
    placement (None when there is one)."""
    whole = [i for i, runs in enumerate(blocks)
             if runs and all(r is not None and not sr.verdict_excluded(r) for r in runs)]
    rule = st.placement_rule(sr.floor_ns(r, w) for i in whole for r in blocks[i] for w in ("before", "after"))
    if rule.modes < 2:
        return whole, None
    by: dict[str, list[int]] = {st.NEAR: [], st.FAR: []}
    for i in whole:
        places = {st.classify(sr.floor_ns(r, "before"), sr.floor_ns(r, "after"), rule) for r in blocks[i]}
        if len(places) == 1 and places <= {st.NEAR, st.FAR}:
            by[places.pop()].append(i)
    best = max(by, key=lambda p: (len(by[p]), p == st.NEAR))
    return by[best], {p: len(v) for p, v in by.items()}
