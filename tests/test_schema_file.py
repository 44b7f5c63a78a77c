"""The committed suite JSON Schema is current, and every shipped suite validates against it
the way an editor sees it (YAML dates are plain strings to a JSON-schema validator)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from stewardgate.suite.json_schema import SCHEMA_ID, suite_json_schema

REPO = Path(__file__).parent.parent
COMMITTED = REPO / "suites" / "stewardgate-suite.schema.json"
SUITES = sorted([*(REPO / "suites").glob("*.yml"), *(REPO / "examples" / "failing").glob("*.yml")])
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def as_editor_sees(value: Any) -> Any:
    """YAML data as JSON: dates and datetimes become the strings a YAML language server holds."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        suite_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _errors(data: Any) -> list[str]:
    return sorted(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator().iter_errors(data))


def test_committed_schema_is_current() -> None:
    """Regenerate with: stewardgate schema -o suites/stewardgate-suite.schema.json"""
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == suite_json_schema()


def test_committed_schema_is_formatted_as_the_cli_writes_it() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == json.dumps(suite_json_schema(), indent=2) + "\n"


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = suite_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert (schema["$schema"], schema["$id"]) == ("https://json-schema.org/draft/2020-12/schema", SCHEMA_ID)


def test_there_are_suites_to_check() -> None:
    assert len(SUITES) == 6


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_suite_validates(suite: Path) -> None:
    data = YAML(typ="safe").load(suite.read_text(encoding="utf-8"))
    assert _errors(as_editor_sees(data)) == []


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: str(p.relative_to(REPO)))
def test_modeline_points_at_the_committed_schema(suite: Path) -> None:
    first = suite.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, first
    assert (suite.parent / match.group(1)).resolve() == COMMITTED.resolve()


MINIMAL = {
    "version": 1,
    "dataset": {"name": "t", "path": "d.parquet"},
    "stewardship": {"owner": "a@example.com", "steward": "b@example.com"},
}


@pytest.mark.parametrize(
    "columns",
    [
        {"a": {"min": {"value": 0, "severity": "warn"}}},
        {"a": {"min": "2020-01-01", "max": "2020-12-31T23:59:59+00:00"}},
        {"a": {"in_set": ["x", 1, 2.5, True]}},
        {"a": {"nullable": False, "unique": {"value": True, "severity": "info"}}},
        {"a": {"type": "datetime", "classification": "restricted", "pii": "email"}},
        {"a": {"max_null_fraction": 0.5, "max_null_count": 3}},
    ],
)
def test_schema_accepts_what_the_loader_accepts(columns: dict[str, Any]) -> None:
    assert _errors({**MINIMAL, "columns": columns}) == []


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"columns": {"a": {"mni": 0}}}, "columns.a"),
        ({"columns": {"a": {"type": "whole"}}}, "columns.a.type"),
        ({"columns": {"a": {"nullable": "no"}}}, "columns.a.nullable"),
        ({"columns": {"a": {"max_null_fraction": 1.5}}}, "columns.a.max_null_fraction"),
        ({"gate": {"fail_on": "warning"}}, "gate.fail_on"),
        ({"expectation": []}, ""),
        ({"version": 2}, "version"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(extra: dict[str, Any], path: str) -> None:
    errors = _errors({**MINIMAL, **extra})
    assert errors, "the schema accepted it"
    assert any(e.startswith(f"{path}: ") for e in errors), errors


def test_recertify_by_as_an_editor_sees_it() -> None:
    """An editor holds ``recertify_by: 2027-06-30`` as a string; the schema must accept it."""
    data = {**MINIMAL, "stewardship": {**MINIMAL["stewardship"], "recertify_by": "2027-06-30"}}
    assert _errors(data) == []
    bad = {**MINIMAL, "stewardship": {**MINIMAL["stewardship"], "recertify_by": "30/06/2027"}}
    assert _errors(bad) == ["stewardship.recertify_by: '30/06/2027' is not valid under any of the given schemas"]
