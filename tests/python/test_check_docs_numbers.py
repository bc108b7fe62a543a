"""scripts/check_docs_numbers.py: quoted numbers against their sources."""

import shutil

import pytest

import check_docs_numbers as cdn
from conftest import REPO, error_lines, fixture, run_script

DOC = """# A page

<!-- source sweep = data/results.json -->
<!-- source table = data/summary.md -->

One client on mutex gets p50 1.00 us<!-- src: median("sweep:runs[engine=mutex,threads=1].summary.latency_ns.p50") -->
and 900 k/s<!-- src: median("sweep:runs[engine=mutex,threads=1].summary.throughput") -->, against
single-writer's 1.50x<!-- src: median("sweep:runs[engine=mutex,threads=1].summary.throughput") / median("sweep:runs[engine=single-writer,threads=1].summary.throughput") --> less.
The floor ran 450-460 ns<!-- src: median("sweep:runs.floor.before.p50_ns"); median("sweep:runs.floor.after.p50_ns") -->
over 18<!-- src: count("sweep:runs") --> runs; the table says 2.29-2.63x<!-- src: cell("table", "engine", "old")[0]; cell("table", "engine", "old")[1] -->.
"""
TABLE = """| what | old | new |
| --- | --- | --- |
| engine | 2.29x-2.63x | 1.31x-1.76x |
"""


def make_tree(tmp_path, doc=DOC, name="doc.md"):
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(fixture("closed_sweep.json"), tmp_path / "data" / "results.json")
    (tmp_path / "data" / "summary.md").write_text(TABLE)
    (tmp_path / name).write_text(doc)
    return tmp_path / name


def check(tmp_path, path):
    return run_script("check_docs_numbers.py", "--root", tmp_path, path)


