"""The one-pass metric profile of a dataset: counts, null fractions, quantiles, lengths, freshness.

The profile is what the anomaly and drift detectors judge, and what the history store keeps
per run. It is computed by **one** polars query: a single ``select`` of aggregate
expressions, collected once with the streaming engine, so a large dataset is read once.

What a steward gets per column (``None`` where a statistic has no values to describe):

- every column: ``dtype``, ``null_count``, ``null_fraction`` (``None`` for an empty dataset),
  ``distinct_count`` (distinct *non-null* values: a null is missing, not a value, so a
  column of only nulls has 0; a float NaN does count as a value);
- numbers (integers, floats, decimals): ``min``, ``max``, ``mean``, ``std``, ``zero_count``,
  ``negative_count``, ``p01``/``p25``/``p50``/``p75``/``p99`` and ``quantiles`` (p0..p100, 101
  values, linear interpolation, kept for drift checks); float columns also get ``nan_count``,
  and NaN values are left out of the other statistics (NaN would otherwise swallow them);
- text (string, categorical, enum): ``length_min``, ``length_mean``, ``length_max`` in characters;
- dates and datetimes: ``min``/``max`` as ISO strings and ``freshness_seconds``, the time from
  the latest value to ``as_of`` (a date counts as its midnight; naive timestamps as UTC);
- low-cardinality text, boolean and integer columns (at most ``max_categories`` distinct
  values): ``top_values``, the ``top_k`` most frequent values (as text: ``"true"``, ``"42"``)
  with their counts, null included as ``None``, most frequent first, ties by value;
- other types (time, duration, binary, lists, structs): the every-column metrics only.

Infinite results (a column holding ``inf``) are reported as ``None`` so the profile stays
valid JSON. Reading the schema (``collect_schema``) resolves metadata only and is not a pass
over the data.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any

import polars as pl

QUANTILE_LEVELS: tuple[float, ...] = tuple(i / 100 for i in range(101))
"""The quantile levels kept in a numeric column's ``quantiles`` list: p0, p1, ..., p100."""

NAMED_QUANTILES: dict[str, int] = {"p01": 1, "p25": 25, "p50": 50, "p75": 75, "p99": 99}
"""Named percentiles reported as their own metrics, by their index in ``quantiles``."""

_NUMERIC, _TEXT, _TEMPORAL, _BOOLEAN, _OTHER = "numeric", "text", "temporal", "boolean", "other"


def compute_profile(
    lf: pl.LazyFrame, *, as_of: datetime, top_k: int = 20, max_categories: int = 50
) -> dict[str, Any]:
    """Profile a dataset in one pass and return JSON-ready metrics.

    Args:
        lf: The dataset, lazily scanned. It is read once, with the streaming engine.
        as_of: The moment freshness is measured against (naive means UTC).
        top_k: How many of the most frequent values to keep for a low-cardinality column.
        max_categories: A column with more distinct values than this gets no ``top_values``.

    Returns:
        ``{"row_count": int, "columns": {name: {metric: value, ...}}}`` as described in the
        module docstring.

    Raises:
        polars.exceptions.PolarsError: the data could not be read; the caller, which knows
            the dataset's path, turns it into a ``DatasetError``.

    Top values need the cardinality before one can tell whether a column qualifies, so the
    query computes, for every candidate column, the value counts of its first
    ``max_categories + 1`` values by frequency alongside ``n_unique``; the lists of columns
    above the limit are dropped afterwards. That costs a group-by per candidate column inside
    the same pass instead of a second pass over the data.
    """
    schema = dict(lf.collect_schema().items())
    high = high_cardinality_columns(lf, schema, max_categories=max_categories)
    exprs = [pl.len().alias("row_count"), *profile_exprs(schema, max_categories=max_categories, high_cardinality=high)]
    row = lf.select(exprs).collect(engine="streaming").row(0, named=True)
    return assemble_profile(
        schema, row, int(row["row_count"]), as_of=as_of, top_k=top_k, max_categories=max_categories
    )


QUANTILE_SAMPLE = 200_000
"""Quantiles of a larger column come from a systematic sample of about this many rows."""


