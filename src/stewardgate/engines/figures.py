"""Figures a check needs from the run's one pass, declared once and spelled by each reader.

Governance declares what it needs to measure (the retention check: the rows dated before a
cutoff, and the oldest value), and a reconciliation this dataset's side of its plain aggregates
(sum, mean, min, max, count of a column), as :class:`Figure` records, the way :mod:`.conditions` declares
a column rule's failing condition; a reader only knows how to spell the kinds
(:func:`to_polars`, :func:`to_spark`) and returns each figure's value under its name. So no
reader imports governance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

KINDS = ("count_before", "min", "max", "sum", "mean", "count")
AGGREGATES = ("min", "max", "sum", "mean", "count")
"""The kinds that are one aggregate of the column (``count``: its non-null values)."""


@dataclass(frozen=True)
class Figure:
    """``name``: the key of its value; ``kind``: one of :data:`KINDS`; ``cutoff``: for ``count_before``
    (rows whose date is before it)."""

    name: str
    kind: str
    column: str
    cutoff: date | None = None


def to_polars(figure: Figure, schema: dict[str, Any]) -> Any:
    """The figure as a polars aggregate (for the one ``select``)."""
    import polars as pl

    col = pl.col(figure.column)
    if figure.kind in AGGREGATES:
        return getattr(col, figure.kind)().alias(figure.name)
    day = col if schema[figure.column] == pl.Date else col.dt.date()
    return (day < pl.lit(figure.cutoff)).sum().alias(figure.name)


def to_spark(figure: Figure) -> Any:
    """The figure as a Spark aggregate (for the one aggregate job)."""
    from pyspark.sql import functions as F

    from stewardgate.engines.conditions import spark_column

    col = spark_column(figure.column)
    if figure.kind in AGGREGATES:
        spelled = {"min": F.min, "max": F.max, "sum": F.sum, "mean": F.avg, "count": F.count}
        return spelled[figure.kind](col).alias(figure.name)
    return F.count_if(F.to_date(col) < F.lit(figure.cutoff)).alias(figure.name)
