"""scripts/plot.py and the helpers in scripts/swlab_results.py it is built on."""

import json
from pathlib import Path
import shutil
import subprocess

import pytest

import plot
import swlab_results as sr
import swlab_style as swstyle
from conftest import (FAR_FLOOR, INTERVALS, MIN_FIGURE_BYTES, PNG_MAGIC, PYTHON, SCRIPTS, error_lines, fixture,
                      latency_buckets, make_results, make_run, placement_set, run_script)

ALL_FIGURES = {"percentiles", "latency-vs-threads", "throughput-vs-threads",
               "throughput-latency", "backpressure", "corrected-vs-uncorrected",
               "context-switches", "time-series"}
CLOSED_FIGURES = {"percentiles", "latency-vs-threads", "throughput-vs-threads",
                  "context-switches", "time-series"}
OPEN_FIGURES = {"percentiles", "throughput-latency", "backpressure", "corrected-vs-uncorrected",
                "time-series"}
# What plot.py says of a results file without open-loop runs, in this order.
NO_OPEN_LOOP_SKIPS = [
    "skipped throughput-latency: no open-loop runs",
    "skipped backpressure: no open-loop runs",
    "skipped corrected-vs-uncorrected: no open-loop runs",
]


def figure_names(out, prefix, ext="png"):
    return {p.name[len(prefix) + 1:-len(ext) - 1] for p in out.glob(f"{prefix}.*.{ext}")}


def assert_real_png(path):
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC), path
    assert len(data) > MIN_FIGURE_BYTES, f"{path}: {len(data)} bytes, an empty figure?"


# ---------------------------------------------------------------------------------------------
# Figures from the fixtures


@pytest.mark.parametrize("name, prefix, expected", [
    ("closed_sweep.json", "balanced.closed", CLOSED_FIGURES),
    ("open_sweep.json", "balanced.open", OPEN_FIGURES),
])
def test_fixture_figures_are_written(plotted, name, prefix, expected):
    proc, out = plotted(name)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert figure_names(out, prefix) == expected
    for path in out.glob("*.png"):
        assert_real_png(path)
    printed = set(proc.stdout.split())
    assert printed == {str(p) for p in out.iterdir()}, "every file written is printed, once"
    for svg in out.glob("*.svg"):
        assert "<svg" in svg.read_text()[:2000]
    assert figure_names(out, prefix, "svg") == expected
    assert not list(out.glob("*.tmp")), "temporary files renamed"


def test_every_figure_kind_is_drawn_by_some_fixture(plotted):
    drawn = set()
    for name, prefix in (("closed_sweep.json", "balanced.closed"),
                         ("open_sweep.json", "balanced.open")):
        drawn |= figure_names(plotted(name)[1], prefix)
    assert drawn == ALL_FIGURES
    assert {kind.name for kind in plot.FIGURES} == ALL_FIGURES


def test_closed_sweep_skips_only_the_open_loop_figures(plotted):
    proc, _ = plotted("closed_sweep.json")
    assert error_lines(proc) == NO_OPEN_LOOP_SKIPS


def test_missing_sections_are_skipped_with_one_line_each(plotted):
    proc, out = plotted("missing_sections.json")
    assert proc.returncode == 0, proc.stderr
    assert figure_names(out, "balanced.closed") == {"latency-vs-threads",
                                                    "throughput-vs-threads"}
    lines = error_lines(proc)
    assert sorted(lines) == sorted([
        "skipped percentiles (balanced, closed): no run has a histogram",
        *NO_OPEN_LOOP_SKIPS,
        "skipped context-switches (balanced, closed): no run has context_switches",
        "skipped time-series (balanced, closed): no run has a time_series (results version 1)",
    ])


def test_a_single_run_still_gets_the_figures_that_make_sense(plotted):
    proc, out = plotted("single_run.json")
    assert proc.returncode == 0, proc.stderr
    assert figure_names(out, "balanced.closed") == CLOSED_FIGURES
    for path in out.glob("*.png"):
        assert_real_png(path)


def test_open_loop_rate_sweep_is_not_plotted_against_threads(plotted):
    proc, _ = plotted("open_sweep.json")
    skipped = error_lines(proc)
    assert len(skipped) == 3
    for name in ("latency-vs-threads", "throughput-vs-threads", "context-switches"):
        assert any(line.startswith(f"skipped {name} (balanced, open): ") for line in skipped)


def test_default_output_is_the_results_directorys_figures(tmp_path):
    shutil.copy(fixture("single_run.json"), tmp_path / "results.json")
    proc = run_script("plot.py", tmp_path)  # a directory stands for its results.json
    assert proc.returncode == 0, proc.stderr
    assert figure_names(tmp_path / "figures", "balanced.closed") == CLOSED_FIGURES


