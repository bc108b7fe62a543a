"""scripts/report.py, and that the committed fixtures are what conftest.py builds."""

import os
import re
import shutil
import stat

import json

import pytest

import swlab_results as sr
import swlab_style as swstyle
from conftest import FIXTURES, error_lines, fixture, fixture_texts, placement_set, run_script, fill_declared

TABLE_HEADER = ("| engine | preset | threads | mode | rate | reps | throughput | p50 | p99 | "
                "p99.9 | max | floor | steady | stability | cpu/cmd | rejected | shed | ctx/1000 |")
LINK = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def results_dir(tmp_path, name):
    """A results directory as swlab writes it: results.json inside a directory of its own."""
    d = tmp_path / name.removesuffix(".json")
    d.mkdir()
    shutil.copy(fixture(name), d / "results.json")
    return d


def make_report(tmp_path, name, *args):
    d = results_dir(tmp_path, name)
    proc = run_script("report.py", d / "results.json", *args)
    assert proc.returncode == 0, proc.stderr
    return d, proc


def warnings_of(text):
    section = text.split("## Warnings", 1)[1].split("\n## ", 1)[0]
    return [line[2:] for line in section.splitlines() if line.startswith("- ")]


def table_rows(text):
    return [line for line in text.splitlines() if line.startswith("| ") and
            line.split("|")[1].strip() in ("mutex", "rwlock", "single-writer", "spinlock")]


def test_closed_sweep_report(tmp_path):
    d, proc = make_report(tmp_path, "closed_sweep.json")
    report = d / "report.md"
    assert proc.stdout.strip() == str(report)
    text = report.read_text()
    assert TABLE_HEADER in text
    rows = table_rows(text)
    assert len(rows) == 6  # 2 engines x 3 thread counts, repetitions folded
    assert rows[0].startswith("| mutex | balanced | 1 | closed | - | 3 | 900k/s | 1.00 us |")
    assert "Intel(R) Xeon(R) CPU @ 2.20GHz" in text and "2-core development machine" in text
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]


def test_report_gets_the_mode_of_the_rest_of_the_set(tmp_path):
    # mkstemp made report.md 0600 while results.json is 0666 less the umask.
    mask = os.umask(0o022)
    try:
        d, proc = make_report(tmp_path, "closed_sweep.json")
    finally:
        os.umask(mask)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE((d / "report.md").stat().st_mode) == 0o644


def test_closed_sweep_warnings(tmp_path):
    d, _ = make_report(tmp_path, "closed_sweep.json")
    warnings = warnings_of((d / "report.md").read_text())
    over = [w for w in warnings if w.startswith("**Oversubscribed**")]
    # single-writer adds an engine thread: t=2 -> 3 busy, t=4 -> 5 busy; mutex t=4 -> 4 busy.
    assert [re.search(r"(\d+) busy threads", w).group(1) for w in over] == ["3", "4", "5"]
    assert "3 more than there are (2.5x): single-writer t=4" in over[2]
    spread = [w for w in warnings if w.startswith("**Wide spread**")]
    assert len(spread) == 2 and all("mutex balanced closed t=4" in w for w in spread)
    assert "throughput varies by 55%" in spread[0]
    rejected = [w for w in warnings if w.startswith("**Rejected**")]
    assert len(rejected) == 1 and "single-writer balanced closed t=4" in rejected[0]
    assert not [w for w in warnings if w.startswith(("**Shed**", "**Saturated**"))]


def test_open_sweep_warnings(tmp_path):
    d, _ = make_report(tmp_path, "open_sweep.json")
    warnings = warnings_of((d / "report.md").read_text())
    shed = [w for w in warnings if w.startswith("**Shed**")]
    assert len(shed) == 1 and "single-writer balanced open t=2 w=1 @800k/s" in shed[0]
    saturated = [w for w in warnings if w.startswith("**Saturated**")]
    assert len(saturated) == 2 and all("@800k/s" in w for w in saturated)
    assert "is 59% of the offered rate" in saturated[0]  # mutex: 470k of 800k
    assert not [w for w in warnings if w.startswith(("**Wide spread**", "**Rejected**"))]


