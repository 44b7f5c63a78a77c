"""One definition of each column rule's failing condition, lowered to polars or to Spark.

A row-level column rule fails a row on exactly one primitive condition: the value is null, below
or above a bound, outside a set, not matching a pattern, or too short or too long. Each rule
says which condition it is (:class:`stewardgate.checks.column_rules.ColumnRule`); this module
says, once, how its operand meets the column (bounds meet the column's zone, set members its
number kind: :mod:`stewardgate.engines.applicability`), and each engine only knows how to spell
the seven conditions (:func:`to_polars`, :func:`to_spark`). Nulls never fail a
value condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stewardgate.checks.column_rules import RULES, ColumnRule
from stewardgate.engines.applicability import bound_for, members_for
from stewardgate.planning import PlannedCheck


@dataclass(frozen=True)
class Condition:
    """``kind`` is one of :data:`KINDS`; ``operand`` its bound, members, pattern or length."""

    kind: str
    operand: Any = None


KINDS = ("null", "below", "above", "not_in", "no_match", "shorter", "longer")


def condition_for(p: PlannedCheck, dtype: Any) -> Condition:
    """The failing condition of the row-level column rule ``p`` on a column of ``dtype`` (polars).

    Which condition a rule is, and how its value meets the column, is the rule's own
    (:class:`stewardgate.checks.column_rules.ColumnRule`).
    """
    rule = RULES.get(p.check)
    if rule is None or rule.condition is None:
        raise ValueError(f"check '{p.check}' has no row condition")
    return Condition(rule.condition, operand_for(rule, p.value, dtype))


def operand_for(rule: ColumnRule, value: Any, dtype: Any) -> Any:
    """``value`` made comparable with a polars column of ``dtype``, as the rule's ``operand`` says."""
    match rule.operand:
        case "bound":
            return bound_for(value, dtype)
        case "members":
            return members_for(list(value), dtype)
    return value


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
