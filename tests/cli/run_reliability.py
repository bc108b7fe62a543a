#!/usr/bin/python3
"""swlab run when things go wrong (issue 25): a run that fails keeps the completed ones,
an interrupted run records the time it ran, two invocations never share an --out
directory, and --out is never followed through a symbolic link. Each check failed on the
code before it was fixed; plain Python, no plotting packages."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

swlab = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def load(out):
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


BASE = ["--threads", "1", "--probe", "0", "--quiet"]

with tempfile.TemporaryDirectory() as tmp:
    # A failed third run keeps the two completed ones: the third engine cannot open its
    # journal (a file stands where its directory belongs), the command exits 1, and the
    # results hold all three, the third marked failed with why.
    journal = os.path.join(tmp, "journal")
    os.makedirs(journal)
    with open(os.path.join(journal, "single-writer.balanced.closed.t1.w1.r0"), "w") as f:
        f.write("not a directory\n")
    out = os.path.join(tmp, "failed")
    r = subprocess.run([swlab, "run", "--engine", "mutex,flat-combining,single-writer", "--order", "blocked",
                        "--commands", "2000", "--journal", journal, "--out", out, *BASE],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 1, f"a failed run: exit {r.returncode}, want 1")
    check("single-writer.balanced.closed.t1.w1.r0" in r.stderr, f"the failure is not named: {r.stderr}")
    if os.path.exists(os.path.join(out, "results.json")):
        runs = {run["engine"]: run for run in load(out)["runs"]}
        check(sorted(runs) == ["flat-combining", "mutex", "single-writer"], f"runs kept: {sorted(runs)}")
        check(not runs["mutex"]["failed"] and not runs["flat-combining"]["failed"], "completed runs marked failed")
        check(runs["mutex"]["summary"]["commands"] == 2000, "the completed run's figures")
        sw = runs.get("single-writer", {})
        check(sw.get("failed") is True and sw.get("error"), f"the failed run: {sw.get('failed')} {sw.get('error')}")
        check(os.path.exists(os.path.join(out, "hgrm", "mutex.balanced.closed.t1.w1.r0.hgrm")), "completed .hgrm")
        check(not os.path.exists(os.path.join(out, "hgrm", "single-writer.balanced.closed.t1.w1.r0.hgrm")),
              "a failed run has no histogram")
    else:
        check(False, "a failed run discarded the completed ones: no results.json")

    # Interrupted at about 0.75 s of a 2 s run: the run records the time it ran.
    out = os.path.join(tmp, "interrupted")
    p = subprocess.Popen([swlab, "run", "--engine", "mutex", "--duration", "2", "--warmup", "0", "--out", out,
                          *BASE], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # start-up (the generator's cost, the clock) and 0.75 s of the run, roughly
    p.send_signal(signal.SIGINT)
    p.wait(timeout=30)
    check(p.returncode == 130, f"interrupted run: exit {p.returncode}, want 130")
    if os.path.exists(os.path.join(out, "results.json")):
        doc = load(out)
        run = doc["runs"][0]
        check(doc["interrupted"] and run["interrupted"], "not marked interrupted")
        check(0 < run["summary"]["duration_s"] < 1.6,
              f"an interrupted 2 s run records {run['summary']['duration_s']} s")
        with open(os.path.join(out, "summary.csv")) as f:
            header, row = f.readline().strip().split(","), f.readline().strip().split(",")
        check("interrupted" in header and row[header.index("interrupted")] == "true", "summary.csv: interrupted")
    else:
        check(False, "the interrupted run wrote no results")

    # Two invocations with one --out: the second is refused before it runs.
    out = os.path.join(tmp, "shared")
    first = subprocess.Popen([swlab, "run", "--engine", "mutex", "--duration", "2", "--out", out, *BASE],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.run([swlab, "run", "--engine", "spinlock", "--duration", "0.2", "--out", out, *BASE],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    first.wait(timeout=60)
    check(second.returncode == 2 and "another swlab invocation" in second.stderr,
          f"a second writer of --out: exit {second.returncode}: {second.stderr}")
    check(first.returncode == 0, f"the first writer of --out: exit {first.returncode}: {first.stderr}")
    if os.path.exists(os.path.join(out, "results.json")):
        check([r["engine"] for r in load(out)["runs"]] == ["mutex"], "--out holds another invocation's runs")
        check(sorted(os.listdir(os.path.join(out, "hgrm"))) == ["mutex.balanced.closed.t1.w1.r0.hgrm"],
              f"hgrm/ holds {os.listdir(os.path.join(out, 'hgrm'))}")
    check(not os.path.exists(os.path.join(out, ".swlab-claim")), "the claim outlived the invocation")

    # --out through a symbolic link is refused, and the link's target is untouched.
    target = os.path.join(tmp, "target")
    os.makedirs(target)
    link = os.path.join(tmp, "link")
    os.symlink(target, link)
    r = subprocess.run([swlab, "run", "--engine", "mutex", "--duration", "0.1", "--out", link, *BASE],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 2 and "symbolic link" in r.stderr, f"--out a link: exit {r.returncode}: {r.stderr}")
    check(os.listdir(target) == [], f"written through the link: {os.listdir(target)}")

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
