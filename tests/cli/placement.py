#!/usr/bin/python3
"""Placement end to end: `swlab run --plan` against another topology, what a run records
about where its threads ran (cpu_plan, floor.cpus, machine.topology), explicit CPUs over the
plan, --placement none, --from keeping the policy, `swlab machine --matrix`, and one line
with exit status 2 for every bad --topology or flag, before any work."""
import csv
import json
import os
import subprocess
import sys
import tempfile

swlab = sys.argv[1]
failures = []
SERVER = "package:2 [numa] l3:2 core:8 pu:2"
QUICK = ["--duration", "0.05", "--warmup", "0.02", "--probe", "0.02", "--quiet"]


def check(cond, what):
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run([swlab, *args], capture_output=True, text=True, timeout=300)


def usage_error(args, says):
    p = run(*args)
    lines = [line for line in p.stderr.splitlines() if line.strip() and not line.startswith("(see")]
    check(p.returncode == 2, f"{args}: exit {p.returncode}, not 2")
    check(len(lines) == 1 and says in lines[0], f"{args}: stderr {p.stderr!r} does not say {says!r}")


def results(out):
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


with tempfile.TemporaryDirectory() as tmp:
    # --plan: the plans, against a machine this is not, and nothing run or written.
    p = run("run", "--plan", "--topology", SERVER, "--engine", "single-writer,mutex", "--threads", "1,31",
            "--out", os.path.join(tmp, "never"))
    check(p.returncode == 0, f"--plan: exit {p.returncode}: {p.stderr}")
    check("2 packages, 2 NUMA nodes, 4 L3 domains, 32 cores, 64 CPUs (SMT 2)" in p.stdout, "--plan: the topology")
    check("single-writer, 1 client:\n  engine   1 thread: CPU 0 (L3 0)\n  clients  1 thread: CPU 2 (L3 0)\n"
          in p.stdout, "--plan: single-writer at 1 client")
    check("CPUs 2,4,6,8,10,12,14 (L3 0), 16,18,20,22,24,26,28,30 (L3 1), 32," in p.stdout,
          "--plan: 31 clients fill the engine's domain, then its package's other, then the other package")
    check("probe    CPUs 2 and 0 (the first client's and the engine's CPUs)" in p.stdout, "--plan: the probe")
    check(not os.path.exists(os.path.join(tmp, "never")), "--plan wrote a results directory")

    usage_error(["run", "--plan", "--topology", "package:2 flux:3"], "--topology")
    usage_error(["run", "--topology", SERVER, "--engine", "mutex", "--threads", "1"], "--plan")
    usage_error(["run", "--placement", "nearby"], "--placement")
    usage_error(["machine", "--matrix", "--topology", SERVER], "--matrix")
    usage_error(["machine", "--out", os.path.join(tmp, "m.json")], "--out needs --matrix")
    usage_error(["machine", "--matrix", "--budget", "0"], "--budget")

    # A run under auto: where each thread ran, and the probe between the first client and
    # the engine.
    out = os.path.join(tmp, "auto")
    p = run("run", "--engine", "single-writer,mutex", "--threads", "1", "--out", out, *QUICK)
    check(p.returncode == 0, f"auto run: exit {p.returncode}: {p.stderr}")
    data = results(out)
    topo = data["machine"]["topology"]
    check(topo["cpus"] == len(topo["cpu_list"]) == len(os.sched_getaffinity(0)), "machine.topology: every CPU")
    for r in data["runs"]:
        plan = r["cpu_plan"]
        check(r["settings"]["placement"] == "auto", f"{r['id']}: settings.placement")
        check(len(plan["clients"]) == 1 and set(plan["clients"][0]) == {"cpu", "core", "l3", "node", "package"},
              f"{r['id']}: cpu_plan.clients")
        before = r["floor"]["before"]["cpus"]
        if r["engine"] == "single-writer":
            check(plan["engine_threads"] == 1 and len(plan["engine"]) == 1, f"{r['id']}: one engine thread placed")
            if len(os.sched_getaffinity(0)) >= 2:
                check(plan["engine"][0]["core"] != plan["clients"][0]["core"], f"{r['id']}: engine and client share a core")
                check(before == [plan["clients"][0]["cpu"], plan["engine"][0]["cpu"]],
                      f"{r['id']}: floor.cpus {before} is not [client, engine]")
        else:
            check(plan["engine_threads"] == 0 and plan["engine"] == [], f"{r['id']}: the mutex has no engine thread")
    with open(os.path.join(out, "summary.csv")) as f:
        header = next(csv.reader(f))
    for column in ("placement", "floor_placement", "engine_shares_core", "clients_share_cores", "plan_oversubscribed"):
        check(header.count(column) == 1, f"summary.csv: column {column} {header.count(column)} times")

    # --from re-runs with the recorded policy.
    run_id = next(r["id"] for r in data["runs"] if r["engine"] == "single-writer")
    again = os.path.join(tmp, "again")
    p = run("run", "--from", os.path.join(out, "results.json"), "--run", run_id, "--out", again, "--quiet")
    check(p.returncode == 0, f"--from: exit {p.returncode}: {p.stderr}")
    if p.returncode == 0:
        r = results(again)["runs"][0]
        check(r["settings"]["placement"] == "auto" and r["cpu_plan"] == data["runs"][[x["id"] for x in data["runs"]].index(run_id)]["cpu_plan"],
              "--from: a different placement")

    # none: nothing pinned; explicit CPUs: as given, for their side.
    out = os.path.join(tmp, "none")
    p = run("run", "--engine", "single-writer", "--threads", "1", "--placement", "none", "--out", out, *QUICK)
    r = results(out)["runs"][0]
    check(r["cpu_plan"]["engine"] == [] and r["cpu_plan"]["clients"] == [], "--placement none pinned something")
    check("not pinned: the scheduler places the threads" in r["cpu_plan"]["notes"], "--placement none: the note")
    cpus = sorted(os.sched_getaffinity(0))
    out = os.path.join(tmp, "given")
    p = run("run", "--engine", "single-writer", "--threads", "2", "--engine-cpus", str(cpus[-1]),
            "--out", out, *QUICK)
    r = results(out)["runs"][0]
    check(r["cpu_plan"]["engine_given"] and [e["cpu"] for e in r["cpu_plan"]["engine"]] == [cpus[-1]],
          "--engine-cpus: not the engine's CPU")
    check(not r["cpu_plan"]["clients_given"] and len(r["cpu_plan"]["clients"]) == 2, "--engine-cpus: clients planned")

    # The core-to-core map of this machine, as JSON for the heatmap.
    m = os.path.join(tmp, "map.json")
    p = run("machine", "--matrix", "--budget", "1", "--out", m)
    check(p.returncode == 0, f"machine --matrix: exit {p.returncode}: {p.stderr}")
    check("core-to-core round trip (p50, ns)" in p.stdout, "machine --matrix: the table")
    with open(m) as f:
        cmap = json.load(f)
    n = len(cmap["cores"])
    check(cmap["format"] == "swlab-core-map" and len(cmap["p50_ns"]) == n, "map: format and size")
    check(all(cmap["p50_ns"][i][j] == cmap["p50_ns"][j][i] for i in range(n) for j in range(n)), "map: symmetric")
    check(n < 2 or all(cmap["p50_ns"][i][j] > 0 for i in range(n) for j in range(n) if i != j), "map: a pair missing")

for f in failures:
    print("FAIL:", f)
print(f"placement: {'ok' if not failures else str(len(failures)) + ' failures'}")
sys.exit(1 if failures else 0)
