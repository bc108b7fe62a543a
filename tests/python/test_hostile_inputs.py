"""Hostile results.json files against every script (issue 25, item 13).

From one rich version-3 fixture (open loop with shedding, uncorrected histograms, floors,
time series, send lateness, a failed run), HOSTILE_VARIANTS files are generated: wrong types
at every kind of place, integers beyond 64 bits and of 4,300+ digits, nesting 100,000 deep,
huge bucket counts and more buckets than a histogram may have, NaN, truncation, names that
climb out of a directory. Each is handed to plot.py, report.py, compare.py (as A and as B) and
claims.py (as one of the sets of a claims directory). Every answer must be exit 0 or exit 2
with exactly one line on stderr that names the file; never a traceback, never the last-resort
message that means a check is missing (swlab_cli.BUG_NOTE), and nothing written outside
the output directory each script was given.

The scripts run in this process (each variant through four scripts as subprocesses would take
minutes), with matplotlib's rasterising replaced by a stub and claims.py drawing only the
claim that reads the hostile set: what is tested is how the inputs are read and where the
outputs go. test_a_few_variants_as_real_processes runs some of them
as a user would.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import claims
import compare
import plot
import report
import swlab_cli
import swlab_output
import swlab_results as sr
from claims_fixture import write_claims_dir
from conftest import error_lines, open_sweep, run_script, version3

HOSTILE_VARIANTS = 220
SEED = 25
MARK = "@@HOSTILE@@"


# ---------------------------------------------------------------------------------------------
# Generating the variants


def base_document() -> dict:
    """open_sweep at two of its rates (every field, half the runs: each valid variant is
    drawn, and drawing is what takes time)."""
    data = version3(open_sweep())
    data["runs"] = [r for r in data["runs"] if r.get("rate") in (100e3, 800e3)]
    return data


def paths(doc, prefix=()):
    """Every place in the document: dict keys, and the first and last element of lists."""
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(doc, list) and doc:
        for index in sorted({0, len(doc) - 1}):
            yield from paths(doc[index], prefix + (index,))


def replaced(doc, path, value):
    doc = json.loads(json.dumps(doc))
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


# Raw JSON texts no Python value dumps to: placed where MARK is.
RAW = {
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "deep object": '{"a":' * 5_000 + "1" + "}" * 5_000,
    "4300-digit integer": "9" * 4_301,
    "5000-digit negative integer": "-" + "7" * 5_000,
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "1e999": "1e999",
}
# Values a wrong-typed field might hold.
WRONG = (None, "x", "", [], {}, [1, 2], {"a": 1}, True, False, -1, 0, 1.5, 2**64, -(2**70),
         10**30, 1e308, "../../X", "a/b", "\n", [[[[]]]])


def text_with(doc, path, raw: str) -> str:
    return json.dumps(replaced(doc, path, MARK)).replace(json.dumps(MARK), raw, 1)


def variants(base: dict) -> list[tuple[str, str, bool]]:
    """(description, file text, must be refused) for HOSTILE_VARIANTS variants, the same ones
    every time (seeded)."""
    rng = random.Random(SEED)
    every = [p for p in paths(base) if p]
    text = json.dumps(base)
    run = ("runs", 0)
    out = [
        ("not JSON: empty", "", True),
        ("not JSON: truncated", text[: len(text) // 2], True),
        ("not UTF-8", "\udcff", True),  # written with surrogateescape: a lone 0xff byte
        ("top level is an array", "[]", True),
        ("top level is a number", "1", True),
        ("duplicate run id", json.dumps(replaced(base, run + ("id",), base["runs"][1]["id"])), True),
        ("every run failed", json.dumps(dict(base, runs=[dict(r, failed=True, error="x") for r in base["runs"]])), True),
        ("no runs", json.dumps(dict(base, runs=[])), True),
        ("bucket count beyond 2^62",
         json.dumps(replaced(base, run + ("histogram", "buckets", 0, 1), 2**62 + 1)), True),
        ("bucket counts adding up beyond 2^62",
         json.dumps(replaced(base, run + ("histogram", "buckets"), [[1, 2**61], [2, 2**61], [3, 2**61]])), True),
        ("more buckets than a histogram may have",
         json.dumps(replaced(base, run + ("histogram", "buckets"),
                             [[v, 1] for v in range(1, sr.MAX_BUCKETS + 2)])), True),
        ("a time series of 10^9 s intervals",
         json.dumps(replaced(base, run + ("time_series", "interval_s"), 0)), True),
        ("placement not near or far", json.dumps(replaced(base, run + ("floor", "placement"), "middle")), True),
        ("placement rule with 3 modes", json.dumps(replaced(base, ("placement_rule", "modes"), 3)), True),
        ("steady as a string", json.dumps(replaced(base, run + ("summary", "steady"), "yes")), True),
        ("send lateness p99 negative",
         json.dumps(replaced(base, run + ("summary", "send_lateness_ns", "p99"), -5)), True),
        ("inject_ns a float", json.dumps(replaced(base, run + ("engine_config", "inject_ns"), 1.5)), True),
        ("config nested 40 deep", json.dumps(replaced(base, ("config", "workload"), json.loads("[" * 40 + "]" * 40))), True),
        ("preset climbing out", json.dumps(replaced(base, run + ("preset",), "../../X")), False),
        ("preset with a slash", json.dumps(replaced(base, run + ("preset",), "a/b")), False),
        ("engine with a slash", json.dumps(replaced(base, run + ("engine",), "../x/y")), False),
        ("id with a slash", json.dumps(replaced(base, run + ("id",), "../../id")), False),
    ]
    read = (run + ("summary", "throughput"), run + ("histogram", "buckets", 0, 1), ("machine", "logical_cpus"))
    for name, raw in RAW.items():
        for path in (*read, rng.choice(every)):
            # Refused wherever it is, except a number that parses (1e999 is inf) where no
            # script reads.
            out.append((f"{name} at {'.'.join(map(str, path))}", text_with(base, path, raw),
                        name != "1e999" or path in read))
    seen = {text for _, text, _ in out}
    while len(out) < HOSTILE_VARIANTS:
        path = rng.choice(every)
        value = rng.choice(WRONG)
        text = json.dumps(replaced(base, path, value))
        if text not in seen:
            seen.add(text)
            out.append((f"{value!r:.20} at {'.'.join(map(str, path))}", text, False))
    return out


# ---------------------------------------------------------------------------------------------
# Running the scripts on them


@pytest.fixture(scope="module")
def claims_template(tmp_path_factory):
    return write_claims_dir(tmp_path_factory.mktemp("claims") / "template")


def call(main, argv) -> tuple[int, str, str]:
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            status = main(argv)
        except SystemExit as e:  # argparse; not expected here
            status = e.code
    return status, out.getvalue(), err.getvalue()


def snapshot(root: Path) -> set:
    return {p for p in root.rglob("*")}


def check(prog: str, status, stderr: str, path: Path, must_refuse: bool, what: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, (what, prog, stderr)
    assert swlab_cli.BUG_NOTE not in stderr, (what, prog, stderr)
    if status == 2:
        assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), (what, prog, lines)
        assert str(path) in lines[0], (what, prog, lines)
    else:
        assert status == 0, (what, prog, status, stderr)
        assert not must_refuse, (what, prog, "accepted a file it must refuse")


def stub_savefig(self, target, *args, **kwargs):
    """Rasterising is not what these tests test: write a few bytes where the figure goes."""
    if hasattr(target, "write"):
        target.write(b"\x89PNG stub")
    else:
        Path(target).write_bytes(b"\x89PNG stub")


def stub_figure_bytes(fig, ext: str, dpi: int) -> bytes:
    """swlab_output.figure_bytes without the palette step, which would need a real PNG."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=ext, dpi=dpi)
    return buffer.getvalue()


