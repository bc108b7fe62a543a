"""The Python side reads the run schema the C++ side declares (scripts/swlab_schema.json,
`swlab schema`): the loader validates version 3 runs against it, the configuration key is its
identity settings, and the fixtures are built from it."""

import json

import pytest

import swlab_results as sr
import swlab_schema as schema
from conftest import closed_sweep, open_sweep, version3


def test_the_configuration_key_is_the_schemas_identity():
    assert sr.ConfigKey._fields == schema.IDENTITY_KEYS
    assert {"engine", "preset", "threads", "mode", "rate", "window", "connections"} <= set(schema.IDENTITY_KEYS)
    assert sr.MODES == ("closed", "open", "service")


@pytest.mark.parametrize("build", [closed_sweep, open_sweep])
def test_a_version_3_file_built_from_the_schema_loads(tmp_path, build):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(version3(build())))
    results = sr.load(path)
    assert results.data["version"] == schema.RESULTS_VERSION
    run = results.runs[0]
    for field in schema.declared_fields():
        found, _ = schema.at_path(run, field.path)
        assert found, field.path
    assert set(run["settings"]) >= set(schema.RUN_SETTING_KEYS)


@pytest.mark.parametrize("path", ["summary.intervals", "settings", "busy_threads", "time_series"])
def test_a_version_3_run_missing_a_declared_field_is_refused(tmp_path, path):
    data = version3(closed_sweep())
    *parents, leaf = path.split(".")
    obj = data["runs"][0]
    for part in parents:
        obj = obj[part]
    del obj[leaf]
    target = tmp_path / "results.json"
    target.write_text(json.dumps(data))
    with pytest.raises(sr.ResultsError, match=f"missing '{path}'"):
        sr.load(target)


def test_a_version_3_field_of_the_wrong_type_is_refused(tmp_path):
    data = version3(closed_sweep())
    data["runs"][0]["summary"]["steady"] = "yes"
    target = tmp_path / "results.json"
    target.write_text(json.dumps(data))
    with pytest.raises(sr.ResultsError, match="'summary.steady' must be bool or null"):
        sr.load(target)
