"""A grading from start to end: the builds, the model checker, the tests part by part,
then (only if everything is correct) performance against the reference, the tables
for the write-up, and the score."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import build, correctness, discovery, performance, report
from .console import Console
from .discovery import put, read_files_list, sync_tree
from .options import HERE, ROOT, UsageError, parse_args
from .runner import become_subreaper
from .spec import Spec, SpecError, load_spec
from .tests import TestContext

TSAN_FACTOR = 4  # a test under ThreadSanitizer runs some 5-15x slower; its limit is 4x
MODEL_LIMIT_S = 60  # one model check: seconds normally, a starter's livelock search at most this


@dataclass
class Grading:
    a: object
    lab: str
    files: list
    console: Console
    variant: str = "starter"
    tree: Path = ROOT
    release_dir: Path = ROOT / "build" / "release"
    tsan_dir: Path = ROOT / "build" / "tsan"
    seed: str = "1"
    spec: Spec = field(default_factory=Spec)
    lock: object = None
    build_seconds: float = 0
    tsan_built: bool = False
    tools_built: bool | None = None

    @property
    def wrong(self) -> bool:
        return self.variant.startswith("wrong_")

    @property
    def suffix(self) -> str:
        return "_solution" if self.variant == "solution" else ""

    @property
    def grade_bin(self) -> str:
        return f"lab{self.lab}_grade_{self.variant}"

    @property
    def model_bin(self) -> str:
        return f"lab{self.lab}_model_{self.variant}"

    @property
    def cli(self) -> str:
        return f"swlab-lab{self.lab}" + ("-solution" if self.variant == "solution" else "")

    @property
    def student_files(self) -> list:
        if self.wrong:
            return [f"labs/wrong/lab{self.lab}/{self.a.wrong}/{Path(f).name}" for f in self.files]
        return self.files


def _log_path(a) -> Path:
    if a.log:
        return Path(a.log).resolve()
    which = f"-{a.submission.name}" if a.submission else "-solution" if a.solution else \
        f"-wrong-{a.wrong}" if a.wrong else ""
    return ROOT / "build" / "grade" / f"lab{a.lab}{which}.log"


def _submission_tree(g: Grading):
    """A pristine copy of this tree with the submission's files in it, under a lock."""
    a = g.a
    cache = Path(a.cache or os.environ.get("SWLAB_GRADE_CACHE") or ROOT / "build" / "grade-cache").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    g.lock = open(cache / "lock", "w")
    try:
        fcntl.flock(g.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"grade.sh: waiting for another grading that uses {cache}", file=sys.stderr)
        fcntl.flock(g.lock, fcntl.LOCK_EX)
    tree = cache / "tree"
    fresh = not tree.exists()
    tree.mkdir(exist_ok=True)
    g.console.log(f"cache: {tree}: {sync_tree(ROOT, tree)} files brought up to date with {ROOT}")
    for f in g.files:
        src = a.submission / f if (a.submission / f).is_file() else a.submission / Path(f).name
        if src.is_file():
            put(src, tree / f)
        else:
            g.console.say(f"grade.sh: the submission has no {f}: grading the starter's")
    g.tree, g.release_dir, g.tsan_dir = tree, tree / "build" / "release", tree / "build" / "tsan"
    if fresh:
        g.console.say(f"cache: a pristine copy of this tree in {tree}; its first build takes minutes, later "
                      "submissions rebuild only the graded files")


def setup(a) -> Grading:
    g = Grading(a, a.lab, read_files_list(a.lab), Console(_log_path(a)))
    if a.hidden:
        g.seed = os.environ.get("SWLAB_HIDDEN_SEED") or str(int.from_bytes(os.urandom(4), "little") % 10**9 + 1)
    g.variant = "solution" if a.solution else f"wrong_{re.sub(r'[^A-Za-z0-9_]', '_', a.wrong)}" if a.wrong \
        else "starter"
    if a.submission:
        _submission_tree(g)
    else:
        g.release_dir = Path(a.build).resolve() if a.build else ROOT / "build" / "release"
        g.tsan_dir = Path(a.tsan_build).resolve() if a.tsan_build else ROOT / "build" / "tsan"
    g.spec = load_spec(g.tree / "labs" / f"lab{g.lab}" / "given" / "grading.sh", a.hidden)
    return g


