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

This module plans the profile's part of the pass; :mod:`stewardgate.engines.profile_values`
reads the collected figures back into the profile and flattens it into stored metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl

from stewardgate.engines.profile_values import (
    NAMED_QUANTILES,
    NUMERIC,
    QUANTILE_LEVELS,
    TEMPORAL,
    TEXT,
    assemble_profile,
    column_kind,
    flatten_metrics,
    metric_key,
)
from stewardgate.profile_record import Profile

__all__ = [  # the profile's API, wherever it is implemented
    "NAMED_QUANTILES",
    "QUANTILE_LEVELS",
    "ProfilePlan",
    "assemble_profile",
    "column_kind",
    "compute_profile",
    "flatten_metrics",
    "high_cardinality_columns",
    "metric_key",
    "plan_for_checks",
    "plan_profile",
    "sample_step",
]

if TYPE_CHECKING:
    from stewardgate.datasets.scan import PolarsEngine
    from stewardgate.engines.side import SideQuery
    from stewardgate.planning import PlannedCheck


def compute_profile(lf: pl.LazyFrame, *, as_of: datetime, top_k: int = 20, max_categories: int = 50) -> Profile:
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
        return lf.with_columns(self.derived).select([*others, *self.exprs])


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
        kind = column_kind(dtype)
        exprs += _column_exprs(i, name, dtype, kind)
        if kind == TEXT:
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
    numeric = [n for n, t in schema.items() if column_kind(t) == NUMERIC]
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
    from stewardgate.suite.anomaly_rules import AnomalyRule  # an anomaly check's value (planning.anomalies)

    exact = {p.column for p in planned if p.check == "unique" and p.section == "columns"}
    watched = {
        p.column for p in planned
        if p.check == "anomaly" and isinstance(p.value, AnomalyRule) and p.value.metric == "distinct_count"
    }  # fmt: skip
    return plan_profile(
        schema, high_cardinality=high, step=step,
        exact=frozenset(c for c in exact if c is not None), estimate=frozenset(c for c in watched if c is not None),
    )  # fmt: skip


def high_cardinality_columns(lf: pl.LazyFrame, schema: dict[str, pl.DataType], *, max_categories: int = 50,
                             head_rows: int = 20_000, polars_engine: PolarsEngine = "streaming") -> frozenset[str]:  # fmt: skip
    """Columns with more than ``max_categories`` distinct values among the first rows.

    This reads only the head of the data (the first row group of a Parquet file), not a pass.
    It is safe both ways: a column flagged here has more distinct values in the whole data too;
    a column not flagged gets exact counts, and its value counts are dropped afterwards if the
    whole data proves it has more than ``max_categories`` values.
    """
    names = [n for n, t in schema.items() if t != pl.Object]
    flagged: set[str] = set()
    staged = polars_engine == "in-memory" and head_rows > FIRST_HEAD_ROWS  # the in-memory engine: data in memory
    for rows in (FIRST_HEAD_ROWS, head_rows) if staged else (head_rows,):
        if not names:
            break
        head = (
            lf.head(rows)
            .select([pl.col(n).drop_nulls().n_unique().alias(n) for n in names])
            .collect(engine=polars_engine)
        )
        flagged.update(n for n in names if head[n][0] > max_categories)
        names = [n for n in names if n not in flagged]
    return frozenset(flagged)


FIRST_HEAD_ROWS = 2_000
"""Over data held in memory, the head sample's first, shorter look: a column with more than
``max_categories`` distinct values in these rows has as many in the longer head, so only the
others are counted again there. The same columns are flagged, in half the time for 500
columns of 100,000 rows (0.08 s → 0.04 s). A scan reads its head once: a second look would
read (from a remote store: fetch) the first row group again."""


def _length_column(i: int) -> str:
    """The derived column holding column ``i``'s lengths in characters."""
    return f"__sg_length:{i}"


def _column_exprs(i: int, name: str, dtype: pl.DataType, kind: str) -> list[pl.Expr]:
    """The streaming aggregates of one column (distinct counts and quantiles run beside them)."""
    col = pl.col(name)
    exprs = [col.null_count().alias(metric_key(i, "null_count"))]
    if kind == NUMERIC:
        exprs += _numeric_exprs(i, col, dtype)
    elif kind == TEXT:
        length = pl.col(_length_column(i))  # see ProfilePlan.derived
        exprs += [length.min().alias(metric_key(i, "length_min"))]
        exprs += [length.mean().alias(metric_key(i, "length_mean"))]
        exprs += [length.max().alias(metric_key(i, "length_max"))]
    elif kind == TEMPORAL:
        exprs += [col.min().alias(metric_key(i, "min")), col.max().alias(metric_key(i, "max"))]
    return exprs


def _numeric_exprs(i: int, col: pl.Expr, dtype: pl.DataType) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    x = col.cast(pl.Float64) if isinstance(dtype, pl.Decimal) else col
    if dtype.is_float():
        exprs.append(col.is_nan().sum().alias(metric_key(i, "nan_count")))
        x = col.fill_nan(None)
    exprs += [
        x.min().alias(metric_key(i, "min")),
        x.max().alias(metric_key(i, "max")),
        x.mean().alias(metric_key(i, "mean")),
        x.std().alias(metric_key(i, "std")),
        (x == 0).sum().alias(metric_key(i, "zero_count")),
        (x < 0).sum().alias(metric_key(i, "negative_count")),
    ]
    return exprs