def test_figures_are_drawn_and_linked_when_absent(tmp_path):
    d, _ = make_report(tmp_path, "open_sweep.json")
    text = (d / "report.md").read_text()
    links = LINK.findall(text)
    assert len(links) == 5  # the four open-loop figures and the time series
    for link in links:
        assert link.startswith("figures/balanced.open.")
        assert (d / link).is_file()


def test_existing_figures_are_linked_relative_to_the_report(tmp_path):
    d = results_dir(tmp_path, "closed_sweep.json")
    figs = tmp_path / "elsewhere" / "figs"
    assert run_script("plot.py", d, "--out", figs).returncode == 0
    (figs / "balanced.closed.context-switches.png").unlink()  # only what exists is linked
    out = tmp_path / "reports" / "r.md"
    out.parent.mkdir()
    proc = run_script("report.py", d, "--out", out, "--figures", figs)
    assert proc.returncode == 0, proc.stderr
    links = LINK.findall(out.read_text())
    assert [link.rsplit("/", 1)[1] for link in links] == [
        "balanced.closed.percentiles.png", "balanced.closed.latency-vs-threads.png",
        "balanced.closed.throughput-vs-threads.png", "balanced.closed.time-series.png"]
    for link in links:
        assert link.startswith("../elsewhere/figs/")
        assert (out.parent / link).is_file()
    assert not (figs / "balanced.closed.context-switches.png").exists(), "nothing redrawn"


def test_missing_sections_report(tmp_path):
    d, proc = make_report(tmp_path, "missing_sections.json")
    text = (d / "report.md").read_text()
    rows = table_rows(text)
    assert len(rows) == 4
    assert all(row.endswith("| - | - |") for row in rows)  # no shed, no context switches
    assert "None: nothing in the data calls for one." in text
    assert "Not drawn: percentiles (balanced, closed): no run has a histogram." in text
    assert len(LINK.findall(text)) == 2


