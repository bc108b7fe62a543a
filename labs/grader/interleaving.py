"""A model checker's counterexample in the student's own lines.

A model-checked harness (tests/model/model_main.cpp) prints, for a check that fails,
Relacy's verdict and the execution that led to it: every access, in the order the
threads made them, each with the function, file and line it came from. This module
keeps the steps that happened in the student's files and in the harness, names the
threads as the harness does (`engine`, `caller`), says what each step did in words,
and shows the line of source it ran, so the story reads in the student's names:

  thread   where                 what                          the line
  caller   reply_slot.h:49       compare-exchange 0 -> 2 ok    if (word.compare_exchange_strong(...
  engine   reply_slot.h:33       exchange: was 2, now 1        if (word.exchange(kDone, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnose import is_students, short_path

# What Relacy's verdicts mean for a student.
VERDICTS = {
    "DATA RACE": "a data race: two threads accessed a plain variable, one of them writing, and no happens-before "
                 "edge (a release read by an acquire) orders them",
    "DEADLOCK": "a deadlock: every thread still running is asleep, and nothing will wake it (a lost wake-up)",
    "LIVELOCK": "a livelock: a thread spins or polls for ever without anything changing",
    "USER ASSERT FAILED": "an invariant of the protocol does not hold",
    "ACCESS TO FREED MEMORY": "an access to freed memory",
    "MEMORY LEAK": "memory allocated and never freed",
}

EVENT = re.compile(r"^\[(\d+)\] (\d+): (.*), in (.*), (.+)\((\d+)\)$")
HEAD = re.compile(r"^\[ MODEL    \] (\S+): (.*) \(threads: (.*?)[;)]")
END = re.compile(r"^\[(       OK |  FAILED  )\] (\S+): (.*)$")


@dataclass
class Step:
    thread: int
    what: str
    function: str
    file: str
    line: int
    setup: bool = False  # before the threads start (the harness's constructor and before())


@dataclass
class CheckResult:
    name: str
    what: str
    threads: dict = field(default_factory=dict)  # index -> name
    ok: bool = False
    summary: str = ""  # "46 executions in 5 ms", or "DEADLOCK after 11 executions, 4 ms"
    verdict: str = ""  # Relacy's line: "DEADLOCK (deadlock detected)", "USER ASSERT FAILED (invariant: ...)"
    steps: list = field(default_factory=list)
    ended: bool = False


def _thread_names(text: str) -> dict:
    names = {}
    for item in text.split():
        i, _, n = item.partition("=")
        if i.isdigit():
            names[int(i)] = n
    return names


def parse(output: str) -> list[CheckResult]:
    """Every check the harness ran, in order; a check cut short (a crash, the time
    limit) is there with ended False."""
    results: list[CheckResult] = []
    in_history = False
    for line in output.splitlines():
        m = HEAD.match(line)
        if m:
            results.append(CheckResult(m.group(1), m.group(2), _thread_names(m.group(3))))
            in_history = False
            continue
        if not results:
            continue
        r = results[-1]
        e = END.match(line)
        if e and e.group(2) == r.name:
            r.ok, r.summary, r.ended = e.group(1).strip() == "OK", e.group(3), True
            continue
        if line.startswith("execution history"):
            in_history = True
        elif line.startswith("thread ") and line.endswith(":"):
            in_history = False  # Relacy repeats the history per thread: the first one is enough
        elif in_history:
            ev = EVENT.match(line)
            if ev:
                if ev.group(3) == "[BEFORE END]":
                    for st in r.steps:
                        st.setup = True
                r.steps.append(Step(int(ev.group(2)), ev.group(3), ev.group(4), ev.group(5), int(ev.group(6))))
        elif not r.verdict and re.match(r"^[A-Z][A-Z ]+ \(", line):
            r.verdict = line.strip()
    return results


def _describe(what: str) -> str:
    """Relacy's description of an access, in words."""
    what = re.sub(r"^<0x[0-9a-f]+> ", "", what)
    order = re.search(r"order=(\w+)", what)
    o = f" ({order.group(1)})" if order else ""
    v = r"([^,\s]+)"
    if m := re.match(rf"atomic load, value={v}( \[NOT CURRENT\])?", what):
        stale = ": an older value, not the latest store" if m.group(2) else ""
        return f"load -> {m.group(1)}{o}{stale}"
    if m := re.match(rf"atomic store, value={v}, \(prev value={v}\)", what):
        return f"store {m.group(1)} (was {m.group(2)}){o}"
    if m := re.match(rf"(exchange|fetch_add|fetch_sub|fetch_or|fetch_and) , prev={v}, arg={v}, new={v}", what):
        return f"{m.group(1)}({m.group(3)}): was {m.group(2)}, now {m.group(4)}{o}"
    if m := re.match(rf"CAS (succ|fail) orig={v}, cmp={v}, xchg={v}", what):
        ok = "succeeds" if m.group(1) == "succ" else f"fails, it was {m.group(2)}"
        return f"compare-exchange {m.group(3)} -> {m.group(4)} {ok}{o}"
    if m := re.match(rf"store, value={v}", what):
        return f"writes {m.group(1)} (plain variable)"
    if m := re.match(rf"load, value={v}", what):
        return f"reads {m.group(1)} (plain variable)"
    if what.startswith("yield"):
        return "spins (a pause)"
    if what.startswith("blocking current thread"):
        return "is asleep"
    return what


