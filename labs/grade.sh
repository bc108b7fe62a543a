#!/usr/bin/env bash
# The autograder of one lab: labs/grade.sh N [options] (--help for the options).
#
# Correctness first: the lab's tests part by part, each test in its own process under
# a time limit (a hang or a crash fails that test only, and says so); the race
# detector's part in the ThreadSanitizer build; the tests that hunt lost wake-ups and
# shutdown races repeated with other seeds. Then, only if everything is correct,
# performance relative to the reference engine measured in the same run. The parts of
# each lab are in labN/given/grading.sh; the grader itself is labs/grade.py (Python 3,
# the system's /usr/bin/python3), which says what each verb means.
exec /usr/bin/python3 -B "$(dirname "$0")/grade.py" "$@"
