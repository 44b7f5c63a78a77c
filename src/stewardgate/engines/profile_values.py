"""Reading a profile back: from the pass's aggregates and side-query frames to the JSON-ready
profile (:func:`assemble_profile`), and from a profile to the metrics the store keeps and the
anomaly rules judge (:func:`flatten_metrics`). What the profile holds is described in
:mod:`stewardgate.engines.profile`, which plans the aggregates this module reads.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

import polars as pl

from stewardgate.profile_record import ColumnProfile, Profile

if TYPE_CHECKING:
    from stewardgate.engines.profile import ProfilePlan

QUANTILE_LEVELS: tuple[float, ...] = tuple(i / 100 for i in range(101))
"""The quantile levels kept in a numeric column's ``quantiles`` list: p0, p1, ..., p100."""

NAMED_QUANTILES: dict[str, int] = {"p01": 1, "p25": 25, "p50": 50, "p75": 75, "p99": 99}
"""Named percentiles reported as their own metrics, by their index in ``quantiles``."""

NUMERIC, TEXT, TEMPORAL, BOOLEAN, OTHER = "numeric", "text", "temporal", "boolean", "other"


def assemble_profile(
    plan: ProfilePlan, row: dict[str, Any], frames: dict[str, pl.DataFrame], row_count: int, *,
    as_of: datetime, top_k: int = 20, quantiles: dict[str, list[Any]] | None = None,
    estimates: dict[str, int] | None = None, approximations: dict[str, Any] | None = None,
) -> Profile:  # fmt: skip
    """The JSON-ready profile from the collected aggregates and side-query frames of a plan.

    An engine that computes quantiles or distinct estimates its own way (Spark's
    ``percentile_approx`` and ``approx_count_distinct``) passes them as ``quantiles`` and
    ``estimates``, and says how in ``approximations`` (kept in the profile).
    """
    sampled = quantiles is None
    quantiles = _sample_quantiles(plan, frames) if quantiles is None else quantiles
    columns: dict[str, ColumnProfile] = {}
    for i, (name, dtype) in enumerate(plan.schema.items()):
        kind = _kind(dtype)
        out = _column_profile(i, dtype, kind, row, row_count, as_of, quantiles.get(name))
        present = row_count - out["null_count"]
        out.update(_distinct(plan, name, present, frames, top_k, _has_top_values(dtype, kind), estimates))
        columns[name] = cast(ColumnProfile, out)
    profile: Profile = {"row_count": row_count, "columns": columns}
    if sampled and plan.step > 1 and quantiles:
        profile["quantile_sample_step"] = plan.step  # quantiles from every n-th row
    profile.update(cast(Profile, approximations or {}))
    return profile


def _sample_quantiles(plan: ProfilePlan, frames: dict[str, pl.DataFrame]) -> dict[str, list[Any]]:
    """p0..p100 of every numeric column, from the systematic sample (NaN left out)."""
    if plan.sample is None:
        return {}
    sample = frames[plan.sample.key]
    exprs = []
    for name in sample.columns:
        x = pl.col(name).cast(pl.Float64)
        x = x.fill_nan(None)
        exprs.append(x.quantile(list(QUANTILE_LEVELS), interpolation="linear").alias(name))
    # lazily, with the in-memory engine (the sample is in memory): 0.7 s for 375 columns of
    # 100,000 rows, against 2.0 s with the streaming engine and 4.5 s with the eager ``select``
    return sample.lazy().select(exprs).collect(engine="in-memory").row(0, named=True) if exprs else {}


def _distinct(
    plan: ProfilePlan, name: str, present: int, frames: dict[str, pl.DataFrame], top_k: int, tops: bool,
    estimates: dict[str, int] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """``distinct_count`` (and, for a counted column, ``top_values``) from the side queries.

    ``present`` is the column's number of non-null rows: with the repeated values, it gives the
    exact distinct count (every value once, less the extra occurrences of repeated ones).
    """
    from stewardgate.engines.side import COUNT, hll_estimate, hll_registers, repeated_values, value_counts

    if name in plan.counted:
        counts = frames[value_counts(name).key]
        values = counts.get_column(name)  # Series operations: a query per column cost 0.1 ms, x500
        distinct = counts.height - (1 if values.null_count() else 0)  # nulls are one group, not a value
        out: dict[str, Any] = {"distinct_count": distinct}
        if tops and distinct <= plan.max_categories:
            pairs = zip(values.cast(pl.String).to_list(), counts.get_column(COUNT).to_list(), strict=True)
            out["top_values"] = _top_values(pairs, top_k)
        return out
    if name in plan.exact:
        repeated = frames[repeated_values(name).key]
        involved = int(repeated[COUNT].sum()) if repeated.height else 0
        return {"distinct_count": present - involved + repeated.height}
    if name in plan.estimated:
        estimate = estimates[name] if estimates is not None else hll_estimate(frames[hll_registers(name).key])
        return {"distinct_count": estimate, "distinct_approximate": True}
    return {"distinct_count": None}


def flatten_metrics(profile: Profile) -> list[tuple[str, str | None, float]]:
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


def column_kind(dtype: pl.DataType) -> str:
    """``numeric``, ``text``, ``temporal``, ``boolean`` or ``other``: which metrics a column gets."""
    return _kind(dtype)


def metric_key(i: int, metric: str) -> str:
    """The output name of column ``i``'s ``metric`` in a profile's aggregates (any engine)."""
    return _key(i, metric)


def _kind(dtype: pl.DataType) -> str:
    if dtype.is_numeric():
        return NUMERIC
    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return TEXT
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return TEMPORAL
    if dtype == pl.Boolean:
        return BOOLEAN
    return OTHER


def _key(i: int, metric: str) -> str:
    """Output name of one aggregate: by column position, so no column name can clash."""
    return f"{i}:{metric}"


def _has_top_values(dtype: pl.DataType, kind: str) -> bool:
    return kind in (TEXT, BOOLEAN) or dtype.is_integer()


def _column_profile(
    i: int, dtype: pl.DataType, kind: str, row: dict[str, Any], row_count: int, as_of: datetime,
    quantiles: list[Any] | None,
) -> dict[str, Any]:  # fmt: skip
    null_count = int(row[_key(i, "null_count")])
    out: dict[str, Any] = {
        "dtype": str(dtype),
        "null_count": null_count,
        "null_fraction": null_count / row_count if row_count else None,
    }
    if kind == NUMERIC:
        out.update(_numeric_profile(i, dtype, row, quantiles))
    elif kind == TEXT:
        lengths = ("length_min", "length_mean", "length_max")
        out.update({metric: _number(row[_key(i, metric)]) for metric in lengths})
    elif kind == TEMPORAL:
        out.update(_temporal_profile(i, row, as_of))
    return out


def _numeric_profile(i: int, dtype: pl.DataType, row: dict[str, Any], raw: list[Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if dtype.is_float():
        out["nan_count"] = int(row[_key(i, "nan_count")])
    for metric in ("min", "max", "mean", "std"):
        out[metric] = _number(row[_key(i, metric)])
    out["zero_count"] = int(row[_key(i, "zero_count")])
    out["negative_count"] = int(row[_key(i, "negative_count")])
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


def _top_values(counts: Iterable[tuple[str | None, int]], top_k: int) -> list[dict[str, Any]]:
    ranked = sorted(((int(n), v) for v, n in counts), key=lambda c: (-c[0], c[1] is None, c[1] or ""))
    return [{"value": value, "count": count} for count, value in ranked[:top_k]]


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
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _epoch_seconds(iso: str) -> float:
    return _utc(datetime.fromisoformat(iso)).timestamp()
