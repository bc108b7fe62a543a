#!/usr/bin/python3
"""A Markdown report of a swlab results file: machine, configuration, the warnings the data
justify, a summary table and the figures. How the warnings are decided: docs/plots.md.

    scripts/report.py RESULTS.json [--out FILE] [--figures DIR]

Writes FILE (default: report.md beside results.json) through a temporary file and a rename,
and prints its path. The figures are linked from DIR (default: the results directory's
figures/); when DIR holds none of this file's figures, they are drawn first with plot.py's
code. A bad file or flag is one line on stderr and exit status 2.

Runs are compared only within one placement: when the set has runs of both (near and far,
split by the floor probes; docs/methodology.md), the summary has a table per placement and
the spread warnings look within each. Failed, interrupted and generator-bound runs are kept
out of the tables and listed apart; runs that were not steady (first third of the intervals
against the last) are marked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterator

import plot
import swlab_output as out
import swlab_results as sr
import swlab_cli as swcli
import swlab_style as swstyle
import swlab_stats as st

PROG = "report.py"
# Repetitions disagreeing by more than this share of their median ((max - min) / median, of
# throughput or p99) are reported: beyond it a 20% difference between engines could be noise.
SPREAD_LIMIT = 0.20
# Rejected commands (all reasons) above this share of replies: a good part of the measured
# work is error paths, and engines that reject cheaply look faster than they are.
REJECTED_LIMIT = 0.10
# Open loop: throughput under this share of the offered rate means the engine fell behind.
SATURATION_LIMIT = 0.90
# A clock read costing more than this share of the smallest p50 is part of what is measured.
CLOCK_LIMIT = 0.05


# ---------------------------------------------------------------------------------------------
# Warnings


def oversubscription_warnings(results: sr.Results) -> list[str]:
    """One line per busy-thread count above the CPUs, listing the configurations it affects:
    per run it would repeat the same fact dozens of times."""
    cpus = results.machine["logical_cpus"]
    over: dict[int, set] = {}
    for run in results.runs:
        if run["busy_threads"] > cpus:
            over.setdefault(run["busy_threads"], set()).add((run["engine"], run["threads"]))
    lines = []
    for busy in sorted(over):
        configs = ", ".join(f"{e} t={t}" for e, t in sorted(
            over[busy], key=lambda et: (swstyle.engine_order(et[0]), et[1])))
        lines.append(f"**Oversubscribed**: {busy} busy threads (clients + engine threads) on "
                     f"{cpus} logical CPUs, {busy - cpus} more than there are "
                     f"({busy / cpus:.1f}x): {configs}.")
    if lines:
        lines.append("Oversubscribed runs measure the scheduler as much as the engine (threads "
                     "wait for a CPU, not for a lock): that is a regime to compare like with "
                     "like, not noise to average away.")
    return lines


# The warnings about one configuration (sr.group_runs: its key and its repetitions);
# all_warnings asks each of them about every configuration.

def spread_warnings(key: sr.ConfigKey, runs: list[dict]) -> Iterator[str]:
    for name, metric, fmt in (("throughput", lambda r: r["summary"]["throughput"], swstyle.format_rate),
                              ("p99", lambda r: sr.run_latency(r, "p99"), swstyle.format_ns)):
        s = sr.spread(metric(r) for r in runs)
        rel = sr.relative_spread(s)
        if rel is not None and rel > SPREAD_LIMIT:
            yield (f"**Wide spread**: {sr.describe_key(key)}: {name} varies by "
                   f"{rel:.0%} of its median over {s.n} repetitions ({fmt(s.low)} .. "
                   f"{fmt(s.high)}, median {fmt(s.median)}); look for interference "
                   "or add repetitions before comparing.")


def shed_warnings(key: sr.ConfigKey, runs: list[dict]) -> Iterator[str]:
    shed = sum(r["summary"].get("shed") or 0 for r in runs)
    if shed == 0:
        return
    offered = sum(offered_count(r) for r in runs)
    yield (f"**Shed**: {sr.describe_key(key)}: {swstyle.format_si(shed)} of "
           f"{swstyle.format_si(offered)} offered commands refused by the overload policy "
           f"({shed / offered:.1%}) over {len(runs)} repetition(s): the engine kept "
           "its latency by refusing work, so compare it on accepted throughput.")


def offered_count(run: dict) -> int:
    """Offered commands; without the field, what was accepted plus what was shed."""
    summary = run["summary"]
    if summary.get("offered") is not None:
        return summary["offered"]
    return (summary.get("accepted") or summary["commands"]) + (summary.get("shed") or 0)


def rejection_warnings(key: sr.ConfigKey, runs: list[dict]) -> Iterator[str]:
    commands = sum(r["summary"]["commands"] for r in runs)
    rejected = sum(sr.rejected_total(r) for r in runs)
    if commands == 0 or rejected / commands <= REJECTED_LIMIT:
        return
    reasons: dict[str, int] = {}
    for run in runs:
        for reason, count in (run["summary"].get("rejected") or {}).items():
            reasons[reason] = reasons.get(reason, 0) + count
    detail = ", ".join(f"{reason} {count / commands:.1%}" for reason, count in
                       sorted(reasons.items(), key=lambda kv: -kv[1]))
    yield (f"**Rejected**: {sr.describe_key(key)}: {rejected / commands:.1%} of "
           f"replies are rejections ({detail}), above {REJECTED_LIMIT:.0%}: much of "
           "the measured work is error paths.")


def saturation_warnings(key: sr.ConfigKey, runs: list[dict]) -> Iterator[str]:
    if key.rate is None:
        return
    s = sr.spread(r["summary"]["throughput"] for r in runs)
    if s.median < SATURATION_LIMIT * key.rate:
        yield (f"**Saturated**: {sr.describe_key(key)}: throughput "
               f"{swstyle.format_rate(s.median)} is {s.median / key.rate:.0%} of the "
               "offered rate: the engine cannot keep up, so latency at this rate is "
               "queueing delay that grows with the length of the run.")


def clock_warnings(results: sr.Results) -> list[str]:
    overhead = (results.data.get("clock") or {}).get("overhead_ns")
    p50s = [sr.run_latency(r, "p50") for r in results.runs]
    p50s = [p for p in p50s if p]
    if not isinstance(overhead, (int, float)) or not p50s or overhead < CLOCK_LIMIT * min(p50s):
        return []
    return [f"**Clock cost**: one clock read costs {overhead:.1f} ns, {overhead / min(p50s):.0%} "
            f"of the smallest p50 ({swstyle.format_ns(min(p50s))}): the shortest latencies are "
            "partly the measurement itself."]


def floor_warnings(results: sr.Results) -> list[str]:
    """Runs during which the machine's floor moved: the host changed the vCPUs' placement, and
    the run measured two machines."""
    unstable = [r for r in results.runs if sr.unstable_floor(r)]
    if not unstable:
        return []
    shown = ", ".join(f"{r['id']} ({swstyle.format_ns(sr.floor_ns(r, 'before'))} -> "
                      f"{swstyle.format_ns(sr.floor_ns(r, 'after'))})" for r in unstable[:6])
    more = f" and {len(unstable) - 6} more" if len(unstable) > 6 else ""
    return [f"**Unstable machine**: the cross-core floor moved by more than 1.5x during "
            f"{len(unstable)} run(s): {shown}{more}. Compare them as multiples of their floor "
            "(plot.py --normalise floor), or re-run them."]


def work_line(results: sr.Results) -> list[str]:
    work = results.config.get("work") or {}  # version 2; version 3 keys the config by setting
    commands = work.get("commands") if work.get("kind") == "commands" else results.config.get("commands")
    if isinstance(commands, int) or results.data.get("calibration"):
        cal = results.data.get("calibration")
        how = (f"calibrated so the slowest engine at each point ran about {cal['target_s']:g} s"
               if cal else f"{commands} commands per run")
        return [f"Work: fixed ({how}): every engine at a point processed the same commands."]
    return ["Work: time-bounded: engines processed different prefixes of the same streams."]


def partitions(results: sr.Results) -> list[tuple[str | None, list[dict]]]:
    """The runs the summary folds into medians (not failed, interrupted or generator-bound),
    per placement when the set has both (near, far, then unknown), else all together."""
    runs = [r for r in results.runs if not sr.kept_apart(r)]
    if not results.both_placements:
        return [(None, runs)]
    return [(p, [r for r in runs if results.placement(r) == p]) for p in st.PLACEMENTS
            if any(results.placement(r) == p for r in runs)]


def placement_title(results: sr.Results, placement: str | None) -> str:
    rule = results.rule
    return {st.NEAR: f"near placement (floor <= {rule.near_max_ns:g} ns)",
            st.FAR: f"far placement (floor >= {rule.far_min_ns:g} ns)",
            st.UNKNOWN: "placement unknown (the floor changed mode during the run, or no probe)",
            }.get(placement, "")


def placement_warnings(results: sr.Results) -> list[str]:
    """Configurations whose repetitions ran in both placements: their medians over all
    repetitions would mix two machines, so the tables show each placement apart."""
    if not results.both_placements:
        return []
    lines = []
    for key, runs in sr.group_runs(r for r in results.runs if not sr.kept_apart(r)).items():
        counts = results.placement_counts(runs)
        if counts[st.NEAR] and counts[st.FAR]:
            lines.append(f"{sr.describe_key(key)}: {counts[st.NEAR]} near, {counts[st.FAR]} far"
                         + (f", {counts[st.UNKNOWN]} unknown" if counts[st.UNKNOWN] else ""))
    total = results.placement_counts()
    head = (f"**Mixed placement**: the floor probes fall into two modes (near <= "
            f"{results.rule.near_max_ns:g} ns, far >= {results.rule.far_min_ns:g} ns): "
            f"{total[st.NEAR]} runs near, {total[st.FAR]} far, {total[st.UNKNOWN]} unknown. "
            "Each placement has its own table below; compare engines within one.")
    if lines:
        head += (f" {len(lines)} configuration(s) ran in both: " + "; ".join(lines[:8])
                 + (f"; and {len(lines) - 8} more" if len(lines) > 8 else "") + ".")
    return [head]


def steady_warnings(results: sr.Results) -> list[str]:
    """Runs whose last third of intervals differs from the first third by more than 25% in
    p50 or throughput: still warming up or drifting, kept out of any verdict."""
    unsteady = [r for r in results.runs if sr.steady(r) is False]
    # Runs without a time series (version 1) cannot be judged either, but that is the file's
    # age, said by the skipped time-series figure; this counts runs too short to judge.
    undecided = sum(1 for r in results.runs if sr.steady(r) is None and sr.time_series(r))
    lines = []
    if unsteady:
        shown = ", ".join(r["id"] for r in unsteady[:6])
        more = f" and {len(unsteady) - 6} more" if len(unsteady) > 6 else ""
        lines.append(f"**Not steady**: {len(unsteady)} run(s) changed by more than "
                     f"{st.STEADY_LIMIT - 1:.0%} between the first and the last third of their "
                     f"intervals (p50 or throughput): {shown}{more}. They stay in the medians, "
                     "marked in the `steady` column, and are kept out of verdicts.")
    if undecided:
        lines.append(f"**Too short to judge**: {undecided} of {len(results.runs)} run(s) have "
                     f"fewer than {st.STEADY_MIN_INTERVALS} complete intervals: neither their "
                     "steadiness nor their tail stability is reported (run longer, or with a "
                     "shorter --interval).")
    return lines


def apart_warnings(results: sr.Results) -> list[str]:
    counts: dict[str, int] = {}
    for run in results.runs:
        if sr.kept_apart(run):
            counts[sr.kept_apart(run)] = counts.get(sr.kept_apart(run), 0) + 1
    if results.failed:
        counts["failed"] = len(results.failed)
    if not counts:
        return []
    what = ", ".join(f"{n} {reason}" for reason, n in sorted(counts.items()))
    return [f"**Kept apart**: {what} run(s) are left out of the tables' medians and listed "
            "under \"Runs kept apart\": a generator-bound run measured the load generator, an "
            "interrupted one a part of its work, a failed one nothing."]


def placement_line(results: sr.Results) -> list[str]:
    """How the set's runs split by placement, and by what rule (docs/methodology.md)."""
    rule, counts = results.rule, results.placement_counts()
    written = (results.data.get("placement_rule") or {}).get("method")
    recorded = ("recorded in the file" if written == rule.method else
                f"derived here from the floor probes (the file's rule is the older {written})" if written else
                "derived here from the floor probes (the file predates floor.placement)")
    if not counts[st.NEAR] and not counts[st.FAR]:
        return ["Placement: no run has a floor probe, so none can be placed."]
    if rule.modes == 1:
        return [f"Placement: the floor probes form one mode (no split whose medians are "
                f"{st.PLACEMENT_SEPARATION:g}x apart), so every probed run counts as one placement ({recorded})."]
    return [f"Placement: two modes, near <= {rule.near_max_ns:g} ns and far >= "
            f"{rule.far_min_ns:g} ns ({rule.method}, {recorded}): {counts[st.NEAR]} runs near, "
            f"{counts[st.FAR]} far, {counts[st.UNKNOWN]} unknown."]


