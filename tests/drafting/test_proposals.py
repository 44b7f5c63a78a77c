"""Proposals from synthetic histories: each rule replayed on stored profiles, each edit validated."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from stewardgate.drafting.history import PastRun
from stewardgate.drafting.suggest import suggest
from stewardgate.drafting.verdicts import would_fail
from stewardgate.suite.loader import load_suite

HEAD = """\
version: 1
dataset: {name: t, path: t.parquet}
stewardship: {owner: o@example.com, steward: s@example.com}
"""


def history(columns: dict[str, dict[str, Any]], rows: int = 1000, days: int = 8) -> list[PastRun]:
    return [PastRun(date(2026, 1, 1) + timedelta(days=i), f"r{i}", rows, columns, ()) for i in range(days)]


def proposed(tmp_path: Path, body: str, runs: list[PastRun]) -> tuple[list[str], str]:
    path = tmp_path / "t.yml"
    path.write_text(HEAD + body)
    result = suggest(load_suite(path), runs)
    return [p.evidence for p in result.proposals], result.after


@pytest.mark.parametrize(
    ("rule", "value", "column", "fails"),
    [
        ("nullable", False, {"null_count": 1}, True),
        ("nullable", False, {"null_count": 0}, False),
        ("max_null_fraction", 0.1, {"null_fraction": 0.2}, True),
        ("max_null_count", 5, {"null_count": 5}, False),
        ("unique", True, {"distinct_count": 999, "null_count": 0}, True),
        ("unique", True, {"distinct_count": 999, "null_count": 1}, False),
        ("unique", True, {"distinct_count": 1000, "null_count": 0, "distinct_approximate": True}, None),
        ("min", 0, {"min": -1}, True),
        ("max", 10, {"max": 10}, False),
        ("min", date(2026, 1, 1), {"min": "2025-12-31T23:00:00+00:00"}, True),
        ("max", date(2026, 1, 1), {"max": "2026-01-01"}, False),
        ("min", 0, {"min": "2026-01-01"}, None),  # a number bound on a date column: not judged
        ("in_set", ["a", 1, True], {"top_values": [{"value": "a"}, {"value": "1"}, {"value": "true"}], "distinct_count": 3}, False),
        ("in_set", ["a"], {"top_values": [{"value": "a"}, {"value": None}, {"value": "b"}], "distinct_count": 2}, True),
        ("in_set", ["a"], {"distinct_count": 900}, None),  # too many values for the profile to list
        ("max_length", 3, {"length_max": 4}, True),
    ],
)  # fmt: skip
def test_would_fail(rule: str, value: Any, column: dict[str, Any], fails: bool | None) -> None:
    assert would_fail(rule, value, column, 1000) is fails


def test_a_unique_rule_broken_on_most_runs_is_dropped_and_nullable_becomes_a_threshold(tmp_path: Path) -> None:
    runs = history({"k": {"dtype": "Int64", "null_count": 12, "null_fraction": 0.012, "distinct_count": 700}})
    evidence, after = proposed(tmp_path, "columns:\n  k: {type: int64, nullable: false, unique: true}\n", runs)
    assert "  k: {type: int64, max_null_fraction: 0.028}\n" in after
    assert evidence == [
        "nullable: false would have failed on 8 of 8 runs; up to 1.20% null in a run: allow nulls, at most 0.028 of the rows",
        "unique: true would have failed on 8 of 8 runs; repeated values are normal for this column",
        "row count 1,000 … 1,000 in 8 runs, and no rule watches it",
        "null fraction of k 1.20% … 1.20% in 8 runs, and no rule watches it",
    ]


def test_a_date_bound_and_a_length_are_loosened_past_every_run(tmp_path: Path) -> None:
    column = {"dtype": "Date", "null_count": 0, "min": "2019-05-02", "max": "2025-12-30", "freshness_seconds": 1.0}
    text = {"dtype": "String", "null_count": 0, "length_min": 2, "length_max": 9}
    runs = history({"d": column, "s": text})
    body = "columns:\n  d: {type: date, nullable: false, min: 2020-01-01}\n  s: {type: string, nullable: false, max_length: 8}\n"
    evidence, after = proposed(tmp_path, body, runs)
    assert "  d: {type: date, nullable: false, min: 2018-05-01}\n" in after
    assert "  s: {type: string, nullable: false, max_length: 10}\n" in after
    assert (
        evidence[0]
        == "min: 2020-01-01 would have failed on 8 of 8 runs; values 2019-05-02 … 2025-12-30 seen; a year of margin"
    )


def test_a_rule_that_fails_on_a_minority_of_runs_is_left_alone(tmp_path: Path) -> None:
    ok = {"dtype": "Int64", "null_count": 0, "min": 1, "max": 9}
    bad = {**ok, "max": 12}
    runs = history({"n": ok}, days=5) + history({"n": bad}, days=3)
    evidence, _ = proposed(
        tmp_path, "columns:\n  n: {type: int64, nullable: false, max: 10}\nanomalies: [{metric: row_count}]\n", runs
    )
    assert evidence == []


def test_a_set_that_changed_is_not_closed(tmp_path: Path) -> None:
    def col(*values: str) -> dict[str, Any]:
        return {
            "dtype": "String",
            "null_count": 0,
            "distinct_count": len(values),
            "top_values": [{"value": v, "count": 9} for v in values],
        }

    runs = history({"c": col("a", "b")}, days=7) + [PastRun(date(2026, 2, 1), "x", 1000, {"c": col("a", "b", "c")}, ())]
    evidence, _ = proposed(
        tmp_path, "columns:\n  c: {type: string, nullable: false}\nanomalies: [{metric: row_count}]\n", runs
    )
    assert evidence == []
