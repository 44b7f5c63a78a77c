"""Columns a suite names outside ``columns`` are accepted, and checked against the data at run time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths

DATA = pl.DataFrame({"id": [1, 2], "email": ["a@example.com", None]})
TOP = {
    "anomalies": [{"metric": "null_fraction", "columns": ["email"]}],
    "expectations": [{"expect_column_values_to_not_be_null": {"column": "email", "mostly": 0.1}}],
    "governance": {"personal_data": {"ignore_columns": ["email"]}, "completeness": False},
}


def _named(suite: Path) -> tuple[Status, str, bool]:
    (run,) = run_paths([suite], RunOptions()).datasets
    (result,) = [r for r in run.results if r.check_id == "t.schema.named_columns"]
    return result.status, result.message, run.gate.passed


def test_columns_named_outside_columns_that_the_data_has_pass(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=DATA, columns={"id": {"type": "int64"}}, schema={"extra_columns": "allow"}, top=TOP)
    assert _named(suite) == (Status.PASSED, "every column named outside columns is in the data: email", True)


def test_each_missing_one_is_a_located_error_that_blocks(make_suite: Callable[..., Path]) -> None:
    top = {**TOP, "anomalies": [{"metric": "null_fraction", "columns": ["emial"]}]}
    suite = make_suite(data=DATA, columns={"id": {"type": "int64"}}, schema={"extra_columns": "allow"}, top=top)
    status, message, passed = _named(suite)
    assert (status, passed) == (Status.ERRORED, False)
    assert message == (f"errored: {suite}:7:53: anomalies.0.columns.0: column 'emial' is not in the data "
                       "(did you mean 'email'? allowed: id, email)")  # fmt: skip


def test_drift_over_all_columns_names_no_column(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(
        data=DATA, columns={"id": {"type": "int64"}}, top={"drift": {"distribution": {"columns": "all"}}}
    )
    (run,) = run_paths([suite], RunOptions()).datasets
    assert "t.schema.named_columns" not in {r.check_id for r in run.results}
