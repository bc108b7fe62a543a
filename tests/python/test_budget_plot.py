"""scripts/budget_plot.py: one stacked bar per configuration of `swlab explain --json` files;
bad input is one line on stderr and exit status 2."""

import json

import pytest

from conftest import MIN_FIGURE_BYTES, PNG_MAGIC, error_lines, run_script


def budget(configs=None, **top):
    """A budget file as swlab explain writes it (bench/budget/budget_json.cpp), trimmed."""
    def config(spec, parts, residual, total):
        return {"spec": spec, "canonical": spec, "preset": "balanced",
                "parts": [{"name": n, "transfers": t, "p50_ns": v, "p999_ns": tail} for n, t, v, tail in parts],
                "residual": {"p50_ns": residual, "p999_ns": 50.0}, "total": {"p50_ns": total, "p999_ns": 900.0}}
    doc = {"budget_version": 1, "placement": "near", "unstable": False,
           "configurations": configs if configs is not None else [
               config("single-writer", [("line transfers", 4, 260.0, 800.0), ("queue operations", 0, 20.0, None),
                                        ("book work", 0, 60.0, None), ("generator", 0, 12.0, None),
                                        ("wake-ups", 0, 40.0, None)], -12.0, 380.0),
               config("mutex", [("floor (one cross-core round trip)", 2, 130.0, 400.0),
                                ("book work", 0, 60.0, None), ("generator", 0, 12.0, None)], -110.0, 92.0)]}
    doc.update(top)
    return doc


def write(tmp_path, doc, name="budget.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return p


@pytest.mark.parametrize("quantile", ["p50", "p999"])
def test_draws_one_figure(tmp_path, quantile):
    out = tmp_path / "b.png"
    proc = run_script("budget_plot.py", write(tmp_path, budget()), "-o", out, "--quantile", quantile)
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > MIN_FIGURE_BYTES
    assert proc.stdout.strip() == str(out)


def test_several_files_side_by_side(tmp_path):
    out = tmp_path / "b.png"
    a = write(tmp_path, budget(), "a.json")
    b = write(tmp_path, budget(placement="far", unstable=True), "b.json")
    proc = run_script("budget_plot.py", a, b, "-o", out)
    assert proc.returncode == 0, proc.stderr


def test_each_bar_is_labelled_with_its_own_configurations_placement(tmp_path):
    # swlab explain brackets each configuration with floor probes of its own: a bar says
    # that configuration's placement and stability, and a file without them (written
    # before) falls back to the invocation's.
    import budget_plot
    doc = budget(placement="near", unstable=True)
    doc["configurations"][0].update(placement="far", unstable=False)
    configs = budget_plot.load(write(tmp_path, doc))
    assert [(c["placement"], c["unstable"]) for c in configs] == [("far", False), ("near", True)]
    assert budget_plot.short_label(configs[0]).endswith("(far)")
    assert budget_plot.short_label(configs[1]).endswith("(near, UNSTABLE)")


@pytest.mark.parametrize("doc, want", [
    ("{not json", "not JSON"),
    ({"budget_version": 7}, "not a swlab explain budget"),
    (budget(configs=[]), "no configurations"),
    (budget(configs=[{"parts": [{"name": "x"}]}]), "lacks its fields"),
    (budget(configs=[{"parts": [{"name": "x", "p50_ns": "a"}], "residual": {"p50_ns": 1},
                      "total": {"p50_ns": 2}}]), "not a finite number"),
    (budget(configs=[{"parts": [], "residual": {"p50_ns": 1}, "total": {}}]), "no total"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, doc, want):
    proc = run_script("budget_plot.py", write(tmp_path, doc), "-o", tmp_path / "b.png")
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and want in lines[0], lines


def test_missing_file_and_bad_flag(tmp_path):
    proc = run_script("budget_plot.py", tmp_path / "none.json")
    assert proc.returncode == 2 and len(error_lines(proc)) == 1 and "cannot read" in proc.stderr
    proc = run_script("budget_plot.py", write(tmp_path, budget()), "--quantile", "p99")
    assert proc.returncode == 2 and len(error_lines(proc)) == 1


def test_refuses_to_write_through_a_link(tmp_path):
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "target.png")
    proc = run_script("budget_plot.py", write(tmp_path, budget()), "-o", link)
    assert proc.returncode == 2 and "symbolic link" in proc.stderr
    assert not (tmp_path / "target.png").exists()
