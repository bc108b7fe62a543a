"""scripts/claims.py on synthetic claims.sh directories (claims_fixture.write_claims_dir):
a precondition unmet gives "not testable here" whatever the effect, a met one gives holds or
does not hold by the stated rule; effects carry intervals, within one placement; runs that
are not steady decide nothing; the figures are readable; bad inputs are refused."""

import json
import re
from pathlib import Path

import pytest

import claim_data as cd
import claim_verdict as cv
import claims
import swlab_axes
import swlab_stats as st
from claims_fixture import Knobs, write_claims_dir
from conftest import REPO, error_lines, run_script

FIGURES = ["1-contention.png", "2-predictability.png", "3-order.png", "4-backpressure.png",
           "5-recovery.png", "6-sharding.png", "7-not-to-use.png"]
TITLES = [title for title, _ in claims.CLAIMS]


def closed(fig, name):
    claims.plt.close(fig)
    return f"figures/{name}"


def verdict(tmp_path: Path, claim: int, knobs: Knobs) -> tuple[str, str, cd.Section]:
    """Claim `claim`'s verdict and reason on a directory built with the knobs (the figures
    are drawn but not rasterised)."""
    d = write_claims_dir(tmp_path / f"c{claim}", knobs)
    cd.preload(d)
    ctx = cd.Context(d, knobs.cpus, "default", True, closed)
    section = claims.CLAIMS[claim - 1][1](ctx)
    outcome = cv.decide(section.conditions, section.criteria)
    return outcome.verdict, outcome.reason, section


@pytest.fixture
def unrasterised(monkeypatch):
    """claims.render draws every figure but writes none (rasterising is most of its time)."""
    monkeypatch.setattr(claims, "save", lambda fig, figdir, name: closed(fig, name))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    d = write_claims_dir(tmp_path_factory.mktemp("claims") / "set")
    proc = run_script("claims.py", d)
    assert proc.returncode == 0, proc.stderr
    return d, (d / "claims.md").read_text()


# ---------------------------------------------------------------------------------------------
# The verdict rule


# Each precondition, failed on its own (the effects stay past their thresholds in the claim's
# favour, and below them: neither may decide a verdict).
UNMET = [
    (1, dict(cpus=2), "no oversubscribed run", "at least 3 logical CPUs"),
    (2, dict(steady=False), "steady blocks", "quieter machine"),
    (2, dict(cpus=1), "no oversubscribed service run", "at least 2 logical CPUs"),
    (3, dict(audit_ok=False), "replays to its run's exact state", "a build whose journals replay exactly"),
    (4, dict(shed=0), "the queue reached capacity", "connections far above 64"),
    (4, dict(cpus=1), "no oversubscribed run", "at least 2 logical CPUs"),
    (5, dict(records=50_000), "a journal of at least 100,000 records", "100,000 records or more"),
    (5, dict(snapshots=0), "snapshots taken and loaded", "long enough"),
    (6, dict(cpus=2), "k >= 2 shards and 1 client each on a core", "at least 3 logical CPUs"),
    (7, dict(parallel=0.1), "the parallel work ran in parallel", "cores free"),
    (7, dict(cpus=2), "the single writer's runs not oversubscribed", "at least 3 logical CPUs"),
]
# The knobs that put each claim's effect below its threshold (its precondition still met).
AGAINST = {1: dict(contention=1.05), 2: dict(tail=1.0), 3: dict(retained=1.0), 4: dict(bp_tail=1.0),
           5: dict(replay_rate=5e5), 6: dict(efficiency=0.5), 7: dict(not_to_use=1.0)}


@pytest.mark.parametrize("claim, knobs, unmet, needs", UNMET,
                         ids=[f"{c}-{','.join(k)}" for c, k, _, _ in UNMET])
@pytest.mark.parametrize("effect", ["for", "against"])
def test_an_unmet_precondition_is_not_testable_whatever_the_effect(tmp_path, claim, knobs, unmet, needs, effect):
    knobs = dict(knobs, **(AGAINST[claim] if effect == "against" else {}))
    got, reason, section = verdict(tmp_path, claim, Knobs(**knobs))
    assert got == cv.UNTESTABLE, (reason, [c for c in section.conditions])
    assert unmet in reason and needs in reason, reason
    assert section.numbers and section.figure, "the data is shown even when not testable"


@pytest.mark.parametrize("claim", range(1, 8))
def test_a_met_precondition_holds_above_the_threshold_and_not_below(tmp_path, claim):
    got, reason, section = verdict(tmp_path / "for", claim, Knobs())
    assert all(c.met for c in section.conditions), section.conditions
    assert got == cv.HOLDS, reason
    got, reason, section = verdict(tmp_path / "against", claim, Knobs(**AGAINST[claim]))
    assert all(c.met for c in section.conditions), section.conditions
    assert got == cv.FAILS, reason


