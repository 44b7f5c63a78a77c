"""The one-pass metric profile: hand-computed values, nulls, empty data, freshness, top values."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from polars.io.plugins import register_io_source

from stewardgate.engines.profile import QUANTILE_LEVELS, compute_profile, flatten_metrics, high_cardinality_columns
from stewardgate.suite.anomaly_rules import KNOWN_METRICS

AS_OF = datetime(2024, 1, 6, 6, 0, tzinfo=UTC)


def profile_of(df: pl.DataFrame, **kwargs: Any) -> dict[str, Any]:
    return compute_profile(df.lazy(), as_of=AS_OF, **kwargs)


def test_integer_column_hand_computed() -> None:
    p = profile_of(pl.DataFrame({"a": [1, 2, 2, None, 5]}))
    a = p["columns"]["a"]
    assert p["row_count"] == 5
    assert a["dtype"] == "Int64"
    assert (a["null_count"], a["null_fraction"], a["distinct_count"]) == (1, 0.2, 3)
    assert (a["min"], a["max"], a["mean"]) == (1, 5, 2.5)
    assert a["std"] == pytest.approx(math.sqrt(3))  # sample sd of 1, 2, 2, 5
    assert (a["zero_count"], a["negative_count"]) == (0, 0)
    # linear interpolation over the sorted non-null values 1, 2, 2, 5 (positions 0..3)
    assert a["p01"] == pytest.approx(1.03)
    assert a["p25"] == pytest.approx(1.75)
    assert a["p50"] == pytest.approx(2.0)
    assert a["p75"] == pytest.approx(2.75)
    assert a["p99"] == pytest.approx(4.91)
    assert len(a["quantiles"]) == len(QUANTILE_LEVELS) == 101
    assert (a["quantiles"][0], a["quantiles"][100]) == (1.0, 5.0)


def test_signs_and_zeros_are_counted() -> None:
    a = profile_of(pl.DataFrame({"a": [-2.0, 0.0, 0.0, 3.0, -1.0]}))["columns"]["a"]
    assert (a["zero_count"], a["negative_count"], a["nan_count"]) == (2, 2, 0)


def test_nan_is_counted_and_kept_out_of_the_statistics() -> None:
    a = profile_of(pl.DataFrame({"a": [1.0, float("nan"), 3.0, None]}))["columns"]["a"]
    assert (a["null_count"], a["nan_count"]) == (1, 1)
    assert (a["min"], a["max"], a["mean"]) == (1.0, 3.0, 2.0)


def test_infinity_is_reported_as_none_so_the_profile_stays_json() -> None:
    p = profile_of(pl.DataFrame({"a": [1.0, float("inf")]}))
    assert p["columns"]["a"]["max"] is None
    json.dumps(p, allow_nan=False)


def test_decimals_are_numbers() -> None:
    df = pl.DataFrame({"d": ["1.50", "2.50", None]}).select(pl.col("d").cast(pl.Decimal(10, 2)))
    d = profile_of(df)["columns"]["d"]
    assert (d["min"], d["max"], d["mean"], d["p50"]) == (1.5, 2.5, 2.0, 2.0)


def test_a_column_of_only_nulls() -> None:
    df = pl.DataFrame({"a": [None, None]}, schema={"a": pl.Int64})
    a = profile_of(df)["columns"]["a"]
    assert (a["null_count"], a["null_fraction"], a["distinct_count"]) == (2, 1.0, 0)
    assert a["mean"] is None and a["quantiles"] is None and a["p50"] is None
    assert a["top_values"] == [{"value": None, "count": 2}]


def test_null_is_not_a_distinct_value() -> None:
    s = profile_of(pl.DataFrame({"s": ["x", None, "x", None]}))["columns"]["s"]
    assert s["distinct_count"] == 1


def test_text_lengths_for_strings_and_categoricals() -> None:
    df = pl.DataFrame({"s": ["a", "bb", None, "ccc", "é"]})
    df = df.with_columns(pl.col("s").cast(pl.Categorical).alias("c"))
    cols = profile_of(df)["columns"]
    for name in ("s", "c"):
        assert (cols[name]["length_min"], cols[name]["length_max"]) == (1, 3)
        assert cols[name]["length_mean"] == pytest.approx(7 / 4)  # characters, not bytes
    assert "mean" not in cols["s"]


def test_empty_frame_does_not_crash_and_has_no_statistics() -> None:
    df = pl.DataFrame(
        {"n": [], "s": [], "d": [], "b": []},
        schema={"n": pl.Float64, "s": pl.String, "d": pl.Date, "b": pl.Boolean},
    )
    p = profile_of(df)
    assert p["row_count"] == 0
    n, s, d = p["columns"]["n"], p["columns"]["s"], p["columns"]["d"]
    assert (n["null_count"], n["null_fraction"], n["distinct_count"]) == (0, None, 0)
    assert n["min"] is None and n["std"] is None and n["quantiles"] is None
    assert s["length_mean"] is None and s["top_values"] == []
    assert d["max"] is None and d["freshness_seconds"] is None
    json.dumps(p, allow_nan=False)


def test_a_frame_without_columns() -> None:
    assert profile_of(pl.DataFrame()) == {"row_count": 0, "columns": {}}


def test_freshness_of_dates_and_datetimes() -> None:
    df = pl.DataFrame(
        {
            "day": [date(2024, 1, 3), date(2024, 1, 5), None],
            "naive": [datetime(2024, 1, 5, 18), datetime(2024, 1, 1), None],
            "paris": [datetime(2024, 1, 6, 5, 30), None, None],  # UTC wall time
        },
        schema_overrides={"paris": pl.Datetime("us", "Europe/Paris")},
    )
    cols = profile_of(df)["columns"]
    assert (cols["day"]["min"], cols["day"]["max"]) == ("2024-01-03", "2024-01-05")
    assert cols["day"]["freshness_seconds"] == 30 * 3600  # midnight of the 5th to 06:00 on the 6th
    assert cols["naive"]["max"] == "2024-01-05T18:00:00"
    assert cols["naive"]["freshness_seconds"] == 12 * 3600  # naive timestamps count as UTC
    assert cols["paris"]["max"] == "2024-01-06T06:30:00+01:00"
    assert cols["paris"]["freshness_seconds"] == 30 * 60


def test_values_later_than_as_of_give_a_negative_freshness() -> None:
    df = pl.DataFrame({"t": [AS_OF + timedelta(hours=1)]})
    assert profile_of(df)["columns"]["t"]["freshness_seconds"] == -3600


def test_a_naive_as_of_is_utc() -> None:
    df = pl.DataFrame({"t": [datetime(2024, 1, 1, tzinfo=UTC)]})
    p = compute_profile(df.lazy(), as_of=datetime(2024, 1, 1, 1))
    assert p["columns"]["t"]["freshness_seconds"] == 3600


def test_top_values_only_for_low_cardinality_columns() -> None:
    df = pl.DataFrame(
        {
            "status": ["a", "b", "a", None, "c", "a", "b", None],
            "code": [1, 2, 1, 3, 1, 2, 9, 9],
            "id": list(range(8)),
            "flag": [True, False, True, True, None, True, False, True],
            "amount": [1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0],
        }
    )
    cols = profile_of(df, max_categories=5, top_k=3)["columns"]
    assert cols["status"]["top_values"] == [
        {"value": "a", "count": 3},
        {"value": "b", "count": 2},
        {"value": None, "count": 2},  # ties by value, null last
    ]
    assert cols["code"]["top_values"] == [
        {"value": "1", "count": 3},
        {"value": "2", "count": 2},
        {"value": "9", "count": 2},
    ]
    assert cols["flag"]["top_values"][0] == {"value": "true", "count": 5}
    assert "top_values" not in cols["id"]  # 8 distinct values > max_categories
    assert "top_values" not in cols["amount"]  # floats never get top values


def test_exactly_max_categories_distinct_values_still_qualify() -> None:
    df = pl.DataFrame({"s": ["a", "b", "c", None]})
    assert len(profile_of(df, max_categories=3)["columns"]["s"]["top_values"]) == 4
    assert "top_values" not in profile_of(df, max_categories=2)["columns"]["s"]


def _counting_source(df: pl.DataFrame, opened: list[tuple[int, tuple[str, ...]]]) -> pl.LazyFrame:
    def source(
        with_columns: list[str] | None,
        predicate: pl.Expr | None,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        columns = tuple(with_columns or df.columns)
        opened.append((n_rows if n_rows is not None else -1, columns))  # -1: a full read
        frame = df if with_columns is None else df.select(with_columns)
        yield frame if n_rows is None else frame.head(n_rows)

    return register_io_source(source, schema=df.schema)


def test_the_profile_is_one_streaming_collect_whose_side_queries_read_only_their_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    df = pl.DataFrame(
        {
            "n": [1, 2, 3],
            "f": [1.0, None, 2.0],
            "s": ["a", "b", "b"],
            "d": [date(2024, 1, i) for i in (1, 2, 3)],
            "b": [True, None, False],
        }
    )
    opened: list[tuple[int, tuple[str, ...]]] = []
    calls: list[Any] = []
    collect_all = pl.collect_all

    def spy(lfs: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("engine"))
        return collect_all(lfs, **kwargs)

    monkeypatch.setattr(pl, "collect_all", spy)
    p = compute_profile(_counting_source(df, opened), as_of=AS_OF)
    assert p["row_count"] == 3
    assert calls == ["streaming"]  # one collect_all, streaming
    heads = [cols for n, cols in opened if n != -1]
    assert [n for n, _ in opened if n != -1] == [20_000]  # a bounded head read (cardinality) first
    assert len(heads) == 1
    full = sorted(cols for n, cols in opened if n == -1)
    # the main select, one value count per (low-cardinality) column, the quantile sample
    assert full == sorted([tuple(df.columns), ("n",), ("f",), ("s",), ("d",), ("b",), ("n", "f")])


@pytest.mark.parametrize("rows", [3, 2_500, 30_000])
def test_in_memory_the_head_is_looked_at_twice_and_flags_the_same_columns(rows: int) -> None:
    """Columns distinct in the first 2,000 rows, distinct only later in the head, never more
    than 50 values, and more than 50 only past the head: the staged look over a frame in
    memory flags exactly what one look at the whole head flags."""
    i = pl.int_range(rows, eager=True)
    df = pl.DataFrame({"i": i}).select(
        pl.col("i").alias("early"),
        pl.when(pl.col("i") < 2_000).then(0).otherwise(pl.col("i")).alias("late"),
        (pl.col("i") % 7).alias("few"),
        pl.when(pl.col("i") < 20_000).then(pl.col("i") % 3).otherwise(pl.col("i")).alias("beyond_head"),
    )
    schema = dict(df.schema)
    once = high_cardinality_columns(df.lazy(), schema, polars_engine="streaming")
    staged = high_cardinality_columns(df.lazy(), schema, polars_engine="in-memory")
    assert staged == once
    expected = {3: set(), 2_500: {"early", "late"}, 30_000: {"early", "late"}}[rows]
    assert staged == expected


def test_flatten_metrics_gives_every_numeric_scalar() -> None:
    df = pl.DataFrame({"n": [1, None], "s": ["a", "bb"], "d": [date(1970, 1, 2), date(1970, 1, 3)]})
    rows = flatten_metrics(profile_of(df))
    assert rows[0] == ("row_count", None, 2.0)
    by_key = {(metric, column): value for metric, column, value in rows}
    assert by_key[("null_fraction", "n")] == 0.5
    assert by_key[("min", "d")] == 86400.0  # epoch seconds
    assert by_key[("max", "d")] == 2 * 86400.0
    assert by_key[("length_max", "s")] == 2.0
    assert ("quantiles", "n") not in by_key and ("top_values", "s") not in by_key
    assert ("std", "n") not in by_key  # None (one value) is skipped
    assert ("dtype", "n") not in by_key
    assert all(isinstance(value, float) for _, _, value in rows)


def test_every_flattened_metric_can_be_watched_by_an_anomaly_rule() -> None:
    df = pl.DataFrame(
        {
            "i": [1, 2],
            "f": [1.5, float("nan")],
            "s": ["a", None],
            "t": [datetime(2024, 1, 1), datetime(2024, 1, 2)],
        }
    )
    metrics = {metric for metric, _, _ in flatten_metrics(profile_of(df))}
    assert metrics <= KNOWN_METRICS
    assert {"row_count", "null_fraction", "p99", "freshness_seconds", "nan_count"} <= metrics


def test_profile_is_json_ready() -> None:
    df = pl.DataFrame(
        {
            "i": [1, 2, None],
            "s": ["a", None, "c"],
            "t": [datetime(2024, 1, 1) + timedelta(hours=h) for h in range(3)],
        }
    )
    text = json.dumps(profile_of(df), allow_nan=False)
    assert json.loads(text)["columns"]["t"]["max"] == "2024-01-01T02:00:00"


def test_sampled_quantiles_keep_exact_ends_and_say_they_are_sampled() -> None:
    from stewardgate.engines.profile import assemble_profile, plan_profile, sample_step
    from stewardgate.engines.side import collect_with

    df = pl.DataFrame({"x": [float(v) for v in range(10_001)]})
    plan = plan_profile(dict(df.schema.items()), step=10, high_cardinality=frozenset({"x"}))
    main, frames = collect_with(plan.select(df.lazy(), pl.len().alias("n")), df.lazy(), plan.side)
    row = main.row(0, named=True)
    p = assemble_profile(plan, row, frames, row.pop("n"), as_of=AS_OF)
    col = p["columns"]["x"]
    assert p["quantile_sample_step"] == 10
    assert (col["quantiles"][0], col["quantiles"][-1]) == (0.0, 10_000.0)  # exact min and max
    assert abs(col["p50"] - 5_000) <= 10 and abs(col["p99"] - 9_900) <= 10  # within one sampling step
    assert (sample_step(None), sample_step(199_999), sample_step(10_000_000)) == (1, 1, 50)