def all_warnings(results: sr.Results) -> list[str]:
    per_configuration = [warning
                         for _, runs in partitions(results)
                         for check in (spread_warnings, shed_warnings, rejection_warnings, saturation_warnings)
                         for key, reps in sr.group_runs(runs).items() for warning in check(key, reps)]
    return [*oversubscription_warnings(results), *placement_warnings(results),
            *apart_warnings(results), *per_configuration, *steady_warnings(results),
            *clock_warnings(results), *floor_warnings(results)]


# ---------------------------------------------------------------------------------------------
# Sections


def cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list], align: str = "") -> list[str]:
    """A Markdown table; `align` is one character per column, 'r' for right-aligned."""
    rule = ["---:" if a == "r" else "---" for a in align.ljust(len(header), "l")]
    return ["| " + " | ".join(map(cell, header)) + " |", "| " + " | ".join(rule) + " |",
            *("| " + " | ".join(map(cell, row)) + " |" for row in rows)]


def machine_section(results: sr.Results) -> list[str]:
    m, clock = results.machine, results.data.get("clock") or {}
    rows = [[name, m.get(key, "-")] for name, key in (
        ("label", "label"), ("host", "hostname"), ("CPU", "cpu_model"),
        ("logical CPUs", "logical_cpus"), ("kernel", "kernel"), ("compiler", "compiler"),
        ("build", "build_type"), ("flags", "build_flags"), ("commit", "git_commit"))]
    if clock:
        rows.append(["clock", f"{clock.get('source', '?')}, {clock.get('overhead_ns', '?')} ns "
                     "per read"])
    return ["## Machine", "", *table(["", ""], rows), ""]


