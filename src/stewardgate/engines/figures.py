"""Figures a check needs from the run's one pass, declared once and spelled by each reader.

Governance declares what it needs to measure (the retention check: the rows dated before a
cutoff, and the oldest value; the freshness limits: the newest value, the rows in a period, the
newest value of another table's column), and a reconciliation this dataset's side of its plain
aggregates (sum, mean, min, max, count of a column), as :class:`Figure` records, the way
:mod:`.conditions` declares a column rule's failing condition; a reader only knows how to spell
the kinds (:func:`to_polars`, :func:`to_spark`, the SQL reader's ``figure_to_sql``) and returns
each figure's value under its name. So no reader imports governance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

KINDS = ("count_before", "min", "max", "sum", "mean", "count", "count_between", "max_of_table")
AGGREGATES = ("min", "max", "sum", "mean", "count")
"""The kinds that are one aggregate of the column (``count``: its non-null values)."""


@dataclass(frozen=True)
class Figure:
    """``name``: the key of its value; ``kind``: one of :data:`KINDS`; ``cutoff``: for ``count_before``
    (rows whose date is before it); ``start`` and ``end``: for ``count_between`` (rows with
    ``start <= value < end``: dates for a date column, UTC datetimes for a datetime column; for
    ``max``, an ``end`` keeps only values up to and including it);
    ``table``: for ``max_of_table`` (the newest ``column`` of that other table, SQL readers only);
    ``where``: the suite key it comes from (``path:line:col: key``), for a reader's errors."""

    name: str
    kind: str
    column: str
    cutoff: date | None = None
    start: date | datetime | None = None
    end: date | datetime | None = None
    table: str | None = None
    where: str | None = None


def to_polars(figure: Figure, schema: dict[str, Any]) -> Any:
    """The figure as a polars aggregate (for the one ``select``)."""
    import polars as pl

    col = pl.col(figure.column)
    if figure.kind == "max" and figure.end is not None:
        return col.filter(col <= _polars_bound(figure.end, schema[figure.column])).max().alias(figure.name)
    if figure.kind == "count_between":
        dtype = schema[figure.column]
        start, end = _polars_bound(figure.start, dtype), _polars_bound(figure.end, dtype)
        return ((col >= start) & (col < end)).sum().alias(figure.name)
    if figure.kind == "max_of_table":
        raise ValueError(f"figure {figure.name}: another table's column is read by a SQL reader only")
    if figure.kind in AGGREGATES:
        return getattr(col, figure.kind)().alias(figure.name)
    day = col if schema[figure.column] == pl.Date else col.dt.date()
    return (day < pl.lit(figure.cutoff)).sum().alias(figure.name)


def _polars_bound(value: Any, dtype: Any) -> Any:
    """A ``count_between`` bound as a literal comparable with the column: a date, or an instant in
    the column's time zone (a column without one holds UTC wall times)."""
    import polars as pl

    if not isinstance(value, datetime):
        return pl.lit(value)
    naive = value.astimezone(UTC).replace(tzinfo=None)
    lit = pl.lit(naive).cast(pl.Datetime(dtype.time_unit))
    zone = getattr(dtype, "time_zone", None)
    return lit.dt.replace_time_zone("UTC").dt.convert_time_zone(zone) if zone else lit


def to_spark(figure: Figure) -> Any:
    """The figure as a Spark aggregate (for the one aggregate job)."""
    from pyspark.sql import functions as F

    from stewardgate.engines.conditions import spark_column

    col = spark_column(figure.column)
    if figure.kind == "max" and figure.end is not None:
        return F.max(F.when(col <= F.lit(figure.end), col)).alias(figure.name)
    if figure.kind == "count_between":
        return F.count_if((col >= F.lit(figure.start)) & (col < F.lit(figure.end))).alias(figure.name)
    if figure.kind == "max_of_table":
        raise ValueError(f"figure {figure.name}: another table's column is read by a SQL reader only")
    if figure.kind in AGGREGATES:
        spelled = {"min": F.min, "max": F.max, "sum": F.sum, "mean": F.avg, "count": F.count}
        return spelled[figure.kind](col).alias(figure.name)
    return F.count_if(F.to_date(col) < F.lit(figure.cutoff)).alias(figure.name)