def test_the_variants_are_many_and_varied():
    found = variants(base_document())
    assert len(found) >= 200
    assert len({text for _, text, _ in found}) == len(found), "every variant differs"


def test_every_script_answers_every_hostile_file(tmp_path, monkeypatch, claims_template):
    monkeypatch.setattr(Figure, "savefig", stub_savefig)
    monkeypatch.setattr(swlab_output, "figure_bytes", stub_figure_bytes)
    monkeypatch.setattr(claims, "save", lambda fig, figdir, name: (claims.plt.close(fig), f"figures/{name}")[1])
    # The variant is claims.py's backpressure set: every set is read and checked first
    # (claims.preload), then only the claim that reads this one is drawn (drawing all seven
    # for each of 220 variants would take minutes and test nothing more).
    monkeypatch.setattr(claims, "CLAIMS", tuple(c for c in claims.CLAIMS if c[0] == "Backpressure"))
    base = base_document()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base))
    for i, (what, text, must_refuse) in enumerate(variants(base)):
        work = tmp_path / f"v{i}"
        work.mkdir()
        path = work / "results.json"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        outdir = work / "out"
        before = snapshot(tmp_path)
        status, _, err = call(plot.main, [str(path), "--out", str(outdir / "figures")])
        check("plot.py", status, err, path, must_refuse, what)
        status, _, err = call(report.main, [str(path), "--out", str(outdir / "report.md"),
                                            "--figures", str(outdir / "figures")])
        check("report.py", status, err, path, must_refuse, what)
        for argv in ([str(path), str(good)], [str(good), str(path), "--json"]):
            status, _, err = call(compare.main, argv)
            check("compare.py", status, err, path, must_refuse, what)
        d = work / "claims"
        shutil.copytree(claims_template, d)
        shutil.copy(path, d / "backpressure-c1024" / "results.json")
        status, _, err = call(claims.main, [str(d)])
        check("claims.py", status, err, d / "backpressure-c1024" / "results.json", must_refuse, what)
        created = snapshot(tmp_path) - before
        allowed = (outdir, d)
        stray = [p for p in created if not any(p == a or a in p.parents for a in allowed)]
        assert not stray, (what, stray)
        shutil.rmtree(work)
        claims.plt.close("all")


@pytest.mark.parametrize("index", [0, 1, 8, 20, 23, 40])
def test_a_few_variants_as_real_processes(tmp_path, index):
    what, text, must_refuse = variants(base_document())[index]
    path = tmp_path / "results.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    for script, args in (("plot.py", ["--out", tmp_path / "figs"]), ("report.py", ["--out", tmp_path / "r.md"]),
                         ("compare.py", [path])):
        proc = run_script(script, path, *args)
        assert "Traceback" not in proc.stderr, (what, script, proc.stderr)
        if must_refuse:
            assert proc.returncode == 2, (what, script)
            lines = error_lines(proc)
            assert len(lines) == 1 and str(path) in lines[0], (what, script, lines)