def config_section(results: sr.Results) -> list[str]:
    def show(value: object) -> str:
        if isinstance(value, (dict, list)):
            return f"`{json.dumps(value, separators=(', ', ': '))}`"
        return str(value) if isinstance(value, (str, int, float)) and not isinstance(
            value, bool) else json.dumps(value)  # true/false/null as in the file

    rows = [[key, show(value)] for key, value in results.config.items()]
    lines = ["## Configuration", ""]
    if results.data.get("command"):
        lines += [f"`{results.data['command']}`", ""]
    lines += [*work_line(results), "", *placement_line(results), ""]
    if results.data.get("interrupted"):
        lines += ["**Interrupted**: the invocation was stopped; these are the runs it completed.", ""]
    return [*lines, *table(["flag", "value"], rows), ""]


def warnings_section(warnings: list[str]) -> list[str]:
    body = [f"- {w}" for w in warnings] if warnings else ["None: nothing in the data calls "
                                                          "for one."]
    return ["## Warnings", "", *body, ""]


def share(part: float, whole: float) -> str:
    return "" if not part or not whole else f" ({part / whole:.1%})"


def summary_row(key: sr.ConfigKey, runs: list) -> list:
    def med(metric) -> float | None:
        s = sr.spread(metric(r) for r in runs)
        return None if s is None else s.median

    commands = med(lambda r: r["summary"]["commands"])
    rejected = med(sr.rejected_total)
    shed = med(lambda r: r["summary"].get("shed"))
    ctx = med(sr.ctx_per_1000)
    stability = med(sr.tail_stability)
    cpu = med(lambda r: (r["summary"].get("cpu") or {}).get("ns_per_command"))
    unstable = sum(sr.unstable_floor(r) for r in runs)
    floor = swstyle.format_ns(med(sr.floor_ns)) + (f" ({unstable}!)" if unstable else "")
    mode = key.mode if key.connections is None else f"{key.mode} c={key.connections}"
    return [key.engine, key.preset, key.threads, mode, swstyle.format_rate(key.rate), len(runs),
            swstyle.format_rate(med(lambda r: r["summary"]["throughput"])),
            *(swstyle.format_ns(med(lambda r, k=k: sr.run_latency(r, k)))
              for k in ("p50", "p99", "p999", "max")),
            floor, steady_cell(runs), "-" if stability is None else f"{stability:.2f}",
            swstyle.format_ns(cpu),
            f"{swstyle.format_si(rejected)}{share(rejected, commands)}",
            "-" if shed is None else f"{swstyle.format_si(shed)}{share(shed, commands + shed)}",
            "-" if ctx is None else f"{ctx:.1f}"]