def test_a_fixture_document_passes(tmp_path):
    proc = check(tmp_path, make_tree(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "1 file(s), 6 mark(s), 0 problem(s)" in proc.stderr


@pytest.mark.parametrize("old, new", [
    ("p50 1.00 us", "p50 1.10 us"),
    ("900 k/s", "910 k/s"),
    ("1.50x", "1.52x"),
    ("450-460 ns", "440-460 ns"),
    ("over 18<", "over 17<"),
    ("2.29-2.63x", "2.29-2.64x"),
])
def test_a_changed_number_fails_with_its_line(tmp_path, old, new):
    doc = DOC.replace(old, new, 1)
    assert doc != DOC
    proc = check(tmp_path, make_tree(tmp_path, doc))
    assert proc.returncode == 1
    line = next(i for i, text in enumerate(doc.splitlines(), 1) if new in text)
    assert proc.stdout.startswith(f"{tmp_path / 'doc.md'}:{line}: ") or \
        proc.stdout.startswith(f"doc.md:{line}: "), proc.stdout
    assert "differs from its source" in proc.stdout


@pytest.mark.parametrize("old, new, expected", [
    ("data/results.json", "data/gone.json", "source sweep: data/gone.json: no such file"),
    ("latency_ns.p50", "latency_ns.p51", "no key 'p51' there"),
    ("engine=mutex,threads=1].summary.throughput\") -->,", "engine=rwlock].summary.throughput\") -->,",
     "nothing matches [engine=rwlock]"),
    ('"sweep:runs")', '"other:runs")', "unknown source 'other'"),
    ('count("sweep:runs")', '__import__("os")', "not allowed in a source expression"),
    ('count("sweep:runs")', 'count("sweep:runs"', "cannot read the expression"),
    ('"table", "engine", "old")[1]', '"table", "engine", "older")[1]', "no table with a row 'engine'"),
])
def test_a_missing_or_malformed_source_fails(tmp_path, old, new, expected):
    doc = DOC.replace(old, new, 1)
    assert doc != DOC
    proc = check(tmp_path, make_tree(tmp_path, doc))
    assert proc.returncode == 1, proc.stdout
    assert expected in proc.stdout, proc.stdout


def test_a_mark_needs_as_many_numbers_as_sources(tmp_path):
    # A mark reads the numbers between the previous mark and itself: here none.
    doc = DOC.replace("over 18<!--", "over eighteen<!--")
    proc = check(tmp_path, make_tree(tmp_path, doc))
    assert proc.returncode == 1
    assert "doc.md:10: the mark gives 1 source(s) but 0 number(s) precede it" in proc.stdout


RESULTS_README = """# x

## What the reference results show

<!-- source sweep = data/results.json -->
Marked: 900 k/s<!-- src: median("sweep:runs[engine=mutex,threads=1].summary.throughput") -->.
Unmarked: 1.23 ms, and a plain count of 5 clients (no unit: not required).
Inline code is not prose: `--duration 0.5 s`.

## Elsewhere

Not in the section: 4.5 ms.
"""


def test_unmarked_numbers_in_the_readmes_results_section_fail(tmp_path):
    path = make_tree(tmp_path, RESULTS_README, "README.md")
    proc = check(tmp_path, path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["README.md:7: 1.23 ms has no source mark (<!-- src: ... --> "
                                        "right after it)"]


def test_usage_errors_exit_2(tmp_path):
    proc = run_script("check_docs_numbers.py", "--bogus")
    assert proc.returncode == 2 and len(error_lines(proc)) == 1
    proc = run_script("check_docs_numbers.py", tmp_path / "absent.md")
    assert proc.returncode == 2
    assert error_lines(proc) == [f"check_docs_numbers.py: error: {tmp_path / 'absent.md'}: no such file"]
    proc = run_script("check_docs_numbers.py", "--root", tmp_path / "nowhere")
    assert proc.returncode == 2


@pytest.mark.parametrize("text, source, ok", [
    ("4.09 M", 4_087_950, True), ("4.08 M", 4_087_950, False),
    ("1,900", 1_873, True), ("1,900", 1_949, True), ("1,900", 1_951, False),
    ("170 ns", 174, True), ("170 ns", 176, False),
    ("1.50 us", 1_503, True), ("1.5 us", 1_549, True), ("1.50 us", 1_506, False),
    ("0.87x", 0.8656, True), ("5x", 4.96, True), ("5x", 5.6, False),
    ("55%", 0.554, True), ("55%", 0.556, False), ("4.26 ms", 4_259_839, True),
])
def test_the_rounding_rule(text, source, ok):
    (q,) = cdn.quoted_numbers(text)
    assert q.matches(source) is ok


def test_a_range_shares_its_unit():
    first, second = cdn.quoted_numbers("380-610 ns, then 1.13-1.55x")[:2]
    assert (first.value, first.unit, second.value, second.unit) == (380, "ns", 610, "ns")
    assert [q.text for q in cdn.quoted_numbers("p50 in 4b23497 and 2c.44158ce")] == []


def test_the_tree_passes():
    # README.md's numbers and their marks: this is the check CI runs (scripts/test.sh).
    proc = run_script("check_docs_numbers.py", "--root", REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_marks_inside_code_are_examples_not_marks(tmp_path):
    doc = DOC + '\n```\nquoted 95%<!-- src: count("sweep:runs") -->\n```\nand `7 ns<!-- src: count("sweep:runs") -->`\n'
    proc = check(tmp_path, make_tree(tmp_path, doc))
    assert proc.returncode == 0, proc.stdout
    assert "6 mark(s)" in proc.stderr


def test_a_filter_key_may_be_dotted():
    runs = [{"engine": "mutex", "floor": {"placement": "near"}}, {"engine": "mutex", "floor": {"placement": "far"}},
            {"engine": "mutex", "floor": None}]
    kept, _ = cdn._filter([runs], "engine=mutex,floor.placement=far", "doc.md:1", False)
    assert kept == [runs[1]]
    with pytest.raises(cdn.DocError):
        cdn._filter([runs], "floor.placement=unknown", "doc.md:1", False)


def test_line_reads_the_numbers_after_its_text(tmp_path):
    doc = DOC.replace("the table says 2.29-2.63x", "the table says 1.31-1.76x").replace(
        'cell("table", "engine", "old")[0]; cell("table", "engine", "old")[1]',
        'line("table", "| engine | 2.29x-2.63x |")[0]; line("table", "| engine | 2.29x-2.63x |")[1]')
    proc = check(tmp_path, make_tree(tmp_path, doc))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = check(tmp_path, make_tree(tmp_path, doc.replace('line("table", "| engine |', 'line("table", "| nothing |')))
    assert proc.returncode == 1 and "no line contains" in proc.stdout + proc.stderr
