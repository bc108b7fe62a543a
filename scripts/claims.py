#!/usr/bin/python3
"""claims.md from the result sets scripts/claims.sh wrote: for each of the single-writer
pattern's seven claims, the claim, what it states before any data (precondition, effect,
threshold, rule, positive control), the exact commands, one figure, the numbers and a
verdict, decided by the stated rule (claim_verdict.py).

    scripts/claims.py DIR [--form quick|default|long]

A precondition unmet in the results gives **not testable here**, naming it and the machine
that would meet it; met, **holds** or **does not hold** by the rule, which reads the effect's
bootstrap 95% interval. Every number on the page is read from DIR. Each effect is measured
within one result set (or one block of sets made back to back) and one placement, block by
block (claim_effects.py); runs that are interrupted, generator-bound or not steady decide
nothing. One module per claim (claim_contention.py ... claim_not_to_use.py), the figure
helpers in claim_draw.py, the reading of the sets in claim_data.py.
A missing or malformed input is one line on stderr and exit status 2, before any figure is
drawn; the page and its figures are written only into DIR (figures/ there), never through
a link.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import claim_backpressure
import claim_contention
import claim_data as cd
import claim_draw
import claim_not_to_use
import claim_order
import claim_predictability
import claim_recovery
import claim_sharding
import claim_verdict as cv
import swlab_cli as swcli
import swlab_output as out

PROG = "claims.py"
plt = claim_draw.plt
HOLDS, FAILS, UNTESTABLE = cv.HOLDS, cv.FAILS, cv.UNTESTABLE
Missing = cd.Missing
preload = cd.preload
throughput = cd.throughput

# (title, module): each module states SPEC and measures with measure(context).
MODULES = (("Contention", claim_contention), ("Predictability", claim_predictability),
           ("Explicit order", claim_order), ("Backpressure", claim_backpressure),
           ("Recovery", claim_recovery), ("Sharding", claim_sharding),
           ("When not to use it", claim_not_to_use))
CLAIMS = tuple((title, module.measure) for title, module in MODULES)
SPECS = {title: module.SPEC for title, module in MODULES}


def save(fig, figdir: Path, name: str) -> str:
    """Writes the figure into figdir through a temporary file and a rename, never through a
    link (swlab_output)."""
    out.ensure_directory(figdir)
    fig.tight_layout()
    target = out.inside(figdir, figdir / name)
    out.write_figure(target, fig, "png")
    plt.close(fig)
    return f"figures/{name}"


def machine_lines(d: Path) -> tuple[list[str], int, dict]:
    """machine.txt (`key value` lines, claims.sh writes it) as the page's machine section,
    the logical CPUs and the keys; a file that cannot be read is Missing."""
    path = d / "machine.txt"
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as e:
        raise Missing(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    pairs = [line.partition(" ")[::2] for line in text.splitlines()]
    info: dict[str, str] = {}
    for k, v in pairs:
        info.setdefault(k, v)
    cpus_text = (info.get("cpus") or "0").strip()
    if not re.fullmatch(r"\d{1,5}", cpus_text):
        raise Missing(f"{path}: 'cpus' must be a count of CPUs, got {cpus_text[:40]!r}")
    counters = info.get("hardware_counters") == "yes"
    detail = info.get("hardware_counters_detail", "")
    lines = [f"- form: `{info.get('form', '?')}`, started {info.get('started', '?')}",
             f"- logical CPUs: {cpus_text}; load average at the start: {info.get('loadavg', '?')}"
             + (f", at the end: {info['loadavg_end']}" if info.get("loadavg_end") else ""),
             "- hardware counters (cycles, instructions, cache misses, per command in every run's "
             "`hardware_counters`): " +
             (f"{detail or 'exposed'}; claim 1's table gives them per command" if counters else
              f"not exposed ({detail.removeprefix('not exposed: ') or 'unknown'}); CPU time per command and "
              "context switches stand in for them"),
             "- injected delay (`--inject-ns`, the positive controls' convoys): "
             + ("available" if info.get("inject") != "no" else "not in this swlab: those controls were not run")]
    lines += [f"- {v}" for k, v in pairs if k == "machine" and v.strip()]
    lines += [f"- resumed (scripts/claims.sh --resume) {v}" for k, v in pairs if k == "resumed"]
    return lines, int(cpus_text), info


def section(i: int, title: str, spec: cv.Spec, s: cd.Section) -> tuple[str, list[str]]:
    """The claim's summary line and its section."""
    outcome = cv.decide(s.conditions, s.criteria)
    why = outcome.reason + (" " + s.interpretation if s.interpretation else "")
    unmet = [c.name for c in s.conditions if not c.met]
    said = ([f"unmet: {'; '.join(unmet)}"] if unmet else []) + [f"{k.label} {k.value()}" for k in s.criteria]
    summary = f"{i}. **{title}**: {outcome.verdict} ({'; '.join(said)})."
    lines = [f"## {i}. {title}", "", f"**Claim.** {spec.claim}", "", *cv.spec_lines(spec), "**Experiment.**", "",
             "```", *[c for c in s.commands if c], "```", "", f"![{title}]({s.figure})", "", *s.numbers,
             *cv.check_lines(s.conditions, s.criteria, s.control), f"**Verdict: {outcome.verdict}.** {why}", ""]
    return summary, lines


def render(d: Path, form: str) -> str:
    """claims.md's text; draws the figures into DIR/figures on the way. Missing names the
    claim and the problem when an input is absent or malformed."""
    machine, cpus, info = machine_lines(d)
    figdir = d / "figures"
    preload(d)
    claim_order.read_audit(d / "audit.json")
    claim_recovery.read_recovery(d / "recovery.txt")
    ctx = cd.Context(d, cpus or 2, form, info.get("inject") != "no", lambda fig, name: save(fig, figdir, name))
    page = ["# The single-writer pattern's claims, measured", "",
            f"Written by `scripts/claims.sh{'' if form == 'default' else ' --' + form}` and `scripts/claims.py`; "
            "every number below is read from the result sets beside this file. Each claim states its "
            "precondition, effect, threshold and rule before the data (docs/claims.md); the verdict follows "
            "the rule: a precondition unmet is **not testable here**, met it is **holds** or **does not hold** "
            "by the effect's bootstrap 95% interval. Effects are medians of within-block ratios, measured "
            "within one placement; runs that were interrupted, generator-bound or not steady decide nothing.",
            "", "## The machine", "", *machine, "", "## Verdicts", ""]
    summaries, sections = [], []
    for i, (title, fn) in enumerate(CLAIMS, 1):
        try:
            measured = fn(ctx)
        except Missing as e:
            raise Missing(f"claim {i} ({title}): {e}") from None
        summary, lines = section(i, title, SPECS[title], measured)
        summaries.append(summary)
        sections += lines
    return "\n".join(page + summaries + [""] + sections)


def main(argv: list[str]) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="the directory scripts/claims.sh wrote")
    parser.add_argument("--form", choices=("quick", "default", "long"), default="default")
    args = parser.parse_args(argv)
    d = Path(args.dir)
    if not d.is_dir():
        return swcli.fail(PROG, f"{d}: no such directory")

    def work() -> int:
        try:
            out.write_text(d / "claims.md", render(d, args.form))
        except (Missing, out.OutputError) as e:
            return swcli.fail(PROG, str(e))
        except OSError as e:
            return swcli.fail(PROG, f"cannot write into {d}: {e.strerror or e}")
        print(d / "claims.md")
        return 0
    return swcli.guarded(PROG, str(d), work)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