def header(g: Grading):
    a = g.a
    if a.solution:
        what = f"the reference solution (labs/lab{g.lab}/solution/)"
    elif g.wrong:
        what = f"the deliberately wrong solution labs/wrong/lab{g.lab}/{a.wrong}"
    elif a.submission:
        what = f"the submission in {a.submission}"
    else:
        what = " ".join(g.files)
    g.console.say(f"swlab {g.spec.title}")
    g.console.say(f"grading: {what}")
    if a.hidden:
        g.console.say(f"hidden workloads: seed {g.seed} (SWLAB_LAB_SEED)")


def _tool_targets(g: Grading) -> list[str]:
    """The measuring tools: built only once every correctness test passed (a first
    grading, or any with a failure, needs none of them)."""
    spec, targets = g.spec, []
    if spec.engine and (spec.perfs or spec.reports):
        targets.append(g.cli)
    if spec.measures:
        targets += ["swlab", f"lab1_analyze{g.suffix}"]
    if spec.benches:
        targets.append(f"lab6_bench{g.suffix}")
    return targets


def _build(g: Grading, build_dir: Path, preset: str | None, targets: list[str], what: str) -> build.BuildResult:
    if g.a.no_build:
        missing = build.present(build_dir, targets)
        return build.BuildResult(not missing, errors=[f"--no-build, and {build_dir} has no {t}" for t in missing])
    r = build.build(g.tree, build_dir, preset, targets, what, g.console)
    g.build_seconds += r.seconds
    return r


def _build_failed(g: Grading, r: build.BuildResult, what: str) -> int:
    if r.rule:
        report.rule_broken(r.rule, [l.strip() for l in r.errors or [] if " uses " in l], g.console)
        g.console.say(f"full log: {g.console.path}")
        if g.a.json:
            perf_max = sum(p.points for p in g.spec.perfs) + sum(b.points for b in g.spec.benches)
            report.write_json(g.a.json, _record(g, 0, 0, 0, perf_max) | {"rule_broken": r.rule}, [])
        return 0  # graded: 0
    for l in (r.errors or [])[:20]:
        g.console.say("  " + l)
    g.console.say(f"score: 0 (the {what} build failed: the first errors are above)")
    g.console.say(f"full log: {g.console.path}")
    return 1


def _model_parts(g: Grading) -> list:
    """The model checker's parts, first: their harness is one small file, so their
    score comes a minute into a fresh grading, while the tests still have to build."""
    console, width = g.console, report.name_width(g.spec)
    binary = g.release_dir / "labs" / g.model_bin
    console.say()
    console.say(f"the model checker ({g.model_bin}: each check on its own)")
    results = []
    for p in (p for p in g.spec.parts if p.kind == "model"):
        r = correctness.grade_model(p, binary, MODEL_LIMIT_S, g.tree, g.student_files, f"model_lab{g.lab}.cpp",
                                    console)
        report.show_part(r, binary, width, console)
        results.append(r)
    got, most = sum(r.score for r in results), sum(r.part.points for r in results)
    if not g.a.model_only:
        console.say(f"first score: {got:g}/{most:g} from the model checker, {console.elapsed():.0f} s after the "
                    "start; the tests build next")
        step = report.next_step(g.spec, results, g.lab)
        if step:
            console.say(step)
    return results


def _test_parts(g: Grading, results: list) -> list:
    """The tests' parts, each test in its own process; the race detector's last."""
    a, spec, console = g.a, g.spec, g.console
    width = report.name_width(spec)
    env = {k: v for k, v in os.environ.items() if k != "SWLAB_LAB_SEED"}
    if a.hidden:
        env["SWLAB_LAB_SEED"] = g.seed
    env["TSAN_OPTIONS"] = "halt_on_error=1:exitcode=66:second_deadlock_stack=1"
    console.say()
    console.say(f"correctness ({g.grade_bin}: each test on its own, {a.test_timeout:g} s at most; the race "
                f"detector's parts in the ThreadSanitizer build, {a.test_timeout * TSAN_FACTOR:g} s)")
    hangs = correctness.Hangs()
    for p in (p for p in spec.parts if p.kind != "model"):
        if p.kind == "race":
            binary, r = _race_part(g, p, env, results, hangs)
        else:
            binary = g.release_dir / "labs" / g.grade_bin
            ctx = TestContext(binary, a.test_timeout, env, g.tree, g.student_files)
            r = correctness.grade_tests(p, ctx, spec.repeats, a.quick, hangs, console)
        report.show_part(r, binary, width, console)
        results.append(r)
    if spec.repeats and not a.quick:
        console.say("  (repeated with other seeds, every run must pass: "
                    + ", ".join(f"{c}x {f}" for c, f in spec.repeats) + ")")
    return results


