"""scripts/compare.py against fixtures with known answers (see conftest.compare_pair)."""

import json

import pytest

import compare
import swlab_results as sr
import swlab_stats as st
from conftest import (FIXTURES, error_lines, fixture, latency_buckets, make_results, make_run,
                      placement_set, run_script)

A, B = fixture("compare_a.json"), fixture("compare_b.json")


def run_json(*args):
    proc = run_script("compare.py", *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_config(report):
    return {(c["config"]["engine"], c["config"]["threads"]): c for c in report["comparisons"]}


@pytest.fixture(scope="module")
def a_vs_b():
    return run_json(A, B)


def test_ratios_are_b_over_a_of_the_medians(a_vs_b):
    comparisons = by_config(a_vs_b)
    assert set(comparisons) == {("mutex", 1), ("mutex", 2), ("single-writer", 1),
                                ("single-writer", 2)}
    for threads in (1, 2):
        m = comparisons[("mutex", threads)]["metrics"]
        assert m["throughput"]["ratio"] == 2.0
        assert m["p50"]["ratio"] == 0.5
        assert m["p99"]["ratio"] == 0.5
        assert m["p99.9"]["ratio"] == 0.5
    assert comparisons[("single-writer", 2)]["metrics"]["throughput"]["ratio"] == 1.25
    assert comparisons[("mutex", 1)]["repetitions"] == [9, 9]


def test_separated_repetitions_are_significant(a_vs_b):
    m = by_config(a_vs_b)[("mutex", 1)]["metrics"]
    for name in ("throughput", "p50", "p99", "p99.9"):
        assert m[name]["p_value"] < 0.001, name
        assert m[name]["significant"] is True
        assert m[name]["verdict"] == "better"  # more throughput, less latency


def test_identical_repetitions_are_not_significant(a_vs_b):
    m = by_config(a_vs_b)[("single-writer", 1)]["metrics"]
    for name in ("throughput", "p50", "p99", "p99.9"):
        assert m[name]["ratio"] == 1.0
        assert m[name]["p_value"] > 0.5
        assert m[name]["significant"] is False


def test_a_single_repetition_gives_a_ratio_but_no_test(a_vs_b):
    m = by_config(a_vs_b)[("single-writer", 2)]["metrics"]["throughput"]
    assert m["p_value"] is None and m["verdict"] == "no test"


def test_unmatched_configurations_are_listed(a_vs_b):
    assert [(k["engine"], k["threads"]) for k in a_vs_b["only_in_a"]] == [("mutex", 4)]
    assert [(k["engine"], k["threads"]) for k in a_vs_b["only_in_b"]] == [("rwlock", 1)]


def test_too_few_repetitions_are_never_called_significant():
    # 3 against 3, completely separated: the exact test's smallest p is 0.1, so p < 0.05 is out
    # of reach whatever the data; the verdict says so instead of "no significant change".
    a = [1.0, 1.1, 1.2]
    b = [2.0, 2.1, 2.2]
    m = compare.compare_metric(a, b, lambda v: v, True, 0.05)
    assert m.significant is False
    assert m.verdict == "untestable: n=3 vs 3 cannot reach p < 0.05"
    assert compare.smallest_p_value(3, 3) == pytest.approx(0.1)
    m = compare.compare_metric(a * 3, b * 3, lambda v: v, True, 0.05)  # 9 vs 9
    assert m.significant is True and m.verdict == "better"


def test_each_comparison_says_whether_its_n_can_reach_alpha(a_vs_b):
    reach = {k: c["can_reach_alpha"] for k, c in by_config(a_vs_b).items()}
    assert reach[("mutex", 1)] is True          # 9 vs 9
    assert reach[("single-writer", 2)] is False  # a single repetition


def test_few_repetitions_are_warned_about(a_vs_b):
    assert any("fewer than 9 repetitions" in w and "cannot reach p < 0.05" in w
               for w in a_vs_b["warnings"])
    assert any("single repetition" in w for w in a_vs_b["warnings"])


def test_swapping_a_and_b_inverts_ratios_and_verdicts():
    m = by_config(run_json(B, A))[("mutex", 2)]["metrics"]
    assert m["throughput"]["ratio"] == 0.5 and m["throughput"]["verdict"] == "worse"
    assert m["p99"]["ratio"] == 2.0 and m["p99"]["verdict"] == "worse"


def test_a_file_against_itself_changes_nothing():
    report = run_json(A, A)
    assert not report["only_in_a"] and not report["only_in_b"]
    for c in report["comparisons"]:
        for m in c["metrics"].values():
            assert m["ratio"] == 1.0 and not m["significant"]


def test_alpha_decides_significance():
    m = by_config(run_json(A, B, "--alpha", "1e-5"))[("mutex", 1)]["metrics"]
    assert m["throughput"]["p_value"] > 1e-5 and not m["throughput"]["significant"]


def test_text_output():
    proc = run_script("compare.py", A, B)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("mutex balanced closed t=1 w=1  (repetitions 9 vs 9)")
    throughput = lines[start + 2].split()
    assert throughput[0] == "throughput" and throughput[3] == "2.000"
    assert throughput[-2:] == ["*", "better"]
    p99 = lines[start + 4].split()
    assert p99[0] == "p99" and p99[5] == "0.500"
    assert "only in A (1): mutex balanced closed t=4 w=1" in lines
    assert "only in B (1): rwlock balanced closed t=1 w=1" in lines
    assert any(line.startswith("WARNING: ") for line in lines)


def test_u_test_helper():
    assert compare.u_test([1.0, 2.0, 3.0] * 3, [11.0, 12.0, 13.0] * 3) < 0.001
    assert compare.u_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 1.0
    assert compare.u_test([1.0], [2.0, 3.0]) is None
    assert compare.smallest_p_value(3, 3) == pytest.approx(0.1)
    assert compare.smallest_p_value(9, 9) < 0.001


@pytest.mark.parametrize("args, expected", [
    ([FIXTURES / "malformed.json", B], "malformed.json: not valid JSON"),
    ([A, FIXTURES / "wrong_version.json"], "wrong_version.json: unsupported results version 99"),
    ([A, FIXTURES / "absent.json"], "absent.json: no such file"),
    ([A, B, "--alpha", "1.5"], "--alpha must be between 0 and 1"),
    ([A], "the following arguments are required: b"),
])
def test_bad_input_is_one_line_and_exit_2(args, expected):
    proc = run_script("compare.py", *args)
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and lines[0].startswith("compare.py: error: ")
    assert expected in lines[0]
    assert proc.stdout == ""


# ---------------------------------------------------------------------------------------------
# Intervals, power, Holm, placement and what else differs


def test_each_ratio_has_an_interval_and_an_mde(a_vs_b):
    m = by_config(a_vs_b)[("mutex", 1)]["metrics"]["throughput"]
    low, high = m["interval"]
    assert low <= 2.0 <= high and high - low < 0.2
    assert 0 < m["mde"] < 0.1  # 1% jitter over 9 repetitions: a few percent is detectable
    sw = by_config(a_vs_b)[("single-writer", 1)]["metrics"]["throughput"]
    assert sw["mde"] is None and sw["reachable"] is False  # 3 vs 3 cannot reach 0.05


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def separated_sets(n_a, n_b, factor=1.5, configs=(("mutex", 1),), floors=((450, 460), (450, 460))):
    """A and B with each configuration's repetitions completely separated (B `factor` times
    the throughput of A)."""
    sets = []
    for side, (scale, floor) in enumerate(((1.0, floors[0]), (factor, floors[1]))):
        runs = []
        for engine, threads in configs:
            for rep in range(n_a if side == 0 else n_b):
                count = int(300_000 * scale * (1 + 0.01 * rep))
                runs.append(make_run(engine=engine, threads=threads, repetition=rep, floor=floor,
                                     buckets=latency_buckets(count, 800 / scale, sigma=0.3)))
        sets.append(make_results(runs, command="swlab sweep", repetitions=max(n_a, n_b)))
    return sets


def test_holm_removes_a_significance_that_many_tests_would_give_by_chance(tmp_path):
    # 5 against 3, completely separated: each U test gives p = 2/C(8,3) = 0.036 < 0.05; over
    # 4 metrics Holm multiplies the smallest by 4: 0.14, nothing significant.
    a, b = separated_sets(5, 3)
    report = compare.compare(sr.load(write(tmp_path, "a.json", a)),
                             sr.load(write(tmp_path, "b.json", b)), 0.05)
    metrics = report["comparisons"][0]["metrics"]
    m = metrics["throughput"]
    assert m["p_value"] == pytest.approx(2 / 56)
    assert [x["p_holm"] for x in metrics.values()] == st.holm([x["p_value"] for x in metrics.values()])
    assert m["p_holm"] > 0.05
    assert not m["significant"] and m["verdict"] == "no significant change"
    # With 9 against 9 the same separation survives the correction.
    a, b = separated_sets(9, 9, configs=(("mutex", 1), ("mutex", 2)))
    report = compare.compare(sr.load(write(tmp_path, "a9.json", a)),
                             sr.load(write(tmp_path, "b9.json", b)), 0.05)
    for c in report["comparisons"]:
        assert c["metrics"]["throughput"]["p_holm"] < 0.05 and c["metrics"]["throughput"]["significant"]


def test_the_holm_column_is_printed():
    proc = run_script("compare.py", A, B)
    header = [line for line in proc.stdout.splitlines() if line.strip().startswith("metric")][0]
    assert header.split() == ["metric", "A", "B", "B/A", "95%", "interval", "MDE", "p", "Holm",
                              "verdict"]


def test_sets_in_different_placements_are_not_compared(tmp_path):
    a, b = separated_sets(9, 9, floors=((120, 125), (450, 460)))
    report = run_json(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    assert report["comparisons"] == []
    assert [k["placement"] for k in report["only_in_a"]] == ["near"]
    assert [k["placement"] for k in report["only_in_b"]] == ["far"]
    assert any(w.startswith("A and B differ in placement (near <= 125 ns, far >= 450 ns; "
                            "A: 9 near, 0 far, 0 unknown; B: 0 near, 9 far, 0 unknown)")
               for w in report["warnings"])


def test_both_placements_are_compared_each_within_itself(tmp_path):
    data = placement_set()
    report = run_json(write(tmp_path, "a.json", data), write(tmp_path, "b.json", data))
    placements = sorted((c["config"]["engine"], c["config"]["threads"], c["placement"])
                        for c in report["comparisons"])
    assert placements == sorted((e, t, p) for e in ("mutex", "single-writer") for t in (1, 2)
                                for p in ("near", "far"))
    assert all(c["repetitions"] == [2, 2] for c in report["comparisons"])
    assert any("each hold runs of both placements" in w for w in report["warnings"])


def test_a_side_without_probes_is_compared_as_mixed_with_the_counts(tmp_path):
    a = placement_set()
    b = placement_set()
    for run in b["runs"]:
        run.pop("floor")
    report = run_json(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    mixed = [c for c in report["comparisons"] if c["placement"] == "mixed"]
    assert len(mixed) == 4
    assert mixed[0]["mix"] == {"a": {"near": 2, "far": 2, "unknown": 0},
                               "b": {"near": 0, "far": 0, "unknown": 4}}
    text = run_script("compare.py", tmp_path / "a.json", tmp_path / "b.json").stdout
    assert "mutex balanced closed t=1 w=1 [mixed: A 2 near, 2 far; B 4 unknown]" in text


def test_a_different_commit_and_work_mode_are_warned_about(tmp_path):
    a, b = separated_sets(9, 9)
    b["machine"]["git_commit"] = "1234567"
    b["config"]["work"] = {"kind": "commands", "commands": 100000}
    b["config"]["command_work"] = {"work_ns": 100, "parallel_work_ns": 0}
    report = run_json(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    assert any(w.startswith("A and B were built from different commits (ba8adf0 vs 1234567)")
               for w in report["warnings"])
    assert any(w.startswith("A and B differ in work mode") for w in report["warnings"])
    same = run_json(write(tmp_path, "a2.json", a), write(tmp_path, "a3.json", a))
    assert not any("commit" in w or "work mode" in w or "placement" in w for w in same["warnings"])


def test_generator_bound_and_unsteady_runs_are_left_out(tmp_path):
    a, b = separated_sets(9, 9)
    b["runs"][0]["summary"]["generator_bound"] = True
    b["runs"][1]["interrupted"] = True
    rows = b["runs"][2]["time_series"]["rows"]
    for row in rows[-12:]:
        row[2] *= 2  # the last third twice as slow: not steady
    report = run_json(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    assert report["comparisons"][0]["repetitions"] == [9, 6]
    assert report["left_out"]["b"] == {"generator-bound": 1, "interrupted": 1, "not steady": 1}
    assert any(w.startswith("B: 1 generator-bound, 1 interrupted, 1 not steady run(s) left out")
               for w in report["warnings"])


def test_a_side_without_probes_against_one_placement_is_warned_about(tmp_path):
    a, b = separated_sets(9, 9)
    for run in a["runs"]:
        run.pop("floor")
    report = run_json(write(tmp_path, "a.json", a), write(tmp_path, "b.json", b))
    assert report["comparisons"] and report["placement_rule"]["modes"] == 1
    assert any(w.startswith("A has no floor probes, so its placement is unknown") for w in report["warnings"])
