#!/usr/bin/python3
"""Makes a results set small enough to commit (at most a few MB): results.json keeps every
summary, the time series and every run setting, and loses the full histograms' buckets (the
summary's percentiles stay exact); hgrm/ is not committed (.gitignore).

    scripts/slim_results.py DIR [DIR ...]

For each DIR holding a results.json: the full file is kept beside it as results.full.json
(git-ignored, for figures that need whole distributions: plot.py DIR/results.full.json), and
results.json is rewritten with `"histograms": "stripped"` at the top and every histogram's
buckets emptied. Run it after plot.py and report.py have drawn from the full file;
scripts/reference.sh and scripts/claims.sh do. To regenerate the histograms, re-run the set's
command (results.json records it, and `swlab run --from FILE --run ID` re-runs one run).
A directory already slimmed is left as it is. Exit 2 on a bad argument or an unreadable file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import swlab_cli as swcli
import swlab_output as out
import swlab_results as sr

PROG = "slim_results.py"


def slim(directory: Path) -> str:
    full = directory / "results.full.json"
    path = directory / sr.RESULTS_NAME
    results = sr.load(path)  # refuses a malformed file with one line, before anything is written
    data = results.data
    if data.get("histograms") == "stripped":
        return f"{path}: already slim"
    text = path.read_text(encoding="utf-8")
    out.write_text(full, text)
    data["histograms"] = "stripped"
    for run in data["runs"]:
        for key in ("histogram", "histogram_uncorrected"):
            if isinstance(run.get(key), dict):
                run[key]["buckets"] = []
    out.write_text(path, json.dumps(data, separators=(",", ":")) + "\n")
    return f"{path}: {len(text) >> 10} KB -> {path.stat().st_size >> 10} KB (full: {full.name})"


def main(argv: list[str]) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", help="results directories")
    args = parser.parse_args(argv)
    for d in args.dirs:
        directory = Path(d)
        if not (directory / sr.RESULTS_NAME).is_file():
            return swcli.fail(PROG, f"{directory}: no {sr.RESULTS_NAME}")
        try:
            print(slim(directory))
        except sr.ResultsError as e:
            return swcli.fail(PROG, str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