def _race_part(g: Grading, p, env: dict, results: list, hangs) -> tuple[Path, correctness.PartResult]:
    """The race detector's part, in the ThreadSanitizer build, which is built only now
    and only if a test of the part passed in the release build: one that failed there
    fails here too, without being run again (a first grading of the starter builds no
    ThreadSanitizer tree)."""
    a, console = g.a, g.console
    binary = g.tsan_dir / "labs" / g.grade_bin
    if a.no_race:
        return binary, correctness.PartResult(p, note="not run (--no-race): scores nothing")
    tests = discovery.list_tests(g.release_dir / "labs" / g.grade_bin, p.filter)
    failed = {t: o for r in results for t, o in r.failures}
    if tests is not None and not [t for t in tests if t not in failed]:
        r = correctness.grade_tests(p, None, g.spec.repeats, a.quick, hangs, console, tests, failed)
        r.note = "the ThreadSanitizer build was not needed"
        return binary, r
    if not g.tsan_built:
        built = _build(g, g.tsan_dir, "tsan" if not a.tsan_build else None, [g.grade_bin],
                       f"ThreadSanitizer ({g.tsan_dir})")
        if not built.ok:
            for l in (built.errors or [])[:10]:
                console.say("  " + l)
            return binary, correctness.PartResult(p, note="the ThreadSanitizer build failed (the log has its errors)")
        g.tsan_built = True
    ctx = TestContext(binary, a.test_timeout * TSAN_FACTOR, env, g.tree, g.student_files)
    return binary, correctness.grade_tests(p, ctx, g.spec.repeats, a.quick, hangs, console, tests, failed)


