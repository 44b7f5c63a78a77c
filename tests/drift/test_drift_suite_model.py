"""The suite's ``drift:`` section: defaults, short forms, and errors that point at the spot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from stewardgate.errors import SuiteError
from stewardgate.planning import plan_suite
from stewardgate.suite.drift_model import ALL_COLUMNS, DriftSpec
from stewardgate.suite.loader import load_suite


def test_defaults_schema_on_store_baseline_no_distribution() -> None:
    spec = DriftSpec()
    assert (spec.schema_drift, spec.baseline, spec.baseline_file, spec.distribution) == (True, "store", None, None)


def test_short_forms_of_columns() -> None:
    listed = DriftSpec.model_validate({"distribution": {"columns": ["a", "b"]}})
    assert list(listed.distribution.columns) == ["a", "b"]  # type: ignore[union-attr]
    every = DriftSpec.model_validate({"distribution": {"columns": "all"}})
    assert list(every.distribution.columns) == [ALL_COLUMNS]  # type: ignore[union-attr]
    assert every.distribution.psi.model_dump() == {"warn": 0.1, "error": 0.25}  # type: ignore[union-attr]
    assert every.distribution.js.model_dump() == {"warn": 0.1, "error": 0.2}  # type: ignore[union-attr]


def test_errors_point_at_the_spot(make_suite: Callable[..., Path], tmp_path: Path) -> None:
    path = make_suite(top={"drift": {
        "severity": {"colum_added": "error"},
        "distribution": {"columns": ["a", "a"], "psi": {"warn": 0.3, "error": 0.2}},
        "shema": False,
    }})  # fmt: skip
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    messages = [f"{p.key}: {p.message}" for p in caught.value.problems]
    assert messages == [
        "drift.severity.colum_added: unknown value 'colum_added' (did you mean 'column_added'? allowed: "
        "column_removed, renamed, type_changed, type_narrowed, type_widened, column_added, "
        "nullability_loosened, order_changed)",
        "drift.distribution.columns: a column is listed twice",
        "drift.distribution.psi: error (0.2) must not be below warn (0.3)",
        "drift.shema: unknown key (did you mean 'schema'? allowed: schema, baseline, severity, distribution)",
    ]
    assert all(p.line == 4 for p in caught.value.problems)  # the flow-style drift line


def test_the_plan_lists_implicit_schema_drift_and_a_drift_sections_checks(
    make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    plain = load_suite(make_suite(columns={"a": {}}))  # schema drift runs once a baseline is accepted
    assert [(p.check_id, p.when) for p in plan_suite(plain) if p.section == "drift"] == [("t.drift.schema", "baseline")]
    spec = {"baseline": "t.baseline.json", "distribution": {"columns": {"a": {}, "*": {}}, "share": {}}}
    with_drift = load_suite(make_suite(columns={"a": {}}, top={"drift": spec}))
    planned = [p for p in plan_suite(with_drift) if p.section == "drift"]
    assert [(p.check_id, p.engine, p.column) for p in planned] == [
        ("t.drift.schema", "drift", None),
        ("t.drift.distribution.a", "drift", "a"),
        ("t.drift.distribution.*", "drift", None),
        ("t.drift.share", "drift", None),
    ]
    assert (
        planned[0].reason
        == "schema drift against the baseline file t.baseline.json; each change is a result of its own"
    )
