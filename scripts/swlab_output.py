#!/usr/bin/python3
"""Writing what the scripts produce, only where they were told to and never through a link.

Names that come from a results file (a preset, an engine spec) become parts of file names: a
preset "../../X" must not put a figure outside --out, so safe_name() keeps only characters
that cannot leave a directory. Files are written under a temporary name and renamed, so a
reader never sees half a figure or report; the temporary file is created exclusively and
without following links (a planted symlink under that name is removed, never written
through), and the rename replaces a link at the final name instead of following it.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import IO, Any, Callable

_UNSAFE = re.compile(r"[^A-Za-z0-9_.+=-]")
MAX_NAME = 100


class OutputError(Exception):
    """A path the scripts refuse to write; str() is one line naming it and why."""


def safe_name(name: str) -> str:
    """A file-name part from text a results file supplies: every character other than
    letters, digits and `_ . + = -` becomes `_`, so no `/` survives; a name that is only dots
    (`.`, `..`) gets a `_` in front; at most MAX_NAME characters. The same name always maps
    to the same part."""
    part = _UNSAFE.sub("_", name)[:MAX_NAME] or "_"
    return "_" + part if set(part) == {"."} else part


def inside(directory: Path, path: Path) -> Path:
    """path, after checking it names an entry directly in directory (nothing can climb out)."""
    if path.parent.resolve() != directory.resolve() or path.name in ("", ".", ".."):
        raise OutputError(f"{path}: outside the output directory {directory}")
    return path


def ensure_directory(directory: Path) -> Path:
    """Creates the output directory (and its parents) if needed; refuses a symlink in its
    place, or a file."""
    if directory.is_symlink():
        raise OutputError(f"{directory}: is a symbolic link; give the directory itself")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{directory}: exists and is not a directory") from None
    except OSError as e:
        raise OutputError(f"cannot create {directory}: {e.strerror or e}") from None
    return directory


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """Calls write(f) on a new temporary file beside path, then renames it to path.

    The temporary name is `.<name>.<pid>.tmp`: a stale file or a planted link under it is
    unlinked first (unlink removes a link, not its target), then it is created with O_EXCL
    and O_NOFOLLOW, mode 0666 less the umask (as swlab creates results.json). On any failure
    the temporary file is removed and the final name left as it was."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    return write_atomically(path, lambda f: f.write(text.encode("utf-8")))


# Figures are committed with the result sets (at most 5 MB each), and a reference set draws
# over a hundred (each sweep, preset and placement; raw and, for the closed sweeps,
# floor-normalised). A 64-colour palette holds every line, marker and shade these figures draw
# (a few dozen colours; anti-aliased edges take the nearest), and 80 dots per inch keeps
# 8-point text legible. Measured on the 2026-12-07 reference set: its closed sweep's 72 figures
# were 2.92 MB at 256 colours and 110 dpi (itself a third of matplotlib's RGBA PNG) and 1.71 MB
# at 64 colours and 88 dpi; the whole set's 111 figures are 1.99 MB at 64 colours and 80 dpi.
PNG_COLOURS = 64
FIGURE_DPI = 80


def figure_bytes(fig: Any, ext: str, dpi: int) -> bytes:
    """The figure as `ext` (png or svg); a PNG reduced to a PNG_COLOURS-colour palette."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=ext, dpi=dpi)
    if ext != "png":
        return buffer.getvalue()
    from PIL import Image  # matplotlib's own dependency: present wherever a figure is drawn

    buffer.seek(0)
    with Image.open(buffer) as image:
        palette = image.convert("RGB").quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT)
    small = io.BytesIO()
    palette.save(small, format="png", optimize=True)
    return small.getvalue()


def write_figure(path: Path, fig: Any, ext: str, dpi: int = FIGURE_DPI) -> Path:
    """write_atomically() of figure_bytes()."""
    data = figure_bytes(fig, ext, dpi)
    return write_atomically(path, lambda f: f.write(data))