@pytest.mark.parametrize("claim, knobs", [(4, dict(bp_goodput=0.5)), (5, dict(pause=3.0))])
def test_every_criterion_of_a_claim_must_pass(tmp_path, claim, knobs):
    got, reason, _ = verdict(tmp_path, claim, Knobs(**knobs))
    assert got == cv.FAILS, reason


def test_the_rule_reads_the_interval_not_the_estimate():
    # An estimate past the threshold whose interval reaches below it does not hold.
    one_block = cv.Criterion("x", st.Effect(2.68, 2.68, 2.68, 1), 1.10)
    assert cv.decide([], [one_block]).verdict == cv.UNTESTABLE  # passes its bound, but on one block
    straddling = cv.Criterion("x", st.Effect(1.20, 1.05, 1.30, 9), 1.10)
    assert not straddling.passes
    assert cv.decide([], [straddling]).verdict == cv.FAILS
    assert cv.decide([], [straddling._replace(effect=st.Effect(1.2, 1.12, 1.3, 9))]).verdict == cv.HOLDS
    at_most = cv.Criterion("pause", st.Effect(1.5, 1.2, 2.1, 9), 2.0, cv.AT_MOST)
    assert not at_most.passes and at_most._replace(effect=st.Effect(1.5, 1.2, 1.9, 9)).passes
    unmet = cv.Condition("cores", "2 busy threads on 1 CPU", False, "a machine with 2 CPUs")
    assert cv.decide([unmet], [straddling._replace(effect=st.Effect(9, 9, 9, 9))]).verdict == cv.UNTESTABLE
    assert cv.blocks_condition([cv.Criterion("x", st.Effect(2, 2, 2, 1), 1.1)]).met is False


def test_a_control_says_whether_it_detected_the_effect(tmp_path):
    _, _, section = verdict(tmp_path, 1, Knobs())
    assert section.control.detected and "detected: the experiment sees the effect" in section.control.line()
    missed = section.control._replace(criterion=section.control.criterion._replace(effect=st.Effect(1, 0.9, 1.1, 3)))
    assert not missed.detected and "NOT detected" in missed.line()


def test_a_control_that_swlab_could_not_run_says_why(tmp_path, unrasterised):
    d = write_claims_dir(tmp_path / "set")
    for name in ("contention-w0", "service-c64", "service-c1024"):
        path = d / name / "results.json"
        data = json.loads(path.read_text())
        data["runs"] = [r for r in data["runs"] if "inject" not in r["engine"]]
        path.write_text(json.dumps(data))
    (d / "machine.txt").write_text((d / "machine.txt").read_text().replace("inject yes", "inject no"))
    text = claims.render(d, "default")
    assert text.count("not run (the swlab that measured this has no --inject-ns") == 2
    assert "injected delay (`--inject-ns`, the positive controls' convoys): not in this swlab" in text


def test_the_shard_step_is_explained_by_what_the_data_show(tmp_path):
    # The fixture's 2 shards switch context 1,900 times per 1,000 commands against 1 shard's 5,
    # and spinning threads serve half the 1-shard figure: a wake-up per command, and no
    # recovery without cores. With efficiency 0.9 there is no collapse to explain.
    _, _, section = verdict(tmp_path / "collapse", 6, Knobs(cpus=2, efficiency=0.1))
    said = section.interpretation
    assert "5.0x less" in said and "sleeps in the futex and every command that reaches it pays a wake-up" in said
    assert "no recovery: a spinning shard thread needs a core of its own" in said
    _, _, section = verdict(tmp_path / "scales", 6, Knobs(cpus=2))
    assert "no collapse here" in section.interpretation and "wake-up" not in section.interpretation


def test_docs_state_every_claim_before_the_data():
    # docs/claims.md quotes each claim's threshold and rule as the code applies them.
    doc = (REPO / "docs" / "claims.md").read_text()
    for i, (title, spec) in enumerate(claims.SPECS.items(), 1):
        part = doc.split(f"### {i}. {title}")[1].split("\n### ")[0]
        assert f"**Precondition:** {spec.precondition}." in part, title
        assert f"**Effect:** {spec.effect}." in part, title
        assert f"**Threshold:** {spec.threshold}" in part, title
        assert f"**Rule:** {spec.rule}" in part, title
        assert f"**Positive control:** {spec.control}." in part, title


# ---------------------------------------------------------------------------------------------
# The page