def _function(name: str) -> str:
    name = re.sub(r" \[with .*\]$", "", name)
    if "<lambda" in name:  # a lambda: named by the function it is in
        return _function(name[:name.index("::<lambda")]) + " (a lambda)"
    while re.search(r"<[^<>]*>", name):
        name = re.sub(r"<[^<>]*>", "", name)
    name = re.sub(r"\(.*\)( const)?$", "", name)
    name = name.split(" ")[-1]
    parts = [p for p in re.split(r"::(?![^<]*>)", name) if p and not p.startswith("{anonymous}")]
    return "::".join(parts[-2:]) if len(parts) > 1 and parts[-2][:1].isupper() else parts[-1] if parts else name


class Sources:
    """Source lines by file, read once. A relative path is the compiler's, relative to
    the build directory the harness was built in."""

    def __init__(self, build_dir: Path | None = None):
        self._files: dict[str, list[str]] = {}
        self._base = build_dir

    def line(self, path: str, n: int) -> str:
        if path not in self._files:
            p = Path(path)
            if not p.is_absolute() and self._base is not None:
                p = self._base / p
            try:
                self._files[path] = p.read_text(errors="replace").splitlines()
            except OSError:
                self._files[path] = []
        lines = self._files[path]
        return lines[n - 1].strip() if 0 < n <= len(lines) else ""


def _keep(step: Step, harness: str, student_files: list[str], tree: Path) -> bool:
    """The student's steps, and the harness's that tell the story: its plain
    variables (the request, the reply), its notes and the verdict. The harness's own
    atomics are bookkeeping for its assertions: left out."""
    if step.setup or "/relacy/" in step.file or step.file.endswith("relacy_memory_model.h"):
        return False
    if step.what.startswith("[") or step.what.startswith("ITERATION"):
        return False  # Relacy's own markers: THREAD FINISHED
    if is_students(short_path(step.file, tree), student_files):
        return True
    if not step.file.endswith(harness):
        return False
    return not re.match(r"<0x[0-9a-f]+> (atomic|fetch_|exchange|CAS)", step.what)


def render(r: CheckResult, tree: Path, student_files: list[str], harness: str, build_dir: Path | None = None,
           most: int = 24) -> list[str]:
    """The lines that explain a failed check: the verdict in words, then the steps."""
    kind = r.verdict.split(" (")[0] if r.verdict else r.summary.split(" after")[0]
    lines = [VERDICTS.get(kind, kind.lower() or "the check did not finish")]
    if m := re.search(r"\(invariant: (.*)\)$", r.verdict):
        lines[0] += f": {m.group(1)}"
    steps = [s for s in r.steps if _keep(s, harness, student_files, tree)]
    if not steps:
        return lines
    sources = Sources(build_dir)
    width = max(len(n) for n in r.threads.values()) if r.threads else 8
    if len(steps) > most:
        lines.append(f"  ... {len(steps) - most} earlier steps (the log has them all)")
        steps = steps[-most:]
    lines.append("  the interleaving that breaks it (thread, where, what it did, and the line):")
    where_w = max(len(f"{Path(s.file).name}:{s.line}") for s in steps)
    for s in steps:
        where = f"{Path(s.file).name}:{s.line}"
        text = sources.line(s.file, s.line)
        who = r.threads.get(s.thread, f"thread {s.thread}")
        lines.append(f"    {who:<{width}} {where:<{where_w}} {_function(s.function)}: {_describe(s.what)}")
        if text:
            lines.append(f"    {'':<{width}} {'':<{where_w}} | {text[:90]}")
    return lines
