"""The one-pass metric profile of a dataset: counts, null fractions, quantiles, lengths, freshness.

The profile is what the anomaly and drift detectors judge, and what the history store keeps
per run. It is computed inside the run's one pass (:func:`plan_profile`): streaming aggregates
in the run's ``select``, and, collected with it, a group-by per low-cardinality column and a
systematic sample for quantiles (:mod:`stewardgate.engines.side`), so memory stays bounded on
data larger than memory.

What a steward gets per column (``None`` where a statistic has no values to describe):

- every column: ``dtype``, ``null_count``, ``null_fraction`` (``None`` for an empty dataset),
  ``distinct_count`` (distinct *non-null* values: a null is missing, not a value, so a
  column of only nulls has 0; a float NaN does count as a value). Exact for low-cardinality
  columns and for columns with a ``unique`` check; for other high-cardinality columns a
  HyperLogLog estimate (``distinct_approximate: true``) when an anomaly rule watches it, else
  ``None`` (not measured);
- numbers (integers, floats, decimals): ``min``, ``max``, ``mean``, ``std``, ``zero_count``,
  ``negative_count``, ``p01``/``p25``/``p50``/``p75``/``p99`` and ``quantiles`` (p0..p100, 101
  values, linear interpolation, kept for drift checks; from a systematic sample of about
  200,000 rows on larger data, the ends exact); float columns also get ``nan_count``,
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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from stewardgate.engines.side import SideQuery
    from stewardgate.planning import PlannedCheck

QUANTILE_LEVELS: tuple[float, ...] = tuple(i / 100 for i in range(101))
"""The quantile levels kept in a numeric column's ``quantiles`` list: p0, p1, ..., p100."""

NAMED_QUANTILES: dict[str, int] = {"p01": 1, "p25": 25, "p50": 50, "p75": 75, "p99": 99}
"""Named percentiles reported as their own metrics, by their index in ``quantiles``."""

_NUMERIC, _TEXT, _TEMPORAL, _BOOLEAN, _OTHER = "numeric", "text", "temporal", "boolean", "other"


def compute_profile(
    lf: pl.LazyFrame, *, as_of: datetime, top_k: int = 20, max_categories: int = 50
) -> dict[str, Any]:
    """Profile a dataset on its own and return JSON-ready metrics (the run builds the same
    profile inside its one pass, see :func:`plan_profile`).

    Args:
        lf: The dataset, lazily scanned. It is read once, with the streaming engine.
        as_of: The moment freshness is measured against (naive means UTC).
        top_k: How many of the most frequent values to keep for a low-cardinality column.
        max_categories: A column with more distinct values than this gets no ``top_values``.

    Returns:
        ``{"row_count": int, "columns": {name: {metric: value, ...}}}`` as described in the
        module docstring; every high-cardinality column's distinct count is estimated here.

    Raises:
        polars.exceptions.PolarsError: the data could not be read; the caller, which knows
            the dataset's path, turns it into a ``DatasetError``.
    """
    from stewardgate.engines.side import collect_with

    schema = dict(lf.collect_schema().items())
    high = high_cardinality_columns(lf, schema, max_categories=max_categories)
    plan = plan_profile(schema, max_categories=max_categories, high_cardinality=high, estimate=high)
    main, frames = collect_with(plan.select(lf, pl.len().alias("row_count")), lf, plan.side)
    row = main.row(0, named=True)
    return assemble_profile(plan, row, frames, int(row["row_count"]), as_of=as_of, top_k=top_k)


QUANTILE_SAMPLE = 200_000
"""Quantiles of a larger column come from a systematic sample of about this many rows."""


