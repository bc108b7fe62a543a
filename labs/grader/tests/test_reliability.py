"""The grader against a test process that misbehaves (labs/grader/tests/probe.cpp, built
as labs_grader_probe; SWLAB_GRADER_PROBE names it): every verdict comes from
GoogleTest's XML report, a child that outlives its test is killed, and nothing it does
holds the grading past its time limit. Run by ctest labs.grader.reliability."""

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from grader.runner import become_subreaper, run_bounded  # noqa: E402
from grader.tests import TestContext, run_test  # noqa: E402

PROBE = os.environ.get("SWLAB_GRADER_PROBE", "")
pytestmark = pytest.mark.skipif(not PROBE, reason="SWLAB_GRADER_PROBE is not set (ctest sets it)")
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True, scope="module")
def subreaper():
    assert become_subreaper(), "the grader must be able to adopt its children's orphans"


TAG = f"swlab-reliability-{os.getpid()}"  # marks this run's probes (another run may be going on)


def run(name, mode="", limit=10.0):
    env = dict(os.environ, SWLAB_PROBE=mode, SWLAB_PROBE_TAG=TAG)
    ctx = TestContext(Path(PROBE), limit, env, ROOT, ["labs/grader/tests/probe.cpp"])
    log = []
    t0 = time.monotonic()
    o = run_test(ctx, name, log.append)
    return o, time.monotonic() - t0, "".join(log)


def probes_alive():
    """This run's probe processes still running (not zombies)."""
    alive = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{pid}/environ", "rb") as f:
                mine = f"SWLAB_PROBE_TAG={TAG}".encode() in f.read().split(b"\0")
        except OSError:
            continue
        if exe == str(Path(PROBE).resolve()) and state != "Z" and mine:
            alive.append(int(pid))
    return alive


def test_a_passing_test_passes():
    o, _, _ = run("Probe.Passes")
    assert o.status == "OK", o.detail


def test_a_failing_test_fails_with_its_message():
    o, _, _ = run("Probe.Fails")
    assert o.status == "FAILED"
    assert any("probe.cpp" in l for l in o.detail), o.detail


def test_a_detached_child_neither_holds_the_grading_nor_outlives_it():
    # Before: the grader read the child's output through a pipe the detached sleeper
    # held open, and waited for it: 40 s per test, whatever the time limit.
    o, seconds, log = run("Probe.Passes", "detach", limit=5.0)
    assert o.status == "OK", o.detail
    assert seconds < 5.0, f"the grading of one test took {seconds:.1f} s"
    assert "stray processes killed" in log
    assert probes_alive() == [], "the detached child is still running"


def test_fake_success_lines_without_a_report_fail():
    # Before: the grader searched stdout for "[       OK ]": this scored as a pass.
    o, _, _ = run("Probe.Passes", "fake_ok")
    assert o.status == "CRASHED", o.detail
    assert "before GoogleTest wrote its report" in o.detail[0]


def test_a_test_that_exits_early_fails_whatever_it_printed():
    o, _, _ = run("Probe.ExitsEarly")
    assert o.status == "CRASHED", o.detail


def test_a_hang_names_where_each_thread_waited():
    o, seconds, _ = run("Probe.Hangs", limit=4.0)
    assert o.status == "HUNG"
    assert seconds < 6.0
    where = [l for l in o.detail if "probe.cpp" in l]
    assert len(where) >= 2, o.detail  # the test's thread and its helper


def test_output_is_read_without_waiting_for_whoever_holds_it():
    # A shell whose background child keeps stdout open: the output file is read when the
    # shell exits, and the child is killed as a stray.
    t0 = time.monotonic()
    done = run_bounded(["bash", "-c", "setsid sleep 30 & echo started"], 5.0)
    assert done.status == 0 and "started" in done.output
    assert time.monotonic() - t0 < 3.0
