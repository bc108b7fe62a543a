"""Running a child of a grading: with a time limit, in a process group that is
killed, its output read from a file (never a pipe a stray process could hold open),
and whatever it left behind killed too.

A submission's code runs inside the test binaries, so a child may fork, call
setsid() and leave a process that outlives it. Such a process escapes a process-group
kill, and if it held the end of a pipe, a read of the child's output would wait for
it. So: the output goes to a temporary file (reading it never blocks); the grader
makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so an orphan of a
child is re-parented to the grader instead of init; and after every child the grader
kills and reaps every process re-parented to it (docs/labs/instructors.md, the
threat model)."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Orphans of the grading's children become the grader's children (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry))
    return found


def kill_strays(rounds: int = 20) -> int:
    """Kills and reaps every process re-parented to the grader (a detached grandchild
    of a test); each killed one may hand its own children over, hence the rounds."""
    killed = 0
    for _ in range(rounds):
        strays = _children_of(os.getpid())
        if not strays:
            break
        for pid in strays:
            for kill in (lambda: os.killpg(os.getpgid(pid), signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except (ProcessLookupError, PermissionError, OSError):
                    pass
            killed += 1
        for pid in strays:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return killed


@dataclass
class Finished:
    status: int | None  # the exit status (negative: killed by that signal); None: timed out
    output: str
    seconds: float
    strays: int = 0  # processes it left behind, killed


def run_bounded(cmd: list[str], timeout: float, env: dict | None = None, cwd=None) -> Finished:
    """Runs cmd in a new session (its own process group) with stdout and stderr to a
    temporary file. At the time limit the whole group is killed; in every case the
    group is killed when the child ends (a test's helper processes go with it), and so
    is every process the child left re-parented to the grader."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                             start_new_session=True)
        try:
            status = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        p.wait()
        strays = kill_strays()
        out.seek(0)
        text = out.read().decode(errors="replace")
    return Finished(status, text, time.monotonic() - t0, strays)
