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


def test_drop_empties_by_type_and_the_series_and_keeps_what_was_decided_from_them(tmp_path):
    data = version3(closed_sweep())
    (tmp_path / "results.json").write_text(json.dumps(data))
    proc = run_script("slim_results.py", "--drop", "by_type,time_series", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "results.full.json").read_text()) == data
    slim = sr.load(tmp_path)
    assert slim.data["by_type"] == slim.data["time_series"] == "stripped"
    kept = [r for r in data["runs"] if not r.get("failed")]
    assert kept and all(r["by_type"] == {} and r["time_series"]["rows"] == [] for r in slim.runs)
    assert [sr.intervals(r) for r in slim.runs] == [sr.intervals(r) for r in kept]
    assert [sr.steady(r) for r in slim.runs] == [sr.steady(r) for r in kept]
    assert [sr.tail_stability(r) for r in slim.runs] == [sr.tail_stability(r) for r in kept]
    assert run_script("report.py", tmp_path).returncode == 0


def test_drop_names_only_what_it_can_drop(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps(version3(closed_sweep())))
    proc = run_script("slim_results.py", "--drop", "summary", tmp_path)
    assert proc.returncode == 2 and "--drop" in proc.stderr and "summary" in proc.stderr
    assert not (tmp_path / "results.full.json").exists()
