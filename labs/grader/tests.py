"""One GoogleTest test in its own process, and its verdict from GoogleTest's own XML
report, never from what the process printed.

The report goes to a file in a directory the grader creates for that one run
(mkdtemp, mode 0700); the test passes only if the report is there, names that test,
says it ran to completion without a failure, and the process exited 0. A process that
exits before GoogleTest writes the report (a crash, an _exit(0) from a static
initializer, the watchdog) has no report: its test failed, whatever it printed."""

from __future__ import annotations

import re
import shutil
import signal
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import diagnose
from .runner import run_bounded


@dataclass
class Outcome:
    status: str  # OK FAILED HUNG RACE CRASHED SKIPPED
    detail: list  # lines for the student
    seconds: float
    repetition: int = 1
    seed: str = ""
    count: int = 1
    output: str = ""


@dataclass
class Report:
    """What GoogleTest's XML says about one test: None fields when it says nothing."""
    found: bool = False
    completed: bool = False
    skipped: bool = False
    failures: list = field(default_factory=list)  # the failure messages


def read_report(path: Path, test: str) -> Report | None:
    """The XML report's verdict on `test` (Suite.Name, parameterised names included);
    None when there is no readable report."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suite_name, _, name = test.partition(".")
    r = Report()
    for suite in root.iter("testsuite"):
        if suite.get("name") != suite_name:
            continue
        for case in suite.iter("testcase"):
            if case.get("name") != name:
                continue
            r.found = True
            r.completed = case.get("status") == "run" and case.get("result", "completed") == "completed"
            r.skipped = case.get("result") == "skipped" or case.find("skipped") is not None
            r.failures = [f.get("message", "") for f in case.iter("failure")]
    return r


def _verdict(report: Report | None, status: int | None, out: str, ctx) -> Outcome:
    """The verdict, strongest evidence first: a race report, a hang, then the XML."""
    if "WARNING: ThreadSanitizer" in out:
        return Outcome("RACE", diagnose.condense_tsan(out, ctx.tree, ctx.student_files), 0)
    if status is None or "[  HUNG    ]" in out:
        detail = ["still running at its time limit: a lost wake-up, a request that is never answered, "
                  "or a shutdown that does not return?"]
        detail += ["the last failed check before it: " + l for l in diagnose.first_failure(out, ctx.tree)[:1]]
        detail += diagnose.where_threads_waited(out, ctx.tree, ctx.student_files)
        return Outcome("HUNG", detail, 0)
    if report is None or not report.found:
        return _no_report(status, out)
    if report.skipped:
        m = re.search(r"^.+?:\d+: Skipped\n(.+)$", out, re.M)
        return Outcome("SKIPPED", [m.group(1).strip()] if m else [], 0)
    if report.failures:
        detail = diagnose.first_failure(out, ctx.tree) or [report.failures[0].splitlines()[0][:200]]
        return Outcome("FAILED", detail, 0)
    if report.completed and status == 0:
        return Outcome("OK", [], 0)
    if report.completed:
        return Outcome("CRASHED", [f"the test passed, then the process exited with status {status}"], 0)
    return Outcome("FAILED", ["GoogleTest's report says the test did not run to its end"], 0)


def _no_report(status: int, out: str) -> Outcome:
    if "AddressSanitizer" in out or "runtime error:" in out:
        m = re.search(r"^(SUMMARY: .*|.*runtime error: .*)$", out, re.M)
        return Outcome("CRASHED", [m.group(1)[:200] if m else "a sanitizer report (see the log)"], 0)
    tail = ["  " + l[:200] for l in out.splitlines() if l.strip()][-2:]
    if status < 0:
        return Outcome("CRASHED", [f"killed by {signal.Signals(-status).name}"] + tail, 0)
    return Outcome("CRASHED", [f"exit status {status} before GoogleTest wrote its report: the test did not run to its "
                               "end (whatever it printed)"] + tail, 0)


@dataclass
class TestContext:
    """What running a test needs besides its name."""
    __test__ = False  # not a pytest test class, though its name starts with Test
    binary: Path
    limit: float
    env: dict
    tree: Path
    student_files: list


def run_test(ctx: TestContext, name: str, log) -> Outcome:
    """Runs one test under ctx.limit; `log` gets everything it printed."""
    env = dict(ctx.env)
    env["SWLAB_LAB_TEST_TIMEOUT_S"] = str(max(1, int(ctx.limit) - 2))  # the watchdog names it (and dumps stacks) first
    env.pop("GTEST_OUTPUT", None)
    report_dir = Path(tempfile.mkdtemp(prefix="swlab-gtest-"))
    xml = report_dir / "report.xml"
    try:
        done = run_bounded([str(ctx.binary), f"--gtest_filter={name}", "--gtest_color=no", f"--gtest_output=xml:{xml}"],
                           ctx.limit, env)
        report = read_report(xml, name)
    finally:
        shutil.rmtree(report_dir, ignore_errors=True)
    stray = f", {done.strays} stray processes killed" if done.strays else ""
    killed = ", killed: time limit" if done.status is None else ""
    log(f"---- {name} ({done.seconds:.1f} s, exit {done.status}{killed}{stray})\n{done.output}")
    o = _verdict(report, done.status, done.output, ctx)
    o.seconds = done.seconds
    o.output = done.output
    return o
