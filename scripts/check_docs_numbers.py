#!/usr/bin/python3
"""Checks that every number the documentation quotes still equals its source.

    scripts/check_docs_numbers.py [--root DIR] [FILE ...]

Default: README.md and every docs/**/*.md under the repository root. Exit status 0 when every
marked number matches its source, 1 when one does not, a source is missing or malformed, or a
number that must be marked is not (each problem one line, FILE:LINE: ...), 2 for usage (a bad
flag, a FILE that cannot be read).

The format (docs/plots.md, "Numbers that cannot go stale"), invisible in rendered Markdown:

    <!-- source closed = results/2026-12-07.AMD-EPYC.2c.smt0.gcc12.6f37289/closed/results.json -->
    ... gets p50 170 ns<!-- src: median("closed:runs[engine=mutex,preset=balanced,threads=1].summary.latency_ns.p50") -->

A `source` line names a set's file once (a glob gives one value per file); a `src` mark right
after a number gives the expression it was read from; `A; B` after a range (380-610 ns) gives
one expression per number, in order. Expressions: "alias:path" reads JSON (path: keys
separated by dots, `[key=value,...]` keeps the list elements that match (a key may be dotted:
`[floor.placement=near]`), `[key^=prefix]` by
prefix, `[3]` one element; a key applied to a list applies to each element); arithmetic + - *
/; median, min, max, mean, sum, count, value (exactly one number), each_min, each_max (per
file of a glob); spread(runs, value=, by=, per=) (per group of `by`, max/min of value, or of
value/per); placement(alias, key) (swlab_stats' placement split of a results file: modes,
near_max_ns, far_min_ns, near.runs, far.min_ns ...); cell(alias, row, column) (the numbers in
a Markdown table cell); line(alias, text) (the numbers after `text` on the first line holding it).

Rounding: a quoted number matches when its source, in the quoted unit, lies within half a unit
of the quoted number's last significant digit. Digits after the decimal point are significant;
trailing zeros of a whole number are not (1,900 covers 1,850 to 1,949; 170 covers 165 to 174).
Units: ns, us, µs, ms, s (latencies, the source in ns), k, M, G (counts and rates), x (a
ratio), % (the source a fraction).

Unmarked numbers: in README.md's section "What the reference results show", every number with
one of those units must carry a mark; elsewhere marks are checked where they are, and numbers
without one are not (yet) an error.
"""

from __future__ import annotations

import ast
import glob
import math
import re
import statistics
import sys
from pathlib import Path
from typing import Any, Callable, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import swlab_results as sr  # noqa: E402
import swlab_cli as swcli  # noqa: E402
import swlab_stats as st  # noqa: E402

PROG = "check_docs_numbers.py"
REPO = Path(__file__).resolve().parent.parent
RESULTS_SECTION = ("README.md", "## What the reference results show")

