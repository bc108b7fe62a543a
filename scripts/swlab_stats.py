#!/usr/bin/python3
"""The statistics every swlab script shares: effects with bootstrap intervals, the Holm
correction, the minimum detectable effect, the placement split of the machine's floor, and
the steady-state check. Pure functions of numbers: no results files, no figures.

Why each one (docs/methodology.md, "Effects, intervals and power"):
- An effect is a ratio B/A. Within one set, configurations run as blocks (every
  configuration once, block after block), so the effect is the median of the within-block
  ratios: a drift of the machine hits both sides of a block alike and cancels in its ratio.
  Across two sets (compare.py) nothing pairs, so it is the ratio of the medians.
- Its 95% interval is a percentile bootstrap: resample the blocks (or each side), take the
  same statistic, read the 2.5th and 97.5th percentiles. Seeded, so a report written twice
  from the same file prints the same interval.
- Holm (1979) keeps the chance of any false "significant" among m tests at alpha without
  Bonferroni's loss of power.
- The minimum detectable effect says what a "no significant change" could have missed.
- Placement: the host puts the two vCPUs near (sharing a cache) or far, and the cross-core
  floor differs by 3x between them; a comparison across placements measures the host.
- Steady state: a run whose first third and last third differ is still warming up or
  drifting, and its summary describes neither.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Iterable, NamedTuple, Sequence

import numpy as np

CONFIDENCE = 0.95
RESAMPLES = 4000        # percentile bootstrap: the 2.5% tail then holds 100 resamples
SEED = 20261202         # fixed: the same data give the same interval, run after run
POWER = 0.80            # the minimum detectable effect is the effect found 80% of the time
# The U test needs pi/3 (about 1.05) times the repetitions of a t test for the same power on
# normal data (its asymptotic relative efficiency is 3/pi): the MDE is scaled by sqrt(pi/3).
U_TEST_EFFICIENCY = 3.0 / math.pi

# Placement: the floor probes split in two where the split leaves the least spread within
# each side, in log space (two-means, Otsu's threshold), and read as two modes when the upper
# side's median is at least this ratio of the lower's. Near and far floors on the development
# VM are 110-140 and 380-610 ns (medians 2.7x apart); repetitions within one placement differ
# by at most 1.6x, so 2x separates the modes without splitting one. Not the largest gap between
# neighbours (the rule before 2026-12-07, "largest-log-gap"): probes taken while the host moves
# the vCPUs land between the modes and hide the gap (bench/run/placement.h has the case).
PLACEMENT_SEPARATION = 2.0
PLACEMENT_METHOD = "two-means-log"
NEAR, FAR, UNKNOWN = "near", "far", "unknown"
PLACEMENTS = (NEAR, FAR, UNKNOWN)

# Steady state: first third of the intervals against the last third.
STEADY_MIN_INTERVALS = 30
STEADY_LIMIT = 1.25
# Tail stability (the p99 of the per-interval p99s over their median) means something only
# with enough intervals: with 10, its "p99" is simply the worst interval.
STABILITY_MIN_INTERVALS = 30


# ---------------------------------------------------------------------------------------------
# Effects and their intervals


class Effect(NamedTuple):
    """A ratio B/A with its bootstrap interval; n is the blocks (paired) or min(n_a, n_b)."""

    ratio: float
    low: float
    high: float
    n: int

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high

    def text(self, digits: int = 2) -> str:
        """'1.23x [1.10, 1.40]': the estimate and its 95% interval."""
        return f"{self.ratio:.{digits}f}x [{self.low:.{digits}f}, {self.high:.{digits}f}]"


def _clean(values: Iterable[float | None]) -> np.ndarray:
    out = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    return np.asarray(out, dtype=float)


def _interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return float(low), float(high)


def paired_ratio(a: Sequence[float | None], b: Sequence[float | None], *,
                 resamples: int = RESAMPLES, seed: int = SEED,
                 confidence: float = CONFIDENCE) -> Effect | None:
    """The median of the within-block ratios b[i] / a[i], with a bootstrap interval over
    blocks. Blocks where either side is missing, not finite or a is not positive are
    dropped; None when no block is left."""
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None
             and math.isfinite(x) and math.isfinite(y) and x > 0]
    if not pairs:
        return None
    ratios = np.array([y / x for x, y in pairs])
    estimate = float(np.median(ratios))
    if len(ratios) == 1:
        return Effect(estimate, estimate, estimate, 1)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(ratios), size=(resamples, len(ratios)))
    low, high = _interval(np.median(ratios[picks], axis=1), confidence)
    return Effect(estimate, low, high, len(ratios))


def unpaired_ratio(a: Sequence[float | None], b: Sequence[float | None], *,
                   resamples: int = RESAMPLES, seed: int = SEED,
                   confidence: float = CONFIDENCE) -> Effect | None:
    """median(b) / median(a), with a bootstrap interval that resamples each side on its own
    (two sets, nothing pairs their runs). None when a side is empty or median(a) is not
    positive."""
    xa, xb = _clean(a), _clean(b)
    if not len(xa) or not len(xb) or np.median(xa) <= 0:
        return None
    estimate = float(np.median(xb) / np.median(xa))
    if len(xa) == 1 and len(xb) == 1:
        return Effect(estimate, estimate, estimate, 1)
    rng = np.random.default_rng(seed)
    ma = np.median(xa[rng.integers(0, len(xa), size=(resamples, len(xa)))], axis=1)
    mb = np.median(xb[rng.integers(0, len(xb), size=(resamples, len(xb)))], axis=1)
    ok = ma > 0
    low, high = _interval(mb[ok] / ma[ok], confidence)
    return Effect(estimate, low, high, min(len(xa), len(xb)))


# ---------------------------------------------------------------------------------------------
# Multiple tests and power


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values, in the input's order (None stays None and does
    not count as a test). Reject where the adjusted p < alpha: the same decisions as Holm's
    procedure at any alpha."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(tested)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(tested):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def smallest_p_value(n_a: int, n_b: int) -> float:
    """The smallest two-sided p an exact U test can give n_a vs n_b repetitions without ties:
    complete separation, 2 / C(n_a + n_b, n_a). With 3 vs 3 it is 0.1."""
    return min(1.0, 2.0 / math.comb(n_a + n_b, n_a))


def min_detectable_effect(a: Sequence[float | None], b: Sequence[float | None],
                          alpha: float, power: float = POWER) -> float | None:
    """The smallest change, as a fraction (0.05 = 5%), that a two-sided U test at `alpha`
    would find with probability `power` given these repetitions and their spread.

    Normal approximation on log values (a ratio is a shift there): (z_{1-alpha/2} + z_power)
    x the pooled standard deviation x sqrt(1/n_a + 1/n_b), scaled by sqrt(pi/3) for the U
    test's efficiency. inf when the repetitions cannot reach p < alpha at all (3 vs 3 at
    0.05); None with fewer than 2 positive values on a side."""
    la = np.log(_clean(v for v in a if v is not None and v > 0))
    lb = np.log(_clean(v for v in b if v is not None and v > 0))
    if len(la) < 2 or len(lb) < 2:
        return None
    if smallest_p_value(len(la), len(lb)) >= alpha:
        return math.inf
    pooled = math.sqrt(((len(la) - 1) * la.var(ddof=1) + (len(lb) - 1) * lb.var(ddof=1))
                       / (len(la) + len(lb) - 2))
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    shift = z * pooled * math.sqrt(1 / len(la) + 1 / len(lb)) / math.sqrt(U_TEST_EFFICIENCY)
    return math.expm1(shift)


# ---------------------------------------------------------------------------------------------
# Placement


class PlacementRule(NamedTuple):
    """How a set's floor probes split: `modes` 1 or 2; with 2, a probe <= near_max_ns is
    near and one >= far_min_ns is far (nothing lies between: the split is at a gap)."""

    method: str
    modes: int
    near_max_ns: float | None
    far_min_ns: float | None

    def mode_of(self, probe_ns: float) -> str:
        if self.modes == 2 and self.near_max_ns is not None and probe_ns > self.near_max_ns:
            return FAR
        return NEAR

    def as_dict(self) -> dict:
        return self._asdict()


def placement_rule(probes: Iterable[float | None]) -> PlacementRule:
    """The split of a set's floor probes (every run's before and after p50) into near and far:
    two-means in log space, two modes when the upper side's median is at least
    PLACEMENT_SEPARATION times the lower's; else one mode. bench/run/placement.cpp is the same
    rule (the file records which one wrote it)."""
    values = sorted(v for v in _clean(probes) if v > 0)
    if not values:
        return PlacementRule(PLACEMENT_METHOD, 1, None, None)
    logs = np.log(np.asarray(values, float))
    total, squares = np.concatenate(([0.0], np.cumsum(logs))), np.concatenate(([0.0], np.cumsum(logs * logs)))

    def spread(begin: int, end: int) -> float:
        s = total[end] - total[begin]
        return float(squares[end] - squares[begin] - s * s / (end - begin))

    best_k, best = 0, 0.0
    for k in range(1, len(values)):
        if values[k] == values[k - 1]:
            continue  # a split between equal probes is no split
        within = spread(0, k) + spread(k, len(values))
        if best_k == 0 or within < best:
            best_k, best = k, within
    # In logs, with a hair's tolerance: 200 over 100 is two modes, whatever log() rounds to.
    apart = float(np.median(logs[best_k:])) - float(np.median(logs[:best_k])) if best_k else 0.0
    if apart >= math.log(PLACEMENT_SEPARATION) - 1e-9:
        return PlacementRule(PLACEMENT_METHOD, 2, values[best_k - 1], values[best_k])
    return PlacementRule(PLACEMENT_METHOD, 1, values[-1], None)


def classify(before_ns: float | None, after_ns: float | None, rule: PlacementRule) -> str:
    """A run's placement: near or far when both of its probes are in that mode, unknown when
    they differ or a probe is missing."""
    if not before_ns or not after_ns or not (before_ns > 0 and after_ns > 0):
        return UNKNOWN
    first, second = rule.mode_of(before_ns), rule.mode_of(after_ns)
    return first if first == second else UNKNOWN


# ---------------------------------------------------------------------------------------------
# Steady state


def steady_state(p50s: Sequence[float], commands: Sequence[float]) -> bool | None:
    """Whether a run held still: over its complete intervals after warm-up, the median
    per-interval p50 of the last third against the first third, and the same for the
    commands per interval (throughput, the intervals being equal), both within
    [1/STEADY_LIMIT, STEADY_LIMIT]. None with fewer than STEADY_MIN_INTERVALS intervals."""
    n = len(p50s)
    if n < STEADY_MIN_INTERVALS or len(commands) != n:
        return None
    third = n // 3
    return all(_within(float(np.median(values[n - third:])), float(np.median(values[:third])))
               for values in (np.asarray(p50s, float), np.asarray(commands, float)))


def _within(last: float, first: float) -> bool:
    if first == last:
        return True
    if first <= 0 or last <= 0:
        return False
    return 1.0 / STEADY_LIMIT <= last / first <= STEADY_LIMIT


def complete_intervals(rows: Sequence[dict], interval_s: float, duration_s: float) -> list[dict]:
    """The intervals that ran their whole length inside the measured part (the last one is
    usually cut short by the end of the run)."""
    end = duration_s * (1 + 1e-9) + 1e-9
    return [row for row in rows if row["start_s"] + interval_s <= end]
