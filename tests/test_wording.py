"""How shares and observed values read in every message (``stewardgate.wording``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths
from stewardgate.wording import number, share


@pytest.mark.parametrize(("part", "whole", "text"), [
    (0, 10, "0.00%"), (1, 1_000_000, "<0.01%"), (5, 2000, "0.25%"), (999_999, 1_000_000, ">99.99%"), (7, 7, "100.00%"),
    (1, 0, "n/a"),
])  # fmt: skip
def test_a_share_never_rounds_a_failure_away(part: int, whole: int, text: str) -> None:
    assert share(part, whole) == text


@pytest.mark.parametrize(
    ("value", "shown"), [(95.78322999999997, 95.7832), (3.0, 3), (1e-9, 1e-9), (12, 12), ("x", "x")]
)
def test_observed_values_are_shown_with_six_significant_digits(value: object, shown: object) -> None:
    assert number(value) == shown


def test_one_failing_row_in_a_million_reads_as_less_than_a_hundredth(make_suite: Callable[..., Path]) -> None:
    rows = pl.DataFrame({"a": [1] * 999_999 + [-1]})
    suite = make_suite(data=rows, columns={"a": {"type": "int64", "min": 0}})
    (run,) = run_paths([suite], RunOptions()).datasets
    (result,) = [r for r in run.results if r.check_id == "t.columns.a.min"]
    assert (result.status, result.message) == (Status.FAILED, "1 of 1,000,000 rows (<0.01%) are below 0")


def test_a_mean_expectation_shows_its_observed_value_rounded(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=pl.DataFrame({"a": [95.78322999999997, 95.78322999999997]}), columns={"a": {}},
                       top={"expectations": [{"expect_column_mean_to_be_between": {"column": "a", "max_value": 10}}]})  # fmt: skip
    (run,) = run_paths([suite], RunOptions()).datasets
    (result,) = [r for r in run.results if r.check == "expect_column_mean_to_be_between"]
    assert "95.7832" in result.message and "95.78322999" not in result.message, result.message