def test_one_set_of_figures_per_preset(tmp_path):
    runs = [make_run(engine=e, threads=t, repetition=0, preset=p,
                     buckets=latency_buckets(1000 * t, 900 * t))
            for p in ("balanced", "hot-market") for e in ("mutex", "rwlock") for t in (1, 2)]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(make_results(runs, command="swlab sweep")))
    proc = run_script("plot.py", path, "--out", tmp_path / "figs")
    assert proc.returncode == 0, proc.stderr
    for preset in ("balanced", "hot-market"):
        assert figure_names(tmp_path / "figs", f"{preset}.closed") == CLOSED_FIGURES


# ---------------------------------------------------------------------------------------------
# Bad input: exactly one line on stderr, exit status 2, nothing written


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("make_args, expected", [
    (lambda t: [fixture("malformed.json")], "malformed.json: not valid JSON"),
    (lambda t: [fixture("wrong_version.json")],
     "wrong_version.json: unsupported results version 99"),
    (lambda t: [t / "absent.json"], "absent.json: no such file"),
    (lambda t: [t], "results.json: no such file"),
    (lambda t: [write(t, "other.json", '{"format": "other", "version": 1}')],
     "other.json: not a swlab results file: format is 'other'"),
    (lambda t: [write(t, "list.json", "[1, 2]")], "list.json: not a swlab results file"),
    (lambda t: [write(t, "norate.json", fixture("open_sweep.json").read_text().replace(
        '"rate": 100000.0', '"rate": null', 1))], "an open-loop run needs a 'rate' > 0"),
    (lambda t: [write(t, "badtype.json", fixture("single_run.json").read_text().replace(
        '"throughput": 750000.0', '"throughput": "fast"'))],
     "'throughput' must be a finite number, got string"),
    (lambda t: [fixture("single_run.json"), "--bogus"], "unrecognized arguments: --bogus"),
    (lambda t: [], "the following arguments are required: results"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, make_args, expected):
    out = tmp_path / "out"
    proc = run_script("plot.py", *make_args(tmp_path), "--out", out)
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("plot.py: error: ")
    assert expected in lines[0]
    assert proc.stdout == ""
    assert not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------------------------------------
# The helpers the figures rest on


def test_percentiles_follow_hdrhistogram_semantics():
    buckets = [[100, 1], [200, 998], [300, 1]]
    assert sr.value_at_percentile(buckets, 0) == 100
    assert sr.value_at_percentile(buckets, 0.1) == 100   # rank ceil(1.0) = 1
    assert sr.value_at_percentile(buckets, 0.15) == 200  # rank ceil(1.5) = 2
    assert sr.value_at_percentile(buckets, 50) == 200
    assert sr.value_at_percentile(buckets, 99.9) == 200  # rank 999: cumulative 999 at 200
    assert sr.value_at_percentile(buckets, 99.95) == 300  # rank 1000
    assert sr.value_at_percentile(buckets, 100) == 300
    assert sr.value_at_percentile([], 50) is None


def test_percentile_rank_is_not_pushed_up_by_rounding():
    # 99.9 / 100 * 1000 is 999.0000000000001 in floating point: a naive ceil gives rank 1000.
    buckets = [[100, 999], [200, 1]]
    assert sr.value_at_percentile(buckets, 99.9) == 100
    assert list(sr.values_at_percentiles(buckets, [50, 99.9, 99.95, 100])) == [100, 100, 200,
                                                                              200]


def test_known_engines_have_fixed_distinct_okabe_ito_colours():
    colours = [swstyle.engine_colour(e) for e in ("mutex", "rwlock", "spinlock", "single-writer",
                                             "sharded-mutex", "sharded-single-writer")]
    assert len(set(colours)) == 6
    assert set(colours) <= set(swstyle.OKABE_ITO.values())
    assert swstyle.engine_colour("mutex") == "#0072B2"


def test_unknown_engine_colour_is_the_same_in_every_process():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import swlab_style as swstyle; "
            "print(swstyle.engine_colour('lab-engine-7'), swstyle.engine_marker('lab-engine-7'))")
    seen = {subprocess.run([PYTHON, "-B", "-c", code, str(SCRIPTS)], capture_output=True,
                           text=True, env={"PYTHONHASHSEED": seed}, check=True).stdout
            for seed in ("1", "2", "3")}
    assert seen == {f"{swstyle.engine_colour('lab-engine-7')} {swstyle.engine_marker('lab-engine-7')}\n"}
    assert swstyle.engine_colour("lab-engine-7") in swstyle.FALLBACK_COLOURS


def series_of(p99_by_rate, engine="spinlock"):
    s = plot.Series(engine, engine, "-")
    for i, (rate, p99) in enumerate(p99_by_rate.items()):
        run = make_run(engine=engine, threads=2, repetition=0, mode="open", rate=rate,
                       buckets=[[100, 10]])
        run["summary"]["latency_ns"]["p99"] = p99
        s.points[rate] = [run]
    return s


def test_knee_heuristic_is_the_last_rate_under_ten_times_the_first_p99():
    s = series_of({1e5: 10_000, 2e5: 12_000, 4e5: 90_000, 8e5: 2_000_000})
    assert plot.find_knee(s, [], "balanced") == plot.Knee(4e5, "heuristic")


def test_no_knee_when_the_sweep_never_leaves_the_bound():
    s = series_of({1e5: 10_000, 2e5: 12_000, 4e5: 20_000})
    assert plot.find_knee(s, [], "balanced") is None
    assert plot.find_knee(series_of({1e5: 10_000}), [], "balanced") is None


def test_knee_from_rate_sweeps_wins_over_the_heuristic():
    s = series_of({1e5: 10_000, 2e5: 12_000, 4e5: 90_000, 8e5: 2_000_000})
    sweep = {"engine": "spinlock", "preset": "balanced", "threads": 2,
             "max_rate_under_bound": 2e5}
    assert plot.find_knee(s, [sweep], "balanced") == plot.Knee(2e5, "rate_sweeps")
    assert plot.find_knee(s, [dict(sweep, max_rate_under_bound=None)], "balanced") is None
    other_threads = dict(sweep, threads=4)
    assert plot.find_knee(s, [other_threads], "balanced").source == "heuristic"


# ---------------------------------------------------------------------------------------------
# Version 2: the floor and the time series


def test_normalise_floor_draws_latencies_as_multiples_of_the_floor(tmp_path):
    out = tmp_path / "figs"
    proc = run_script("plot.py", fixture("closed_sweep.json"), "--out", out, "--normalise", "floor")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.glob("*.png")}
    assert names == {f"balanced.closed.{n}.floor.png"
                     for n in ("percentiles", "latency-vs-threads", "time-series")}
    for path in out.glob("*.png"):
        assert_real_png(path)


