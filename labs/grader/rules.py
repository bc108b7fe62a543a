#!/usr/bin/python3
"""A lab's rules, checked on the compiled code before the grading binary links
(labs/CMakeLists.txt runs this as the binary's PRE_LINK step):

    rules.py GRADING_SH OBJECT...

grading.sh's `rule TEXT SYMBOL...` lines say what the lab asks the student to write
themselves: the student's objects may not use (define or reference) a symbol whose
demangled name contains one of SYMBOL, for example `swlab::SingleWriterEngine<` in
lab 3. This reads the symbol tables (nm), not the source: a macro, an alias or a
wrapper header still leaves the symbol the code calls. A broken rule prints
`lab rule broken: TEXT` and what used it, and exits 1, which fails the build;
labs/grade.sh reports the rule and scores 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.spec import SpecError, load_spec  # noqa: E402


def symbols(obj: Path) -> list[str]:
    """Every symbol an object defines or references, demangled."""
    p = subprocess.run(["nm", "-C", str(obj)], capture_output=True, text=True)
    if p.returncode != 0:
        raise OSError(p.stderr.strip() or f"nm failed on {obj}")
    return [line[19:] if len(line) > 19 else line.split(" ", 2)[-1] for line in p.stdout.splitlines()]


def source_name(obj: Path) -> str:
    """.../lab3_code_starter.dir/lab3/single_writer.cpp.o -> lab3/single_writer.cpp"""
    parts = obj.parts
    for i, part in enumerate(parts):
        if part.endswith(".dir"):
            return "/".join(parts[i + 1:]).removesuffix(".o")
    return obj.name.removesuffix(".o")


def broken(rules, objects: list[Path]) -> list[str]:
    lines = []
    for rule in rules:
        uses = []
        for obj in objects:
            found = {s for s in symbols(obj) if any(x in s for x in rule.symbols)}
            # The symbols that are the forbidden thing itself first (not a std:: helper
            # instantiated for it), then the shortest.
            hits = sorted(found, key=lambda s: (min(s.find(x) % 10**6 for x in rule.symbols if x in s), len(s)))
            uses += [f"  {source_name(obj)} uses {h[:160]}" for h in hits[:3]]
        if uses:
            lines += [f"lab rule broken: {rule.text}"] + uses[:6]
    return lines


def main(argv: list[str]) -> int:
    if len(argv) < 1:
        print("usage: rules.py GRADING_SH OBJECT...", file=sys.stderr)
        return 2
    try:
        rules = load_spec(Path(argv[0])).rules
        lines = broken(rules, [Path(o) for o in argv[1:]])
    except (SpecError, OSError) as e:
        print(f"rules.py: {e}", file=sys.stderr)
        return 2
    for line in lines:
        print(line, file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
