"""scripts/core_map.py (and plot.py handing a map to it): the core-to-core heatmap of
`swlab machine --matrix --out`, and one line with exit status 2 for a file that is not one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import error_lines, run_script


def a_map(cores: int = 2, domains: int = 1, smt: bool = False) -> dict:
    """A map as swlab writes it: cores split evenly over L3 domains; 100 ns within a
    domain, 400 across, 30 between SMT siblings."""
    per = cores // domains
    cs = [{"cpu": i, "core": i, "l3": i // per, "node": 0, "package": 0} for i in range(cores)]
    p50 = [[(30 if smt else None) if i == j else (100 if i // per == j // per else 400) for j in range(cores)]
           for i in range(cores)]
    return {"format": "swlab-core-map", "version": 1, "created": "2026-12-07T00:00:00Z",
            "machine": {"hostname": "h", "cpu_model": "Test CPU", "logical_cpus": cores,
                        "topology": f"1 package, {domains} L3 domains"},
            "machine_cores": cores, "sampled": False, "pair_s": 0.25, "seconds": 1.0, "all_pinned": True,
            "cores": cs, "p50_ns": p50, "p99_ns": p50}


def write(tmp_path: Path, data, name: str = "core-map.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("cores,domains,smt", [(2, 1, False), (16, 2, True), (64, 8, False)])
def test_a_map_is_drawn_beside_its_file(tmp_path, cores, domains, smt):
    path = write(tmp_path, a_map(cores, domains, smt))
    proc = run_script("core_map.py", path)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "core-map.png"
    assert proc.stdout.strip() == str(png)
    assert png.stat().st_size > 3500  # a drawn 2x2 map is ~4.6 KB (80 dpi, 64 colours); empty axes ~2.4 KB


def test_plot_py_hands_a_map_to_core_map(tmp_path):
    path = write(tmp_path, a_map(8, 2))
    proc = run_script("plot.py", path, "--out", tmp_path / "figs", "--svg")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["core-map.png", "core-map.svg"]


@pytest.mark.parametrize("change,says", [
    (lambda m: m.update(format="swlab-results"), "not a core map"),
    (lambda m: m.update(p50_ns=[[None, 1]]), "2 x 2 matrix"),
    (lambda m: m["p50_ns"][0].__setitem__(1, -5), "p50_ns[0][1]"),
    (lambda m: m["p50_ns"][0].__setitem__(1, "fast"), "p50_ns[0][1]"),
    (lambda m: m.update(cores=[]), "'cores'"),
    (lambda m: m["cores"][1].pop("l3"), "cores[1]"),
    (lambda m: m.update(p50_ns=[[None, None], [None, None]]), "no pair was measured"),
])
def test_a_bad_map_is_one_line_and_exit_2(tmp_path, change, says):
    data = a_map(2)
    change(data)
    proc = run_script("core_map.py", write(tmp_path, data))
    assert proc.returncode == 2
    lines = error_lines(proc)
    assert len(lines) == 1 and says in lines[0], proc.stderr
    assert not (tmp_path / "core-map.png").exists()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    proc = run_script("core_map.py", write(tmp_path, "{not json"))
    assert proc.returncode == 2 and len(error_lines(proc)) == 1


def test_a_link_in_place_of_the_figure_is_replaced_not_written_through(tmp_path):
    path = write(tmp_path, a_map(2))
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (tmp_path / "core-map.png").symlink_to(victim)
    assert run_script("core_map.py", path).returncode == 0
    assert victim.read_text() == "keep"
    assert not (tmp_path / "core-map.png").is_symlink()
