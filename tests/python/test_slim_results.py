"""scripts/slim_results.py: a committed set keeps its summaries and time series and drops the
full histograms' buckets, with the full file kept beside it; the scripts still read it."""

import json

import swlab_results as sr
from conftest import closed_sweep, run_script, version3


def test_a_slim_set_keeps_its_summaries_and_loses_its_buckets(tmp_path):
    data = version3(closed_sweep())
    (tmp_path / "results.json").write_text(json.dumps(data))
    proc = run_script("slim_results.py", tmp_path)
    assert proc.returncode == 0, proc.stderr
    full = json.loads((tmp_path / "results.full.json").read_text())
    assert full == data
    slim = sr.load(tmp_path)
    assert slim.data["histograms"] == "stripped"
    assert all(sr.buckets_of(r) is None for r in slim.runs)
    before = {r["id"]: r["summary"]["latency_ns"] for r in data["runs"] if not r.get("failed")}
    assert {r["id"]: r["summary"]["latency_ns"] for r in slim.runs} == before
    # The fixtures' histograms are a few dozen buckets; a real run's are thousands (212 KB -> 13 KB).
    assert (tmp_path / "results.json").stat().st_size < (tmp_path / "results.full.json").stat().st_size
    again = run_script("slim_results.py", tmp_path)  # a second pass changes nothing
    assert again.returncode == 0 and "already slim" in again.stdout
    report = run_script("report.py", tmp_path)
    assert report.returncode == 0, report.stderr


def test_a_directory_without_results_is_a_usage_error(tmp_path):
    proc = run_script("slim_results.py", tmp_path / "nothing")
    assert proc.returncode == 2 and "no results.json" in proc.stderr
