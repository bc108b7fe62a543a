"""scripts/hot_path_summary.py on a directory written here, with known ratios."""

import json

from conftest import run_script


def bench(name, real_time, **counters):
    return {"name": name, "run_type": "iteration", "real_time": real_time, "time_unit": "ns", **counters}


def write_variant(d, name, floor, engine_rt, in_latency_s, p50s):
    (d / f"rr.{name}.1.json").write_text(json.dumps({"benchmarks": [
        bench("BM_PingPong<SeparateLines>/pin:1/real_time", floor),
        bench("BM_ChannelRoundTrip<SpscChannel>/real_time", floor),
        bench("BM_EngineRoundTrip/single-writer/real_time", engine_rt),
    ]}))
    (d / f"gen.{name}.1.json").write_text(json.dumps({"benchmarks": [
        bench("BM_GeneratorOverheadTsc/iterations:3/manual_time", 1e6, in_latency=in_latency_s),
        bench("BM_ClockRead<TscClock>", 11.5),
    ]}))
    run = d / f"run.{name}.1"
    run.mkdir()
    (run / "results.json").write_text(json.dumps({"runs": [
        {"engine": engine, "summary": {"latency_ns": {"p50": p50}}, "floor": {"before": {"p50_ns": 200}}}
        for engine, p50 in p50s.items()]}))


def summary_rows(d):
    """The summary's table rows by their first cell, and its whole text."""
    proc = run_script("hot_path_summary.py", d)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split(" | ")[0].lstrip("| "): line for line in proc.stdout.splitlines() if line.startswith("|")}
    return rows, proc.stdout


def test_every_figure_is_a_ratio_to_the_floor_of_its_own_invocation(tmp_path):
    (tmp_path / "variants.txt").write_text("old:/x:aaaaaaa\nnew:/y:bbbbbbb\n")
    (tmp_path / "machine.txt").write_text("host: test\n")
    # The two variants ran at different floors: the ratios must use each one's own.
    write_variant(tmp_path, "old", 300, 750, 30e-9, {"mutex": 100, "single-writer": 600})
    write_variant(tmp_path, "new", 200, 300, 20e-9, {"mutex": 50, "single-writer": 300})
    rows, stdout = summary_rows(tmp_path)
    assert rows["engine single-writer"].endswith("| 2.50x | 1.50x |")
    assert rows["channel <SpscChannel>"].endswith("| 1.00x | 1.00x |")
    assert rows["ping-pong floor, ns"].endswith("| 300 | 200 |")
    assert rows["generator cost inside each latency"].endswith("| 30.0 | 20.0 |")
    assert rows["single-writer"].endswith("| 3.00x (600) | 1.50x (300) |")
    assert rows["mutex"].endswith("| 0.50x (100) | 0.25x (50) |")
    assert "old = aaaaaaa, new = bbbbbbb" in stdout


def test_figures_are_split_by_the_placement_of_their_own_floor(tmp_path):
    # Round 1 near (floor 100), round 2 far (floor 400): a row's ratio goes with its own
    # file's floor, and no range mixes the two placements.
    (tmp_path / "variants.txt").write_text("new:/y:bbbbbbb\n")
    (tmp_path / "machine.txt").write_text("host: test\n")
    for r, floor, engine_rt in ((1, 100, 150), (2, 400, 800)):
        (tmp_path / f"rr.new.{r}.3.json").write_text(json.dumps({"benchmarks": [
            bench("BM_PingPong<SeparateLines>/pin:1/real_time", floor),
            bench("BM_EngineRoundTrip/single-writer/real_time", engine_rt),
        ]}))
    run = tmp_path / "run.new.1"
    run.mkdir()
    floor = {"before": {"p50_ns": 100}, "after": {"p50_ns": 110}}
    moved = {"before": {"p50_ns": 100}, "after": {"p50_ns": 420}}
    (run / "results.json").write_text(json.dumps({"runs": [
        {"engine": "single-writer", "summary": {"latency_ns": {"p50": 300}}, "floor": floor},
        {"engine": "single-writer", "summary": {"latency_ns": {"p50": 900}}, "floor": moved}]}))
    rows, stdout = summary_rows(tmp_path)
    assert rows["engine single-writer, near"].endswith("| 1.50x |")
    assert rows["engine single-writer, far"].endswith("| 2.00x |")
    assert rows["ping-pong floor, ns, far"].endswith("| 400 |")
    assert rows["single-writer, near"].endswith("| 3.00x (300) |")
    assert "single-writer, far" not in rows
    assert "1 swlab run(s) left out" in stdout


def test_no_directory_or_one_hot_path_did_not_write_is_a_usage_error(tmp_path):
    for args in ((), (tmp_path,)):
        proc = run_script("hot_path_summary.py", *args)
        assert proc.returncode == 2
        assert "usage" in proc.stderr and proc.stdout == ""