def steady_cell(runs: list[dict]) -> str:
    """'3/3': steady runs of those with a verdict; 'no' marks each that was not; '-' when no
    run has the 30 intervals the check needs."""
    decided = [sr.steady(r) for r in runs if sr.steady(r) is not None]
    if not decided:
        return "-"
    text = f"{sum(decided)}/{len(decided)}"
    return text if all(decided) else f"{text} ({len(decided) - sum(decided)} no)"


SUMMARY_HEADER = ["engine", "preset", "threads", "mode", "rate", "reps", "throughput", "p50",
                  "p99", "p99.9", "max", "floor", "steady", "stability", "cpu/cmd", "rejected",
                  "shed", "ctx/1000"]


def summary_section(results: sr.Results) -> list[str]:
    lines = ["## Summary", "",
             "Medians over repetitions (reps); latencies from the planned send time in open "
             "loop; floor: the cross-core ping-pong p50 measured before each run (n!: runs during "
             "which it moved by more than 1.5x); steady: runs whose first and last third of "
             f"intervals agree within {st.STEADY_LIMIT - 1:.0%} in p50 and throughput, of those "
             f"with at least {st.STEADY_MIN_INTERVALS} intervals; stability: p99 of the "
             "per-interval p99s over their median (1.00 = a stable tail; shown only with "
             f"{st.STABILITY_MIN_INTERVALS} intervals or more); cpu/cmd: process CPU time per "
             "command; rejected as a share of replies (the rejection mix, which equal work keeps "
             "alike across engines), shed as a share of offered commands; ctx/1000: context "
             "switches per 1000 commands.", ""]
    for placement, runs in partitions(results):
        rows = [summary_row(k, reps) for k, reps in sr.group_runs(runs).items()]
        if placement is not None:
            lines += [f"### {placement_title(results, placement).capitalize()}: {len(runs)} runs", ""]
        lines += [*table(SUMMARY_HEADER, rows, "lllllrrrrrrrrrrrrr"), ""]
    return lines + apart_section(results)


