#!/usr/bin/python3
"""The run schema, as the C++ side declares it (docs/architecture.md, "The run schema").

scripts/swlab_schema.json is `swlab schema`'s output, committed (tests/cli/schema_current.sh
checks that the two agree), so the scripts read the declarations without a binary: every run
setting (its key, type, scope, unit, limits, default) and every field a version 3 results file
records for each run (its dotted path, type, nullability, unit, summary.csv column). The
loader validates version 3 runs against these declarations rather than a list of its own; the
tests build their fixtures from them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

SCHEMA_PATH = Path(__file__).resolve().parent / "swlab_schema.json"
SCHEMA_FORMAT = "swlab-schema"


class Field(NamedTuple):
    path: str
    type: str
    nullable: bool
    unit: str
    csv: str


class Setting(NamedTuple):
    name: str
    key: str
    type: str
    scope: str
    default: Any
    engine_option: bool
    null_in_other_modes: bool


def _load() -> dict:
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if data.get("format") != SCHEMA_FORMAT:
        raise RuntimeError(f"{SCHEMA_PATH}: not a swlab schema")
    return data


SCHEMA = _load()
RESULTS_VERSION: int = SCHEMA["results_version"]
RUN_FIELDS = tuple(Field(f["path"], f["type"], f["nullable"], f["unit"], f["csv"])
                   for f in SCHEMA["run_fields"])
RUN_SETTINGS = tuple(Setting(s["name"], s["key"], s["type"], s["scope"], s["default"],
                             s["engine_option"], s["null_in_other_modes"])
                     for s in SCHEMA["run_settings"])
# What makes two runs one configuration (less the spellings of another setting).
IDENTITY_KEYS = tuple(s["key"] for s in SCHEMA["run_settings"]
                      if s["scope"] == "identity" and not s.get("alias_of"))
# Each run's `settings` object.
RUN_SETTING_KEYS = tuple(s.key for s in RUN_SETTINGS if s.scope == "run" and not s.engine_option)
MODES = tuple(next(s["choices"] for s in SCHEMA["run_settings"] if s["name"] == "mode"))

_TYPES = {"bool": (bool,), "int": (int,), "number": (int, float), "text": (str,), "object": (dict,),
          "array": (list,)}


def type_ok(value: Any, kind: str) -> bool:
    """Whether a JSON value is of a declared type (booleans are not numbers, NaN is not a
    number)."""
    if not isinstance(value, _TYPES[kind]) or (kind != "bool" and isinstance(value, bool)):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def at_path(obj: Any, path: str) -> tuple[bool, Any]:
    """(found, value) at a dotted path."""
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return False, None
        obj = obj[part]
    return True, obj


def declared_fields() -> Iterator[Field]:
    """The fields a version 3 run holds (CSV-only columns have no path)."""
    return (f for f in RUN_FIELDS if f.path)


def validate_run(run: dict, where: str, invalid: Callable[[str], Exception]) -> None:
    """Every declared field of a completed version 3 run, present and of its declared type."""
    for f in declared_fields():
        found, value = at_path(run, f.path)
        if not found:
            raise invalid(f"{where}: missing '{f.path}'")
        if value is None and f.nullable:
            continue
        if not type_ok(value, f.type):
            shown = type(value).__name__ if value is not None else "null"
            raise invalid(f"{where}: '{f.path}' must be {f.type}{' or null' if f.nullable else ''}, "
                          f"got {shown}")
    settings = run["settings"]
    for key in RUN_SETTING_KEYS:
        if key not in settings:
            raise invalid(f"{where}: settings: missing '{key}'")
