"""The queries collected beside the one-pass select: repeated values, value counts, HLL, sample."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import polars as pl
import pytest

from stewardgate.engines.profile import compute_profile, plan_profile
from stewardgate.engines.side import (
    COUNT,
    collect_with,
    hll_estimate,
    hll_registers,
    repeated_values,
    systematic_sample,
    value_counts,
)


def _one(query, df: pl.DataFrame) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    _, frames = collect_with(df.lazy().select(pl.len()), df.lazy(), [query])
    return frames[query.key]


def test_repeated_values_ignore_nulls_and_count_every_row_involved() -> None:
    df = pl.DataFrame({"k": [1, 2, 2, None, None, 3, 3, 3]})
    repeated = _one(repeated_values("k"), df).sort("k")
    assert repeated.rows() == [(2, 2), (3, 3)]


VALUES = [
    pl.Series([3, 1, 3, 2, 1, 3, None, None]),
    pl.Series(["b", "a", "b", None, "c", "a", "a"]),
    pl.Series([date(2024, 1, 2), date(2024, 1, 1), date(2024, 1, 2), None]),
    pl.Series([datetime(2024, 1, 1, 5), datetime(2024, 1, 1, 5), datetime(2024, 1, 1, 6)]),
    pl.Series([time(1, 2), time(1, 2), time(3, 4)]),
    pl.Series([timedelta(days=1), timedelta(days=1), timedelta(0)]),
    pl.Series([Decimal("1.10"), Decimal("1.1"), Decimal("2"), None]),
    pl.Series([b"a", b"a", b"b"]),
    pl.Series([True, False, True, None, None]),
    pl.Series(["x", "y", "x"], dtype=pl.Enum(["y", "x"])),
    pl.Series([[1, 2], [1, 2], [2]]),
    pl.Series([None, None], dtype=pl.Null),
    pl.Series([0.0, -0.0, 1.5, 1.5, float("nan"), float("nan")]),
]  # fmt: skip
"""A column of each kind polars has, with repeats, nulls and NaN."""

BY_TYPE = pytest.mark.parametrize("values", VALUES, ids=lambda s: str(s.dtype))


@BY_TYPE
def test_repeated_values_match_a_plain_count_for_every_type(values: pl.Series) -> None:
    """Sorting the column finds exactly the values a plain count says occur more than once
    (nulls left out; -0.0 equals 0.0 and NaN equals NaN, as in polars' own comparisons)."""
    key = lambda v: (0.0 if v == 0 else v) if isinstance(v, float) else (tuple(v) if isinstance(v, list) else v)  # noqa: E731
    counts = Counter("nan" if isinstance(v, float) and v != v else key(v) for v in values.to_list() if v is not None)
    expected = sorted(n for n in counts.values() if n > 1)
    repeated = _one(repeated_values("c"), pl.DataFrame({"c": values}))
    assert sorted(repeated[COUNT].to_list()) == expected


def test_repeated_values_can_treat_nan_as_missing_as_gx_does() -> None:
    df = pl.DataFrame({"x": [1.0, float("nan"), float("nan"), 2.0]})
    assert _one(repeated_values("x"), df)[COUNT].to_list() == [2]  # NaN is a value (polars)
    assert _one(repeated_values("x", nan_is_missing=True), df).height == 0  # missing (GX, pandas)


def test_value_counts_include_the_null_group() -> None:
    counts = _one(value_counts("s"), pl.DataFrame({"s": ["a", "a", None, "b"]}))
    assert dict(counts.rows()) == {"a": 2, None: 1, "b": 1}


@BY_TYPE
def test_value_counts_over_data_in_memory_are_the_frames_a_scan_groups(values: pl.Series) -> None:
    """In memory every value count is one imploded ``value_counts`` of a single ``select``; over a
    scan each is a group-by. Both give the same frame: the same rows (null and NaN each one
    value), the same types."""
    df = pl.DataFrame({"c": values, "d": values.reverse()})
    queries = [value_counts("c"), value_counts("d")]
    _, grouped = collect_with(df.lazy().select(pl.len()), df.lazy(), queries, polars_engine="streaming")
    _, merged = collect_with(df.lazy().select(pl.len()), df.lazy(), queries, polars_engine="in-memory")
    for q in queries:
        assert merged[q.key].schema == grouped[q.key].schema
        assert sorted(map(repr, merged[q.key].rows())) == sorted(map(repr, grouped[q.key].rows()))


def test_in_memory_the_value_counts_are_one_query(monkeypatch: pytest.MonkeyPatch) -> None:
    df = pl.DataFrame({"a": [1, 1, 2], "b": ["x", None, "x"], "c": [1.5, 2.5, 1.5]})
    sizes: list[int] = []
    collect_all = pl.collect_all

    def spy(lfs: list[pl.LazyFrame], **kwargs: object) -> list[pl.DataFrame]:
        sizes.append(len(lfs))
        return collect_all(lfs, **kwargs)

    monkeypatch.setattr(pl, "collect_all", spy)
    queries = [value_counts("a"), value_counts("b"), repeated_values("c"), value_counts("a")]
    for engine in ("in-memory", "streaming"):
        _, frames = collect_with(df.lazy().select(pl.len()), df.lazy(), queries, polars_engine=engine)
        assert list(frames) == ["counts:a", "counts:b", "repeated:c"]
        assert dict(frames["counts:b"].rows()) == {"x": 2, None: 1}
    assert sizes == [3, 4]  # main, the repeated values, one select of both value counts | a group-by each


def test_systematic_sample_takes_every_nth_row_by_position() -> None:
    df = pl.DataFrame({"x": list(range(100)), "y": list(range(100))})
    assert _one(systematic_sample(["x"], 10), df)["x"].to_list() == list(range(0, 100, 10))
    assert _one(systematic_sample(["x"], 1), df).height == 100


@pytest.mark.parametrize("n", [0, 1, 50, 3_000, 200_000])
def test_hyperloglog_estimates_distinct_counts_within_a_few_percent(n: int) -> None:
    values = pl.DataFrame({"i": list(range(n)) * 2, "s": [f"user{v}@example.com" for v in range(n)] * 2})
    for column in ("i", "s"):
        estimate = hll_estimate(_one(hll_registers(column), values))
        assert abs(estimate - n) <= max(1, 0.05 * n), (column, n, estimate)


def test_hyperloglog_leaves_nulls_out() -> None:
    df = pl.DataFrame({"i": [1, None, 2, None]})
    assert hll_estimate(_one(hll_registers("i"), df)) == 2


def test_profile_distinct_counts_are_exact_estimated_or_not_measured_as_planned() -> None:
    n = 5_000
    df = pl.DataFrame({"key": [*range(n), 7, 8], "email": [f"u{v}" for v in range(n + 2)], "free": list(range(n + 2))})
    high = frozenset(df.columns)
    plan = plan_profile(
        dict(df.schema.items()), high_cardinality=high, exact=frozenset({"key"}), estimate=frozenset({"email"})
    )
    main, frames = collect_with(plan.select(df.lazy(), pl.len().alias("n")), df.lazy(), plan.side)
    from stewardgate.engines.profile import assemble_profile

    row = main.row(0, named=True)
    columns = assemble_profile(plan, row, frames, row.pop("n"), as_of=datetime(2024, 1, 1))["columns"]
    assert columns["key"]["distinct_count"] == n and "distinct_approximate" not in columns["key"]
    assert abs(columns["email"]["distinct_count"] - (n + 2)) <= 0.05 * n and columns["email"]["distinct_approximate"]
    assert columns["free"]["distinct_count"] is None  # high cardinality, nobody asked: not measured


def test_a_column_with_more_values_than_its_head_showed_loses_top_values_but_keeps_its_count() -> None:
    # 20,000 rows of one value, then 60 more values: the head sample calls it low-cardinality
    df = pl.DataFrame({"c": ["a"] * 20_000 + [f"v{i}" for i in range(60)]})
    col = compute_profile(df.lazy(), as_of=datetime(2024, 1, 1))["columns"]["c"]
    assert col["distinct_count"] == 61
    assert "top_values" not in col


def test_a_run_counts_distinct_values_exactly_for_unique_columns_and_estimates_watched_ones(
    make_suite,  # type: ignore[no-untyped-def]
) -> None:
    from stewardgate.runner import RunOptions, run_paths

    n = 3_000
    df = pl.DataFrame(
        {"id": [*range(n), 5], "email": [f"u{v}@x.org" for v in range(n + 1)], "note": [f"n{v}" for v in range(n + 1)]}
    )
    suite = make_suite(
        data=df, columns={"id": {"unique": True}, "email": {}, "note": {}},
        top={"anomalies": [{"metric": "distinct_count", "columns": ["email"]}]},
    )  # fmt: skip
    (run,) = run_paths([suite], RunOptions(use_store=False)).datasets
    columns = run.profile["columns"]
    assert columns["id"]["distinct_count"] == n and "distinct_approximate" not in columns["id"]
    assert abs(columns["email"]["distinct_count"] - (n + 1)) <= 0.05 * n
    assert columns["email"]["distinct_approximate"] is True
    assert columns["note"]["distinct_count"] is None  # nobody watches it: not measured
    unique = next(r for r in run.results if r.check_id == "t.columns.id.unique")
    assert (unique.status.value, unique.failing_count, list(unique.samples)) == ("failed", 2, ["5"])
