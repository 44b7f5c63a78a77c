"""The comparisons on their own: bounds, key type families, key and row gaps."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from stewardgate.reconcile import compare


@pytest.mark.parametrize(
    ("here", "there", "max_difference", "max_fraction", "ok"),
    [
        (100, 100, None, None, True),
        (100, 101, None, None, False),  # no bounds: equal
        (100, 105, 5, None, True),
        (100, 106, 5, None, False),
        (99, 100, None, 0.01, True),  # 1% of the other dataset's figure
        (98, 100, None, 0.01, False),
        (105, 100, 10, 0.01, False),  # both bounds given: both must hold
        (100.5, 100, 1, 0.01, True),
        (1, 0, None, 0.5, False),  # a fraction of 0 allows no difference
        (date(2026, 1, 1), date(2026, 1, 1), None, None, True),
        (date(2026, 1, 1), date(2026, 1, 2), 5, None, False),  # not numbers: equal
        (None, None, None, None, True),
        (None, 0, 1, None, False),
    ],
)
def test_bounds(
    here: object, there: object, max_difference: float | None, max_fraction: float | None, ok: bool
) -> None:
    assert compare.within(here, there, max_difference, max_fraction) is ok


def test_key_type_families() -> None:
    assert compare.type_problem([("id", pl.Int32, "id", pl.UInt64)], "x") is None
    assert compare.type_problem([("id", pl.Int64, "id", pl.Decimal(20, 0))], "x") is None
    assert compare.type_problem([("id", pl.String, "id", pl.Categorical)], "x") is None
    assert compare.type_problem([("d", pl.Date, "d", pl.Datetime("us"))], "x") == (
        "column d is date (Date) here and d is datetime (Datetime(time_unit='us', time_zone=None)) in x: they "
        "cannot be compared (cast one side, e.g. in a view)"
    )
    assert "datetime (UTC)" in str(compare.type_problem([("t", pl.Datetime("us", "UTC"), "t", pl.Datetime("us"))], "x"))


def test_values_and_aggregates_may_mix_number_families_keys_may_not() -> None:
    mixed = [("v", pl.Int64, "v", pl.Float64)]
    assert compare.type_problem(mixed, "x", numbers_alike=True) is None
    assert compare.type_problem(mixed, "x") is not None
    assert compare.type_problem([("v", pl.Int64, "v", pl.String)], "x", numbers_alike=True) is not None
    assert compare.targets(mixed) == {"v": pl.Float64}
    assert compare.targets([("k", pl.Int32, "k", pl.UInt8), ("s", pl.Categorical, "s", pl.String)]) == {
        "k": pl.Int64, "s": pl.String,
    }  # fmt: skip
    assert compare.targets([("d", pl.Date, "d", pl.Date)]) == {}


def test_key_gap_counts_distinct_keys_and_leaves_nulls_to_the_sides() -> None:
    left = pl.LazyFrame({"k": [1, 2, 2, 3, 4]})
    right = pl.LazyFrame({"k": [1, 3]})
    assert compare.key_gap(left, right, ["k"], 5) == (2, [(2,), (4,)])
    assert compare.key_gap(left, right, ["k"], 1) == (2, [(2,)])


def test_row_gap_counts_distinct_differing_keys_and_nulls_equal_nulls() -> None:
    here = pl.LazyFrame({"k": [1, 2, 3, 4], "v": [1.0, None, 3.0, 4.0]})
    there = pl.LazyFrame({"k": [1, 2, 3, 3, 5], "v": [1.0, None, 3.5, 3.0, 9.0]})  # key 3 twice there
    compared, differing, rows = compare.row_gap(here, there, ["k"], ["v"], 5)
    assert (compared, differing) == (4, 1)
    assert rows == [{"k": 3, "v": 3.0, "v__there": 3.5}]


def test_a_dataset_no_reconciling_reader_reads_errors_every_check(tmp_path: object) -> None:
    """A suite Spark reads: its reconciliation checks are errored, saying why, never passed."""
    from pathlib import Path

    from stewardgate.planning.reconcile import plan_reconcile
    from stewardgate.reconcile.run import judge_reconcile
    from stewardgate.results import Status
    from stewardgate.suite.loader import load_suite
    from tests.conftest import write_suite

    folder = Path(str(tmp_path))
    top = {"reconcile": [{"against": {"path": "x.parquet"}, "key": "id", "keys": {}, "row_count": {}}]}
    loaded = load_suite(write_suite(folder, name="orders", top=top))
    planned = plan_reconcile(loaded)

    class SparkLike:
        pass

    results = judge_reconcile(
        planned, loaded, SparkLike(), row_count=0, masked=set(), options=None, as_of=date(2026, 11, 27)
    )
    assert [r.check_id for r in results] == [p.check_id for p in planned]
    assert {r.status for r in results} == {Status.ERRORED}
    assert results[0].message == "reconciliation reads files with polars and tables in their database, not SparkLike"
