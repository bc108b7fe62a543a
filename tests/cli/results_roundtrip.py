#!/usr/bin/python3
"""Runs `swlab run` and `swlab sweep` for real and checks what they wrote against the
run schema (`swlab schema`, docs/results-format.md): every declared field of every run,
every run setting under `settings`, typed engine options, histograms that rebuild to the
summary's percentiles, .hgrm files that parse back, the CSV's declared columns, and no
temporary file left behind; `--from` re-runs a run of this version and of a version 2
file written before the schema. Plain json/csv only, so it runs without the plotting
packages."""
import csv
from fractions import Fraction
import json
import math
import os
import subprocess
import sys
import tempfile

swlab = sys.argv[1]
failures = []
SCHEMA = json.loads(subprocess.run([swlab, "schema"], check=True, capture_output=True, text=True).stdout)
V2_FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "results_v2.json")


def check(cond, what):
    if not cond:
        failures.append(what)


def percentile(buckets, p):
    # The rank in exact arithmetic: 99.9 / 100 * N in floating point can land just
    # above an integer and round the rank up by one.
    total = sum(c for _, c in buckets)
    want = max(1, math.ceil(Fraction(str(p)) * total / 100))
    seen = 0
    for v, c in buckets:
        seen += c
        if seen >= want:
            return v
    return buckets[-1][0]


