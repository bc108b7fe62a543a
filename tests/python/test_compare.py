"""scripts/compare.py against fixtures with known answers (see conftest.compare_pair)."""

import json

import pytest

import compare
from conftest import FIXTURES, error_lines, fixture, run_script

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
    ([A, FIXTURES / "wrong_version.json"], "wrong_version.json: unsupported results version 3"),
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
