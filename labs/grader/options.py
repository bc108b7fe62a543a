"""The grader's command line."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # labs/
ROOT = HERE.parent

USAGE = """\
usage: labs/grade.sh N [options]
  --solution         grade the reference solution (labN/solution/) instead of the
                     student's files: instructors, to see the full score
  --submission DIR   grade a submission: the files of labs/labN/FILES from DIR
                     (DIR/labs/labN/x or DIR/x), built against a cached pristine
                     build of this tree (--cache) in which only they are rebuilt
  --cache DIR        where that pristine build lives (default $SWLAB_GRADE_CACHE, or
                     build/grade-cache in this tree); made on first use (minutes)
  --hidden           hidden workloads: other seeds and presets, for the tests
                     (SWLAB_LAB_SEED) and the performance runs. The seed is
                     $SWLAB_HIDDEN_SEED if set (the course's own), else random
  --reps N           pairs of runs per performance case, yours and the reference
                     back to back; the median of the pairs' ratios is scored
                     (default 5; lab 6: best of N of each layout)
  --duration S       measured seconds per run (default 0.5)
  --quick            --reps 1 --duration 0.2, one repetition of the repeated
                     tests, and no report tables
  --no-report        no report tables (they score nothing)
  --no-build         use the build directories as they are (they must hold what the
                     grading runs): several gradings at once, built once beforehand
  --no-perf          correctness only
  --model-only       the model checker's parts only (labs 2-4): seconds, with no
                     other build than its harness
  --no-race          skip the race detector's parts (they score nothing): a quick
                     look while the ThreadSanitizer build is not there yet
  --test-timeout S   the time limit of one test in the release build (default 20;
                     four times that under ThreadSanitizer)
  --build DIR        use this release build directory instead of build/release
  --tsan-build DIR   use this ThreadSanitizer build directory instead of build/tsan
  --log FILE         the full log (default build/grade/labN.log in this tree)
  --json FILE        also write the result as JSON
  --wrong NAME       graders only: grade the deliberately wrong solution
                     labs/wrong/labN/NAME, prebuilt in the build directories as
                     labN_grade_wrong_NAME (configure both with -DSWLAB_LABS_WRONG=ON;
                     labs/wrong/README.md). It has no swlab tool: if it passes every
                     correctness test, it is given the full performance points
Exit status: 0 when graded (whatever the score), 1 when the build failed,
2 on a usage error."""


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser() -> _Parser:
    p = _Parser(add_help=False, usage=argparse.SUPPRESS)
    p.add_argument("lab")
    for flag in ("--solution", "--hidden", "--quick", "--no-perf", "--no-race", "--no-report", "--no-build",
                 "--model-only"):
        p.add_argument(flag, action="store_true")
    for flag in ("--submission", "--cache", "--build", "--tsan-build", "--log", "--json", "--wrong"):
        p.add_argument(flag)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--duration", type=float, default=0.5)
    p.add_argument("--test-timeout", type=float, default=20.0)
    return p


def _check(a):
    if not re.fullmatch(r"[1-9]", a.lab) or not (HERE / f"lab{a.lab}").is_dir():
        raise UsageError(f"no lab '{a.lab}' (labs/lab1 .. labs/lab6)")
    if a.reps < 1:
        raise UsageError("--reps must be at least 1")
    if not a.duration > 0:
        raise UsageError("--duration must be positive")
    if not a.test_timeout >= 1:
        raise UsageError("--test-timeout must be at least 1 s")
    if a.solution and not (HERE / f"lab{a.lab}" / "solution").is_dir():
        raise UsageError(f"this tree has no labs/lab{a.lab}/solution (a student handout)")
    if sum(map(bool, (a.solution, a.submission, a.wrong))) > 1:
        raise UsageError("--solution, --submission and --wrong exclude each other")
    if a.wrong and not (HERE / "wrong" / f"lab{a.lab}" / a.wrong).is_dir():
        raise UsageError(f"no labs/wrong/lab{a.lab}/{a.wrong}")
    if a.model_only and not (HERE / f"lab{a.lab}" / "given" / f"model_lab{a.lab}.cpp").is_file():
        raise UsageError(f"lab {a.lab} has no model checker (labs 2, 3 and 4 have one)")
    if a.submission:
        sub = Path(a.submission)
        if not sub.is_dir():
            raise UsageError(f"no directory {a.submission}")
        a.submission = sub.resolve()
        if a.build or a.tsan_build or a.no_build:
            raise UsageError("--build, --tsan-build and --no-build do not go with --submission (it uses its cache)")


def parse_args(argv: list[str]):
    """The options, checked; None after printing the help."""
    if any(x in ("-h", "--help") for x in argv):
        print(USAGE)
        return None
    a = _parser().parse_args(argv)
    _check(a)
    a.warmup = 0.2
    if a.quick:
        a.reps, a.duration, a.warmup = 1, 0.2, 0.1
    return a
