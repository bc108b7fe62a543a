"""scripts/claims.py on a small claims.sh directory built by conftest.write_claims_dir: effects
with intervals, within one placement, non-steady runs kept out, readable figures."""

import json
import re

import pytest

import claims
import swlab_axes
from conftest import error_lines, run_script, write_claims_dir

FIGURES = ["1-contention.png", "2-predictability.png", "3-order.png", "4-backpressure.png",
           "5-recovery.png", "6-sharding.png", "7-not-to-use.png"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    d = write_claims_dir(tmp_path_factory.mktemp("claims") / "set")
    proc = run_script("claims.py", d)
    assert proc.returncode == 0, proc.stderr
    return d, (d / "claims.md").read_text()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt
    open_now = set(plt.get_fignums())
    for number in open_now - KEPT:
        plt.close(number)


KEPT: set = set()  # the module fixture's figures, closed when it ends


def drawn(d, monkeypatch):
    """Every figure claims.py draws, as matplotlib objects, by file name."""
    figures = {}

    def keep(fig, figdir, name):
        figures[name] = fig
        return f"figures/{name}"
    monkeypatch.setattr(claims, "save", keep)
    claims.render(d, "default")
    return figures


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """The figures of one synthetic claims directory, drawn once for the tests that look at
    them (closed at the end of the module)."""
    with pytest.MonkeyPatch.context() as mp:
        found = drawn(write_claims_dir(tmp_path_factory.mktemp("figs") / "set"), mp)
    KEPT.update(fig.number for fig in found.values())
    yield found
    import matplotlib.pyplot as plt
    for fig in found.values():
        plt.close(fig)


def test_the_page_and_every_figure_are_written(page):
    d, text = page
    assert sorted(p.name for p in (d / "figures").iterdir()) == FIGURES
    for i in range(1, 8):
        assert f"## {i}. " in text
    assert not [p for p in d.rglob("*") if p.name.endswith(".tmp")]


def test_every_effect_in_the_verdicts_carries_its_interval(page):
    _, text = page
    verdicts = text.split("## Verdicts")[1].split("## 1.")[0]
    for claim in (1, 2, 4, 6, 7):
        line = next(l for l in verdicts.splitlines() if l.startswith(f"{claim}. "))
        assert re.search(r"\d\.\d\dx \[\d+\.\d\d, \d+\.\d\d\]", line), line


def test_the_method_of_each_set_is_stated(page):
    _, text = page
    assert ("- `contention-w0`: one placement (48 runs placed, 0 not); paired by repetition index; "
            "the runs were made in random order, not as blocks") in text


def test_every_log_axis_has_three_labelled_ticks(figures):
    # 1-contention.png and 2-predictability.png had log axes with a single labelled tick.
    assert sorted(figures) == FIGURES
    for name, fig in figures.items():
        for ax in fig.axes:
            for which in ("x", "y"):
                scale = ax.get_xscale() if which == "x" else ax.get_yscale()
                if scale == "log" and ax.has_data():
                    labels = swlab_axes.labelled_ticks(ax, which)
                    assert len(labels) >= 3, (name, ax.get_title(), which, labels)


def test_every_comparison_figure_shows_every_repetition(figures):
    for name in ("1-contention.png", "2-predictability.png", "4-backpressure.png", "6-sharding.png",
                 "7-not-to-use.png"):
        for ax in figures[name].axes:
            if ax.has_data():
                dots = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
                assert dots >= 3, (name, ax.get_title())


def test_engine_specs_that_differ_in_options_get_different_colours(figures):
    ax = figures["4-backpressure.png"].axes[0]
    colour = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colour["single-writer:overload=block"] != colour["single-writer:overload=reject"]


def test_a_set_with_both_placements_is_compared_within_one(tmp_path, monkeypatch):
    # Repetitions 0 and 1 near (3x faster), 2 far: the effect uses the near blocks only, and
    # the figure draws both placements apart.
    d = write_claims_dir(tmp_path / "set", near_reps=(0, 1))
    text = claims.render(d, "default")
    assert "both placements: 32 runs near (floor <= 124 ns), 16 far (>= 450 ns), 0 unknown" in text
    assert "within near placement (2 near, 1 far blocks)" in text
    figures = drawn(d, monkeypatch)
    labels = {line.get_label() for ax in figures["1-contention.png"].axes for line in ax.get_lines()}
    assert "mutex balanced (near)" in labels and "mutex balanced (far)" in labels


def test_the_placement_choice_ignores_the_mixed_blocks(tmp_path):
    import claim_effects as ce
    import swlab_results as sr
    from conftest import placement_set
    (tmp_path / "results.json").write_text(json.dumps(placement_set()))
    res = sr.load(tmp_path / "results.json")
    m = ce.paired(res, claims.throughput, {"engine": "mutex"}, {"engine": "single-writer"}, threads=1)
    # Two near blocks and two far ones, as many of each: the tie goes to near; the far blocks
    # are counted apart, never blended in (same counts on both sides: a ratio of 1).
    assert m.placement == "near" and m.blocks == 2 and m.per_placement == {"near": 2, "far": 2}
    assert m.effect.ratio == pytest.approx(1.0)
    assert m.note() == "within near placement (2 near, 2 far blocks)"
    assert "blocks: the runs of one repetition index, made back to back" in ce.pairing_note(res)


def test_runs_that_are_not_steady_decide_nothing(tmp_path):
    d = write_claims_dir(tmp_path / "set", unsteady=True)
    text = claims.render(d, "default")
    assert "kept out of the verdict: 12 not steady" in text
    # Contention compares the single writer with the locks: with all its runs unsteady, no
    # configuration is left to count.
    assert "single writer at or above the best lock in 0 of 0 contended configurations" in text


def test_tail_stability_is_shown_only_with_30_intervals(page, tmp_path):
    _, text = page
    rows = [l for l in text.splitlines() if l.startswith("| service c=64")]
    assert rows and all(l.split("|")[5].strip() not in ("-", "") for l in rows)
    d = write_claims_dir(tmp_path / "short")
    results = d / "service-c64" / "results.json"
    data = json.loads(results.read_text())
    for run in data["runs"]:
        run["time_series"]["rows"] = run["time_series"]["rows"][:20]
    results.write_text(json.dumps(data))
    short = claims.render(d, "default")
    rows = [l for l in short.splitlines() if l.startswith("| service c=64")]
    assert rows and all(l.split("|")[5].strip() == "-" for l in rows)


@pytest.mark.parametrize("what, content, expected", [
    ("machine.txt", "cpus lots\n", "machine.txt: 'cpus' must be a count of CPUs"),
    ("audit.json", "[1, 2]", "audit.json: not a swlab audit"),
    ("audit.json", '{"engines": [{"engine": 5}]}', "engines[0] is malformed"),
    ("recovery.txt", "header\n10000 zero 0.1 5\n", "recovery.txt:2: expected"),
    ("contention-w0/results.json", '{"format": "swlab-results"', "contention-w0/results.json: not valid JSON"),
])
def test_malformed_inputs_are_one_line_and_exit_2(tmp_path, what, content, expected):
    d = write_claims_dir(tmp_path / "set")
    (d / what).write_text(content)
    proc = run_script("claims.py", d)
    assert proc.returncode == 2, proc.stderr
    lines = error_lines(proc)
    assert len(lines) == 1 and lines[0].startswith("claims.py: error: ") and expected in lines[0], lines
    assert not (d / "claims.md").exists()
    assert not (d / "figures").exists(), "checked before any figure is drawn"


def test_a_planted_link_is_not_written_through(tmp_path):
    d = write_claims_dir(tmp_path / "set")
    target = tmp_path / "precious"
    target.write_text("keep me")
    (d / "figures").mkdir()
    (d / "figures" / "3-order.png").symlink_to(target)
    (d / "claims.md").symlink_to(target)
    proc = run_script("claims.py", d)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text() == "keep me"
    assert not (d / "claims.md").is_symlink() and not (d / "figures" / "3-order.png").is_symlink()