def test_normalised_latency_is_the_latency_over_the_floor():
    run = make_run(engine="mutex", threads=1, repetition=0, buckets=latency_buckets(10_000, 900),
                   floor=(300, 310))
    metric = plot.Options(normalise="floor").latency("p50")
    assert metric(run) == pytest.approx(sr.run_latency(run, "p50") / 300)
    plain = plot.Options().latency("p50")
    assert plain(run) == pytest.approx(sr.run_latency(run, "p50") * 1e-9)
    run.pop("floor")
    assert metric(run) is None  # no probe: nothing to divide by, the point is left out


def test_time_series_figure_shows_each_engines_representative_run(tmp_path):
    results = sr.load(fixture("closed_sweep.json"))
    group = plot.groups_of(results)[0]
    fig = plot.fig_time_series(results, group)
    top = fig.axes[0]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert labels == ["mutex, stability 1.10", "single-writer, stability 3.00"]
    # One point per interval that holds commands.
    assert all(len(line.get_xdata()) == INTERVALS for line in top.get_lines() if line.get_label() in labels)


def test_representative_is_the_median_stability():
    reps = [make_run(engine="mutex", threads=1, repetition=i, buckets=latency_buckets(1000, 900),
                     stability_spike=s) for i, s in enumerate((5.0, 1.2, 2.0))]
    assert plot.representative(reps)["repetition"] == 2


def test_version_1_files_are_still_read():
    # A run of the 2026-11-28 reference set (overload/), committed before the floor and the
    # time series existed; the set itself is retired, this file keeps its format.
    old = sr.load(Path(__file__).parent / "fixtures" / "results_v1.json")
    assert old.data["version"] == 1
    run = old.runs[0]
    assert sr.floor_ns(run) is None and sr.time_series(run) is None and sr.tail_stability(run) is None
    assert not sr.unstable_floor(run)


def test_service_mode_gets_the_thread_figures(plotted):
    proc, out = plotted("service.json")
    assert proc.returncode == 0, proc.stderr
    assert figure_names(out, "balanced.service") == CLOSED_FIGURES
    assert error_lines(proc) == NO_OPEN_LOOP_SKIPS


