"""scripts/power.sh's flags and scripts/power_table.py's counting, on synthetic trials: a
change compare.py must find is counted as found, none where nothing changed, with Wilson
intervals; bad input is refused."""

import json
import subprocess

import pytest

import power_table
from conftest import REPO, error_lines, latency_buckets, make_results, make_run, run_script

REPS = 9
TRIALS = 4


def write_set(path, latency=1.0, throughput=1.0, offset=0.0):
    """REPS runs of mutex at 1 client; each repetition's figures a little apart (offset
    interleaves two sets drawn from the same spread)."""
    runs = []
    for rep in range(REPS):
        jitter = 1 + 0.01 * (rep - REPS // 2) + offset
        count = int(300_000 * throughput * jitter)
        runs.append(make_run(engine="mutex", threads=1, repetition=rep,
                             buckets=latency_buckets(count, 400 * latency / jitter)))
    path.mkdir(parents=True)
    (path / "results.json").write_text(json.dumps(make_results(runs, command="swlab run", repetitions=REPS)))


def power_dir(d, slowdown=1.5):
    d.mkdir()
    cfg = ["engine mutex", f"repetitions {REPS}", f"trials {TRIALS}", "p50_ns 400", "ns_per_command 3300",
           "inject yes", "delta p50 10 40", "delta throughput 10 330"]
    (d / "power.cfg").write_text("\n".join(cfg) + "\n")
    for t in range(TRIALS):
        write_set(d / f"trial{t}" / "a1")
        write_set(d / f"trial{t}" / "a2", offset=0.005)
        write_set(d / f"trial{t}" / "b-p50-10", latency=slowdown)
        write_set(d / f"trial{t}" / "b-throughput-10", throughput=1 / slowdown)
    return d


def by_label(d):
    rows = json.loads((d / "power.json").read_text())["rows"]
    return {(r["comparison"], r["metric"]): r for r in rows}


def test_a_known_slowdown_is_counted_as_found_and_nothing_where_nothing_changed(tmp_path):
    d = power_dir(tmp_path / "p")
    proc = run_script("power_table.py", d)
    assert proc.returncode == 0, proc.stderr
    rows = by_label(d)
    assert rows[("A vs A", "any of the four")]["called"] == 0
    assert rows[("A vs A + 10% of the p50", "p50")]["called"] == TRIALS
    assert rows[("A vs A + 10% of the time per command", "throughput")]["called"] == TRIALS
    # The fixture's latency grid is coarse: the measured p50 ratio is 1.5 to within 10%.
    assert rows[("A vs A + 10% of the p50", "p50")]["median_ratio"] == pytest.approx(1.5, rel=0.1)
    assert "A vs A + 10% of the p50" in proc.stdout and (d / "power.txt").read_text() == proc.stdout


def test_a_change_in_the_other_direction_is_not_counted_as_found(tmp_path):
    # Faster, not slower: compare.py calls it "better", and power counts only "worse".
    d = power_dir(tmp_path / "p", slowdown=1 / 1.5)
    assert run_script("power_table.py", d).returncode == 0
    assert by_label(d)[("A vs A + 10% of the p50", "p50")]["called"] == 0


def test_wilson_intervals_hold_the_rate_even_at_the_ends():
    assert power_table.wilson(0, 15)[0] == 0 and 0.15 < power_table.wilson(0, 15)[1] < 0.25
    low, high = power_table.wilson(15, 15)
    assert high == pytest.approx(1.0) and 0.75 < low < 0.85
    low, high = power_table.wilson(5, 10)
    assert low < 0.5 < high


@pytest.mark.parametrize("cfg, expected", [
    ("engine mutex\n", "power.cfg: no repetitions"),
    ("engine mutex\nrepetitions nine\n", "power.cfg: malformed line"),
    ("engine mutex\ndelta latency 10 40\n", "power.cfg: malformed line"),
])
def test_a_malformed_configuration_is_one_line_and_exit_2(tmp_path, cfg, expected):
    (tmp_path / "power.cfg").write_text(cfg)
    proc = run_script("power_table.py", tmp_path)
    lines = error_lines(proc)
    assert proc.returncode == 2 and len(lines) == 1 and expected in lines[0], proc.stderr
    assert not (tmp_path / "power.txt").exists()


@pytest.mark.parametrize("args, expected", [
    (["--bogus"], "unknown argument '--bogus'"),
    (["--trials", "0"], "--trials takes 1 to 9999"),
    (["--repetitions", "1"], "--repetitions takes 2 to 999"),
    (["--engine", "mutex;rm"], "--engine takes one engine spec"),
    (["--build", "/nonexistent"], "no swlab binary at /nonexistent/swlab"),
])
def test_power_sh_refuses_bad_flags_before_any_work(tmp_path, args, expected):
    proc = subprocess.run(["bash", str(REPO / "scripts" / "power.sh"), *args, "--out", str(tmp_path / "never")],
                          capture_output=True, text=True, timeout=60, check=False)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("power.sh: ") and expected in lines[0]
    assert not (tmp_path / "never").exists()
