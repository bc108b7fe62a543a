#!/usr/bin/python3
"""Runs the engine suites of a test binary against one engine and checks the outcome.

  check_suites.py BINARY ENGINE --fail SUITE[,SUITE...]
      Every test of the named suites that is instantiated for ENGINE must FAIL, each
      run on its own: a suite that passes (or skips) an engine that does nothing
      proves nothing. Each named suite must have at least one test for ENGINE.

  check_suites.py BINARY ENGINE --pass SUITE[,SUITE...] --skip TEST[,TEST...]
      Every test of the named suites instantiated for ENGINE must pass, except the
      tests named by --skip, which must be reported SKIPPED (with the reason): for an
      engine that completes inline a pipelined test has nothing to test.

SUITE is GoogleTest's suite name without the instantiation prefix (GoldenEngine),
TEST is Suite.Test (LoadRun.PipelinedWindowOnAsynchronousEngines). ENGINE is the
parameter name (null_unset). Exit status 0 when the expectation holds.
"""
import argparse
import re
import subprocess
import sys

TIMEOUT_S = 240  # per test: a suite that hangs on a do-nothing engine is a failure too


def list_tests(binary, engine):
    out = subprocess.run([binary, "--gtest_list_tests", f"--gtest_filter=*/{engine}"],
                         capture_output=True, text=True, check=True).stdout
    tests, suite = [], None
    for line in out.splitlines():
        if not line.startswith(" "):
            suite = line.split("#")[0].strip().rstrip(".")  # AllEngines/GoldenEngine
        else:
            name = line.split("#")[0].strip()  # EveryScenario.../null_unset
            tests.append(f"{suite}.{name}")
    return tests


def suite_of(test):
    """AllEngines/GoldenEngine.EveryScenarioMatchesByteForByte/null_unset -> GoldenEngine"""
    return test.split(".")[0].split("/")[-1]


def short_name(test):
    """-> GoldenEngine.EveryScenarioMatchesByteForByte"""
    return suite_of(test) + "." + test.split(".", 1)[1].split("/")[0]


def run(binary, gtest_filter):
    """("HUNG", output) past the timeout; else (outcomes, output, exit status), where
    outcomes maps each test that reported to OK, SKIPPED or FAILED."""
    try:
        p = subprocess.run([binary, f"--gtest_filter={gtest_filter}"], capture_output=True, text=True,
                           timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return "HUNG", out
    out = p.stdout + p.stderr
    results = {}
    for m in re.finditer(r"^\[ +(OK|SKIPPED|FAILED) +\] (\S+)(?: \(\d+ ms\)|,)", out, re.M):
        results.setdefault(m.group(2), m.group(1))
    return results, out, p.returncode


def check_fail(binary, engine, suites):
    tests = [t for t in list_tests(binary, engine) if suite_of(t) in suites]
    problems = []
    for s in suites:
        if not any(suite_of(t) == s for t in tests):
            problems.append(f"suite {s} has no test for {engine}: it covers nothing here")
    for t in tests:
        r = run(binary, t)
        if r[0] == "HUNG":
            outcome = f"HUNG (over {TIMEOUT_S} s)"
        else:
            results, out, rc = r
            outcome = results.get(t, "CRASHED" if rc != 0 else "NOT RUN")
            if outcome == "FAILED" and rc == 0:
                outcome = "FAILED but exited 0"
        # A crash is no proof: a suite must fail by its checks, with a message that says why.
        ok = outcome == "FAILED"
        print(f"{'fails' if ok else 'DOES NOT FAIL':>14}: {short_name(t)} ({outcome})")
        if not ok:
            problems.append(f"{short_name(t)} does not fail for {engine}: {outcome}")
    return problems


def check_pass(binary, engine, suites, skips):
    tests = [t for t in list_tests(binary, engine) if suite_of(t) in suites]
    problems = []
    for s in suites:
        if not any(suite_of(t) == s for t in tests):
            problems.append(f"suite {s} has no test for {engine}")
    r = run(binary, ":".join(tests))
    if r[0] == "HUNG":
        return problems + [f"the suites hung for {engine}"]
    results, out, rc = r
    for t in tests:
        want = "SKIPPED" if short_name(t) in skips else "OK"
        got = results.get(t, "NOT RUN")
        print(f"{'as expected' if got == want else 'UNEXPECTED':>14}: {short_name(t)} ({got})")
        if got != want:
            problems.append(f"{short_name(t)}: {got}, expected {want}")
    for s in skips:
        if not any(short_name(t) == s for t in tests):
            problems.append(f"{s} has no test for {engine}")
    if rc != 0 and not problems:
        problems.append(f"the binary exited {rc}")
    if problems:
        sys.stdout.write(out[-4000:])
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("engine")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--fail", help="suites that must fail, comma-separated")
    mode.add_argument("--pass", dest="pass_", help="suites that must pass, comma-separated")
    ap.add_argument("--skip", default="", help="with --pass: tests (Suite.Test) that must be skipped")
    a = ap.parse_args()
    if a.fail:
        problems = check_fail(a.binary, a.engine, a.fail.split(","))
    else:
        problems = check_pass(a.binary, a.engine, a.pass_.split(","), [s for s in a.skip.split(",") if s])
    for p in problems:
        print(f"PROBLEM: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