def sample_step(rows: int | None) -> int:
    """Every how many rows the quantile sample takes one (1: all rows; unknown size: all)."""
    return max(1, (rows or 0) // QUANTILE_SAMPLE)


@dataclass(frozen=True)
class ProfilePlan:
    """What the profile adds to a run's pass: aggregates for the ``select``, and side queries.

    Output names of the aggregates are ``"<column position>:<metric>"``; side queries are
    those of :mod:`stewardgate.engines.side`, by key.
    """

    schema: dict[str, pl.DataType]
    exprs: list[pl.Expr]
    side: list[SideQuery]
    derived: list[pl.Expr]
    """Columns the aggregates read, computed once per row before the ``select`` (see :meth:`select`)."""
    counted: frozenset[str]
    """Low-cardinality columns, whose every value is counted (distinct count, top values)."""
    exact: frozenset[str]
    """High-cardinality columns whose distinct count comes from their repeated values."""
    estimated: frozenset[str]
    """High-cardinality columns whose distinct count is a HyperLogLog estimate."""
    sample: SideQuery | None
    """The systematic sample the quantiles come from (numeric columns)."""
    step: int
    max_categories: int

    def select(self, lf: pl.LazyFrame, *others: pl.Expr) -> pl.LazyFrame:
        """The one-pass ``select`` of ``others`` and the profile's aggregates over ``lf``.

        A text column's length feeds three aggregates; computed once in a ``with_columns``
        it costs a third of what three ``len_chars()`` in the ``select`` cost (the streaming
        engine does not share them).
        """
        return with_derived(lf, self.derived).select([*others, *self.exprs])


def with_derived(lf: pl.LazyFrame, derived: list[pl.Expr]) -> pl.LazyFrame:
    """``lf`` with the derived columns of a profile plan (itself when there are none)."""
    return lf.with_columns(derived) if derived else lf


def plan_profile(
    schema: dict[str, pl.DataType], *, max_categories: int = 50, high_cardinality: frozenset[str] = frozenset(),
    step: int = 1, exact: frozenset[str] = frozenset(), estimate: frozenset[str] = frozenset(),
) -> ProfilePlan:  # fmt: skip
    """The profile of a dataset of ``schema`` as aggregates and side queries for one pass.

    Everything in the ``select`` streams (counts, sums, min/max, mean, std, lengths). What does
    not stream inside a ``select`` runs beside it (:mod:`stewardgate.engines.side`):

    - a low-cardinality column (not in ``high_cardinality``, see
      :func:`high_cardinality_columns`) has its values counted by a group-by: an exact distinct
      count and its top values;
    - a high-cardinality column's distinct count is exact when it is in ``exact`` (from its
      repeated values, the query a ``unique`` check runs anyway), a HyperLogLog estimate when it
      is in ``estimate`` (``distinct_approximate: true``), and not measured otherwise (``None``):
      hashing every value of every column would cost more than all the checks together;
    - quantiles come from a systematic sample of every ``step``-th row (see :func:`sample_step`).
    """
    from stewardgate.engines.side import hll_registers, repeated_values, systematic_sample, value_counts

    exprs: list[pl.Expr] = []
    derived: list[pl.Expr] = []
    side: list[SideQuery] = []
    counted, exact_cols, estimated = set(), set(), set()
    for i, (name, dtype) in enumerate(schema.items()):
        kind = _kind(dtype)
        exprs += _column_exprs(i, name, dtype, kind)
        if kind == _TEXT:
            derived.append(pl.col(name).cast(pl.String).str.len_chars().alias(_length_column(i)))
        if dtype == pl.Object:
            continue
        if name not in high_cardinality:
            side.append(value_counts(name))
            counted.add(name)
        elif name in exact:
            side.append(repeated_values(name))
            exact_cols.add(name)
        elif name in estimate:
            side.append(hll_registers(name))
            estimated.add(name)
    numeric = [n for n, t in schema.items() if _kind(t) == _NUMERIC]
    sample = systematic_sample(numeric, step) if numeric else None
    if sample is not None:
        side.append(sample)
    return ProfilePlan(
        schema=schema, exprs=exprs, side=side, derived=derived, counted=frozenset(counted), exact=frozenset(exact_cols),
        estimated=frozenset(estimated), sample=sample, step=step, max_categories=max_categories,
    )  # fmt: skip


def plan_for_checks(
    schema: dict[str, pl.DataType], planned: list[PlannedCheck], *, high: frozenset[str], step: int = 1
) -> ProfilePlan:  # fmt: skip
    """The profile plan of a suite's run, whichever engine reads the data.

    A high-cardinality column's distinct count is exact where a ``unique`` check counts its
    repeated values anyway, estimated where an anomaly rule watches it, and skipped elsewhere.
    """
    exact = {p.column for p in planned if p.check == "unique" and p.section == "columns"}
    watched = {p.column for p in planned if p.check == "anomaly" and p.value.metric == "distinct_count"}
    return plan_profile(
        schema, high_cardinality=high, step=step,
        exact=frozenset(c for c in exact if c is not None), estimate=frozenset(c for c in watched if c is not None),
    )  # fmt: skip


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
    plan: ProfilePlan, row: dict[str, Any], frames: dict[str, pl.DataFrame], row_count: int, *,
    as_of: datetime, top_k: int = 20, quantiles: dict[str, list[Any]] | None = None,
    estimates: dict[str, int] | None = None, approximations: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The JSON-ready profile from the collected aggregates and side-query frames of a plan.

    An engine that computes quantiles or distinct estimates its own way (Spark's
    ``percentile_approx`` and ``approx_count_distinct``) passes them as ``quantiles`` and
    ``estimates``, and says how in ``approximations`` (kept in the profile).
    """
    sampled = quantiles is None
    quantiles = _sample_quantiles(plan, frames) if quantiles is None else quantiles
    columns = {}
    for i, (name, dtype) in enumerate(plan.schema.items()):
        kind = _kind(dtype)
        out = _column_profile(i, dtype, kind, row, row_count, as_of, quantiles.get(name))
        present = row_count - out["null_count"]
        out.update(_distinct(plan, name, present, frames, top_k, _has_top_values(dtype, kind), estimates))
        columns[name] = out
    profile: dict[str, Any] = {"row_count": row_count, "columns": columns}
    if sampled and plan.step > 1 and quantiles:
        profile["quantile_sample_step"] = plan.step  # quantiles from every n-th row
    profile.update(approximations or {})
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
    return sample.select(exprs).row(0, named=True) if exprs else {}


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
        distinct = counts.filter(pl.col(name).is_not_null()).height
        out: dict[str, Any] = {"distinct_count": distinct}
        if tops and distinct <= plan.max_categories:
            values = counts.select(pl.col(name).cast(pl.String).alias("value"), pl.col(COUNT).alias("count"))
            out["top_values"] = _top_values(values.to_dicts(), top_k)
        return out
    if name in plan.exact:
        repeated = frames[repeated_values(name).key]
        involved = int(repeated[COUNT].sum()) if repeated.height else 0
        return {"distinct_count": present - involved + repeated.height}
    if name in plan.estimated:
        estimate = estimates[name] if estimates is not None else hll_estimate(frames[hll_registers(name).key])
        return {"distinct_count": estimate, "distinct_approximate": True}
    return {"distinct_count": None}


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


def column_kind(dtype: pl.DataType) -> str:
    """``numeric``, ``text``, ``temporal``, ``boolean`` or ``other``: which metrics a column gets."""
    return _kind(dtype)


def metric_key(i: int, metric: str) -> str:
    """The output name of column ``i``'s ``metric`` in a profile's aggregates (any engine)."""
    return _key(i, metric)


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


def _length_column(i: int) -> str:
    """The derived column holding column ``i``'s lengths in characters."""
    return f"__sg_length:{i}"


def _has_top_values(dtype: pl.DataType, kind: str) -> bool:
    return kind in (_TEXT, _BOOLEAN) or dtype.is_integer()


def _column_exprs(i: int, name: str, dtype: pl.DataType, kind: str) -> list[pl.Expr]:
    """The streaming aggregates of one column (distinct counts and quantiles run beside them)."""
    col = pl.col(name)
    exprs = [col.null_count().alias(_key(i, "null_count"))]
    if kind == _NUMERIC:
        exprs += _numeric_exprs(i, col, dtype)
    elif kind == _TEXT:
        length = pl.col(_length_column(i))  # see ProfilePlan.derived
        exprs += [length.min().alias(_key(i, "length_min"))]
        exprs += [length.mean().alias(_key(i, "length_mean"))]
        exprs += [length.max().alias(_key(i, "length_max"))]
    elif kind == _TEMPORAL:
        exprs += [col.min().alias(_key(i, "min")), col.max().alias(_key(i, "max"))]
    return exprs


def _numeric_exprs(i: int, col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
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
    ]
    return exprs


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
    if kind == _NUMERIC:
        out.update(_numeric_profile(i, dtype, row, quantiles))
    elif kind == _TEXT:
        lengths = ("length_min", "length_mean", "length_max")
        out.update({metric: _number(row[_key(i, metric)]) for metric in lengths})
    elif kind == _TEMPORAL:
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