def test_flat_combining_has_its_own_colour_and_marker():
    known = [swstyle.engine_colour(e) for e in swstyle.KNOWN_ENGINES]
    assert len(set(known)) == len(known) == 7, "every known engine a colour of its own"
    assert swstyle.engine_colour("flat-combining") == swstyle.OKABE_ITO["black"]
    markers = [swstyle.engine_marker(e) for e in swstyle.KNOWN_ENGINES]
    assert len(set(markers)) == len(markers)
    assert not set(markers) & set(swstyle.FALLBACK_MARKERS)


# ---------------------------------------------------------------------------------------------
# Placement, runs drawn apart, colours, ticks


def write_json(path, data):
    path.write_text(json.dumps(data))
    return path


def test_a_set_with_both_placements_is_drawn_per_placement(tmp_path):
    path = write_json(tmp_path / "results.json", placement_set())
    proc = run_script("plot.py", path, "--out", tmp_path / "figs")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "figs"
    assert figure_names(out, "balanced.closed.near") == CLOSED_FIGURES
    assert figure_names(out, "balanced.closed.far") == CLOSED_FIGURES
    assert not (out / "balanced.closed.percentiles.png").exists(), "no figure mixes the two"
    results = sr.load(path)
    near, far = [g for g in plot.groups_of(results)]
    assert (near.placement, far.placement) == ("near", "far")
    assert all(results.placement(r) == "near" for r in near.runs) and len(near.runs) == 8
    fig = plot.fig_latency_vs_threads(results, near)
    assert "near placement (floor <= 124 ns)" in fig._suptitle.get_text()


def test_a_run_whose_floor_changed_mode_is_in_no_figure(tmp_path):
    data = placement_set()
    moved = data["runs"][0]  # mutex, 1 thread, repetition 0: near before the run, far after
    moved["floor"]["after"]["p50_ns"] = FAR_FLOOR[1]
    path = write_json(tmp_path / "results.json", data)
    results = sr.load(path)
    assert results.placement(moved) == "unknown"
    proc = run_script("plot.py", path, "--out", tmp_path / "figs")
    assert proc.returncode == 0, proc.stderr
    assert {g.placement for g in plot.groups_of(results)} == {"near", "far"}
    assert not list((tmp_path / "figs").glob("*unknown*"))
    assert ("skipped placement unknown (balanced, closed): 1 run(s) whose floor changed mode "
            "during the run are in no figure (report.md lists them)") in error_lines(proc)
    near = next(g for g in plot.groups_of(results) if g.placement == "near")
    assert moved not in near.runs and len(near.runs) == 7


def test_one_placement_keeps_the_old_names():
    results = sr.load(fixture("closed_sweep.json"))
    assert not results.both_placements
    assert [g.stem for g in plot.groups_of(results)] == ["balanced.closed"]


def test_engine_specs_that_differ_only_in_options_get_different_colours():
    specs = ["single-writer:overload=block:capacity=16", "single-writer:overload=reject:capacity=16"]
    styles = swstyle.spec_styles(specs)
    assert styles[specs[0]].colour != styles[specs[1]].colour
    assert styles[specs[0]].marker == styles[specs[1]].marker == swstyle.engine_marker("single-writer")
    # The first variant takes the engine's colour when the plain engine is absent ...
    assert styles[specs[0]].colour == swstyle.engine_colour("single-writer")
    # ... and a plain engine keeps its own colour whatever else is drawn with it.
    many = swstyle.spec_styles(["mutex", "single-writer", *specs, "single-writer:overload=priority"])
    assert many["mutex"].colour == swstyle.engine_colour("mutex")
    assert many["single-writer"].colour == swstyle.engine_colour("single-writer")
    assert len({s.colour for s in many.values()}) == 5
    assert swstyle.spec_styles(reversed(specs)) == styles, "decided by the set, not the order"


def test_the_overload_figure_draws_block_and_reject_apart(tmp_path):
    # The newest committed reference set's overload sweep: two single-writer specs, block and reject.
    sets = sorted((SCRIPTS.parent / "results").glob("20*/overload/results.json"))
    assert sets, "no committed reference set with an overload sweep"
    path = sets[-1]
    results = sr.load(path)
    group = plot.groups_of(results)[0]
    series = plot.make_series(group.runs, "rate", ("threads", "window"))
    # One colour per spec; a spec's generator-bound runs, drawn apart, keep its colour.
    colours = {e: {s.colour for s in series if s.engine == e} for e in {s.engine for s in series}}
    assert len(colours) == 2 and all(len(c) == 1 for c in colours.values())
    assert len(set.union(*colours.values())) == 2


def numeric_axes(fig):
    """(axes, which) for every axis of a figure that carries numbers (not category labels)."""
    for ax in fig.axes:
        if not ax.has_data():
            continue
        for which in ("x", "y"):
            yield ax, which


