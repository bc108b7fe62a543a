"""The builds a grading needs: only the lab's targets, in the configurations grading
runs (release; ThreadSanitizer for the race parts; the model checker's harness is a
target of the release build), with progress when the output is not a terminal, and
the lab's rules reported by name when the build breaks one."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .console import Console

# A fresh build directory the grader configures itself gets the grading's own
# configuration: no Rust crate (channel=tokio, which no lab grades against) and no
# microbenchmarks, which the labs do not run. A directory the student configured is
# used as it is.
GRADING_CACHE = ["-DSWLAB_TOKIO=OFF", "-DSWLAB_BUILD_BENCHMARKS=OFF"]

# What the build prints when a lab's rule is broken (labs/grader/rules.py, and the
# reference guard's #error in labs/common/rules/student/).
RULE_LINE = re.compile(r"lab rule broken: (.*?)\"?$")


@dataclass
class BuildResult:
    ok: bool
    seconds: float = 0
    rule: str = ""  # the rule a failed build broke, named
    errors: list | None = None  # the first error lines of a failed build


def _stream(cmd: list[str], console: Console, what: str, cwd=None) -> tuple[int, str]:
    """Runs a build command, its output to a temporary file that is polled for
    ninja's [n/N] so the student sees progress on a terminal and off it."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while True:
            try:
                rc = p.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                out.seek(max(0, out.seek(0, 2) - 4096))
                steps = re.findall(rb"\[(\d+)/(\d+)\]", out.read())
                if steps:
                    n, total = steps[-1]
                    console.progress(f"building {what}: step {int(n)} of {int(total)}")
                out.seek(0, 2)
        out.seek(0)
        text = out.read().decode(errors="replace")
    console.log(f"$ {' '.join(map(str, cmd))}\n{text}")
    return rc, text


def configure(tree: Path, build_dir: Path, preset: str, console: Console) -> BuildResult:
    console.say(f"build: configuring {build_dir} (cmake --preset {preset}, the grading's configuration)")
    rc, out = _stream(["cmake", "--preset", preset, *GRADING_CACHE], console, "the configuration", cwd=tree)
    if rc != 0:
        return BuildResult(False, errors=out.strip().splitlines()[-15:])
    return BuildResult(True)


def present(build_dir: Path, targets: list[str]) -> list[str]:
    """The targets missing from a build directory (for --no-build)."""
    return [t for t in targets if not (build_dir / t).exists() and not (build_dir / "labs" / t).exists()]


def build(tree: Path, build_dir: Path, preset: str | None, targets: list[str], what: str,
          console: Console) -> BuildResult:
    """Builds `targets` in build_dir, configuring it first (with `preset`) if it is not
    a build directory yet."""
    t0 = time.monotonic()
    if not (build_dir / "build.ninja").exists():
        if preset is None:
            return BuildResult(False, errors=[f"{build_dir} is not a configured build directory"])
        c = configure(tree, build_dir, preset, console)
        if not c.ok:
            return c
    rc, out = _stream(["cmake", "--build", str(build_dir), "--target", *targets, "-j", str(os.cpu_count() or 2)],
                      console, what)
    seconds = time.monotonic() - t0
    if rc == 0:
        steps = len(re.findall(r"^\[\d+/\d+\]", out, re.M))
        console.say(f"build: {what}: {steps} build steps, {seconds:.0f} s")
        return BuildResult(True, seconds)
    rule = next((m.group(1).strip() for m in map(RULE_LINE.search, out.splitlines()) if m), "")
    errors = [l for l in out.splitlines() if re.search(r"error|Error|lab rule|^  \S+ uses ", l)]
    return BuildResult(False, seconds, rule, (errors or out.splitlines())[:20])