SOURCE = re.compile(r"<!--\s*source\s+([A-Za-z_][\w-]*)\s*=\s*(\S+)\s*-->")
MARK = re.compile(r"<!--\s*src:\s*(.*?)\s*-->", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE = re.compile(r"`[^`\n]*`")
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
SCALE = {"ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "k": 1e3, "M": 1e6, "G": 1e9,
         "x": 1.0, "%": 0.01, "": 1.0}
NUMBER = re.compile(r"(?<![\w.,/])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
                    r"(?:(?P<tight>x|%)|\s?(?P<unit>ns|us|µs|ms|s|k|M|G)(?![A-Za-z]))?"
                    r"(?![\w])")


class DocError(Exception):
    """A problem in a document; str() is the message, the caller adds FILE:LINE."""


# ---------------------------------------------------------------------------------------------
# Quoted numbers


class Quoted(NamedTuple):
    start: int
    end: int
    text: str
    value: float       # as written, in its unit
    unit: str
    tolerance: float   # half a unit of the last significant digit, in its unit

    def matches(self, source: float) -> bool:
        scaled = source / SCALE[self.unit]
        return abs(scaled - self.value) <= self.tolerance * (1 + 1e-9) + 1e-12


def quoted_numbers(text: str) -> list[Quoted]:
    """Numbers in text (prose: code, link targets and comments are blanked first), each with
    its unit; a unitless number right before "-" and a number with a unit (380-610 ns) takes
    that unit."""
    found = []
    for m in NUMBER.finditer(text):
        digits, frac = m.group("int").replace(",", ""), m.group("frac") or ""
        unit = m.group("tight") or m.group("unit") or ""
        if frac:
            tolerance = 0.5 * 10 ** -(len(frac) - 1)
        else:
            tolerance = 0.5 * 10 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 0.5
        found.append(Quoted(m.start(), m.end(), m.group(0), float(digits + frac), unit, tolerance))
    for i, q in enumerate(found[:-1]):
        nxt = found[i + 1]
        if not q.unit and text[q.end:nxt.start] in ("-", "–") and nxt.unit:
            found[i] = q._replace(unit=nxt.unit)
    return found


def blank(text: str, pattern: re.Pattern) -> str:
    """text with every match of pattern replaced by spaces (newlines kept): positions and
    line numbers stay, the content no longer counts as prose."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def prose(text: str) -> str:
    for pattern in (FENCE, COMMENT, CODE, LINK_TARGET):
        text = blank(text, pattern)
    return text


# ---------------------------------------------------------------------------------------------
# Sources


class Sources:
    """The `source` aliases of one document and the files they name, read once."""

    def __init__(self, root: Path):
        self.root = root
        self.aliases: dict[str, str] = {}
        self._cache: dict[Path, Any] = {}

    def files(self, alias: str) -> list[Path]:
        if alias not in self.aliases:
            raise DocError(f"unknown source {alias!r} (declare it: <!-- source {alias} = PATH -->)")
        pattern = self.aliases[alias]
        if any(c in pattern for c in "*?["):
            paths = sorted(Path(p) for p in glob.glob(str(self.root / pattern)))
        else:
            paths = [self.root / pattern]
        missing = [p for p in paths if not p.is_file()]
        if not paths or missing:
            raise DocError(f"source {alias}: {pattern}: no such file")
        return paths

    def document(self, path: Path) -> Any:
        if path not in self._cache:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise DocError(f"{path}: cannot read: {e}") from None
            if path.suffix == ".json":
                try:
                    self._cache[path] = sr.parse_json(path, text)
                except sr.ResultsError as e:
                    raise DocError(str(e)) from None
            else:
                self._cache[path] = text
        return self._cache[path]

    def read(self, ref: str) -> Any:
        """"alias:path": the value(s) there; a glob alias gives one per file."""
        alias, _, path = ref.partition(":")
        paths = self.files(alias)
        values = [walk(self.document(p), path, f"{alias}:{path}") for p in paths]
        is_glob = any(c in self.aliases[alias] for c in "*?[")
        return values if is_glob else values[0]


def split_path(path: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in path:
        if ch == "." and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"[": 1, "]": -1}.get(ch, 0)
        current += ch
    return [p for p in parts + [current] if p]


STEP = re.compile(r"^([^\[\]]*)((?:\[[^\]]*\])*)$")


def walk(doc: Any, path: str, where: str) -> Any:
    """The value at path (see the module's doc); a list when a filter or a list fanned out."""
    nodes, fanned = [doc], False
    for part in split_path(path):
        m = STEP.match(part)
        if not m:
            raise DocError(f"{where}: cannot read the path step {part!r}")
        name, filters = m.group(1), re.findall(r"\[([^\]]*)\]", m.group(2))
        if name:
            nodes, fanned = _key(nodes, name, where, fanned)
        for f in filters:
            nodes, fanned = _filter(nodes, f, where, fanned)
    return nodes if fanned else nodes[0]


def _key(nodes: list, name: str, where: str, fanned: bool) -> tuple[list, bool]:
    out = []
    for node in nodes:
        if isinstance(node, list):
            fanned = True
            node_list = node
        else:
            node_list = [node]
        for item in node_list:
            if not isinstance(item, dict) or name not in item:
                raise DocError(f"{where}: no key {name!r} there")
            out.append(item[name])
    return out, fanned


def _filter(nodes: list, f: str, where: str, fanned: bool) -> tuple[list, bool]:
    if re.fullmatch(r"-?\d+", f.strip()):
        try:
            return [node[int(f)] for node in nodes], fanned
        except (IndexError, KeyError, TypeError):
            raise DocError(f"{where}: no element [{f}] there") from None
    conditions = []
    for cond in f.split(","):
        m = re.fullmatch(r"\s*([\w.-]+)\s*(\^?=)\s*(.*?)\s*", cond)
        if not m:
            raise DocError(f"{where}: cannot read the filter [{f}]")
        conditions.append(m.groups())
    out = []
    for node in nodes:
        if not isinstance(node, list):
            raise DocError(f"{where}: the filter [{f}] needs a list")
        out += [item for item in node if isinstance(item, dict)
                and all(_matches(_nested(item, k), op, v) for k, op, v in conditions)]
    if not out:
        raise DocError(f"{where}: nothing matches [{f}]")
    return out, True


def _nested(item: dict, key: str) -> Any:
    """item's value at a dotted key (floor.placement), None where a step is missing."""
    for part in key.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(part)
    return item


def _matches(value: Any, op: str, wanted: str) -> bool:
    if op == "^=":
        return isinstance(value, str) and value.startswith(wanted)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(wanted) == value
        except ValueError:
            return False
    return value is not None and str(value) == wanted


# ---------------------------------------------------------------------------------------------
# Expressions


def numbers(value: Any) -> list[float]:
    """Every number in value, nested lists flattened."""
    if isinstance(value, bool):
        raise DocError("a boolean is not a number")
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, list):
        return [x for v in value for x in numbers(v)]
    raise DocError(f"expected numbers, found {type(value).__name__}")


def _flat(value: Any) -> list:
    return [x for v in value for x in _flat(v)] if isinstance(value, list) else [value]


def _nonempty(xs: list[float], name: str) -> list[float]:
    if not xs:
        raise DocError(f"{name}() of nothing")
    return xs


def _value(x: Any) -> float:
    xs = numbers(x)
    if len(xs) != 1:
        raise DocError(f"value() needs exactly one number, found {len(xs)} (use median, min, max ...)")
    return xs[0]


def _spread(runs: Any, value: str = "", by: str = "", per: str | None = None) -> list[float]:
    """Per group of runs (fields in `by`), max/min of `value` (or of value/per)."""
    groups: dict[tuple, list[float]] = {}
    for run in _flat(runs):
        if not isinstance(run, dict):
            raise DocError("spread() needs runs")
        x = _value(walk(run, value, value))
        if per:
            x /= _value(walk(run, per, per))
        groups.setdefault(tuple(str(run.get(k)) for k in by.split(",") if k), []).append(x)
    return [max(v) / min(v) for v in groups.values() if min(v) > 0]


def _elementwise(op: Callable, a: Any, b: Any) -> Any:
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            raise DocError(f"lists of {len(a)} and {len(b)} values cannot be combined")
        return [_elementwise(op, x, y) for x, y in zip(a, b)]
    if isinstance(a, list):
        return [_elementwise(op, x, b) for x in a]
    if isinstance(b, list):
        return [_elementwise(op, a, x) for x in b]
    x, y = _value(a), _value(b)
    try:
        return op(x, y)
    except ZeroDivisionError:
        raise DocError("division by zero") from None


class Evaluator:
    """Evaluates one mark's expression: a small, safe subset of Python (no names but the
    functions below, no attributes), strings "alias:path" read from the sources."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.functions = {
            "median": lambda x: statistics.median(_nonempty(numbers(x), "median")),
            "min": lambda x: min(_nonempty(numbers(x), "min")),
            "max": lambda x: max(_nonempty(numbers(x), "max")),
            "mean": lambda x: statistics.fmean(_nonempty(numbers(x), "mean")),
            "sum": lambda x: math.fsum(numbers(x)),
            "count": lambda x: float(len(_flat(x))),
            "value": _value,
            "each_min": lambda x: [min(numbers(v)) for v in x],
            "each_max": lambda x: [max(numbers(v)) for v in x],
            "spread": _spread,
            "placement": self.placement,
            "cell": self.cell,
            "line": self.line,
        }

    def __call__(self, expression: str) -> float:
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except SyntaxError as e:
            raise DocError(f"cannot read the expression {expression!r}: {e.msg}") from None
        return _value(self.eval(tree.body))

    def eval(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return node.value
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.sources.read(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return _elementwise(lambda x, y: x * y, self.eval(node.operand), -1.0)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return _elementwise(OPERATORS[type(node.op)], self.eval(node.left), self.eval(node.right))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            seq = self.eval(node.value)
            try:
                return seq[node.slice.value]
            except (IndexError, TypeError, KeyError):
                raise DocError(f"no element [{node.slice.value!r}]") from None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self.functions:
            return self.call(node)
        raise DocError(f"not allowed in a source expression: {ast.unparse(node)!r}")

    def call(self, node: ast.Call) -> Any:
        name = node.func.id
        raw = name in ("placement", "cell", "line")  # their string arguments are names, not paths
        args = [n.value if raw and isinstance(n, ast.Constant) else self.eval(n) for n in node.args]
        kwargs = {}
        for kw in node.keywords:
            if not isinstance(kw.value, ast.Constant) or kw.arg is None:
                raise DocError(f"{name}(): keyword arguments must be constants")
            kwargs[kw.arg] = kw.value.value
        try:
            return self.functions[name](*args, **kwargs)
        except TypeError as e:
            raise DocError(f"{name}(): {e}") from None

    def placement(self, alias: str, key: str) -> float:
        """A figure of the placement split of a results file (swlab_stats), by key."""
        path = self.sources.files(alias)[0]
        try:
            results = sr.load(path)
        except sr.ResultsError as e:
            raise DocError(str(e)) from None
        rule, counts = results.rule, results.placement_counts()
        probes: dict[str, list[float]] = {st.NEAR: [], st.FAR: []}
        for run in results.runs:
            for when in ("before", "after"):
                v = sr.floor_ns(run, when)
                if v:
                    probes[rule.mode_of(v)].append(v)
        table = {"modes": rule.modes, "near_max_ns": rule.near_max_ns, "far_min_ns": rule.far_min_ns}
        for p in st.PLACEMENTS:
            table[f"{p}.runs"] = counts[p]
        for p, values in probes.items():
            if values:
                table.update({f"{p}.probes": len(values), f"{p}.min_ns": min(values),
                              f"{p}.median_ns": statistics.median(values), f"{p}.max_ns": max(values)})
        if table.get(key) is None:
            raise DocError(f"placement({alias!r}): no {key!r} (keys: {', '.join(sorted(table))})")
        return float(table[key])

    def cell(self, alias: str, row: str, column: str) -> list[float]:
        """The numbers in a Markdown table cell: the first table with the column whose first
        cell of some row is `row`."""
        text = self.sources.document(self.sources.files(alias)[0])
        for header, rows in markdown_tables(text):
            if column in header:
                for cells in rows:
                    if cells and cells[0] == row and len(cells) > header.index(column):
                        return [q.value for q in quoted_numbers(cells[header.index(column)])]
        raise DocError(f"cell({alias!r}): no table with a row {row!r} and a column {column!r}")


    def line(self, alias: str, text: str) -> list[float]:
        """The numbers on the first line of a Markdown source that contains `text` (a verdict
        line of claims.md, with its interval), after `text` itself."""
        document = self.sources.document(self.sources.files(alias)[0])
        for line in document.splitlines():
            if text in line:
                return [q.value for q in quoted_numbers(line[line.index(text) + len(text):])]
        raise DocError(f"line({alias!r}): no line contains {text!r}")


OPERATORS = {ast.Add: lambda x, y: x + y, ast.Sub: lambda x, y: x - y,
             ast.Mult: lambda x, y: x * y, ast.Div: lambda x, y: x / y}


def markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    tables, lines = [], text.splitlines()
    i = 0
    while i < len(lines) - 1:
        if lines[i].startswith("|") and re.match(r"^\|[\s:|-]+\|$", lines[i + 1].strip()):
            header = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            tables.append((header, rows))
        else:
            i += 1
    return tables


# ---------------------------------------------------------------------------------------------
# Checking a document


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def check_document(path: Path, shown: str, root: Path) -> list[str]:
    """Every problem of one document, as 'FILE:LINE: message' lines."""
    text = path.read_text(encoding="utf-8")
    sources, problems = Sources(root), []
    # Marks and sources inside code (an example of the format) are not marks.
    live = blank(blank(text, FENCE), CODE)
    for m in SOURCE.finditer(live):
        sources.aliases[m.group(1)] = m.group(2)
    evaluate = Evaluator(sources)
    clean = prose(text)  # the same length as text: positions agree
    covered: set[int] = set()
    previous = 0
    for m in MARK.finditer(live):
        line = line_of(text, m.start())
        expressions = [e for e in m.group(1).split(";") if e.strip()]
        segment = previous
        candidates = quoted_numbers(clean[segment:m.start()])
        previous = m.end()
        if not expressions or len(candidates) < len(expressions):
            problems.append(f"{shown}:{line}: the mark gives {len(expressions)} source(s) but "
                            f"{len(candidates)} number(s) precede it")
            continue
        for q, expression in zip(candidates[-len(expressions):], expressions):
            covered.add(segment + q.start)
            problems += check_number(shown, line, q, expression, evaluate)
    return problems + unmarked(shown, text, clean, covered)


def check_number(shown: str, line: int, q: Quoted, expression: str, evaluate: Evaluator) -> list[str]:
    try:
        value = evaluate(expression)
    except DocError as e:
        return [f"{shown}:{line}: {q.text}: {e}"]
    except (RecursionError, MemoryError, OverflowError, ValueError) as e:
        return [f"{shown}:{line}: {q.text}: cannot evaluate {expression.strip()!r}: {e}"]
    if q.matches(value):
        return []
    return [f"{shown}:{line}: {q.text} differs from its source: {expression.strip()} = "
            f"{value / SCALE[q.unit]:.6g}{q.unit}"]


def unmarked(shown: str, text: str, clean: str, covered: set[int]) -> list[str]:
    """The rule for numbers without a mark: in README.md's results section, every number with
    a unit must have one."""
    name, heading = RESULTS_SECTION
    if shown != name:  # the repository's README.md, named relative to --root
        return []
    start = text.find("\n" + heading + "\n")
    if start < 0:
        return []
    end = text.find("\n## ", start + len(heading) + 1)
    end = len(text) if end < 0 else end
    return [f"{shown}:{line_of(text, start + q.start)}: {q.text.strip()} has no source mark "
            "(<!-- src: ... --> right after it)"
            for q in quoted_numbers(clean[start:end]) if q.unit and start + q.start not in covered]


def default_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def main(argv: list[str] | None = None) -> int:
    parser = swcli.ArgumentParser(prog=PROG, description="Check every number README.md and docs/ "
                               "quote against the source its mark names (see docs/plots.md).")
    parser.add_argument("files", nargs="*", help="Markdown files (default: README.md and docs/**/*.md)")
    parser.add_argument("--root", default=str(REPO), help="the directory source paths are relative "
                        "to (default: the repository)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not root.is_dir():
        return swcli.fail(PROG, f"--root {root}: no such directory")
    files = [Path(f) for f in args.files] or default_files(root)
    for f in files:
        if not f.is_file():
            return swcli.fail(PROG, f"{f}: no such file")
    problems = []
    for f in files:
        try:
            shown = str(f.relative_to(root)) if f.is_absolute() and f.is_relative_to(root) else str(f)
            problems += check_document(f, shown, root)
        except (OSError, UnicodeDecodeError) as e:
            return swcli.fail(PROG, f"{f}: cannot read: {getattr(e, 'strerror', None) or e}")
    for p in problems:
        print(p)
    marks = sum(len(MARK.findall(blank(blank(f.read_text(encoding="utf-8"), FENCE), CODE))) for f in files)
    print(f"{PROG}: {len(files)} file(s), {marks} mark(s), {len(problems)} problem(s)",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
