"""What a lab grades: labN/given/grading.sh, a bash file written in a few verbs.

  title TEXT
  engine NAME [threads]            the lab's engine; `threads`: it has threads of its own
  pass POINTS                      the pass mark (default 70 of 100)
  model NAME POINTS CHECK_GLOB     the model checker (labN_model_*, labs/grader/interleaving.py):
                                   POINTS if every check holds, else 0; run first
  part NAME POINTS GTEST_FILTER    POINTS x (tests passed / tests run)
  strict NAME POINTS GTEST_FILTER  POINTS if every test passes, else 0: a lost request or
                                   a lost acknowledged command is not partly right
  race NAME POINTS GTEST_FILTER    strict, in the ThreadSanitizer build: a test passes
                                   only if it passes with no race report
  repeat COUNT GTEST_FILTER        the matching tests of the release parts run COUNT
                                   times with other seeds; every run must pass
  perf NAME POINTS REFERENCE METRIC THRESHOLD ARGS...
                                   swlab-labN run ARGS, the lab's engine against
                                   REFERENCE; METRIC throughput or p99; full POINTS at a
                                   ratio >= THRESHOLD, none at <= THRESHOLD/2
  bench NAME POINTS CASE THRESHOLD lab 6: lab6_bench's padded time / yours
  report NAME ARGS...              a table for the write-up (not scored)
  measure NAME ARGS...             lab 1: a sweep analysed by lab1_analyze
  rule TEXT SYMBOL...              the lab's rule: the compiled code of the student's
                                   files may not use a symbol whose demangled name
                                   contains one of SYMBOL (labs/grader/rules.py, at link
                                   time); a grading that breaks it scores 0
  step N TITLE FILTER              the handout's step N (docs/labs/labN.md): the first
                                   step whose tests or checks (FILTER) fail is named as
                                   the next one to do
  writeup FILE
The file is sourced with $hidden set for the hidden workloads.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

DSL = r"""
_r() { local IFS=$'\x1f'; printf '%s\n' "$*"; }
title() { _r title "$1"; }
engine() { _r engine "$@"; }
pass() { _r pass "$1"; }
model() { _r model "$1" "$2" "$3"; }
part() { _r part "$1" "$2" "$3"; }
strict() { _r strict "$1" "$2" "$3"; }
race() { _r race "$1" "$2" "$3"; }
repeat() { _r repeat "$1" "$2"; }
perf() { local n=$1 p=$2 r=$3 m=$4 t=$5; shift 5; _r perf "$n" "$p" "$r" "$m" "$t" "$*"; }
bench() { _r bench "$1" "$2" "$3" "$4"; }
report() { local n=$1; shift; _r report "$n" "$*"; }
measure() { local n=$1; shift; _r measure "$n" "$*"; }
rule() { local t=$1; shift; _r rule "$t" "$@"; }
step() { _r step "$1" "$2" "$3"; }
writeup() { _r writeup "$1"; }
"""

# How a part scores: "part" in proportion to what passed; the others all or nothing. "race" runs in the ThreadSanitizer build, "model" in the model checker.
KINDS = ("model", "part", "strict", "race")


@dataclass
class Part:
    name: str
    points: float
    filter: str
    kind: str


@dataclass
class Perf:
    name: str
    points: float
    reference: str
    metric: str
    threshold: float
    args: list


@dataclass
class Bench:
    name: str
    points: float
    case: str
    threshold: float


@dataclass
class Rule:
    text: str
    symbols: list


@dataclass
class Step:
    number: str
    title: str
    filter: str


@dataclass
class Spec:
    title: str = ""
    engine: str = ""
    engine_threads: bool = False
    pass_mark: float = 70
    parts: list = field(default_factory=list)
    repeats: list = field(default_factory=list)  # (count, filter)
    perfs: list = field(default_factory=list)
    benches: list = field(default_factory=list)
    reports: list = field(default_factory=list)  # (name, args)
    measures: list = field(default_factory=list)  # (name, args)
    rules: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    writeup: str = ""


class SpecError(Exception):
    pass


def read_records(grading: Path, hidden: bool) -> list[list[str]]:
    """The verbs grading.sh calls, in order, each as its fields."""
    script = DSL + f'hidden={"yes" if hidden else ""}\n. "$1"\n'
    p = subprocess.run(["bash", "-c", script, "grading", str(grading)], capture_output=True, text=True)
    if p.returncode != 0:
        raise SpecError(f"{grading} failed: {p.stderr.strip()}")
    return [line.split("\x1f") for line in p.stdout.splitlines()]


def _add(s: Spec, f: list[str]):
    verb = f[0]
    if verb == "title":
        s.title = f[1]
    elif verb == "engine":
        s.engine = f[1]
        s.engine_threads = len(f) > 2 and f[2] == "threads"
    elif verb == "pass":
        s.pass_mark = float(f[1])
    elif verb in KINDS:
        s.parts.append(Part(f[1], float(f[2]), f[3], verb))
    elif verb == "repeat":
        s.repeats.append((int(f[1]), f[2]))
    elif verb == "perf":
        s.perfs.append(Perf(f[1], float(f[2]), f[3], f[4], float(f[5]), f[6].split()))
    elif verb == "bench":
        s.benches.append(Bench(f[1], float(f[2]), f[3], float(f[4])))
    elif verb == "report":
        s.reports.append((f[1], f[2].split()))
    elif verb == "measure":
        s.measures.append((f[1], f[2].split()))
    elif verb == "rule":
        s.rules.append(Rule(f[1], f[2:]))
    elif verb == "step":
        s.steps.append(Step(f[1], f[2], f[3]))
    elif verb == "writeup":
        s.writeup = f[1]


def load_spec(grading: Path, hidden: bool = False) -> Spec:
    s = Spec()
    for fields in read_records(grading, hidden):
        try:
            _add(s, fields)
        except (IndexError, ValueError) as e:
            raise SpecError(f"{grading}: a malformed `{fields[0]}` line ({e})") from None
    return s
