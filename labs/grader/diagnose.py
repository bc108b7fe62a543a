"""What a failure says, in the student's terms: the first failed assertion, a race
from the student's frames, and for a hung test where each of its threads waited."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .options import ROOT


def short_path(path: str, tree: Path) -> str:
    """A path as the student knows it: relative to the tree (the test binaries are
    compiled from the build directory, so their paths start with ../../)."""
    path = re.sub(r"^(\.\./)+", "", path)
    for base in (str(tree) + "/", str(ROOT) + "/"):
        if path.startswith(base):
            return path[len(base):]
    return path


def is_students(path: str, student_files: list[str]) -> bool:
    """A wrong solution's files are generated into the build tree
    (build/<preset>/labs/wrong/...): matched by their end."""
    for s in student_files:
        if path == s or path.endswith("/" + s):
            return True
        if "/wrong/" in path and Path(path).name == Path(s).name:
            return True
    return False


def first_failure(out: str, tree: Path) -> list[str]:
    """The first failed assertion in a test's output: its location and up to 5 lines."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(.+?):(\d+): (Failure|error: .*)$", line)
        if not m:
            continue
        msg = []
        for l in lines[i + 1:]:
            if l.startswith("[") or re.match(r"^(.+?):(\d+): Failure$", l) or (not l.strip() and msg):
                break
            if l.strip():
                msg.append(l.rstrip())
        shown = msg[:5] + ([f"... ({len(msg) - 5} more lines in the log)"] if len(msg) > 5 else [])
        return [f"at {short_path(m.group(1), tree)}:{m.group(2)}"] + ["  " + l for l in shown]
    return []


def short_function(func: str) -> str:
    if func.startswith("operator()") or "{lambda" in func:
        return "a lambda"
    func = re.sub(r"\(.*", "", func)
    while re.search(r"<[^<>]*>", func):
        func = re.sub(r"<[^<>]*>", "", func)
    return func.split("::")[-1]


PROJECT_DIRS = ("labs/", "engines/", "bench/", "tests/")

FRAME = re.compile(r"^\s+#\d+ (.+?) (/\S+?):(\d+)(?::\d+)? \(")


def _tsan_access(block: str, tree: Path, student_files: list[str]) -> tuple[str, bool] | None:
    head = block.splitlines()[0].strip()
    if head.startswith(("Location is", "Mutex", "Thread T")) and "created" in head:
        return None
    if not re.match(r"(Write|Read|Previous|Atomic|Location|Mutex)", head):
        return None
    frames = [m for m in (FRAME.match(l) for l in block.splitlines()[1:]) if m]
    if not frames:
        return None
    mine = [f for f in frames if is_students(short_path(f.group(2), tree), student_files)]
    project = [f for f in frames if short_path(f.group(2), tree).startswith(PROJECT_DIRS)]
    f = (mine or project or frames)[0]
    what = re.sub(r" at 0x[0-9a-f]+", "", head).rstrip(":")
    what = re.sub(r" \(mutexes: .*\)", "", what)
    return f"{what}: in {short_function(f.group(1))} at {short_path(f.group(2), tree)}:{f.group(3)}", bool(mine)


def condense_tsan(out: str, tree: Path, student_files: list[str]) -> list[str]:
    """A ThreadSanitizer report in a few lines: its kind, and for each access the first
    frame in the student's files (else the first in the project's code). When neither
    access passes through the student's files, it says what that usually means."""
    m = re.search(r"WARNING: ThreadSanitizer: (.+?)(?: \(pid=\d+\))?$", out, re.M)
    if not m:
        return []
    report = out[m.start():]
    end = report.find("SUMMARY: ThreadSanitizer")
    report = report[:end if end >= 0 else None]
    shown, yours = [], False
    for block in re.split(r"\n(?=  \S)", report)[1:]:
        access = _tsan_access(block, tree, student_files)
        if access:
            shown.append(access[0])
            yours |= access[1]
        if len(shown) == 2:
            break
    lines = [f"ThreadSanitizer: {m.group(1)}"] + ["  " + s for s in shown]
    if shown and not yours:
        lines.append("  neither access is in your files: the test's own accesses raced, which happens when your "
                     "code lets a caller go on too early (a wait that returns before the reply is complete, a "
                     "publish without release)")
    return lines


# ---- a hung test: the watchdog's stack dump (labs/common/lab_main.cpp), symbolised


STACK_THREAD = re.compile(r"^\[  THREAD  \] (\d+)(?: \((.*)\))?$")
STACK_FRAME = re.compile(r"^\s+#(\d+) (\S+)\+0x([0-9a-f]+)$")


def _symbolise(binary: str, offsets: list[int]) -> list[tuple[str, str, int]]:
    """(function, file, line) for each offset into `binary`, via addr2line, the frames
    inlined into it first (-i: with optimisation, most of a protocol is inlined)."""
    if not offsets:
        return []
    try:
        p = subprocess.run(["addr2line", "-a", "-i", "-C", "-f", "-e", binary,
                            *[hex(max(o - 1, 0)) for o in offsets]], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return []
    out, lines, i = [], p.stdout.splitlines(), 0
    while i < len(lines):
        if lines[i].startswith("0x"):
            i += 1
            continue
        func, loc = lines[i], lines[i + 1] if i + 1 < len(lines) else "??:0"
        file, _, line = loc.rpartition(":")
        line = re.sub(r"\D.*", "", line)
        out.append((func, file, int(line) if line.isdigit() else 0))
        i += 2
    return out


def _parse_stacks(out: str) -> list[tuple[str, list[tuple[str, int]]]]:
    threads = []
    for l in out.splitlines():
        m = STACK_THREAD.match(l)
        if m:
            threads.append((m.group(2) or f"thread {m.group(1)}", []))
            continue
        f = STACK_FRAME.match(l)
        if f and threads:
            threads[-1][1].append((f.group(2), int(f.group(3), 16)))
    return threads


def _where(frames, tree: Path, student_files: list[str]) -> str | None:
    by_binary: dict[str, list[int]] = {}
    for binary, off in frames:
        by_binary.setdefault(binary, []).append(off)
    located = []
    for binary, offs in by_binary.items():
        located += _symbolise(binary, offs)
    located = [(fn, short_path(f, tree), ln) for fn, f, ln in located if ln > 0 and f != "??"]
    mine = [x for x in located if is_students(x[1], student_files)]
    project = [x for x in located if x[1].startswith(PROJECT_DIRS)]
    pick = (mine or project)
    if not pick:
        return None
    fn, f, ln = pick[0]
    return f"in {short_function(fn)} at {f}:{ln}"


def where_threads_waited(out: str, tree: Path, student_files: list[str]) -> list[str]:
    """One line per thread of a hung test: its first frame in the student's files (else
    in the project's code), from the watchdog's dump."""
    lines = []
    for name, frames in _parse_stacks(out)[:8]:
        where = _where(frames, tree, student_files)
        if where:
            lines.append(f"  {name}: {where}")
    return (["where each thread was when the watchdog stopped it:"] + lines) if lines else []
