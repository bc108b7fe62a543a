#!/usr/bin/python3
"""The core-to-core map as a heatmap: `swlab machine --matrix --out MAP.json` measures it,
this draws it (scripts/plot.py MAP.json does the same). How to read it: docs/methodology.md,
"The core-to-core map".

    scripts/core_map.py MAP.json [--out DIR] [--svg]

Writes <MAP>.png (and .svg with --svg) beside the file, or into DIR, and prints the path.
Cell (i, j) is the median round trip between the first CPUs of cores i and j, the CPU of i
timing; the diagonal, between a core's SMT siblings (blank without SMT). Lines mark the L3
domains, heavier lines the packages. A bad file or flag is one line on stderr and exit 2.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import swlab_cli as swcli
import swlab_output as out

PROG = "core_map.py"
FORMAT = "swlab-core-map"
MAX_CORES = 4096  # past any machine: a larger map is a hostile file, not a measurement
ANNOTATE_UP_TO = 16  # cores; past it the numbers would not fit their cells


class CoreMapError(Exception):
    """A file that is not a usable core map; str() is one line naming what is wrong."""


def names_a_core_map(argv: list[str]) -> bool:
    """Whether the first argument is a core-map file (plot.py hands those over), judged
    from the file's first bytes: a results file or directory is not read here."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first is None:
        return False
    path = Path(first)
    try:
        if not path.is_file():
            return False
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return f'"format": "{FORMAT}"'.encode() in head


def _int_or_none(v, where: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise CoreMapError(f"{where}: must be a round trip in ns (a whole number >= 0) or null, got {str(v)[:40]!r}")
    return v


def load(path: Path) -> dict:
    """The map, checked: its format, the cores and a square matrix of round trips."""
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read(64 << 20))
    except (OSError, ValueError, RecursionError) as e:
        raise CoreMapError(f"{path}: cannot be read as JSON ({type(e).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != 1:
        raise CoreMapError(f"{path}: not a core map (format {FORMAT!r}, version 1): swlab machine --matrix --out writes one")
    cores = data.get("cores")
    if not isinstance(cores, list) or not 1 <= len(cores) <= MAX_CORES:
        raise CoreMapError(f"{path}: 'cores' must list 1 to {MAX_CORES} cores")
    for i, c in enumerate(cores):
        if not isinstance(c, dict) or any(not isinstance(c.get(k), int) or isinstance(c.get(k), bool)
                                          for k in ("cpu", "core", "l3", "node", "package")):
            raise CoreMapError(f"{path}: cores[{i}] needs whole numbers cpu, core, l3, node and package")
    matrix = data.get("p50_ns")
    n = len(cores)
    if not isinstance(matrix, list) or len(matrix) != n or any(not isinstance(r, list) or len(r) != n for r in matrix):
        raise CoreMapError(f"{path}: 'p50_ns' must be a {n} x {n} matrix (one row and column a core)")
    data["p50_ns"] = [[_int_or_none(v, f"{path}: p50_ns[{i}][{j}]") for j, v in enumerate(row)]
                      for i, row in enumerate(matrix)]
    if all(v is None for row in data["p50_ns"] for v in row):
        raise CoreMapError(f"{path}: no pair was measured")
    return data


def _boundaries(cores: list[dict], key: str) -> list[int]:
    """Indexes where a new domain (or package) starts."""
    return [i for i in range(1, len(cores)) if cores[i][key] != cores[i - 1][key]]


def _title(data: dict) -> str:
    m = data.get("machine") if isinstance(data.get("machine"), dict) else {}
    cpu = str(m.get("cpu_model", "?"))[:60]
    topo = str(m.get("topology", ""))[:100]
    n, total = len(data["cores"]), data.get("machine_cores", len(data["cores"]))
    sample = f", a sample of {n} of {total} cores" if data.get("sampled") else ""
    return f"core-to-core round trip, p50 (ns): {cpu}\n{topo}{sample}"


def figure(data: dict):
    """The heatmap (a matplotlib Figure)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    import numpy as np

    cores = data["cores"]
    n = len(cores)
    grid = np.array([[math.nan if v is None else float(v) for v in row] for row in data["p50_ns"]])
    side = min(12.0, 3.2 + 0.35 * n)
    fig = Figure(figsize=(side + 1.6, side), dpi=out.FIGURE_DPI)
    ax = fig.add_subplot()
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#eeeeee")  # not measured: a core without an SMT sibling
    image = ax.imshow(grid, cmap=cmap, interpolation="nearest")
    fig.colorbar(image, ax=ax, label="round trip p50 (ns)", shrink=0.8)
    step = max(1, n // 32)
    ticks = list(range(0, n, step))
    labels = [str(cores[i]["cpu"]) for i in ticks]
    ax.set_xticks(ticks, labels, rotation=90 if n > 16 else 0)
    ax.set_yticks(ticks, labels)
    ax.set_xlabel("CPU (echo side)")
    ax.set_ylabel("CPU (timing side)")
    for key, width in (("l3", 0.8), ("package", 2.0)):
        for b in _boundaries(cores, key):
            ax.axhline(b - 0.5, color="white", linewidth=width)
            ax.axvline(b - 0.5, color="white", linewidth=width)
    if n <= ANNOTATE_UP_TO:
        finite = grid[np.isfinite(grid)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0
        for i in range(n):
            for j in range(n):
                if math.isfinite(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.0f}", ha="center", va="center", fontsize=9,
                            color="black" if grid[i, j] > middle else "white")
    ax.set_title(_title(data), fontsize=9)
    return fig


def make_parser():
    parser = swcli.ArgumentParser(prog=PROG, description="Draw a core-to-core map (swlab machine --matrix --out).")
    parser.add_argument("map", help="the map's JSON file")
    parser.add_argument("--out", metavar="DIR", help="where to write the figure (default: beside the file)")
    parser.add_argument("--svg", action="store_true", help="also write SVG")
    return parser


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    args = make_parser().parse_args(argv)
    path = Path(args.map)
    try:
        data = load(path)
    except CoreMapError as e:
        return swcli.fail(prog, str(e))
    outdir = Path(args.out) if args.out else path.parent
    stem = out.safe_name(path.stem)

    def draw() -> int:
        fig = figure(data)
        try:
            out.ensure_directory(outdir)
            for ext in ("png", "svg") if args.svg else ("png",):
                target = out.inside(outdir, outdir / f"{stem}.{ext}")
                out.write_figure(target, fig, ext)
                print(target)
        except out.OutputError as e:
            return swcli.fail(prog, str(e))
        except OSError as e:
            return swcli.fail(prog, f"cannot write into {outdir}: {e.strerror or e}")
        return 0

    return swcli.guarded(prog, str(path), draw)


if __name__ == "__main__":
    sys.exit(main())