def parse_hgrm(path):
    rows, total = [], None
    with open(path) as f:
        lines = f.read().splitlines()
    check(lines[0].split() == ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"], f"{path}: header")
    for line in lines[1:]:
        if not line.strip():
            continue
        if line.startswith("#[Max"):
            total = int(line.split("Total count")[1].split("=")[1].strip(" ]"))
        elif not line.startswith("#"):
            rows.append([float(x) for x in line.split()])
    return rows, total


ENGINE_CONFIG_KEYS = {
    "mutex": ["spec", "name", "markets", "durability"],
    "spinlock": ["spec", "name", "markets"],
    "single-writer": ["spec", "name", "markets", "channel", "reply", "wait", "overload", "capacity", "batch",
                      "durability"],
}
TYPES = {"bool": (bool,), "int": (int,), "number": (int, float), "text": (str,), "object": (dict,),
         "array": (list,)}


def at_path(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return KeyError
        obj = obj[part]
    return obj


def check_run(run, mode):
    # Every field the schema declares, with its declared type (null where it may be).
    for field in SCHEMA["run_fields"]:
        if not field["path"]:
            continue
        value = at_path(run, field["path"])
        check(value is not KeyError, f"{run.get('id')}: lacks {field['path']}")
        if value is KeyError or (value is None and field["nullable"]):
            continue
        ok = isinstance(value, TYPES[field["type"]]) and not (field["type"] != "bool" and isinstance(value, bool))
        check(ok, f"{run['id']}: {field['path']} is {value!r}, declared {field['type']}")
    # Every run setting of the run scope is recorded, and nothing else is.
    declared = {s["key"] for s in SCHEMA["run_settings"] if s["scope"] == "run" and not s["engine_option"]}
    check(set(run["settings"]) == declared, f"{run['id']}: settings {sorted(run['settings'])} != {sorted(declared)}")
    s = run["summary"]
    # The engine's whole configuration, defaults included, counts as numbers: the spec alone rebuilds it.
    ec = run["engine_config"]
    name = run["engine"].split(":")[0]
    for key in ENGINE_CONFIG_KEYS.get(name, ["spec", "name", "markets"]):
        check(key in ec, f"{run['id']}: engine_config lacks {key}")
    check(ec["spec"].split(":")[0] == name, f"{run['id']}: spec {ec['spec']}")
    check(isinstance(ec["markets"], int), f"{run['id']}: markets recorded as {ec['markets']!r}")
    if "capacity" in ec:
        check(isinstance(ec["capacity"], int) and isinstance(ec["batch"], int), f"{run['id']}: counts typed {ec}")
    for key, value in ec.items():
        if key not in ("spec", "name", "markets", "snapshot_every", "keep_snapshots", "work_iterations"):
            check(f":{key}={value}" in ec["spec"], f"{run['id']}: {key}={value} not in the spec")
    # The floor, before and after.
    if run["floor"] is not None:
        for when in ("before", "after"):
            check(run["floor"][when]["p50_ns"] > 0 and run["floor"][when]["round_trips"] > 0,
                  f"{run['id']}: floor {when}")
    # The time series sums to the run's count.
    ts = run["time_series"]
    check(ts["columns"] == ["start_s", "commands", "p50_ns", "p99_ns", "p999_ns", "max_ns", "context_switches"],
          f"{run['id']}: time series columns")
    check(all(row[2] <= row[3] <= row[4] <= row[5] for row in ts["rows"] if row[1] > 0),
          f"{run['id']}: an interval's p50 <= p99 <= p99.9 <= max")
    # Hardware counters: counted, or why not (a VM answers ENOENT), never silently absent.
    hc = run["hardware_counters"]
    if hc["exposed"]:
        check(hc["cycles_per_command"] > 0 and hc["instructions_per_command"] > 0 and 0 < hc["running_share"] <= 1,
              f"{run['id']}: hardware counters {hc}")
    else:
        check("perf_event_open" in hc["why"] or "never counted" in hc["why"], f"{run['id']}: counters: {hc}")
    check(sum(row[1] for row in ts["rows"]) == s["commands"] - 0 or s["shed"] > 0,
          f"{run['id']}: time series sums to {sum(row[1] for row in ts['rows'])}, not {s['commands']}")
    check(s["cpu"]["ns_per_command"] > 0, f"{run['id']}: cpu per command")
    lat = s["latency_ns"]
    buckets = run["histogram"]["buckets"]
    check(sum(c for _, c in buckets) == lat["count"], f"{run['id']}: histogram count != latency count")
    check(lat["count"] == s["commands"] - 0 or s["shed"] > 0, f"{run['id']}: latency count != commands")
    for key, p in [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9), ("p9999", 99.99)]:
        check(percentile(buckets, p) == lat[key], f"{run['id']}: rebuilt {key} {percentile(buckets, p)} != {lat[key]}")
    check(buckets[-1][0] == lat["max"], f"{run['id']}: last bucket is not the max")
    check(all(buckets[i][0] < buckets[i + 1][0] for i in range(len(buckets) - 1)), "buckets not ascending")
    check(run["mode"] == mode, f"{run['id']}: mode")
    if mode == "open":
        check(run["rate"] is not None and s["latency_uncorrected_ns"] is not None
              and run["histogram_uncorrected"] is not None, f"{run['id']}: open loop lacks uncorrected data")
    else:
        check(run["rate"] is None and s["latency_uncorrected_ns"] is None, f"{run['id']}: closed loop has a rate")
    if mode == "service":
        check(run["workers"] == run["threads"] and run["connections"] >= run["workers"],
              f"{run['id']}: service mode's workers {run['workers']} and connections {run['connections']}")
        check(s["connection_replies"]["min"] > 0 and s["connection_replies"]["max"] >= s["connection_replies"]["min"],
              f"{run['id']}: a connection made no progress: {s['connection_replies']}")
        check(run["busy_threads"] <= run["workers"] + 1, f"{run['id']}: busy threads count the connections")
    else:
        check(run["connections"] is None and run["workers"] is None and s["connection_replies"] is None,
              f"{run['id']}: connections outside service mode")
    cw, st = run["command_work"], run["settings"]
    check((cw["work_iterations"] > 0) == (st["work_ns"] > 0) and
          (cw["parallel_work_iterations"] > 0) == (st["parallel_work_ns"] > 0), f"{run['id']}: command_work {cw}")
    check((cw["iterations_per_ns"] > 0) == (st["work_ns"] > 0 or st["parallel_work_ns"] > 0),
          f"{run['id']}: calibration {cw}")
    if cw["work_iterations"] > 0:
        check(ec.get("work_iterations") == cw["work_iterations"], f"{run['id']}: engine_config lacks the work")
    check(abs(s["throughput"] - s["commands"] / s["duration_s"]) < 1e-3 * s["throughput"] + 1, "throughput")


def check_dir(out, mode, expect_runs):
    names = os.listdir(out)
    check(not any(n.endswith(".tmp") for n in names), f"temporary files left in {out}: {names}")
    with open(os.path.join(out, "results.json")) as f:
        doc = json.load(f)
    check(doc["format"] == "swlab-results" and doc["version"] == SCHEMA["results_version"], "format/version")
    for key in ["created", "command", "interrupted", "machine", "machine_state", "clock", "generator", "spin",
                "config", "calibration", "runs", "rate_sweeps"]:
        check(key in doc, f"results lack {key}")
    check(doc["spin"]["pause_ns"] > 0 and doc["spin"]["budgets_ns"]["blocking_wait_spin"] > 0,
          f"spin budgets not recorded: {doc['spin']}")
    for key in ["hostname", "cpu_model", "logical_cpus", "kernel", "compiler", "build_type", "build_flags",
                "git_commit", "git_dirty", "label", "smt"]:
        check(key in doc["machine"], f"machine lacks {key}")
    for when in ("start", "end"):
        check(len(doc["machine_state"][when]["loadavg"]) == 3, f"machine_state {when}")
    check(sorted(r["order"] for r in doc["runs"]) == list(range(len(doc["runs"]))), "run order is not a permutation")
    check(doc["clock"]["overhead_ns"] > 0, "clock overhead not measured")
    check(len(doc["runs"]) == expect_runs, f"{len(doc['runs'])} runs, want {expect_runs}")
    ids = [r["id"] for r in doc["runs"]]
    check(len(set(ids)) == len(ids), "run ids are not unique")
    for run in doc["runs"]:
        check_run(run, mode)
        rows, total = parse_hgrm(os.path.join(out, "hgrm", run["id"] + ".hgrm"))
        check(total == run["summary"]["latency_ns"]["count"], f"{run['id']}.hgrm total count")
        check(rows[-1][1] == 1.0 and rows[-1][2] == total, f"{run['id']}.hgrm last row")
        check(abs(rows[-1][0] * 1000 - run["summary"]["latency_ns"]["max"]) <= 1, f"{run['id']}.hgrm max")
        if mode == "open":
            check(os.path.exists(os.path.join(out, "hgrm", run["id"] + ".uncorrected.hgrm")), "uncorrected hgrm")
    with open(os.path.join(out, "summary.csv")) as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    columns = [c["csv"] for c in SCHEMA["run_fields"] if c["csv"]]
    check(reader.fieldnames == columns, f"summary.csv columns {reader.fieldnames} != the schema's {columns}")
    check([r["id"] for r in rows] == ids, "summary.csv rows differ from the runs")
    check(all(int(r["p99_ns"]) == run["summary"]["latency_ns"]["p99"] for r, run in zip(rows, doc["runs"])),
          "summary.csv p99 differs")
    return doc


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "closed")
    subprocess.run([swlab, "run", "--engine", "mutex,single-writer", "--threads", "1,2", "--commands", "3000",
                    "--probe", "0.02", "--quiet", "--out", out], check=True, stdout=subprocess.DEVNULL)
    doc = check_dir(out, "closed", 4)
    for run in doc["runs"]:
        st = run["settings"]
        check((st["commands"], st["warmup_commands"], st["duration"], st["warmup"]) == (3000, 750, None, None),
              f"{run['id']}: work {st}")
        check(run["summary"]["commands"] == 3000, f"{run['id']}: fixed work ran {run['summary']['commands']}")

    # --from --run re-runs exactly that run: the same configuration, recorded again.
    again = os.path.join(tmp, "again")
    sw = [r for r in doc["runs"] if r["engine"] == "single-writer" and r["threads"] == 2][0]
    subprocess.run([swlab, "run", "--from", os.path.join(out, "results.json"), "--run", sw["id"], "--probe", "0.02",
                    "--quiet", "--out", again], check=True, stdout=subprocess.DEVNULL)
    redo = check_dir(again, "closed", 1)["runs"][0]
    for key in ["id", "engine_config", "settings", "threads", "mode", "rate", "window", "preset", "workload"]:
        check(redo[key] == sw[key], f"--from: {key} {redo[key]} != {sw[key]}")
    check(redo["time_series"]["interval_s"] == sw["time_series"]["interval_s"], "--from: interval")

    # A version 2 file, written before the run schema, re-runs too: the same run id and
    # the settings it recorded in its own places.
    with open(V2_FIXTURE) as f:
        v2 = json.load(f)
    old = [r for r in v2["runs"] if r["engine"] == "single-writer"][0]
    again = os.path.join(tmp, "from-v2")
    subprocess.run([swlab, "run", "--from", V2_FIXTURE, "--run", old["id"], "--probe", "0", "--duration", "0.1"],
                   capture_output=True)  # --duration is refused with --from: the file decides
    r = subprocess.run([swlab, "run", "--from", V2_FIXTURE, "--run", old["id"], "--probe", "0", "--quiet",
                        "--out", again], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 0, f"--from a version 2 file: exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        redo = check_dir(again, "closed", 1)["runs"][0]
        check(redo["id"] == old["id"], f"--from v2: id {redo['id']} != {old['id']}")
        check(redo["settings"]["duration"] == old["work"]["duration_s"] and
              redo["settings"]["seed"] == old["seed"] and redo["settings"]["clock"] == "steady" and
              redo["settings"]["interval"] == round(old["time_series"]["interval_s"] * 1000),
              f"--from v2: settings {redo['settings']} from {old['work']}")
        check(redo["engine_config"]["spec"] == old["engine_config"]["spec"], "--from v2: the engine's spec")

    # An existing results directory is never overwritten silently.
    r = subprocess.run([swlab, "run", "--engine", "mutex", "--threads", "1", "--commands", "100", "--out", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(r.returncode == 2 and "already holds files" in r.stderr, f"--out over results: {r.returncode} {r.stderr}")

    # The service shape with command work: 8 connections on 1 and 2 workers.
    out = os.path.join(tmp, "service")
    subprocess.run([swlab, "run", "--engine", "mutex,single-writer", "--mode", "service", "--connections", "8",
                    "--workers", "1,2", "--commands", "2000", "--think", "1000", "--work-ns", "200",
                    "--parallel-work-ns", "100", "--probe", "0", "--quiet", "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    doc = check_dir(out, "service", 4)
    check(doc["config"]["mode"] == "service" and doc["config"]["connections"] == 8, "config: service mode")
    check(doc["config"]["work_ns"] == 200, f"config: command work {doc['config']['work_ns']}")
    for run in doc["runs"]:
        check(run["id"].endswith(".c8.r0"), f"{run['id']}: the id names the connections")
        check(run["summary"]["commands"] == 2000, f"{run['id']}: fixed work ran {run['summary']['commands']}")
        check(run["settings"]["work_ns"] == 200 and run["settings"]["parallel_work_ns"] == 100,
              f"{run['id']}: command work {run['settings']}")
    sv = [r for r in doc["runs"] if r["engine"] == "single-writer" and r["workers"] == 2][0]
    again = os.path.join(tmp, "service-again")
    subprocess.run([swlab, "run", "--from", os.path.join(out, "results.json"), "--run", sv["id"], "--probe", "0",
                    "--quiet", "--out", again], check=True, stdout=subprocess.DEVNULL)
    redo = check_dir(again, "service", 1)["runs"][0]
    for key in ["id", "mode", "threads", "connections", "workers", "settings"]:
        check(redo[key] == sv[key], f"--from service: {key} {redo[key]} != {sv[key]}")

    out = os.path.join(tmp, "open")
    subprocess.run([swlab, "sweep", "--engine", "spinlock", "--threads", "1", "--mode", "open", "--rate",
                    "20000,40000", "--duration", "0.1", "--warmup", "0.02", "--repetitions", "2",
                    "--probe", "0", "--quiet", "--out", out], check=True, stdout=subprocess.DEVNULL)
    check_dir(out, "open", 4)

    out = os.path.join(tmp, "knee")
    subprocess.run([swlab, "sweep", "--engine", "mutex", "--threads", "1", "--mode", "open", "--find-knee",
                    "100000", "--rate-start", "5000", "--max-steps", "2", "--repetitions", "1",
                    "--duration", "0.1", "--warmup", "0", "--probe", "0.02", "--quiet", "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    doc = check_dir(out, "open", 2)
    sweeps = doc["rate_sweeps"]
    check(len(sweeps) == 1 and len(sweeps[0]["steps"]) == 2, "knee sweep steps")
    check(sweeps[0]["max_rate_under_bound"] == 10000, f"knee: {sweeps[0]['max_rate_under_bound']}")

for f in failures:
    print("FAIL:", f)
print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
sys.exit(1 if failures else 0)
