#!/usr/bin/python3
"""Makes a results set small enough to commit (at most a few MB): results.json keeps every
summary, the time series and every run setting, and loses the full histograms' buckets (the
summary's percentiles stay exact); hgrm/ is not committed (.gitignore).

    scripts/slim_results.py [--drop by_type,time_series] DIR [DIR ...]

For each DIR holding a results.json: the full file is kept beside it as results.full.json
(git-ignored, for figures that need whole distributions: plot.py DIR/results.full.json), and
results.json is rewritten with `"histograms": "stripped"` at the top and every histogram's
buckets emptied. Run it after plot.py and report.py have drawn from the full file;
scripts/reference.sh and scripts/claims.sh do. To regenerate the histograms, re-run the set's
command (results.json records it, and `swlab run --from FILE --run ID` re-runs one run).

--drop empties more of each run, for sets whose size is in their runs' count (a claims set's
contention sweep holds 324 runs): `by_type` (the latency per command type, which no script
reads) becomes {}, `time_series` keeps its columns and loses its rows (what is decided from
the series, summary.steady, summary.intervals and summary.tail_stability, was recorded by the
run and stays). Each dropped section is marked at the top like the histograms
(`"time_series": "stripped"`), and results.full.json keeps it.
A directory already slimmed is left as it is. Exit 2 on a bad argument or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import swlab_cli as swcli
import swlab_output as out
import swlab_results as sr

PROG = "slim_results.py"
# What --drop empties in each run, by section: the latency per command type entirely, the time
# series down to its columns (no script reads the rows of a slimmed set).
EMPTIED = {"by_type": lambda section: {}, "time_series": lambda section: {**section, "rows": []}}
DROPPABLE = tuple(EMPTIED)


def drop_list(text: str) -> tuple[str, ...]:
    """--drop's value: a comma list of DROPPABLE sections."""
    names = tuple(n for n in text.split(",") if n)
    unknown = [n for n in names if n not in DROPPABLE]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"takes {' and/or '.join(DROPPABLE)}, comma-separated; got {text!r}")
    return names


def slim(directory: Path, drop: tuple[str, ...] = ()) -> str:
    full = directory / "results.full.json"
    path = directory / sr.RESULTS_NAME
    results = sr.load(path)  # refuses a malformed file with one line, before anything is written
    data = results.data
    if data.get("histograms") == "stripped":
        return f"{path}: already slim"
    text = path.read_text(encoding="utf-8")
    out.write_text(full, text)
    data["histograms"] = "stripped"
    for section in drop:
        data[section] = "stripped"
    for run in data["runs"]:
        for key in ("histogram", "histogram_uncorrected"):
            if isinstance(run.get(key), dict):
                run[key]["buckets"] = []
        for section in drop:
            if isinstance(run.get(section), dict):
                run[section] = EMPTIED[section](run[section])
    out.write_text(path, json.dumps(data, separators=(",", ":")) + "\n")
    return f"{path}: {len(text) >> 10} KB -> {path.stat().st_size >> 10} KB (full: {full.name})"


def main(argv: list[str]) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--drop", metavar="SECTIONS", type=drop_list, default=(),
                        help=f"also empty these sections of every run: {','.join(DROPPABLE)}")
    parser.add_argument("dirs", nargs="+", help="results directories")
    args = parser.parse_args(argv)
    for d in args.dirs:
        directory = Path(d)
        if not (directory / sr.RESULTS_NAME).is_file():
            return swcli.fail(PROG, f"{directory}: no {sr.RESULTS_NAME}")
        try:
            print(slim(directory, args.drop))
        except sr.ResultsError as e:
            return swcli.fail(PROG, str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
