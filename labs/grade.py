#!/usr/bin/python3
"""The autograder of one lab (labs/grade.sh N runs this): labs/grader/ holds it, one
module per concept (grader/__init__.py lists them).

Correctness first: the model checker's parts (labs 2-4: every interleaving of a few
threads through the student's protocol, a failure shown as the interleaving in the
student's lines), then the lab's tests, part by part, each test in its own process
under a time limit, its verdict read from GoogleTest's own XML report; the race
detector's parts in the ThreadSanitizer build; the tests that hunt lost wake-ups and
shutdown races repeated with other seeds. Then, only if everything is correct,
performance relative to the reference engine measured in the same run on the same
machine. A lab's labN/given/grading.sh says what is graded (grader/spec.py lists the
verbs)."""

import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from grader.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
