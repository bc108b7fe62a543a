#!/usr/bin/python3
"""The autograder's own regression test: every deliberately wrong solution under
labs/wrong/ must be caught (README.md there lists them and what catches each).

  check.py --ci BINARY labN/NAME [--model MODEL_BINARY]
      CI's lean check (ctest labs.wrong.*, ThreadSanitizer build): runs the wrong
      solution's grading binary (labN_grade_wrong_NAME) on the tests named in
      labN/NAME/caught.txt, each in its own process under a time limit, the way
      labs/grade.sh runs them, and requires at least one of them to end as expected
      (failed, race or hung). A mistake caught.txt says the model checker catches
      (`model: CHECK_GLOB`) is run on the model-checked harness (labN_model_wrong_NAME)
      instead, which must fail one of those checks. Seconds per solution.

  check.py [--times N] [--only labN/NAME,...] [--no-reference] [--as-submission] [-- GRADE_ARGS]
      The full check: grades each wrong solution N times (default 5) with
      `labs/grade.sh N --wrong NAME` (its variant prebuilt in build/release and
      build/tsan: configure both with -DSWLAB_LABS_WRONG=ON -DSWLAB_LABS_WRONG_LEAN=OFF), and requires every
      score to be below the lab's pass mark; then grades each lab's reference
      solution N times (`labs/grade.sh N --solution`) and requires full marks every
      time. --as-submission grades them as a course grades a student instead
      (`--submission DIR`, the cached pristine build: a second build of the tree).
      Prints the table: mistake, the score of each grading, the time per grading.
      Takes long (a minute or more per grading).

Exit status 0 when every expectation holds, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABS = HERE.parent
ROOT = LABS.parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(LABS))
from grader import discovery, interleaving  # noqa: E402  (the same way of running a test as labs/grade.sh)
from grader.runner import become_subreaper, run_bounded  # noqa: E402
from grader.tests import TestContext, run_test  # noqa: E402


def wrong_solutions():
    return sorted(f"{p.parent.name}/{p.name}" for p in HERE.glob("lab*/*") if p.is_dir())


def read_caught(name):
    spec = {"limit": "60"}
    for line in (HERE / name / "caught.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            spec[k.strip()] = v.strip()
    return spec


def ci_model(model: Path, name: str, spec: dict) -> int:
    """The model checker must fail one of the checks caught.txt names."""
    done = run_bounded([str(model), "--check", spec["model"]], float(spec["limit"]))
    failed = [c for c in interleaving.parse(done.output) if c.ended and not c.ok]
    for c in failed:
        print(f"{name}: caught by the model checker: {c.name}: {c.summary} ({done.seconds:.2f} s)")
    if failed:
        return 0
    print(f"{name}: NOT caught by the model checker ({spec['model']}, exit {done.status}): the harness has lost a "
          f"check\n{done.output[-2000:]}")
    return 1


def ci(binary: Path, name: str, model: Path | None) -> int:
    spec = read_caught(name)
    if "model" in spec:
        if model is None:
            print(f"{name}: caught.txt names model checks, and this build has no model checker (relacy-dev)")
            return 0  # skipped: the configure step said why
        return ci_model(model, name, spec)
    expected = set(spec.get("outcome", "any").replace(",", " ").split())
    log = open(Path(tempfile.mkdtemp(prefix="swlab-wrong-")) / "log", "w")
    env = dict(os.environ)
    env.pop("SWLAB_LAB_SEED", None)
    env["TSAN_OPTIONS"] = "halt_on_error=1:exitcode=66:second_deadlock_stack=1"
    tests = discovery.list_tests(binary, spec["filter"])
    if not tests:
        print(f"{name}: no test matches {spec['filter']} in {binary}")
        return 1
    lab = name.split("/")[0][3:]
    ctx = TestContext(binary, float(spec["limit"]), env, ROOT, discovery.read_files_list(lab))
    # A mistake that only shows when threads meet in a certain order (a loop that
    # returns at the stop bit drops requests only if the bit is set before it pops
    # them) is caught in some runs, not all: caught.txt's `repeat` runs the tests
    # until one catches it, so CI fails only when the check is really gone.
    repeat = int(spec.get("repeat", "1"))
    for attempt in range(1, repeat + 1):
        for t in tests:
            o = run_test(ctx, t, log.write)
            shown = "\n    ".join(o.detail[:6])
            print(f"{name}: {discovery.display_name(t)}: {o.status} in {o.seconds:.1f} s (run {attempt} of at most "
                  f"{repeat})\n    {shown}")
            if o.status in ("OK", "SKIPPED"):
                continue
            if "any" in expected or o.status.lower() in expected:
                print(f"{name}: caught ({o.status.lower()}), as labs/wrong/{name}/caught.txt expects")
                return 0
    print(f"{name}: NOT caught as expected ({' or '.join(sorted(expected))}) by {spec['filter']} in {repeat} run(s): "
          f"the autograder has lost a check (log: {log.name})")
    return 1


def grade_once(lab: str, args: list[str]):
    with tempfile.NamedTemporaryFile(suffix=".json") as j:
        t0 = time.monotonic()
        p = subprocess.run([str(LABS / "grade.sh"), lab, *args, "--json", j.name], capture_output=True, text=True)
        secs = time.monotonic() - t0
        if p.returncode != 0:
            return None, secs, p.stdout + p.stderr
        return json.loads(Path(j.name).read_text()), secs, p.stdout


def table(rows, times) -> str:
    out = [f"| mistake | {' | '.join(f'grading {i + 1}' for i in range(times))} | seconds per grading | lost points in |",
           f"| --- | {' | '.join('---' for _ in range(times))} | --- | --- |"]
    for name, row in rows.items():
        scores = [str(x) for x in row["scores"]] + ["" for _ in range(times - len(row["scores"]))]
        secs = row["secs"]
        t = f"{min(secs):.0f}-{max(secs):.0f}" if secs else ""
        out.append(f"| {name} | {' | '.join(scores)} | {t} | {', '.join(sorted(row['caught']))} |")
    return "\n".join(out)


def generated(name: str) -> Path:
    """A wrong solution as a submission: its mistake applied to the worked answer, in
    a directory of its own (make_wrong.py), as a student would hand it in."""
    lab = name.split("/")[0]
    out = Path(tempfile.mkdtemp(prefix="swlab-wrong-")) / name.split("/")[1]
    subprocess.run(["/usr/bin/python3", str(HERE / "make_wrong.py"), str(HERE / name),
                    str(LABS / lab / "solution" / "worked"), str(out)], check=True)
    return out


def full(times: int, only: list[str], reference: bool, as_submission: bool, extra: list[str]) -> int:
    """Round by round (every solution once, then again): stopped early, the table of
    the rounds done so far is still printed after each round."""
    ok = True
    names = only or wrong_solutions()
    jobs = []  # (row name, lab, grade.sh arguments, is the reference)
    for name in names:
        lab, base = name.split("/")[0][3:], name.split("/")[1]
        how = ["--submission", str(generated(name))] if as_submission else ["--wrong", base]
        jobs.append((name, lab, how, False))
    if reference:
        for lab in sorted({n.split("/")[0][3:] for n in names}):
            how = ["--submission", str(LABS / f"lab{lab}" / "solution")] if as_submission else ["--solution"]
            jobs.append((f"lab{lab}/reference", lab, how, True))
    rows = {name: {"scores": [], "secs": [], "caught": set()} for name, *_ in jobs}
    for i in range(times):
        for name, lab, how, is_reference in jobs:
            row = rows[name]
            r, s, out = grade_once(lab, [*how, *extra])
            row["secs"].append(s)
            if r is None:
                row["scores"].append("error")
                ok = False
                print(out, file=sys.stderr)
                continue
            row["scores"].append(r["score"])
            if is_reference and r["score"] < r["max"]:
                ok = False
                print(f"{name}: grading {i + 1} scored {r['score']} of {r['max']}", file=sys.stderr)
            if not is_reference and r["passed"]:
                ok = False
                print(f"{name}: grading {i + 1} scored {r['score']}, at or above the pass mark {r['pass_mark']}",
                      file=sys.stderr)
            row["caught"] |= {p["name"] for p in r["parts"] if p["score"] < p["points"]}
            print(f"{name}: grading {i + 1}/{times}: {r['score']} ({s:.0f} s)", file=sys.stderr, flush=True)
        print(f"after round {i + 1} of {times}:\n{table(rows, times)}\n", flush=True)
    return 0 if ok else 1


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ci", nargs=2, metavar=("BINARY", "labN/NAME"))
    p.add_argument("--model", help="with --ci: the wrong solution's model-checked harness")
    p.add_argument("--times", type=int, default=5)
    p.add_argument("--only", default="")
    p.add_argument("--no-reference", action="store_true")
    p.add_argument("--as-submission", action="store_true")
    p.add_argument("grade_args", nargs="*", help="more options for labs/grade.sh (after --)")
    a = p.parse_args(argv)
    known = wrong_solutions()
    if a.ci:
        if a.ci[1] not in known:
            print(f"check.py: no wrong solution {a.ci[1]} (there are: {', '.join(known)})", file=sys.stderr)
            return 2
        become_subreaper()
        return ci(Path(a.ci[0]), a.ci[1], Path(a.model) if a.model else None)
    only = [x for x in a.only.split(",") if x]
    for x in only:
        if x not in known:
            print(f"check.py: no wrong solution {x} (there are: {', '.join(known)})", file=sys.stderr)
            return 2
    if a.times < 1:
        print("check.py: --times must be at least 1", file=sys.stderr)
        return 2
    return full(a.times, only, not a.no_reference, a.as_submission, a.grade_args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