def sample_step(rows: int | None) -> int:
    """Every how many rows the quantile sample takes one (1: all rows; unknown size: all)."""
    return max(1, (rows or 0) // QUANTILE_SAMPLE)


def profile_exprs(
    schema: dict[str, pl.DataType], *, max_categories: int = 50, high_cardinality: frozenset[str] = frozenset(),
    step: int = 1,
) -> list[pl.Expr]:
    """The profile's aggregate expressions, to run in a caller's single ``select``.

    Output names are ``"<column position>:<metric>"``; :func:`assemble_profile` reads them back.
    Columns in ``high_cardinality`` (see :func:`high_cardinality_columns`) get a HyperLogLog
    estimate of their distinct count and no value counts: exact counting of millions of distinct
    strings would cost more than all the checks together. With ``step`` > 1 the quantiles come
    from every ``step``-th row (a systematic sample; see :func:`sample_step`): sorting every
    numeric column in full is the most expensive part of a profile, and 200,000 evenly spread
    rows place each percentile within a fraction of a point.
    """
    exprs: list[pl.Expr] = []
    for i, (name, dtype) in enumerate(schema.items()):
        exprs += _column_exprs(i, name, dtype, _kind(dtype), max_categories, name in high_cardinality, step)
    if step > 1:
        exprs.append(pl.lit(step).alias("quantile_step"))
    return exprs


def high_cardinality_columns(lf: pl.LazyFrame, schema: dict[str, pl.DataType], *, max_categories: int = 50,
                             head_rows: int = 20_000) -> frozenset[str]:  # fmt: skip
    """Columns with more than ``max_categories`` distinct values among the first rows.

    This reads only the head of the data (the first row group of a Parquet file), not a pass.
    It is safe both ways: a column flagged here has more distinct values in the whole data too;
    a column not flagged gets exact counts, and its value counts are dropped afterwards if the
    whole data proves it has more than ``max_categories`` values.
    """
    names = [n for n, t in schema.items() if t != pl.Object]
    if not names:
        return frozenset()
    head = lf.head(head_rows).select([pl.col(n).drop_nulls().n_unique().alias(n) for n in names]).collect()
    return frozenset(n for n in names if head[n][0] > max_categories)


def assemble_profile(
    schema: dict[str, pl.DataType], row: dict[str, Any], row_count: int, *, as_of: datetime,
    top_k: int = 20, max_categories: int = 50,
) -> dict[str, Any]:  # fmt: skip
    """The JSON-ready profile from the collected values of :func:`profile_exprs`."""
    columns = {
        name: _column_profile(i, dtype, _kind(dtype), row, row_count, as_of, top_k, max_categories)
        for i, (name, dtype) in enumerate(schema.items())
    }
    profile: dict[str, Any] = {"row_count": row_count, "columns": columns}
    if row.get("quantile_step"):
        profile["quantile_sample_step"] = int(row["quantile_step"])  # quantiles from every n-th row
    return profile


def flatten_metrics(profile: dict[str, Any]) -> list[tuple[str, str | None, float]]:
    """Every numeric scalar metric of a profile as ``(metric, column, value)`` rows.

    This is what the history store saves per run and what anomaly rules are judged on.
    ``row_count`` has column ``None``; a date/datetime column's ``min``/``max`` become epoch
    seconds (UTC); lists (``quantiles``, ``top_values``), texts and ``None`` are skipped.
    """
    rows: list[tuple[str, str | None, float]] = [("row_count", None, float(profile["row_count"]))]
    for column, metrics in profile["columns"].items():
        temporal = "freshness_seconds" in metrics
        for metric, value in metrics.items():
            if temporal and metric in ("min", "max") and isinstance(value, str):
                rows.append((metric, column, _epoch_seconds(value)))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append((metric, column, float(value)))
    return rows


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return _NUMERIC
    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return _TEXT
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return _TEMPORAL
    if dtype == pl.Boolean:
        return _BOOLEAN
    return _OTHER


def _key(i: int, metric: str) -> str:
    """Output name of one aggregate: by column position, so no column name can clash."""
    return f"{i}:{metric}"


def _has_top_values(dtype: pl.DataType, kind: str) -> bool:
    return kind in (_TEXT, _BOOLEAN) or dtype.is_integer()


def _column_exprs(
    i: int, name: str, dtype: pl.DataType, kind: str, max_categories: int, high: bool = False, step: int = 1
) -> list[pl.Expr]:
    col = pl.col(name)
    exprs = [col.null_count().alias(_key(i, "null_count"))]
    if dtype != pl.Object:
        distinct = col.drop_nulls().approx_n_unique() if high else col.drop_nulls().n_unique()
        exprs.append(distinct.alias(_key(i, "distinct_count")))
        if high:
            exprs.append(pl.lit(True).alias(_key(i, "distinct_approximate")))
    if kind == _NUMERIC:
        exprs += _numeric_exprs(i, col, dtype, step)
    elif kind == _TEXT:
        length = col.cast(pl.String).str.len_chars()
        exprs += [length.min().alias(_key(i, "length_min"))]
        exprs += [length.mean().alias(_key(i, "length_mean"))]
        exprs += [length.max().alias(_key(i, "length_max"))]
    elif kind == _TEMPORAL:
        exprs += [col.min().alias(_key(i, "min")), col.max().alias(_key(i, "max"))]
    if _has_top_values(dtype, kind) and not high:
        counts = col.cast(pl.String).alias("value").value_counts(sort=True, name="count")
        exprs.append(counts.head(max_categories + 1).implode().alias(_key(i, "top_values")))
    return exprs


def _numeric_exprs(i: int, col: pl.Expr, dtype: pl.DataType, step: int = 1) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    x = col.cast(pl.Float64) if isinstance(dtype, pl.Decimal) else col
    if dtype.is_float():
        exprs.append(col.is_nan().sum().alias(_key(i, "nan_count")))
        x = col.fill_nan(None)
    exprs += [
        x.min().alias(_key(i, "min")),
        x.max().alias(_key(i, "max")),
        x.mean().alias(_key(i, "mean")),
        x.std().alias(_key(i, "std")),
        (x == 0).sum().alias(_key(i, "zero_count")),
        (x < 0).sum().alias(_key(i, "negative_count")),
        (x.gather_every(step) if step > 1 else x).cast(pl.Float64)
        .quantile(list(QUANTILE_LEVELS), interpolation="linear")
        .alias(_key(i, "quantiles")),
    ]
    return exprs


def _column_profile(
    i: int,
    dtype: pl.DataType,
    kind: str,
    row: dict[str, Any],
    row_count: int,
    as_of: datetime,
    top_k: int,
    max_categories: int,
) -> dict[str, Any]:
    null_count = int(row[_key(i, "null_count")])
    distinct = row.get(_key(i, "distinct_count"))
    out: dict[str, Any] = {
        "dtype": str(dtype),
        "null_count": null_count,
        "null_fraction": null_count / row_count if row_count else None,
        "distinct_count": None if distinct is None else int(distinct),
    }
    if row.get(_key(i, "distinct_approximate")):
        out["distinct_approximate"] = True  # a HyperLogLog estimate (high-cardinality column)
    if kind == _NUMERIC:
        out.update(_numeric_profile(i, dtype, row))
    elif kind == _TEXT:
        lengths = ("length_min", "length_mean", "length_max")
        out.update({metric: _number(row[_key(i, metric)]) for metric in lengths})
    elif kind == _TEMPORAL:
        out.update(_temporal_profile(i, row, as_of))
    counted = _key(i, "top_values") in row
    if counted and _has_top_values(dtype, kind) and distinct is not None and distinct <= max_categories:
        out["top_values"] = _top_values(row[_key(i, "top_values")], top_k)
    return out


def _numeric_profile(i: int, dtype: pl.DataType, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if dtype.is_float():
        out["nan_count"] = int(row[_key(i, "nan_count")])
    for metric in ("min", "max", "mean", "std"):
        out[metric] = _number(row[_key(i, metric)])
    out["zero_count"] = int(row[_key(i, "zero_count")])
    out["negative_count"] = int(row[_key(i, "negative_count")])
    raw = row[_key(i, "quantiles")]
    quantiles = [_number(q) for q in raw] if raw is not None else []
    has_values = any(q is not None for q in quantiles)
    if has_values and isinstance(out.get("min"), (int, float)) and isinstance(out.get("max"), (int, float)):
        quantiles[0], quantiles[-1] = float(out["min"]), float(out["max"])  # exact ends, even when sampled
    for name, index in NAMED_QUANTILES.items():
        out[name] = quantiles[index] if has_values else None
    out["quantiles"] = quantiles if has_values else None
    return out


def _temporal_profile(i: int, row: dict[str, Any], as_of: datetime) -> dict[str, Any]:
    low, high = row[_key(i, "min")], row[_key(i, "max")]
    freshness = None
    if high is not None:
        freshness = (_utc(as_of) - _utc(high)).total_seconds()
    return {
        "min": None if low is None else low.isoformat(),
        "max": None if high is None else high.isoformat(),
        "freshness_seconds": freshness,
    }


def _top_values(counts: list[dict[str, Any]], top_k: int) -> list[dict[str, Any]]:
    items = [{"value": c["value"], "count": int(c["count"])} for c in counts]
    items.sort(key=lambda c: (-c["count"], c["value"] is None, c["value"] or ""))
    return items[:top_k]


def _number(value: Any) -> int | float | None:
    """A JSON-safe number: ints stay ints, floats must be finite, anything else is None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    as_float = float(value)
    return as_float if math.isfinite(as_float) else None


def _utc(moment: date | datetime) -> datetime:
    """A date or datetime as an aware UTC datetime: a date is its midnight, naive is UTC."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _epoch_seconds(iso: str) -> float:
    return _utc(datetime.fromisoformat(iso)).timestamp()
