#!/usr/bin/python3
"""What every script's command line shares: argparse with one-line usage errors (exit 2),
one-line failures, a last-resort guard that turns a bug into one line, and a main() that
loads the results file a script names."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, NoReturn

import swlab_results as sr

class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and still exit 2), like every other error of
    these scripts: a CI log then shows the problem, not a screen of usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def fail(prog: str, message: str) -> int:
    """Reports a fatal input problem as one line on stderr; returns the exit status, 2."""
    one_line = " ".join(message.split("\n"))
    print(f"{prog}: error: {one_line}", file=sys.stderr)
    return 2


BUG_NOTE = "a case the input checks missed: a bug, please report it with the file"


def guarded(prog: str, what: str, work: Callable[[], int]) -> int:
    """Runs a script's work on inputs that sr.load() accepted. Everything a script reads is
    checked by sr.load(), so an exception here is a check that is missing; it still ends as one
    line naming the input and exit status 2, never a traceback (tests/python/
    test_hostile_inputs.py makes sure no hostile file gets this far)."""
    try:
        return work()
    except RecursionError:
        return fail(prog, f"{what}: nested too deeply ({BUG_NOTE})")
    except Exception as e:  # noqa: BLE001 - the last line of defence, by design
        return fail(prog, f"{what}: cannot be processed: {type(e).__name__}: {e} ({BUG_NOTE})")


def results_parser(prog: str, description: str) -> ArgumentParser:
    """The parser of a script that reads one results file, named by its first argument."""
    parser = ArgumentParser(prog=prog, description=description)
    parser.add_argument("results", help="results.json, or the directory holding it")
    return parser


def run_with_results(prog: str, parser: argparse.ArgumentParser, argv: list[str] | None,
                     run: Callable[[argparse.Namespace, sr.Results], int]) -> int:
    """A script's main(): parses argv, loads the results file it names and returns
    run(args, results); a results file that cannot be used is one line and exit status 2."""
    args = parser.parse_args(argv)
    try:
        results = sr.load(args.results)
    except sr.ResultsError as e:
        return fail(prog, str(e))
    return guarded(prog, str(results.path), lambda: run(args, results))
