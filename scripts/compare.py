#!/usr/bin/python3
"""Compares two swlab results files, configuration by configuration, in the spirit of Google
Benchmark's tools/compare.py: B/A ratios of the medians over repetitions with a bootstrap 95%
interval, the minimum detectable effect, and, with at least two repetitions on each side, a
two-sided Mann-Whitney U test per metric, Holm-corrected across every metric and
configuration compared.

    scripts/compare.py A.json B.json [--alpha 0.05] [--json]

Runs are matched by (engine, preset, threads, mode, rate, window, connections) and, when the
two sets' floor probes together fall into two placements (near and far; docs/methodology.md),
by placement too: a ratio across placements measures the host, not the code. Repetitions of
one configuration form the sample; runs that are interrupted, generator-bound or not steady
are left out of it. Ratios are B/A: above 1 is more throughput or more latency.
Configurations present on one side only are listed. Warnings name what else differs between
the sets (machine, commit, work mode, placement). A bad file or flag is one line on stderr
and exit status 2; a significant change is not an error (exit 0), it is the answer.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field

from scipy.stats import mannwhitneyu

import swlab_results as sr
import swlab_cli as swcli
import swlab_style as swstyle
import swlab_stats as st

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
    interval: list | None          # bootstrap 95% interval of the ratio, [low, high]
    mde: float | None              # minimum detectable effect (0.05 = 5%); None: none reachable
    p_value: float | None          # None: too few repetitions for a test
    p_holm: float | None           # Holm-adjusted over every reachable test of the comparison
    significant: bool              # p_holm < alpha; never true where n cannot reach p < alpha
    verdict: str                   # "better", "worse", "no significant change", "no test", "untestable: ..."
    reachable: bool = False        # whether these n can give p < alpha at all


@dataclass
class Comparison:
    config: dict
    repetitions: tuple            # (on A, on B)
    can_reach_alpha: bool         # whether these n can give p < alpha at all
    placement: str | None = None  # "near" / "far" when the sets are split by placement; "mixed"
    mix: dict | None = None       # for "mixed": each side's runs per placement
    metrics: dict = field(default_factory=dict)


def u_test(a: list[float], b: list[float]) -> float | None:
    """Two-sided Mann-Whitney U p-value, or None when a side has too few repetitions.

    Identical samples make scipy's tie-corrected statistic 0/0 on some versions; no evidence
    of a difference is p = 1, not NaN."""
    if min(len(a), len(b)) < MIN_REPETITIONS:
        return None
    p = float(mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return 1.0 if math.isnan(p) else p


smallest_p_value = st.smallest_p_value


def compare_metric(a_runs: list, b_runs: list, metric, higher_is_better: bool,
                   alpha: float) -> MetricResult:
    """One metric of one comparison, before the Holm correction (decide() applies it)."""
    a = [v for v in map(metric, a_runs) if v is not None]
    b = [v for v in map(metric, b_runs) if v is not None]
    sa, sb = sr.spread(a), sr.spread(b)
    a_med = None if sa is None else sa.median
    b_med = None if sb is None else sb.median
    ratio = b_med / a_med if a_med and b_med is not None else None
    effect = st.unpaired_ratio(a, b)
    mde = st.min_detectable_effect(a, b, alpha)
    p = u_test(a, b)
    # With few repetitions even complete separation gives p >= alpha: such a test can only
    # ever say "no significant change", which would read as evidence. Say what it is instead.
    reachable = p is not None and smallest_p_value(len(a), len(b)) < alpha
    result = MetricResult(a_med, b_med, ratio, None if effect is None else [effect.low, effect.high],
                          None if mde is None or math.isinf(mde) else mde, p, None, False, "",
                          reachable)
    return decide(result, p, higher_is_better, alpha, len(a), len(b))


def decide(m: MetricResult, p_adjusted: float | None, higher_is_better: bool, alpha: float,
           n_a: int, n_b: int) -> MetricResult:
    """The verdict from the (adjusted) p-value."""
    m.p_holm = p_adjusted if m.reachable else None  # outside the family: no correction
    m.significant = bool(m.reachable and p_adjusted is not None and p_adjusted < alpha)
    if m.p_value is None:
        m.verdict = "no test"
    elif not m.reachable:
        m.verdict = f"untestable: n={n_a} vs {n_b} cannot reach p < {alpha:g}"
    elif not m.significant or m.ratio is None or m.ratio == 1:
        m.verdict = "no significant change"
    else:
        m.verdict = "better" if (m.ratio > 1) == higher_is_better else "worse"
    return m


# ---------------------------------------------------------------------------------------------
# Matching the two sets


def usable(runs) -> tuple[list[dict], dict[str, int]]:
    """The runs that may enter a comparison, and how many were left out, by reason."""
    kept: list[dict] = []
    left: dict[str, int] = {}
    for run in runs:
        reason = sr.verdict_excluded(run)
        if reason:
            left[reason] = left.get(reason, 0) + 1
        else:
            kept.append(run)
    return kept, left


def pooled_rule(a: sr.Results, b: sr.Results) -> st.PlacementRule:
    """One placement rule over both sets' floor probes, so that "near" means the same floor on
    both sides (each file's own rule could call a far-only set "near": one mode)."""
    return st.placement_rule(sr.floor_ns(r, w) for res in (a, b) for r in res.runs
                             for w in ("before", "after"))


def placement_of(run: dict, rule: st.PlacementRule) -> str:
    return st.classify(sr.floor_ns(run, "before"), sr.floor_ns(run, "after"), rule)


def grouped(runs: list[dict], rule: st.PlacementRule, split: bool) -> dict[tuple, list[dict]]:
    """(config key, placement or None) -> repetitions; with split, near and far apart, and
    unknown placement only under (key, "unknown")."""
    out: dict[tuple, list[dict]] = {}
    for key, reps in sr.group_runs(runs).items():
        if not split:
            out[(key, None)] = reps
            continue
        for placement in st.PLACEMENTS:
            chosen = [r for r in reps if placement_of(r, rule) == placement]
            if chosen:
                out[(key, placement)] = chosen
    return out


def matches(groups_a: dict, groups_b: dict, rule: st.PlacementRule) -> list[tuple]:
    """(config key, placement, A's runs, B's runs, mix): within near, within far; and where a
    configuration has no placement in common because a side's runs could not be placed at all
    (no floor probe, a version 1 file), every run of both sides, as "mixed" with the counts."""
    keys = sorted({k for k, _ in groups_a} & {k for k, _ in groups_b}, key=sr.key_order)
    out = []
    for key in keys:
        common = [p for p in (None, st.NEAR, st.FAR) if (key, p) in groups_a and (key, p) in groups_b]
        out += [(key, p, groups_a[(key, p)], groups_b[(key, p)], None) for p in common]
        sides = [{p: runs for (k, p), runs in g.items() if k == key} for g in (groups_a, groups_b)]
        if not common and any(set(side) == {st.UNKNOWN} for side in sides):
            runs = [[r for rs in side.values() for r in rs] for side in sides]
            mix = {name: {p: len(side.get(p, [])) for p in st.PLACEMENTS}
                   for name, side in zip("ab", sides)}
            out.append((key, "mixed", runs[0], runs[1], mix))
    return out


def compare(a: sr.Results, b: sr.Results, alpha: float) -> dict:
    """Everything compare.py reports, as plain data (what --json prints)."""
    rule = pooled_rule(a, b)
    split = rule.modes == 2
    (runs_a, left_a), (runs_b, left_b) = usable(a.runs), usable(b.runs)
    groups_a, groups_b = grouped(runs_a, rule, split), grouped(runs_b, rule, split)
    comparisons = []
    matched = matches(groups_a, groups_b, rule)
    for key, placement, reps_a, reps_b, mix in matched:
        n = (len(reps_a), len(reps_b))
        c = Comparison(config=key._asdict(), repetitions=n, placement=placement, mix=mix,
                       can_reach_alpha=min(n) >= MIN_REPETITIONS and smallest_p_value(*n) < alpha)
        for name, (metric, higher_is_better) in METRICS.items():
            c.metrics[name] = compare_metric(reps_a, reps_b, metric, higher_is_better, alpha)
        comparisons.append(c)
    holm_correct(comparisons, alpha)
    comparisons = [asdict(c) for c in comparisons]
    compared = {(k, p) for k, p, _, _, _ in matched} | {(k, p) for k, m, _, _, _ in matched
                                                         if m == "mixed" for p in st.PLACEMENTS}
    only = lambda mine, theirs: [dict(k._asdict(), **({"placement": p} if split else {}))
                                 for k, p in sorted(mine, key=lambda kp: sr.key_order(kp[0]))
                                 if (k, p) not in theirs and (k, p) not in compared]
    return {
        "a": str(a.path), "b": str(b.path), "alpha": alpha,
        "placement_rule": rule.as_dict(),
        "comparisons": comparisons,
        "only_in_a": only(groups_a, groups_b),
        "only_in_b": only(groups_b, groups_a),
        "left_out": {"a": left_a, "b": left_b},
        "warnings": warnings(a, b, comparisons, alpha, rule, (left_a, left_b)),
    }


def holm_correct(comparisons: list[Comparison], alpha: float) -> None:
    """Holm's correction over every test that could reach alpha, across all metrics and
    configurations: with 4 metrics of 10 configurations, 40 tests at 0.05 each would call
    about two changes significant by chance alone. Tests whose n cannot reach alpha cannot
    reject and do not count in the family."""
    tests = [(c, name) for c in comparisons for name, m in c.metrics.items() if m.reachable]
    adjusted = st.holm([c.metrics[name].p_value for c, name in tests])
    for (c, name), p in zip(tests, adjusted):
        m = c.metrics[name]
        n_a, n_b = c.repetitions
        decide(m, p, METRICS[name][1], alpha, n_a, n_b)


def work_mode(results: sr.Results) -> tuple:
    """What decides how much work a run did: fixed or time-bounded, and the command work."""
    config = results.config
    work = config.get("work") if isinstance(config.get("work"), dict) else {}
    command = config.get("command_work") if isinstance(config.get("command_work"), dict) else {}
    return (work.get("kind"), command.get("work_ns") or 0, command.get("parallel_work_ns") or 0)


def warnings(a: sr.Results, b: sr.Results, comparisons: list, alpha: float,
             rule: st.PlacementRule, left: tuple) -> list[str]:
    lines = []
    fields = ("cpu_model", "logical_cpus")
    if any(a.machine[f] != b.machine[f] for f in fields):
        lines.append("A and B come from different machines (" + "; ".join(
            f"{f}: {a.machine[f]} vs {b.machine[f]}" for f in fields
            if a.machine[f] != b.machine[f]) + "): the ratios mix hardware with code.")
    commits = (a.machine.get("git_commit"), b.machine.get("git_commit"))
    if commits[0] != commits[1]:
        lines.append(f"A and B were built from different commits ({commits[0]} vs {commits[1]}): "
                     "the ratios measure the change of code together with anything else that "
                     "differed between the invocations.")
    if work_mode(a) != work_mode(b):
        lines.append(f"A and B differ in work mode (kind, work_ns, parallel_work_ns: "
                     f"{work_mode(a)} vs {work_mode(b)}): their runs did different work.")
    lines += placement_warnings(a, b, rule)
    for side, counts in zip("AB", left):
        if counts:
            lines.append(f"{side}: " + ", ".join(f"{n} {why}" for why, n in sorted(counts.items()))
                         + " run(s) left out of the comparison (docs/plots.md).")
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


def placement_warnings(a: sr.Results, b: sr.Results, rule: st.PlacementRule) -> list[str]:
    """When the pooled probes split in two, say how each side's runs fall; with one mode,
    say so when only one side could be placed at all."""
    if rule.modes != 2:
        probed = [any(sr.floor_ns(r) for r in res.runs) for res in (a, b)]
        if probed[0] != probed[1]:
            side, other = ("A", "B") if not probed[0] else ("B", "A")
            return [f"{side} has no floor probes, so its placement is unknown, while {other}'s runs "
                    "all ran in one placement: the two may differ in placement without it showing."]
        return []
    counts = []
    for res in (a, b):
        c = dict.fromkeys(st.PLACEMENTS, 0)
        for run in res.runs:
            c[placement_of(run, rule)] += 1
        counts.append(c)
    text = "; ".join(f"{side}: {c[st.NEAR]} near, {c[st.FAR]} far, {c[st.UNKNOWN]} unknown"
                     for side, c in zip("AB", counts))
    differ = any((ca[p] > 0) != (cb[p] > 0) for ca, cb in [counts] for p in (st.NEAR, st.FAR))
    return [("A and B differ in placement" if differ else "A and B each hold runs of both placements")
            + f" (near <= {rule.near_max_ns:g} ns, far >= {rule.far_min_ns:g} ns; {text}): "
            "configurations are compared within one placement, and runs of unknown placement "
            "are left out."]


# ---------------------------------------------------------------------------------------------
# Text output


def describe(config: dict, placement: str | None = None) -> str:
    config = dict(config)
    placement = config.pop("placement", placement)
    text = sr.describe_key(sr.ConfigKey(**config))
    return text if placement is None else f"{text} [{placement}]"


def fmt_value(metric: str, value: float | None) -> str:
    return swstyle.format_rate(value) if metric == "throughput" else swstyle.format_ns(value)


def fmt_p(p: float | None) -> str:
    if p is None:
        return "-"
    return f"{p:.4f}" if p >= 0.001 else f"{p:.1e}"


def fmt_interval(interval: list | None) -> str:
    return "-" if interval is None else f"[{interval[0]:.3f},{interval[1]:.3f}]"


def fmt_mde(m: dict) -> str:
    """The smallest change this comparison would see 4 times in 5: '3.1%'; 'none' where the
    repetitions cannot reach alpha at all."""
    if m["mde"] is not None:
        return f"{m['mde']:.1%}"
    return "none" if m["p_value"] is not None and not m["reachable"] else "-"


def text_report(report: dict) -> str:
    alpha = report["alpha"]
    lines = [f"A: {report['a']}", f"B: {report['b']}",
             "ratios B/A of medians over repetitions, with a bootstrap 95% interval; MDE: the "
             f"smallest change the U test finds 80% of the time at alpha {alpha:g}; p: two-sided "
             f"Mann-Whitney U, Holm: p corrected across all tests, * = Holm p < {alpha:g}", ""]
    header = (f"  {'metric':<11}{'A':>11}{'B':>11}{'B/A':>8}{'95% interval':>16}{'MDE':>8}"
              f"{'p':>9}{'Holm':>9}    verdict")
    for c in report["comparisons"]:
        n_a, n_b = c["repetitions"]
        reach = "" if c["can_reach_alpha"] else f"; n too small for p < {alpha:g}: ratios only"
        where = c["placement"]
        if c["mix"]:
            where = "mixed: " + "; ".join(
                f"{side.upper()} " + ", ".join(f"{n} {p}" for p, n in c["mix"][side].items() if n)
                for side in ("a", "b"))
        lines += [f"{describe(c['config'], where)}  (repetitions {n_a} vs {n_b}{reach})", header]
        for name, m in c["metrics"].items():
            ratio = "-" if m["ratio"] is None else f"{m['ratio']:.3f}"
            lines.append(f"  {name:<11}{fmt_value(name, m['a_median']):>11}"
                         f"{fmt_value(name, m['b_median']):>11}{ratio:>8}"
                         f"{fmt_interval(m['interval']):>16}{fmt_mde(m):>8}"
                         f"{fmt_p(m['p_value']):>9}{fmt_p(m['p_holm']):>9}"
                         f" {'*' if m['significant'] else ' '}  {m['verdict']}")
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
    parser = swcli.ArgumentParser(prog=PROG, description="Compare two swlab results files "
                               "(B against A): ratios with bootstrap intervals, minimum "
                               "detectable effects, and Holm-corrected Mann-Whitney U tests, "
                               "within one placement (see docs/plots.md).")
    parser.add_argument("a", help="baseline results.json (or its directory)")
    parser.add_argument("b", help="contender results.json (or its directory)")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="family-wise significance level, Holm-corrected across every "
                        "metric and configuration compared (default 0.05)")
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
        return swcli.fail(PROG, str(e))
    def work() -> int:
        report = compare(a, b, args.alpha)
        sys.stdout.write(json.dumps(report, indent=1) + "\n" if args.json else text_report(report))
        return 0
    return swcli.guarded(PROG, f"{a.path} against {b.path}", work)


if __name__ == "__main__":
    sys.exit(main())