def test_the_page_and_every_figure_are_written(page):
    d, text = page
    assert sorted(p.name for p in (d / "figures").iterdir()) == FIGURES
    for i in range(1, 8):
        assert f"## {i}. " in text
    assert not [p for p in d.rglob("*") if p.name.endswith(".tmp")]
    verdicts = text.split("## Verdicts")[1].split("## 1.")[0]
    assert [line.split("**: ")[1].split(" (")[0] for line in verdicts.splitlines() if line[:2] in
            {f"{i}." for i in range(1, 8)}] == [cv.HOLDS] * 7


def test_every_effect_in_the_verdicts_carries_its_interval(page):
    _, text = page
    verdicts = text.split("## Verdicts")[1].split("## 1.")[0]
    for claim in range(1, 8):
        line = next(l for l in verdicts.splitlines() if l.startswith(f"{claim}. "))
        assert re.search(r"\d\.\d\d(x| records/s|M records/s)? \[\d+\.\d+M?, \d+\.\d+M?\] \(\d blocks\)", line), line


def test_each_claim_states_itself_before_its_data(page):
    _, text = page
    for i, title in enumerate(TITLES, 1):
        part = text.split(f"## {i}. {title}")[1].split("\n## ")[0]
        stated, measured = part.index("**Stated before the data**"), part.index("**Precondition**, from the results")
        assert stated < part.index("![") < measured < part.index("**Verdict:")


def test_the_method_of_each_set_is_stated(page):
    _, text = page
    assert ("- `contention-w0`: one placement (45 runs placed, 0 not); blocks: the runs of one repetition index, "
            "made back to back (--order interleaved).") in text


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """The figures of one synthetic claims directory as matplotlib objects, by file name."""
    found = {}

    def keep(fig, figdir, name):
        found[name] = fig
        return f"figures/{name}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(claims, "save", keep)
        claims.render(write_claims_dir(tmp_path_factory.mktemp("figs") / "set"), "default")
    yield found
    for fig in found.values():
        claims.plt.close(fig)


def test_every_log_axis_has_three_labelled_ticks(figures):
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
    colour = {p.get_label(): p.get_facecolor() for p in ax.patches}
    assert colour["single-writer:overload=block:capacity=64"] != colour["single-writer:overload=reject:capacity=64"]


def test_a_set_with_both_placements_is_compared_within_one(tmp_path, unrasterised):
    # Repetitions 0 and 1 near (3x faster), 2 far: the effect uses the near blocks only.
    d = write_claims_dir(tmp_path / "set", Knobs(near_reps=(0, 1)))
    text = claims.render(d, "default")
    assert "both placements: 30 runs near (floor <= 124 ns), 15 far (>= 450 ns), 0 unknown" in text
    assert "within near placement (2 near, 1 far blocks)" in text


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


def test_runs_that_are_not_steady_decide_nothing(tmp_path, unrasterised):
    d = write_claims_dir(tmp_path / "set", Knobs(steady=False))
    text = claims.render(d, "default")
    assert "kept out of the verdict: 45 not steady" in text
    assert text.count(f"**Verdict: {cv.UNTESTABLE}.**") == 7


def test_tail_stability_is_shown_only_with_30_intervals(page, tmp_path, unrasterised):
    _, text = page
    rows = [l for l in text.splitlines() if l.startswith("| service c=64")]
    assert rows and all(l.split("|")[5].strip() not in ("-", "") for l in rows)
    d = write_claims_dir(tmp_path / "short")
    results = d / "service-c64" / "results.json"
    data = json.loads(results.read_text())
    for run in data["runs"]:
        run["summary"]["intervals"] = 20
    results.write_text(json.dumps(data))
    short = claims.render(d, "default")
    rows = [l for l in short.splitlines() if l.startswith("| service c=64")]
    assert rows and all(l.split("|")[5].strip() == "-" for l in rows)


@pytest.mark.parametrize("what, content, expected", [
    ("machine.txt", "cpus lots\n", "machine.txt: 'cpus' must be a count of CPUs"),
    ("audit.json", "[1, 2]", "audit.json: not a swlab audit"),
    ("audit.json", '{"engines": [{"engine": 5}]}', "engines[0] is malformed"),
    ("recovery.txt", "commands snapshot_every replay_s records_replayed\n", "recovery.txt:1: expected the header"),
    ("recovery.txt", "kind commands snapshot_every repetition seconds records snapshots\nreplay 10000 zero 0 0.1 5 0\n",
     "recovery.txt:2: expected"),
    ("contention-w0/results.json", '{"format": "swlab-results"', "contention-w0/results.json: not valid JSON"),
    ("recovery-runs/p100000.s0.r0/results.json", "[]", "p100000.s0.r0/results.json"),
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
