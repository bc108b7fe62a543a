#!/usr/bin/python3
"""The table scripts/power.sh prints: compare.py's false-positive rate and power, from the
sets power.sh measured.

    scripts/power_table.py DIR

DIR holds power.cfg (`key value` lines: engine, repetitions, trials, p50_ns, ns_per_command,
inject, and one `delta FAMILY PERCENT INJECT_NS` line per slowdown) and trialT/a1, trialT/a2
and trialT/b-FAMILY-PERCENT result sets. For every trial, compare.py's own comparison
(compare.compare, alpha 0.05, Holm over its metrics) of a1 against a2 (nothing changed: a
significant call is a false positive) and of a1 against each b (a known slowdown: a call of
'worse' on the metric the slowdown was sized for is a detection). The rates carry a 95%
Wilson interval: with 15 trials, 0 of 15 is [0%, 20%]. Writes DIR/power.txt and
DIR/power.json; a missing or malformed input is one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path

import compare
import swlab_cli as swcli
import swlab_output as out
import swlab_results as sr
import swlab_stats as st

PROG = "power_table.py"
ALPHA = 0.05
METRICS = ("throughput", "p50", "p99", "p99.9")


class Bad(Exception):
    pass


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of k successes in n trials (sound at k = 0 and k = n,
    where the normal interval collapses to a point)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def read_config(d: Path) -> dict:
    path = d / "power.cfg"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise Bad(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    cfg: dict = {"deltas": []}
    try:
        for line in lines:
            key, _, value = line.partition(" ")
            if key == "delta":
                family, pct, ns = value.split()
                if family not in ("p50", "throughput"):
                    raise ValueError(family)
                cfg["deltas"].append((family, int(pct), int(ns)))
            elif key in ("repetitions", "trials"):
                cfg[key] = int(value)
            elif key in ("p50_ns", "ns_per_command"):
                cfg[key] = float(value)
            elif key in ("engine", "inject"):
                cfg[key] = value.strip()
        missing = [k for k in ("engine", "repetitions", "trials", "p50_ns", "ns_per_command") if k not in cfg]
    except ValueError:
        raise Bad(f"{path}: malformed line {line[:60]!r}") from None
    if missing:
        raise Bad(f"{path}: no {', '.join(missing)}")
    return cfg


def metrics(d: Path, a: str, b: str) -> dict:
    """compare.py's metrics of b against a (empty when no configuration matched)."""
    try:
        report = compare.compare(sr.load(d / a), sr.load(d / b), ALPHA)
    except sr.ResultsError as e:
        raise Bad(str(e)) from None
    return report["comparisons"][0]["metrics"] if report["comparisons"] else {}


def row(label: str, inject_ns: int, metric: str, found: list[dict], expect: str | None) -> dict:
    """How many trials called `metric` significant (in the `expect` direction when given)."""
    called = [m for m in found if m and m[metric]["significant"]
              and (expect is None or m[metric]["verdict"] == expect)]
    ratios = [m[metric]["ratio"] for m in found if m and m[metric]["ratio"]]
    mdes = [m[metric]["mde"] for m in found if m and m[metric]["mde"] is not None]
    lo, hi = wilson(len(called), len(found))
    return {"comparison": label, "inject_ns": inject_ns, "metric": metric, "called": len(called),
            "trials": len(found), "rate": len(called) / len(found) if found else None, "interval": [lo, hi],
            "median_ratio": statistics.median(ratios) if ratios else None,
            "median_mde": statistics.median(mdes) if mdes else None}


def rows_of(d: Path, cfg: dict) -> list[dict]:
    trials = range(cfg["trials"])
    same = [metrics(d, f"trial{t}/a1", f"trial{t}/a2") for t in trials]
    rows = [row("A vs A", 0, metric, same, None) for metric in METRICS]
    any_called = sum(1 for m in same if m and any(v["significant"] for v in m.values()))
    lo, hi = wilson(any_called, len(same))
    rows.append({"comparison": "A vs A", "inject_ns": 0, "metric": "any of the four", "called": any_called,
                 "trials": len(same), "rate": any_called / len(same) if same else None, "interval": [lo, hi],
                 "median_ratio": None, "median_mde": None})
    for family, pct, ns in cfg["deltas"]:
        found = [metrics(d, f"trial{t}/a1", f"trial{t}/b-{family}-{pct}") for t in trials]
        what = "p50" if family == "p50" else "time per command"
        rows.append(row(f"A vs A + {pct}% of the {what}", ns, family, found, "worse"))
    return rows


def percent(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def text_of(cfg: dict, rows: list[dict]) -> str:
    lines = [f"power.sh: {cfg['engine']}, 1 client, closed loop; {cfg['repetitions']} repetitions per set; "
             f"{cfg['trials']} trials; alpha {ALPHA}, Holm-corrected over compare.py's four metrics",
             f"calibration: p50 {cfg['p50_ns']:.0f} ns, {cfg['ns_per_command']:.1f} ns per command "
             f"({1e9 / cfg['ns_per_command'] / 1e6:.2f} M commands/s)", "",
             f"{'comparison':42} {'inject':>9} {'metric':16} {'called':>7} {'rate [95%]':>16} {'ratio':>7} {'MDE':>6}"]
    for r in rows:
        lo, hi = r["interval"]
        ratio = "-" if r["median_ratio"] is None else f"{r['median_ratio']:.3f}"
        lines.append(f"{r['comparison']:42} {r['inject_ns']:>6} ns {r['metric']:16} "
                     f"{r['called']:>3}/{r['trials']:<3} {percent(r['rate']):>5} [{percent(lo)}, {percent(hi)}] "
                     f"{ratio:>7} {percent(r['median_mde']):>6}")
    lines += ["", "A vs A: the false-positive rate (a change called significant where there is none). A vs A + "
              "delta: the power (the slowdown called 'worse' on the metric it was sized for). ratio: the median "
              "B/A compare.py measured; MDE: the median minimum detectable effect it printed.",
              f"At 3 repetitions a side (swlab sweep's default) the exact U test's smallest two-sided p is "
              f"{st.smallest_p_value(3, 3):.2f}: compare.py cannot call anything significant there; its power is 0."]
    if cfg.get("inject") != "yes":
        lines.append("This swlab has no --inject-ns: A + delta was not measured.")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", help="the directory scripts/power.sh wrote")
    args = parser.parse_args(argv)
    d = Path(args.dir)
    if not d.is_dir():
        return swcli.fail(PROG, f"{d}: no such directory")

    def work() -> int:
        try:
            cfg = read_config(d)
            rows = rows_of(d, cfg)
            text = text_of(cfg, rows)
            out.write_text(d / "power.json", json.dumps(dict(cfg, alpha=ALPHA, rows=rows), indent=1) + "\n")
            out.write_text(d / "power.txt", text)
        except (Bad, out.OutputError) as e:
            return swcli.fail(PROG, str(e))
        sys.stdout.write(text)
        return 0
    return swcli.guarded(PROG, str(d), work)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