def test_every_axis_of_every_figure_has_labelled_ticks_to_read(tmp_path):
    import swlab_axes
    for name in ("closed_sweep.json", "open_sweep.json", "service.json", "single_run.json"):
        results = sr.load(fixture(name))
        for group in plot.groups_of(results):
            for kind in plot.FIGURES:
                if group.mode not in kind.modes:
                    continue
                for opts in (plot.Options(), plot.Options(normalise="floor")):
                    try:
                        fig = kind.build(results, group, opts)
                    except plot.SkipFigure:
                        continue
                    fig.canvas.draw()
                    for ax, which in numeric_axes(fig):
                        scale = ax.get_yscale() if which == "y" else ax.get_xscale()
                        labels = swlab_axes.labelled_ticks(ax, which)
                        wanted = 3 if (scale == "log" and which == "y") else 1
                        assert len(labels) >= wanted, (name, kind.name, which, labels)


def test_log_ticks_give_three_labels_on_any_range():
    import swlab_axes
    for low, high in ((300e-9, 2e-6), (1.0, 1.3), (250e3, 1.9e6), (5.0, 5.0), (1e-9, 1e3)):
        ticks, lo, hi = swlab_axes.log_ticks(low, high)
        inside = [t for t in ticks if lo <= t <= hi]
        assert 3 <= len(inside) <= swlab_axes.MAX_TICKS, (low, high, ticks)
        assert lo <= low and hi >= high


def test_generator_bound_runs_are_drawn_apart_and_have_no_knee(tmp_path):
    data = json.loads(fixture("open_sweep.json").read_text())
    for run in data["runs"]:
        if run["engine"] == "single-writer" and run["rate"] >= 400e3:
            run["summary"]["generator_bound"] = True
            run["summary"]["send_lateness_ns"] = {"p50": 2e5, "p99": 9e6, "max": 2e7}
    results = sr.load(write_json(tmp_path / "results.json", data))
    group = plot.groups_of(results)[0]
    series = plot.make_series(group.runs, "rate", ("threads", "window"))
    labels = [s.label for s in series]
    assert labels == ["mutex", "single-writer", "single-writer (generator-bound)"]
    bound = series[2]
    assert sorted(bound.points) == [400e3, 800e3] and sorted(series[1].points) == [100e3, 200e3]
    assert plot.find_knee(bound, [], "balanced") is None
    fig = plot.fig_throughput_latency(results, group)
    drawn = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("generator-bound" in t for t in drawn)


# ---------------------------------------------------------------------------------------------
# Writing only under --out


@pytest.mark.parametrize("preset", ["../../X", "a/b", "..", "/etc/passwd", "x\ny"])
def test_names_from_the_file_cannot_leave_the_output_directory(tmp_path, preset):
    data = json.loads(fixture("single_run.json").read_text())
    data["runs"][0]["preset"] = preset
    src = tmp_path / "in"
    src.mkdir()
    path = write_json(src / "results.json", data)
    out = tmp_path / "deep" / "figs"
    before = {p for p in tmp_path.rglob("*")}
    proc = run_script("plot.py", path, "--out", out)
    assert proc.returncode == 0, proc.stderr
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p == out or p.parent == out or p == out.parent for p in created), created
    assert len(proc.stdout.splitlines()) == len(list(out.iterdir()))


def test_a_planted_link_at_a_temporary_name_is_not_written_through(tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep me")
    out = tmp_path / "figs"
    out.mkdir()
    # Every temporary name plot.py could use in this process and the next few pids: a planted
    # link there must be replaced, never followed.
    import os
    for name in ("balanced.closed.percentiles.png",):
        for pid in range(os.getpid(), os.getpid() + 1):
            (out / f".{name}.{pid}.tmp").symlink_to(target)
    results = sr.load(fixture("single_run.json"))
    plot.render_all(results, out)
    assert target.read_text() == "keep me"
    assert (out / "balanced.closed.percentiles.png").read_bytes().startswith(PNG_MAGIC)
    (out / "balanced.closed.time-series.png").unlink()
    (out / "balanced.closed.time-series.png").symlink_to(target)
    plot.render_all(results, out)
    assert target.read_text() == "keep me"
    assert not (out / "balanced.closed.time-series.png").is_symlink()


def test_a_symlinked_output_directory_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    proc = run_script("plot.py", fixture("single_run.json"), "--out", tmp_path / "link")
    assert proc.returncode == 2
    assert error_lines(proc) == [f"plot.py: error: {tmp_path / 'link'}: is a symbolic link; "
                                 "give the directory itself"]
    assert not list(real.iterdir())
