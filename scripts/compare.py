#!/usr/bin/python3
"""Compares two swlab results files, configuration by configuration, in the spirit of Google
Benchmark's tools/compare.py: B/A ratios of the medians over repetitions and, with at least
two repetitions on each side, a two-sided Mann-Whitney U test per metric.

    scripts/compare.py A.json B.json [--alpha 0.05] [--json]

Runs are matched by (engine, preset, threads, mode, rate, window); repetitions of one
configuration form the sample. Ratios are B/A: above 1 is more throughput or more latency.
Configurations present on one side only are listed. A bad file or flag is one line on stderr
and exit status 2; a significant change is not an error (exit 0), it is the answer.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from math import comb

from scipy.stats import mannwhitneyu

import swlab_results as sr

PROG = "compare.py"
# Metric name -> (how to read it from a run, whether higher is better).
METRICS = {
    "throughput": (lambda run: float(run["summary"]["throughput"]), True),
    "p50": (lambda run: sr.run_latency(run, "p50"), False),
    "p99": (lambda run: sr.run_latency(run, "p99"), False),
    "p99.9": (lambda run: sr.run_latency(run, "p999"), False),
}
MIN_REPETITIONS = 2      # below this there is no sample to test
ADVISED_REPETITIONS = 9  # Google Benchmark's threshold: below it the U test has little power


@dataclass
class MetricResult:
    a_median: float | None
    b_median: float | None
    ratio: float | None            # b_median / a_median
    p_value: float | None          # None: too few repetitions for a test
    significant: bool              # never true where n cannot reach p < alpha
    verdict: str                   # "better", "worse", "no significant change" or "no test"


@dataclass
class Comparison:
    config: dict
    repetitions: tuple            # (on A, on B)
    can_reach_alpha: bool         # whether these n can give p < alpha at all
    metrics: dict = field(default_factory=dict)


def u_test(a: list[float], b: list[float]) -> float | None:
    """Two-sided Mann-Whitney U p-value, or None when a side has too few repetitions.

    Identical samples make scipy's tie-corrected statistic 0/0 on some versions; no evidence
    of a difference is p = 1, not NaN."""
    if min(len(a), len(b)) < MIN_REPETITIONS:
        return None
    p = float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return 1.0 if math.isnan(p) else p


def smallest_p_value(n_a: int, n_b: int) -> float:
    """The smallest two-sided p an exact U test can give n_a vs n_b repetitions without ties:
    complete separation, 2 / C(n_a + n_b, n_a). With 3 vs 3 it is 0.1, so alpha = 0.05 can
    never be reached whatever the data: the reason to warn about few repetitions."""
    return min(1.0, 2.0 / comb(n_a + n_b, n_a))


def compare_metric(a_runs: list, b_runs: list, metric, higher_is_better: bool,
                   alpha: float) -> MetricResult:
    a = [v for v in map(metric, a_runs) if v is not None]
    b = [v for v in map(metric, b_runs) if v is not None]
    sa, sb = sr.spread(a), sr.spread(b)
    a_med = None if sa is None else sa.median
    b_med = None if sb is None else sb.median
    ratio = b_med / a_med if a_med and b_med is not None else None
    p = u_test(a, b)
    # With few repetitions even complete separation gives p >= alpha: such a test can only
    # ever say "no significant change", which would read as evidence. Say what it is instead.
    reachable = p is not None and smallest_p_value(len(a), len(b)) < alpha
    significant = reachable and p < alpha
    if p is None:
        verdict = "no test"
    elif not reachable:
        verdict = f"untestable: n={len(a)} vs {len(b)} cannot reach p < {alpha:g}"
    elif not significant or ratio is None or ratio == 1:
        verdict = "no significant change"
    else:
        verdict = "better" if (ratio > 1) == higher_is_better else "worse"
    return MetricResult(a_med, b_med, ratio, p, significant, verdict)


def compare(a: sr.Results, b: sr.Results, alpha: float) -> dict:
    """Everything compare.py reports, as plain data (what --json prints)."""
    groups_a, groups_b = sr.group_runs(a.runs), sr.group_runs(b.runs)
    matched = [k for k in groups_a if k in groups_b]
    comparisons = []
    for key in matched:
        n = (len(groups_a[key]), len(groups_b[key]))
        c = Comparison(config=key._asdict(), repetitions=n,
                       can_reach_alpha=min(n) >= MIN_REPETITIONS and smallest_p_value(*n) < alpha)
        for name, (metric, higher_is_better) in METRICS.items():
            c.metrics[name] = asdict(compare_metric(groups_a[key], groups_b[key], metric,
                                                    higher_is_better, alpha))
        comparisons.append(asdict(c))
    return {
        "a": str(a.path), "b": str(b.path), "alpha": alpha,
        "comparisons": comparisons,
        "only_in_a": [k._asdict() for k in groups_a if k not in groups_b],
        "only_in_b": [k._asdict() for k in sorted(groups_b, key=sr.key_order)
                      if k not in groups_a],
        "warnings": warnings(a, b, comparisons, alpha),
    }


def warnings(a: sr.Results, b: sr.Results, comparisons: list, alpha: float) -> list[str]:
    lines = []
    fields = ("cpu_model", "logical_cpus")
    if any(a.machine[f] != b.machine[f] for f in fields):
        lines.append("A and B come from different machines (" + "; ".join(
            f"{f}: {a.machine[f]} vs {b.machine[f]}" for f in fields
            if a.machine[f] != b.machine[f]) + "): the ratios mix hardware with code.")
    weak = [c for c in comparisons if MIN_REPETITIONS <= min(c["repetitions"])
            < ADVISED_REPETITIONS]
    if weak:
        hopeless = [c for c in weak if smallest_p_value(*c["repetitions"]) >= alpha]
        lines.append(f"{len(weak)} configuration(s) have fewer than {ADVISED_REPETITIONS} "
                     "repetitions on a side: the U test is weak there, results unreliable"
                     + (f"; {len(hopeless)} cannot reach p < {alpha:g} at all (e.g. 3 vs 3 "
                        "repetitions: the smallest possible p is 0.1)" if hopeless else "")
                     + ".")
    untested = [c for c in comparisons if min(c["repetitions"]) < MIN_REPETITIONS]
    if untested:
        lines.append(f"{len(untested)} configuration(s) have a single repetition on a side: "
                     "ratios only, no test (run with --repetitions 9 or more).")
    return lines


# ---------------------------------------------------------------------------------------------
# Text output


def describe(config: dict) -> str:
    return sr.describe_key(sr.ConfigKey(**config))


def fmt_value(metric: str, value: float | None) -> str:
    return sr.format_rate(value) if metric == "throughput" else sr.format_ns(value)


def fmt_p(p: float | None, significant: bool) -> str:
    if p is None:
        return "-"
    text = f"{p:.4f}" if p >= 0.001 else f"{p:.1e}"
    return text + (" *" if significant else "  ")


def text_report(report: dict) -> str:
    lines = [f"A: {report['a']}", f"B: {report['b']}",
             f"ratios B/A of medians over repetitions; p: two-sided Mann-Whitney U, "
             f"* = p < {report['alpha']:g}", ""]
    header = f"  {'metric':<11}{'A':>12}{'B':>12}{'B/A':>9}{'p':>11}  verdict"
    for c in report["comparisons"]:
        n_a, n_b = c["repetitions"]
        reach = "" if c["can_reach_alpha"] else (
            f"; n too small for p < {report['alpha']:g}: ratios only")
        lines += [f"{describe(c['config'])}  (repetitions {n_a} vs {n_b}{reach})", header]
        for name, m in c["metrics"].items():
            ratio = "-" if m["ratio"] is None else f"{m['ratio']:.3f}"
            lines.append(f"  {name:<11}{fmt_value(name, m['a_median']):>12}"
                         f"{fmt_value(name, m['b_median']):>12}{ratio:>9}"
                         f"{fmt_p(m['p_value'], m['significant']):>11}  {m['verdict']}")
        lines.append("")
    if not report["comparisons"]:
        lines += ["no configuration appears in both files", ""]
    for side in ("a", "b"):
        only = report[f"only_in_{side}"]
        if only:
            lines.append(f"only in {side.upper()} ({len(only)}): "
                         + ", ".join(describe(k) for k in only))
    lines += [f"WARNING: {w}" for w in report["warnings"]]
    return "\n".join(lines).rstrip("\n") + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = sr.ArgumentParser(prog=PROG, description="Compare two swlab results files "
                               "(B against A) with ratios and Mann-Whitney U tests.")
    parser.add_argument("a", help="baseline results.json (or its directory)")
    parser.add_argument("b", help="contender results.json (or its directory)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="significance level of the U test (default 0.05)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if not 0.0 < args.alpha < 1.0:
        parser.error(f"--alpha must be between 0 and 1, got {args.alpha:g}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        a, b = sr.load(args.a), sr.load(args.b)
    except sr.ResultsError as e:
        return sr.fail(PROG, str(e))
    report = compare(a, b, args.alpha)
    sys.stdout.write(json.dumps(report, indent=1) + "\n" if args.json else text_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
