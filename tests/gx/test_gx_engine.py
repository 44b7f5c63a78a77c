"""The GX engine through ``run_paths``: result records, masking, errors, severity and ``mostly``,
what GX receives (only the columns it needs, numpy-backed), no progress bars, no network."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.engines import gx as gx_engine
from stewardgate.results import CheckResult, Status
from stewardgate.runner import RunOptions, run_paths

DATA = pl.DataFrame(
    {
        "id": [1, 2, 3, 4, 4, 6],
        "email": ["a@x.io", "b@x.io", "bad", None, "c@x.io", "worse"],
        "amount": [10.0, 20.5, -3.0, 7.0, None, 12.0],
        "discount": [1.0, 30.0, 0.5, 0.0, 1.0, None],
        "ts": [
            datetime(2019, 5, 1),
            datetime(2021, 1, 1),
            datetime(2022, 1, 1),
            None,
            datetime(2023, 1, 1),
            datetime(2024, 1, 1),
        ],
        "notes": ["x", "y", "z", "w", "v", "u"],
    }
)
COLUMNS = {"email": {"type": "string", "pii": "email"}, "amount": {"classification": "restricted"}}


def _run(make_suite: Callable[..., Path], expectations: list[dict[str, Any]], **kw: Any) -> dict[str, CheckResult]:
    suite = make_suite(
        data=DATA, columns=kw.pop("columns", COLUMNS), top={"engine": "gx", "expectations": expectations}, **kw
    )
    (dataset,) = run_paths([suite], RunOptions(samples=3)).datasets
    assert dataset.error is None
    return {r.check_id: r for r in dataset.results if r.engine == "gx"}


def test_a_failing_map_expectation_carries_counts_percentages_and_masked_samples(
    make_suite: Callable[..., Path],
) -> None:
    r = _run(make_suite, [{"expect_column_values_to_match_regex": {"column": "email", "regex": "@"}}])[
        "t.expectations.email.expect_column_values_to_match_regex"
    ]
    assert (r.status, r.failing_count, r.row_count, r.failing_fraction) == (Status.FAILED, 2, 6, round(2 / 6, 6))
    assert r.samples == ("***", "***")  # pii column: never shown
    assert r.message == "2 of 5 non-null values (40.00%) are unexpected"
    assert r.details["unexpected_percent"] == 40.0 and r.details["missing_count"] == 1
    assert r.expected == {"column": "email", "regex": "@"}


def test_samples_of_an_unclassified_column_are_shown(make_suite: Callable[..., Path]) -> None:
    r = _run(make_suite, [{"expect_column_values_to_be_unique": {"column": "id"}}])[
        "t.expectations.id.expect_column_values_to_be_unique"
    ]
    assert (r.status, r.failing_count, r.samples) == (Status.FAILED, 2, ("4",))


def test_mostly_and_severity_map_onto_our_statuses(make_suite: Callable[..., Path]) -> None:
    results = _run(make_suite, [
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "@", "mostly": 0.5}},
        {"expect_column_values_to_be_between": {"column": "amount", "min_value": 0, "severity": "warn"}},
        {"expect_column_values_to_be_between": {"column": "discount", "max_value": 10, "severity": "info"}},
    ])  # fmt: skip
    regex, amount, discount = results.values()
    assert (regex.status, regex.failing_count) == (Status.PASSED, 2)
    assert regex.message == "2 of 5 non-null values (40.00%) are unexpected, within mostly 0.5 (up to 50.00% allowed)"
    assert (amount.status, amount.severity.value, amount.failing_count) == (Status.WARNED, "warn", 1)
    assert (discount.status, discount.failing_count, discount.samples) == (Status.INFO, 1, ("30.0",))


def test_aggregate_observed_values_are_masked_on_sensitive_columns_but_counts_are_not(
    make_suite: Callable[..., Path],
) -> None:
    results = _run(make_suite, [
        {"expect_column_max_to_be_between": {"column": "amount", "max_value": 5}},
        {"expect_column_unique_value_count_to_be_between": {"column": "amount", "max_value": 2}},
        {"expect_column_max_to_be_between": {"column": "discount", "max_value": 5}},
    ])  # fmt: skip
    masked_max, count, plain_max = results.values()
    assert (masked_max.status, masked_max.observed, masked_max.message) == (
        Status.FAILED,
        "***",
        "observed ***, expected max_value=5",
    )
    assert (count.observed, plain_max.observed) == (5, 30.0)


def test_what_gx_cannot_compute_or_build_is_errored_and_blocks(make_suite: Callable[..., Path]) -> None:
    results = _run(make_suite, [
        {"expect_column_values_to_be_in_set": {"column": "missing", "value_set": ["a"]}},
        {"expect_column_values_to_match_strftime_format": {"column": "notes", "strftime_format": "%Q"}},
        {"expect_column_values_to_not_be_null": {"column": "id"}},
    ])  # fmt: skip
    missing, bad_format, fine = results.values()
    assert missing.status is Status.ERRORED
    assert (
        missing.message == 'errored: GX could not compute it: Error: The column "missing" in BatchData does not exist.'
    )
    assert bad_format.status is Status.ERRORED and bad_format.message.startswith("errored: GX rejected the arguments: ")
    assert "'Q' is a bad directive" in bad_format.message
    assert fine.status is Status.PASSED


def test_schema_and_row_count_expectations(make_suite: Callable[..., Path]) -> None:
    results = _run(make_suite, [
        {"expect_table_row_count_to_be_between": {"min_value": 10}},
        {"expect_table_columns_to_match_set": {"column_set": ["id", "email", "gone"], "exact_match": False}},
        {"expect_column_to_exist": {"column": "notes"}},
        {"expect_table_column_count_to_equal": {"value": 6}},
    ])  # fmt: skip
    rows, columns, exists, count = results.values()
    assert (rows.status, rows.observed, rows.message) == (Status.FAILED, 6, "observed 6, expected min_value=10")
    assert columns.status is Status.FAILED and "mismatched" in columns.message and "gone" in columns.message
    assert (exists.status, count.status) == (Status.PASSED, Status.PASSED)


def test_a_date_bound_on_a_datetime_column_means_midnight(make_suite: Callable[..., Path]) -> None:
    r = _run(
        make_suite, [{"expect_column_values_to_be_between": {"column": "ts", "min_value": datetime(2020, 1, 1).date()}}]
    )
    (result,) = r.values()
    assert (result.status, result.failing_count, result.samples) == (Status.FAILED, 1, ("2019-05-01T00:00:00",))


def test_gx_receives_only_the_columns_it_needs_as_numpy_backed_pandas(
    make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    original = gx_engine._to_pandas

    def spy(df: pl.DataFrame) -> Any:
        frame = original(df)
        seen.append(frame)
        return frame

    monkeypatch.setattr(gx_engine, "_to_pandas", spy)
    _run(make_suite, [
        {"expect_column_values_to_not_be_null": {"column": "email"}},
        {"expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "amount", "column_B": "discount"}},
        {"expect_table_row_count_to_equal": {"value": 6}},
        {"expect_table_column_count_to_equal": {"value": 6}},
    ])  # fmt: skip
    data, schema = seen
    assert list(data.columns) == ["email", "amount", "discount"] and len(data) == 6
    assert list(schema.columns) == list(DATA.columns) and len(schema) == 0
    assert all(type(dtype).__module__.startswith("numpy") for dtype in data.dtypes)


def test_a_row_count_alone_copies_no_column(make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gx_engine, "collect", lambda *a, **k: pytest.fail("no column should be read for a row count"))
    (r,) = _run(make_suite, [{"expect_table_row_count_to_equal": {"value": 6}}]).values()
    assert (r.status, r.observed) == (Status.PASSED, 6)


def test_gx_does_not_fingerprint_the_frame_and_the_switch_is_restored(
    make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import great_expectations  # noqa: F401  (imported for the patch below)
    from great_expectations.execution_engine import pandas_execution_engine as engine

    monkeypatch.setattr(engine, "hash_pandas_dataframe", lambda df: pytest.fail("GX hashed the frame"))
    before = engine.HASH_THRESHOLD
    (r,) = _run(make_suite, [{"expect_column_values_to_not_be_null": {"column": "id"}}]).values()
    assert r.status is Status.PASSED and before == engine.HASH_THRESHOLD


def test_when_gx_itself_fails_every_expectation_is_errored_and_the_run_goes_on(
    make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gx_engine, "gx_context", lambda gx: (_ for _ in ()).throw(RuntimeError("no context")))
    results = _run(
        make_suite,
        [{"expect_column_values_to_not_be_null": {"column": "id"}}, {"expect_table_row_count_to_equal": {"value": 6}}],
    )
    assert [r.message for r in results.values()] == ["errored: Great Expectations failed: RuntimeError: no context"] * 2


def test_no_network_a_suite_with_expectations_runs_with_sockets_blocked(
    make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network blocked by the test")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    results = _run(make_suite, [
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "@"}},
        {"expect_column_mean_to_be_between": {"column": "amount", "min_value": 0}},
        {"expect_table_columns_to_match_set": {"column_set": list(DATA.columns)}},
    ])  # fmt: skip
    assert attempts == []
    assert [r.status for r in results.values()] == [Status.FAILED, Status.PASSED, Status.PASSED]


@pytest.mark.subprocess
def test_no_progress_bar_or_log_line_reaches_the_terminal(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    big = pl.DataFrame({"x": list(range(50_000))})
    suite = suite_writer(tmp_path, data=big, top={"engine": "gx", "expectations": [
        {"expect_column_values_to_be_between": {"column": "x", "min_value": 0}},
        {"expect_column_mean_to_be_between": {"column": "x", "min_value": 0}},
        {"expect_column_values_to_be_unique": {"column": "x"}},
    ]})  # fmt: skip
    code = "import sys; from pathlib import Path; from stewardgate.runner import RunOptions, run_paths; " \
           f"run = run_paths([Path({str(suite)!r})], RunOptions()); print(run.exit_code)"  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "0\n", "")


def test_a_dtype_or_a_set_of_distinct_values_is_reported_as_such(make_suite: Callable[..., Path]) -> None:
    results = _run(make_suite, [
        {"expect_column_values_to_be_of_type": {"column": "id", "type_": "float64"}},
        {"expect_column_distinct_values_to_be_in_set": {"column": "notes", "value_set": ["x", "y"]}},
    ])  # fmt: skip
    of_type, distinct = results.values()
    assert (of_type.status, of_type.message, of_type.failing_count) == (
        Status.FAILED,
        "observed int64, expected type_=float64",
        None,
    )
    assert (distinct.status, distinct.message) == (
        Status.FAILED,
        "4 unexpected distinct values, expected value_set=['x', 'y']",
    )
    assert set(distinct.samples) <= {"z", "w", "v", "u"} and len(distinct.samples) == 3


def test_one_expectation_that_breaks_gx_errors_alone_with_a_readable_reason(make_suite: Callable[..., Path]) -> None:
    results = _run(make_suite, [
        {"expect_column_values_to_not_be_null": {"column": "notes"}},
        {"expect_column_kl_divergence_to_be_less_than": {"column": "notes", "threshold": 0.1}},  # bins on text: GX's KeyError
        {"expect_column_max_to_be_between": {"column": "discount", "max_value": 10}},
    ])  # fmt: skip
    assert {k.split(".", 2)[2]: r.status for k, r in results.items()} == {
        "notes.expect_column_values_to_not_be_null": Status.PASSED,
        "notes.expect_column_kl_divergence_to_be_less_than": Status.ERRORED,
        "discount.expect_column_max_to_be_between": Status.FAILED,
    }
    assert results["t.expectations.notes.expect_column_kl_divergence_to_be_less_than"].message == (
        "errored: GX could not compute the metric 'column.partition' this expectation needs (GX bins the column's "
        "values into numeric ranges; for a text column give a partition_object with values and weights)"
    )
