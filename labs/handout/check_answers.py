#!/usr/bin/python3
"""Proves that a students' copy holds no lab's answer.

  check_answers.py REPO HANDOUT

For each lab, the distinctive lines of its reference answer (the answer a student
writes: REPO/labs/labN/solution/worked/ where there is one, labs 2 to 5, else
labs/labN/solution/; the top level of solution/ in labs 2 to 5 only wraps the
project's own engines, whose own files are dealt with by make_handout.sh) are the
lines that are not in the starter (labs/labN/FILES), once comments and spacing are
taken out, and are long enough to say something (MIN_CHARS characters and more: `}`,
`return r;` and `std::this_thread::yield();` are not an answer). No file of HANDOUT may
contain one, except the few listed in labs/handout/shared_lines.txt, each with the
reason it is not an answer (an exclusive lock taken the way every lock engine takes
it). Prints every line found, where, and exits 1; exits 0 when there is none.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MIN_CHARS = 20
TEXT_SUFFIXES = {".h", ".hpp", ".cpp", ".cc", ".in", ".py", ".sh", ".md", ".txt", ".json", ".cmake", ""}


def normalize(line: str) -> str:
    line = line.strip()
    if line.startswith(("//", "#include", "#pragma", "*", "/*")):
        return ""
    # A trailing comment (not inside a string: good enough for our sources).
    if "//" in line and line.count('"') % 2 == 0:
        q = line.find('"')
        c = line.find("//")
        if q < 0 or c < q or line.count('"', 0, c) % 2 == 0:
            line = line[:c].rstrip()
    return re.sub(r"\s+", " ", line)


def lines_of(path: Path) -> set[str]:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return set()
    return {n for n in (normalize(l) for l in text.splitlines()) if n}


def allowed(repo: Path) -> dict[tuple[str, str], str]:
    out = {}
    f = repo / "labs" / "handout" / "shared_lines.txt"
    if f.exists():
        for l in f.read_text().splitlines():
            if l.strip() and not l.startswith("#"):
                lab, line, why = l.split("\t", 2)
                out[(lab.strip(), normalize(line))] = why
    return out


def main(argv):
    if len(argv) != 2:
        print("usage: check_answers.py REPO HANDOUT", file=sys.stderr)
        return 2
    repo, handout = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    if not (repo / "labs").is_dir() or not handout.is_dir():
        print(f"check_answers.py: {repo} is not the repository or {handout} is not a directory", file=sys.stderr)
        return 2
    allow = allowed(repo)
    # Every line of the handout, with where it is.
    where: dict[str, list[str]] = {}
    for p in sorted(handout.rglob("*")):
        if not p.is_file() or p.suffix not in TEXT_SUFFIXES or p.stat().st_size > 2_000_000:
            continue
        rel = str(p.relative_to(handout))
        for n in lines_of(p):
            where.setdefault(n, []).append(rel)
    found, checked, used = 0, 0, set()
    for labdir in sorted((repo / "labs").glob("lab[0-9]")):
        lab = labdir.name
        sol = labdir / "solution"
        sol = sol / "worked" if (sol / "worked").is_dir() else sol
        answers = [p for p in sol.rglob("*") if p.is_file()] if sol.is_dir() else []
        if not answers:
            continue
        starter = set()
        for f in (labdir / "FILES").read_text().split():
            starter |= lines_of(repo / f)
        distinctive = set()
        for a in answers:
            distinctive |= {n for n in lines_of(a) if n not in starter and len(n) >= MIN_CHARS}
        checked += len(distinctive)
        for n in sorted(distinctive):
            if n not in where:
                continue
            if (lab, n) in allow:
                used.add((lab, n))
                continue
            found += 1
            print(f"{lab}: the answer's line `{n}` is in {', '.join(where[n][:4])}")
    for key in sorted(set(allow) - used):
        print(f"note: labs/handout/shared_lines.txt allows `{key[1]}` for {key[0]}, which no longer occurs: remove it")
    if found:
        print(f"{found} distinctive lines of the labs' answers are in the students' copy {handout}")
        return 1
    print(f"ok: none of the {checked} distinctive lines of the labs' answers is in {handout}"
          f" ({len(used)} allowed, labs/handout/shared_lines.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