def _performance(g: Grading, all_correct: bool) -> performance.PerfTotals:
    a, spec, console = g.a, g.spec, g.console
    totals = performance.PerfTotals()
    perf_max = sum(p.points for p in spec.perfs) + sum(b.points for b in spec.benches)
    tmp = Path(tempfile.mkdtemp(prefix="swlab-grade-"))
    run = performance.PerfRun(g.release_dir / "labs", g.cli, spec.engine, g.seed, a.reps, a.duration, a.warmup, tmp,
                              console)
    try:
        if spec.perfs or spec.benches:
            console.say()
            if a.no_perf:
                console.say("performance: not run (--no-perf)")
            elif not all_correct:
                console.say("performance: not run: every correctness test must pass first (a fast wrong engine "
                            "scores nothing)")
            elif g.wrong:
                totals.total = perf_max
                console.say(f"performance: not measured (a wrong solution has no swlab tool): counted as full, "
                            f"{perf_max:g}/{perf_max:g}, so that a mistake the correctness tests miss shows")
            elif _tools_built(g):
                _measure(g, run, totals)
            else:
                console.say("performance: not measured: the measuring tools did not build (the log has why)")
        if not a.no_perf and not a.quick and not a.no_report and all_correct and not g.wrong and _tools_built(g):
            performance.write_up_tables(run, spec, g.release_dir / "swlab",
                                        g.release_dir / "labs" / f"lab1_analyze{g.suffix}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return totals


def _tools_built(g: Grading) -> bool:
    """Builds the measuring tools (once): only a grading whose correctness passed needs them."""
    if g.tools_built is None:
        targets = _tool_targets(g)
        g.tools_built = not targets or _build(g, g.release_dir, "release" if not g.a.build else None, targets,
                                              "the measuring tools").ok
    return g.tools_built


def _measure(g: Grading, run: performance.PerfRun, totals: performance.PerfTotals):
    spec, console, a = g.spec, g.console, g.a
    cpus = os.cpu_count() or 1
    if spec.perfs:
        console.say(f"performance ({a.reps} pair{'s' if a.reps > 1 else ''} of runs with the reference, the median "
                    f"ratio, {a.duration:g} s each; {cpus} logical CPUs)")
    else:
        console.say(f"performance (lab6_bench: best of {a.reps}, the layouts alternated; {cpus} logical CPUs)")
    performance.warn_about_machine(spec, console)
    listing = ""
    if spec.perfs:
        listing = performance.run_bounded([str(run.bin_dir / run.cli), "engines"], 30).output
    for case, perf in enumerate(spec.perfs):
        if not performance.reference_present(run, perf, listing):
            console.say(f"  {perf.name:<44} not graded here: the reference engine `{perf.reference}` is not in this "
                        "copy (the students' copy leaves it out); the course grades it")
            totals.graded = False
            totals.results.append({"name": perf.name, "points": perf.points, "score": None})
            continue
        performance.measure_case(run, case, perf, totals)
    if spec.benches:
        performance.measure_benches(run, spec.benches, run.bin_dir / f"lab6_bench{g.suffix}", totals)


def _writeup(g: Grading):
    spec = g.spec
    if not spec.writeup:
        return
    g.console.say()
    wf = g.tree / spec.writeup
    if g.variant == "solution" or g.wrong:
        g.console.say("write-up: graded by hand (docs/labs/instructors.md says what a good one shows)")
    elif not wf.is_file():
        g.console.say(f"write-up: {spec.writeup} is missing (graded by hand)")
    elif f"TODO(lab{g.lab})" in wf.read_text(errors="replace"):
        g.console.say(f"write-up: {spec.writeup} still has TODO(lab{g.lab}) markers: not finished (graded by hand)")
    else:
        g.console.say(f"write-up: {spec.writeup}, {len(wf.read_text(errors='replace').split())} words (graded by hand)")


def _record(g: Grading, total, corr, perf_total, perf_max) -> dict:
    spec, corr_max = g.spec, sum(p.points for p in g.spec.parts)
    return {"lab": int(g.lab), "variant": g.variant, "submission": str(g.a.submission or ""),
            "score": round(total, 2), "max": corr_max + perf_max, "pass_mark": spec.pass_mark,
            "passed": total >= spec.pass_mark, "correctness": round(corr, 2), "correctness_max": corr_max,
            "performance": round(perf_total, 2), "performance_max": perf_max,
            "seconds": round(g.console.elapsed(), 1), "build_seconds": round(g.build_seconds, 1),
            "log": str(g.console.path)}


def grade(g: Grading) -> int:
    """The model checker (built and run first), then the tests, then performance."""
    header(g)
    spec = g.spec
    preset = "release" if not g.a.build else None
    results = []
    if any(p.kind == "model" for p in spec.parts):
        r = _build(g, g.release_dir, preset, [g.model_bin], "the model checker")
        if not r.ok:
            return _build_failed(g, r, "model checker")
        results = _model_parts(g)
    if g.a.model_only:
        return _model_only_summary(g, results)
    r = _build(g, g.release_dir, preset, [g.grade_bin], f"the tests, release ({g.release_dir})")
    if not r.ok:
        return _build_failed(g, r, "release")
    results = _test_parts(g, results)
    corr = sum(r.score for r in results)
    all_correct = all(r.tests > 0 and r.passed == r.tests for r in results
                      if not (g.a.no_race and r.part.kind == "race"))
    totals = _performance(g, all_correct)
    perf_max = sum(p.points for p in spec.perfs) + sum(b.points for b in spec.benches)
    _writeup(g)
    g.console.say()
    step = report.next_step(spec, results, g.lab)
    if step:
        g.console.say(step)
    total = report.summary(spec, corr, sum(p.points for p in spec.parts), totals.total, perf_max, totals.graded,
                           all_correct, g.console)
    g.console.say(f"graded in {g.console.elapsed():.0f} s (build {g.build_seconds:.0f} s); full log: {g.console.path}")
    if g.a.json:
        report.write_json(g.a.json, _record(g, total, corr, totals.total, perf_max) | {"perf": totals.results},
                          results)
    return 0


def _model_only_summary(g: Grading, results: list) -> int:
    got, most = sum(r.score for r in results), sum(r.part.points for r in results)
    g.console.say()
    step = report.next_step(g.spec, results, g.lab)
    if step:
        g.console.say(step)
    g.console.say(f"model checker: {got:g}/{most:g} (--model-only: the other parts were not run)")
    g.console.say(f"graded in {g.console.elapsed():.1f} s (build {g.build_seconds:.0f} s); full log: {g.console.path}")
    if g.a.json:
        report.write_json(g.a.json, _record(g, got, got, 0, 0) | {"model_only": True}, results)
    return 0


def main(argv: list[str]) -> int:
    try:
        a = parse_args(argv)
        if a is None:
            return 0
        g = setup(a)
    except UsageError as e:
        print(f"grade.sh: {e} (labs/grade.sh --help lists the options)", file=sys.stderr)
        return 2
    except SpecError as e:
        print(f"grade.sh: {e}", file=sys.stderr)
        return 2
    become_subreaper()
    try:
        return grade(g)
    finally:
        if g.lock:
            g.lock.close()
        g.console.close()
