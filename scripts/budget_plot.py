#!/usr/bin/python3
"""One stacked bar per configuration from `swlab explain --json` files (docs/single-writer.md,
"The latency budget: swlab explain").

    scripts/budget_plot.py BUDGET.json [BUDGET.json ...] [-o FILE.png] [--quantile p50|p999]

Each bar is one configuration's end-to-end round trip at the quantile, split into its parts
(line transfers, queue operations, reply operations, book work, generator, wake-ups, or the
floor for an engine without a channel) and the residual, which is drawn hatched; a negative
part or residual is drawn below zero, so the bar's visible top is never the total: the total is marked with a
black tick and written above the bar. Configurations from several files are drawn side by side,
each labelled with its placement (near/far) and marked UNSTABLE when its floor moved.
At p99.9 only the parts with a tail have one; the rest is in the residual (the note says so).
A bad file or flag is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

RESIDUAL = "residual"
# One colour per part name, in the order the budget lists them; unknown names cycle after.
COLOURS = {
    "line transfers": "#4c72b0",
    "floor (one cross-core round trip)": "#4c72b0",
    "queue operations": "#55a868",
    "reply operations": "#64b5cd",
    "book work": "#c44e52",
    "generator": "#8172b2",
    "wake-ups": "#ccb974",
    RESIDUAL: "#bbbbbb",
}


class BadInput(Exception):
    """A file or value this script cannot draw: one line, exit 2."""


def number(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadInput(f"{where}: not a finite number: {value!r}")
    return float(value)


def load(path: Path) -> list[dict]:
    """The configurations of one budget file, each with its label and parts."""
    try:
        doc = json.loads(path.read_text())
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: not JSON: {e}") from None
    if not isinstance(doc, dict) or doc.get("budget_version") != 1:
        raise BadInput(f"{path}: not a swlab explain budget (budget_version 1)")
    configs = doc.get("configurations")
    if not isinstance(configs, list) or not configs:
        raise BadInput(f"{path}: no configurations")
    # A configuration's own placement and stability (its floor probes on either side,
    # since swlab explain brackets each); a file written before that has the invocation's.
    placement = str(doc.get("placement", "unknown"))
    unstable = bool(doc.get("unstable", False))
    out = []
    for i, c in enumerate(configs):
        where = f"{path}: configuration {i}"
        if not isinstance(c, dict) or not isinstance(c.get("parts"), list):
            raise BadInput(f"{where}: no parts")
        try:
            parts = [(str(p["name"]), p) for p in c["parts"]]
            out.append({"label": str(c.get("canonical", c.get("spec", f"#{i}"))),
                        "placement": str(c.get("placement", placement)),
                        "unstable": bool(c.get("unstable", unstable)),
                        "parts": parts, "residual": c["residual"], "total": c["total"]})
        except (KeyError, TypeError):
            raise BadInput(f"{where}: a part, the residual or the total lacks its fields") from None
    return out


def values(config: dict, key: str) -> tuple[list[tuple[str, float]], float]:
    """(part name, ns) with the residual last, and the total, at one quantile."""
    where = config["label"]
    total = number(config["total"].get(key), f"{where}: total")
    if total is None:
        raise BadInput(f"{where}: no total at {key}")
    parts = [(name, number(p.get(key), f"{where}: {name}") or 0.0) for name, p in config["parts"]]
    parts.append((RESIDUAL, number(config["residual"].get(key), f"{where}: residual") or 0.0))
    return parts, total


def short_label(config: dict) -> str:
    label = config["label"].replace("single-writer:", "sw:").replace(":", "\n")
    mark = f"\n({config['placement']}{', UNSTABLE' if config['unstable'] else ''})"
    return label + mark


def draw(configs: list[dict], key: str, out: Path) -> None:
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(configs) + 2), 5.5))
    seen: set[str] = set()
    for x, config in enumerate(configs):
        parts, total = values(config, key)
        up = down = 0.0
        for name, ns in parts:
            colour = COLOURS.get(name, f"C{len(seen) % 10}")
            base = up if ns >= 0 else down
            ax.bar(x, ns, bottom=base, color=colour, edgecolor="black", linewidth=0.4,
                   hatch="//" if name == RESIDUAL else None, label=None if name in seen else name)
            seen.add(name)
            if ns >= 0:
                up += ns
            else:
                down += ns
        ax.plot([x - 0.4, x + 0.4], [total, total], color="black", linewidth=1.5)
        ax.annotate(f"{total:.0f} ns", (x, max(total, up)), textcoords="offset points", xytext=(0, 3),
                    ha="center", fontsize=8)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(configs)), [short_label(c) for c in configs], fontsize=7)
    quantile = "p50" if key == "p50_ns" else "p99.9"
    ax.set_ylabel(f"ns at {quantile} (one round trip, 1 client)")
    title = f"Where one round trip's time goes ({quantile})"
    if key == "p999_ns":
        title += "\nparts without a tail (book work, generator) are in the residual"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


class OneLineParser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (not the usage text and the error)."""

    def error(self, message: str):
        raise BadInput(message)


def main(argv: list[str]) -> int:
    parser = OneLineParser(description="stacked bars from swlab explain --json files")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("-o", "--out", type=Path, default=Path("budget.png"))
    parser.add_argument("--quantile", choices=["p50", "p999"], default="p50")
    try:
        args = parser.parse_args(argv)
        configs = [c for f in args.files for c in load(f)]
        if args.out.is_symlink():
            raise BadInput(f"{args.out}: is a symbolic link; refusing to write through it")
        draw(configs, "p50_ns" if args.quantile == "p50" else "p999_ns", args.out)
    except BadInput as e:
        print(f"budget_plot.py: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"budget_plot.py: {args.out}: cannot write: {e.strerror}", file=sys.stderr)
        return 2
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
