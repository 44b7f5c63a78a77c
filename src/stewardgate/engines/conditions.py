"""One definition of each column rule's failing condition, lowered to polars or to Spark.

A row-level column rule fails a row on exactly one primitive condition: the value is null, below
or above a bound, outside a set, not matching a pattern, or too short or too long. This module
says, once, which condition each rule is and with which operand (bounds meet the column's zone,
set members its number kind: :mod:`stewardgate.engines.applicability`); each engine only knows
how to spell the seven conditions (:func:`to_polars`, :func:`to_spark`). Nulls never fail a
value condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stewardgate.engines.applicability import bound_for, members_for
from stewardgate.planning import PlannedCheck


@dataclass(frozen=True)
class Condition:
    """``kind`` is one of :data:`KINDS`; ``operand`` its bound, members, pattern or length."""

    kind: str
    operand: Any = None


KINDS = ("null", "below", "above", "not_in", "no_match", "shorter", "longer")


def condition_for(p: PlannedCheck, dtype: Any) -> Condition:
    """The failing condition of the row-level column rule ``p`` on a column of ``dtype`` (polars)."""
    match p.check:
        case "nullable" | "max_null_fraction" | "max_null_count":
            return Condition("null")
        case "min":
            return Condition("below", bound_for(p.value, dtype))
        case "max":
            return Condition("above", bound_for(p.value, dtype))
        case "in_set":
            return Condition("not_in", members_for(list(p.value), dtype))
        case "regex":
            return Condition("no_match", p.value)
        case "min_length":
            return Condition("shorter", p.value)
        case "max_length":
            return Condition("longer", p.value)
    raise ValueError(f"check '{p.check}' has no row condition")


def to_polars(c: Condition, column: str, dtype: Any) -> Any:
    """A polars boolean expression, true on the rows that fail ``c``."""
    import polars as pl

    from stewardgate.engines.applicability import as_text

    col = pl.col(column)
    match c.kind:
        case "null":
            return col.is_null()
        case "below":
            return col < c.operand
        case "above":
            return col > c.operand
        case "not_in":
            members = pl.Series(c.operand, strict=False).cast(dtype, strict=False)
            return col.is_not_null() & ~col.is_in(members.implode())
        case "no_match":
            return col.is_not_null() & ~as_text(col, dtype).str.contains(c.operand)
        case "shorter":
            return as_text(col, dtype).str.len_chars() < c.operand
        case "longer":
            return as_text(col, dtype).str.len_chars() > c.operand
    raise ValueError(f"unknown condition {c.kind!r}")


def to_spark(c: Condition, column: str) -> Any:
    """A PySpark boolean Column, true on the rows that fail ``c`` (never null: nulls pass).

    Patterns are Java regular expressions on Spark (``RLIKE``, a search like polars'); the
    syntax both engines share (classes, anchors, quantifiers, groups) behaves the same.
    """
    from pyspark.sql import functions as F

    col = spark_column(column)
    match c.kind:
        case "null":
            return col.isNull()
        case "below":
            return F.coalesce(col < F.lit(c.operand), F.lit(False))
        case "above":
            return F.coalesce(col > F.lit(c.operand), F.lit(False))
        case "not_in":
            return col.isNotNull() & ~F.coalesce(col.isin(list(c.operand)), F.lit(False))
        case "no_match":
            return col.isNotNull() & ~col.cast("string").rlike(c.operand)
        case "shorter":
            return F.coalesce(F.char_length(col.cast("string")) < c.operand, F.lit(False))
        case "longer":
            return F.coalesce(F.char_length(col.cast("string")) > c.operand, F.lit(False))
    raise ValueError(f"unknown condition {c.kind!r}")


def spark_column(name: str) -> Any:
    """A PySpark Column for ``name`` read literally (dots, spaces and backticks included)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")
