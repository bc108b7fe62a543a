"""What there is to grade and run: the graded files, a submission's copy of the tree,
the tests a GoogleTest binary lists, the checks a model-checked harness lists."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from pathlib import Path

from .options import HERE


def read_files_list(lab: str) -> list[str]:
    """labs/labN/FILES: the files a student edits (the only ones graded)."""
    return [l.strip() for l in (HERE / f"lab{lab}" / "FILES").read_text().splitlines() if l.strip()]


def filter_matches(filt: str, name: str) -> bool:
    """GoogleTest's --gtest_filter semantics: POSITIVE[-NEGATIVE], ':'-separated."""
    pos, _, neg = filt.partition("-")
    pats = [p for p in pos.split(":") if p] or ["*"]
    if not any(fnmatch.fnmatchcase(name, p) for p in pats):
        return False
    return not any(fnmatch.fnmatchcase(name, p) for p in neg.split(":") if p)


def list_tests(binary: Path, filt: str) -> list[str] | None:
    """The full names of the tests `filt` selects, in the binary's order; None when the
    binary does not start or list them."""
    try:
        p = subprocess.run([str(binary), f"--gtest_filter={filt}", "--gtest_list_tests"], capture_output=True,
                           text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if p.returncode != 0:
        return None
    tests, suite = [], ""
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            tests.append(suite + line.split("#")[0].strip())
    return tests


def list_model_checks(binary: Path, pattern: str) -> list[tuple[str, str]] | None:
    """(name, what) of the model checks `pattern` selects; None when the harness does
    not start or list them."""
    try:
        p = subprocess.run([str(binary), "--list", "--check", pattern], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if p.returncode != 0:
        return None
    return [tuple(l.split(": ", 1)) for l in p.stdout.splitlines() if ": " in l]


def display_name(test: str) -> str:
    """LabEngines/LabEngine.Shutdown.../lab3_single_writer -> LabEngine.Shutdown..."""
    suite, _, rest = test.partition(".")
    suite = suite.split("/")[-1]
    rest = rest.split("/")[0]
    return f"{suite}.{rest}"


# ---- a submission's tree: a pristine copy of this one, with the graded files put in


def _same_content(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def put(src: Path, dst: Path) -> bool:
    """Copies src to dst only if the content differs, with a fresh mtime when it does:
    ninja then rebuilds exactly what depends on a changed file, and nothing else."""
    if dst.is_file() and _same_content(src, dst):
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".grade-tmp")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, src.stat().st_mode & 0o777)
    os.replace(tmp, dst)
    return True


def _walk(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        if rel == Path("."):
            dirnames[:] = [d for d in dirnames if d not in ("build", ".git", "results")]
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            yield rel / name


def sync_tree(src: Path, dst: Path) -> int:
    """Makes dst a copy of src (build/, .git and results/ left out), touching only what
    differs; how many files changed."""
    changed = 0
    keep = set()
    for r in _walk(src):
        keep.add(r)
        s = src / r
        if s.is_symlink() or not s.is_file():
            continue
        changed += put(s, dst / r)
    for r in list(_walk(dst)):
        if r not in keep:
            (dst / r).unlink()
            changed += 1
    return changed