def apart_section(results: sr.Results) -> list[str]:
    """Every run left out of the medians, one row each, with why."""
    rows = [[r["id"], "failed: " + r.get("error", "?"), "-", "-", "-"] for r in results.failed]
    for run in results.runs:
        reason = sr.kept_apart(run)
        if reason is None:
            continue
        lateness = run["summary"].get("send_lateness_ns") or {}
        if lateness:
            reason += f" (send lateness p99 {swstyle.format_ns(lateness.get('p99'))})"
        rows.append([run["id"], reason, f"{run['summary']['duration_s']:.3g} s",
                     swstyle.format_rate(run["summary"]["throughput"]),
                     swstyle.format_ns(sr.run_latency(run, "p99"))])
    if not rows:
        return []
    return ["### Runs kept apart", "",
            *table(["run", "why", "duration", "throughput", "p99"], rows, "lllrr"), ""]


def expected_figures(results: sr.Results, figdir: Path) -> list[tuple]:
    """(group, figure kind, PNG path) for every figure plot.py could draw from this file."""
    return [(g, kind, plot.figure_path(figdir, g, kind))
            for g in plot.groups_of(results) for kind in plot.FIGURES if g.mode in kind.modes]


def ensure_figures(results: sr.Results, figdir: Path) -> list[str]:
    """Draws the figures when none of this file's exist yet; returns notes for the report
    (what was skipped and why, or why nothing could be drawn)."""
    if any(path.exists() for _, _, path in expected_figures(results, figdir)):
        return []
    try:
        out.ensure_directory(figdir)
        return [f"Not drawn: {line.removeprefix('skipped ')}."
                for line in plot.render_all(results, figdir).skipped]
    except out.OutputError as e:
        print(f"{PROG}: warning: {e}", file=sys.stderr)
        return [f"Figures could not be drawn: {e}."]
    except OSError as e:
        print(f"{PROG}: warning: cannot draw figures into {figdir}: {e.strerror or e}",
              file=sys.stderr)
        return [f"Figures could not be drawn into `{figdir}`: {e.strerror or e}."]


