"""What the student sees (the terminal) and everything else (the log file)."""

from __future__ import annotations

import sys
import time
from pathlib import Path


class Console:
    """Lines for the student go to stdout and the log; the output of every child goes
    to the log only. On a terminal, progress is one line rewritten in place; when the
    output is a pipe or a file (CI, `| tee`), progress is a line of its own at most
    every `quiet_s` seconds, so a long build or part still shows it is alive."""

    def __init__(self, log_path: Path, tty: bool | None = None, quiet_s: float = 15.0):
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.path = log_path
        self._log = open(log_path, "w", encoding="utf-8", errors="replace")
        self.tty = sys.stdout.isatty() if tty is None else tty
        self._quiet_s = quiet_s
        self._last_progress = 0.0
        self.started = time.monotonic()

    def log(self, text: str):
        self._log.write(text if text.endswith("\n") else text + "\n")
        self._log.flush()

    def say(self, line: str = ""):
        if self.tty:
            sys.stdout.write("\r\033[K")
        print(line, flush=True)
        self.log(line)

    def progress(self, text: str, force: bool = False):
        if self.tty:
            sys.stdout.write("\r\033[K" + text[:100])
            sys.stdout.flush()
            return
        now = time.monotonic()
        if force or now - self._last_progress >= self._quiet_s:
            self._last_progress = now
            print(f"  ... {text} ({now - self.started:.0f} s)", flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def close(self):
        self._log.close()


def fmt(x: float) -> str:
    return f"{x:.1f}"