@pytest.mark.parametrize("name, expected", [
    ("malformed.json", "not valid JSON"),
    ("wrong_version.json", "unsupported results version 99"),
    ("absent.json", "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, expected):
    out = tmp_path / "report.md"
    proc = run_script("report.py", FIXTURES / name, "--out", out)
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and lines[0].startswith("report.py: error: ")
    assert f"{name}: {expected}" in lines[0]
    assert not out.exists()


def test_report_into_a_missing_directory_is_an_error(tmp_path):
    proc = run_script("report.py", fixture("single_run.json"), "--out",
                      tmp_path / "nowhere" / "r.md")
    assert proc.returncode == 2 and len(error_lines(proc)) == 1


def test_human_units():
    assert swstyle.format_ns(950) == "950 ns"
    assert swstyle.format_ns(12_345) == "12.3 us"
    assert swstyle.format_ns(1_500_000) == "1.50 ms"
    assert swstyle.format_ns(2.5e9) == "2.50 s"
    assert swstyle.format_rate(61_718.6) == "61.7k/s"
    assert swstyle.format_rate(None) == "-"


def test_fixtures_are_current():
    """The committed JSON is what conftest.py builds: rewrite with
    `/usr/bin/python3 tests/python/conftest.py` after changing the builders."""
    for name, text in fixture_texts().items():
        assert (FIXTURES / name).read_text() == text, f"{name} is stale"


def test_a_run_during_which_the_floor_moved_is_reported(tmp_path):
    d, _ = make_report(tmp_path, "closed_sweep.json")
    text = (d / "report.md").read_text()
    assert "**Unstable machine**" in text
    assert "single-writer.balanced.closed.t2.w1.r1 (150 ns -> 600 ns)" in text
    row = [r for r in table_rows(text) if r.startswith("| single-writer | balanced | 2 |")][0]
    assert "(1!)" in row and "| 3.00 |" in row  # the floor cell flags it; stability column


def test_a_stable_set_has_no_floor_warning(tmp_path):
    d, _ = make_report(tmp_path, "open_sweep.json")
    assert "Unstable machine" not in (d / "report.md").read_text()


def test_service_mode_report(tmp_path):
    """Version 2 service-mode runs (connections on workers) get the same report, each row
    naming its connections."""
    d, proc = make_report(tmp_path, "service.json")
    text = (d / "report.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and
            line.split("|")[1].strip() in ("mutex", "flat-combining", "single-writer")]
    assert len(rows) == 6  # 3 engines x 2 worker counts
    assert all("| service c=64 |" in row for row in rows)
    assert [row.split("|")[1].strip() for row in rows[::2]] == ["mutex", "flat-combining",
                                                               "single-writer"]
    assert "### balanced, service mode" in text


def test_a_service_run_without_its_connections_is_refused(tmp_path):
    data = sr.load(fixture("service.json")).data
    del data["runs"][0]["connections"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    with pytest.raises(sr.ResultsError, match="needs 'connections' and 'workers'"):
        sr.load(path)


def test_time_series_without_p999_still_reads_and_a_wrong_column_set_does_not(tmp_path):
    # Results written before 2026-12-02 have no p999_ns column: they stay readable.
    doc = json.loads((FIXTURES / "single_run.json").read_text())
    series = doc["runs"][0]["time_series"]
    drop = series["columns"].index("p999_ns")
    series["columns"].pop(drop)
    series["rows"] = [row[:drop] + row[drop + 1:] for row in series["rows"]]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc))
    rows = sr.time_series(sr.load(old).runs[0])
    assert rows and "p999_ns" not in rows[0] and rows[0]["p99_ns"] > 0
    # Any other column set is refused, naming what it expected.
    series["columns"][2] = "median_ns"
    old.write_text(json.dumps(doc))
    with pytest.raises(sr.ResultsError, match="'columns' must be"):
        sr.load(old)


# ---------------------------------------------------------------------------------------------
# Placement, steadiness and runs kept apart


def report_of(tmp_path, data, name="set"):
    d = tmp_path / name
    d.mkdir()
    (d / "results.json").write_text(json.dumps(data))
    proc = run_script("report.py", d / "results.json")
    assert proc.returncode == 0, proc.stderr
    return (d / "report.md").read_text()


def test_both_placements_get_a_table_each_and_a_warning(tmp_path):
    text = report_of(tmp_path, placement_set())
    assert "### Near placement (floor <= 124 ns): 8 runs" in text
    assert "### Far placement (floor >= 450 ns): 8 runs" in text
    near = text.split("### Near placement")[1].split("###")[0]
    far = text.split("### Far placement")[1].split("###")[0]
    # Medians within one placement: near's 400k/s and far's 133k/s, never a blend of both.
    assert "| mutex | balanced | 1 | closed | - | 2 | 400k/s |" in near
    assert "| mutex | balanced | 1 | closed | - | 2 | 133k/s |" in far
    warning = [w for w in warnings_of(text) if w.startswith("**Mixed placement**")]
    assert len(warning) == 1 and "8 runs near, 8 far, 0 unknown" in warning[0]
    assert "4 configuration(s) ran in both" in warning[0]
    assert "Placement: two modes, near <= 124 ns and far >= 450 ns" in text


def test_one_placement_keeps_one_table(tmp_path):
    d, _ = make_report(tmp_path, "closed_sweep.json")
    text = (d / "report.md").read_text()
    assert "### Near placement" not in text and "**Mixed placement**" not in text
    assert text.count(TABLE_HEADER) == 1


def drifting(run, factor):
    """The run's last third of intervals `factor` times slower (p50) than the rest."""
    rows = run["time_series"]["rows"]
    for row in rows[len(rows) - len(rows) // 3:]:
        row[2] = int(row[2] * factor)
    run["summary"].pop("steady", None)


def test_a_run_that_is_not_steady_is_marked(tmp_path):
    data = json.loads(fixture("closed_sweep.json").read_text())
    target = next(r for r in data["runs"] if r["id"] == "mutex.balanced.closed.t2.w1.r1")
    drifting(target, 1.5)
    text = report_of(tmp_path, data)
    row = [r for r in table_rows(text) if r.startswith("| mutex | balanced | 2 |")][0]
    assert "| 2/3 (1 no) |" in row
    assert [r for r in table_rows(text) if r.startswith("| mutex | balanced | 1 |")][0].count("| 3/3 |") == 1
    warning = [w for w in warnings_of(text) if w.startswith("**Not steady**")]
    assert len(warning) == 1 and "mutex.balanced.closed.t2.w1.r1" in warning[0]


def test_the_recorded_steady_flag_wins_over_the_time_series(tmp_path):
    data = json.loads(fixture("single_run.json").read_text())
    data["version"] = 3
    data["runs"][0]["summary"].update(steady=False, intervals=36)
    fill_declared(data["runs"][0])
    text = report_of(tmp_path, data)
    assert "| 0/1 (1 no) |" in table_rows(text)[0]


def test_tail_stability_needs_30_intervals(tmp_path):
    data = json.loads(fixture("single_run.json").read_text())
    series = data["runs"][0]["time_series"]
    series["rows"] = series["rows"][:29]
    series["interval_s"] = data["runs"][0]["summary"]["duration_s"] / 29
    for i, row in enumerate(series["rows"]):
        row[0] = round(i * series["interval_s"], 6)
    row = table_rows(report_of(tmp_path, data))[0]
    cells = [c.strip() for c in row.split("|")]
    assert cells[SUMMARY_COLUMNS.index("steady") + 1] == "-"
    assert cells[SUMMARY_COLUMNS.index("stability") + 1] == "-"
    assert "**Too short to judge**: 1 of 1 run(s)" in report_of(tmp_path, data, "again")


SUMMARY_COLUMNS = [c.strip() for c in TABLE_HEADER.strip("|").split("|")]


def test_failed_interrupted_and_generator_bound_runs_are_kept_apart(tmp_path):
    data = json.loads(fixture("open_sweep.json").read_text())
    data["version"] = 3
    runs = data["runs"]
    bound = next(r for r in runs if r["engine"] == "single-writer" and r["rate"] == 800e3)
    bound["summary"].update(generator_bound=True,
                            send_lateness_ns={"p50": 1e5, "p99": 4.2e6, "max": 9e6})
    cut = next(r for r in runs if r["engine"] == "mutex" and r["rate"] == 100e3)
    cut["interrupted"] = True
    runs.append({"id": "mutex.balanced.open.t2.w1.rate900000.r0", "engine": "mutex",
                 "preset": "balanced", "threads": 2, "mode": "open", "rate": 900e3, "window": 1,
                 "repetition": 0, "failed": True, "error": "journal: No space left on device"})
    for run in runs:
        if not run.get("failed"):
            fill_declared(run)
    text = report_of(tmp_path, data)
    apart = text.split("### Runs kept apart")[1].split("\n## ")[0]
    assert f"| {bound['id']} | generator-bound (send lateness p99 4.20 ms) |" in apart
    assert f"| {cut['id']} | interrupted |" in apart
    assert "| mutex.balanced.open.t2.w1.rate900000.r0 | failed: journal: No space left on device |" in apart
    warning = [w for w in warnings_of(text) if w.startswith("**Kept apart**")]
    assert warning and "1 failed, 1 generator-bound, 1 interrupted" in warning[0]
    # The medians left them out: one repetition each where there were two.
    row = [r for r in table_rows(text) if r.startswith("| single-writer | balanced | 2 | open | 800k/s |")][0]
    assert "| 1 |" in row


def test_a_link_planted_at_the_reports_names_is_not_written_through(tmp_path):
    d = results_dir(tmp_path, "single_run.json")
    target = tmp_path / "precious"
    target.write_text("keep me")
    (d / "report.md").symlink_to(target)
    proc = run_script("report.py", d / "results.json")
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == "keep me"
    assert not (d / "report.md").is_symlink() and "# swlab results" in (d / "report.md").read_text()