def figures_section(results: sr.Results, figdir: Path, report_dir: Path,
                    notes: list[str]) -> list[str]:
    lines = ["## Figures", "", "How to read them: `docs/plots.md`.", ""]
    current = None
    for group, kind, path in expected_figures(results, figdir):
        if not path.exists():
            continue
        if group.stem != current:
            shape = "service mode" if group.mode == "service" else f"{group.mode} loop"
            where = f", {group.placement_note}" if group.placement_note else ""
            lines += [f"### {group.preset}, {shape}{where}", ""]
            current = group.stem
        link = Path(os.path.relpath(path, report_dir)).as_posix()
        lines += [f"![{group.preset}, {group.mode}: {kind.name}]({link})", ""]
    if current is None:
        lines += [f"No figures in `{figdir}`.", ""]
    return lines + [f"- {n}" for n in notes] + ([""] if notes else [])


def render(results: sr.Results, report_path: Path, figdir: Path) -> str:
    notes = ensure_figures(results, figdir)
    lines = [f"# swlab results: {results.directory.name or results.path.name}", "",
             f"`{results.path}`, created {results.data.get('created', '?')}, "
             f"{len(results.runs)} runs.", "",
             *machine_section(results), *config_section(results),
             *warnings_section(all_warnings(results)), *summary_section(results),
             *figures_section(results, figdir, report_path.parent, notes)]
    return "\n".join(lines).rstrip("\n") + "\n"


def make_parser() -> argparse.ArgumentParser:
    parser = swcli.results_parser(PROG, "Write a Markdown report of a swlab results file (see docs/plots.md).")
    parser.add_argument("--out", metavar="FILE", help="the report (default: report.md beside "
                        "results.json)")
    parser.add_argument("--figures", metavar="DIR", help="figures to link, drawn there if "
                        "absent (default: the results directory's figures/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    return swcli.run_with_results(PROG, make_parser(), argv, write_report)


def write_report(args: argparse.Namespace, results: sr.Results) -> int:
    path = Path(args.out) if args.out else results.directory / "report.md"
    figdir = Path(args.figures) if args.figures else results.directory / "figures"
    if not path.parent.is_dir():
        return swcli.fail(PROG, f"{path}: directory {path.parent} does not exist")
    if path.is_dir():
        return swcli.fail(PROG, f"{path}: is a directory; --out names the report file")
    try:
        # Temporary file and rename: a reader never sees half a report, and a link planted
        # at either name is replaced, never written through (swlab_output).
        out.write_text(path, render(results, path.resolve(), figdir.resolve()))
    except out.OutputError as e:
        return swcli.fail(PROG, str(e))
    except OSError as e:
        return swcli.fail(PROG, f"cannot write {path}: {e.strerror or e}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
