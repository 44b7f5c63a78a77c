"""Each column rule's failing condition (:mod:`stewardgate.engines.conditions`) spelled as SQL.

The condition is the one polars and Spark use; this module only spells the seven kinds with
sqlglot, per dialect, with every value a bound parameter. Where a dialect would mean something
else than polars, it is made to mean the same (MariaDB compares text case- and
trailing-space-insensitively: its text is compared as bytes; its ``REGEXP`` is made
case-sensitive), and where it cannot, :func:`cannot_express` says why and the check errors.
"""

from __future__ import annotations

from typing import Any

from stewardgate.engines.conditions import Condition


class Params:
    """The bound parameters of one query: each value gets a name ``:sgpN``."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def bind(self, value: Any) -> Any:
        from sqlglot import exp

        name = f"sgp{len(self.values)}"
        self.values[name] = value
        return exp.Placeholder(this=name)


def column(name: str) -> Any:
    from sqlglot import exp

    return exp.Column(this=exp.to_identifier(name, quoted=True))


def exact_text(col: Any, dtype: Any, dialect: str) -> Any:
    """``col`` compared as polars compares text: byte for byte (MariaDB's collations ignore case
    and trailing spaces)."""
    from sqlglot import exp

    from stewardgate.engines import dtypes

    if dialect == "mysql" and dtypes.is_string(dtype):
        return exp.Cast(this=col, to=exp.DataType.build("BINARY"))
    return col


def cannot_express(c: Condition, dialect: str) -> str | None:
    """Why ``dialect`` cannot test ``c`` as polars does, or None."""
    if c.kind != "no_match":
        return None
    pattern = str(c.operand)
    if dialect == "postgres" and any(t in pattern for t in ("\\p{", "\\P{", "\\z", "\\A", "(?")):
        return ("PostgreSQL's regular expressions have no Unicode classes (\\p{..}), \\A/\\z or inline flags as polars "
                "(Rust) has: the pattern cannot be tested in the database")  # fmt: skip
    return None


def to_sql(c: Condition, name: str, dtype: Any, dialect: str, params: Params) -> Any:
    """A sqlglot condition true on the rows that fail ``c`` (nulls never fail a value condition)."""
    import polars as pl
    from sqlglot import exp

    col = column(name)
    match c.kind:
        case "null":
            return exp.Is(this=col, expression=exp.Null())
        case "below" | "above":
            op = exp.LT if c.kind == "below" else exp.GT
            return op(this=col, expression=params.bind(_value(c.operand, dialect)))
        case "not_in":
            members = [
                m for m in pl.Series(c.operand, strict=False).cast(dtype, strict=False).to_list() if m is not None
            ]
            present = exp.Not(this=exp.Is(this=col, expression=exp.Null()))
            if not members:
                return present
            text = exact_text(col, dtype, dialect)
            listed = exp.In(
                this=text, expressions=[_member(params.bind(_value(m, dialect)), text is not col) for m in members]
            )
            return exp.And(this=present, expression=exp.Not(this=exp.Paren(this=listed)))
        case "no_match":
            present = exp.Not(this=exp.Is(this=col, expression=exp.Null()))
            return exp.And(
                this=present, expression=exp.Not(this=exp.Paren(this=_search(col, str(c.operand), dialect, params)))
            )
        case "shorter" | "longer":
            op = exp.LT if c.kind == "shorter" else exp.GT
            return op(this=exp.Length(this=col), expression=exp.Literal.number(int(c.operand)))
    raise ValueError(f"unknown condition {c.kind!r}")


def _member(value: Any, binary: bool) -> Any:
    from sqlglot import exp

    return exp.Cast(this=value, to=exp.DataType.build("BINARY")) if binary else value


def _search(col: Any, pattern: str, dialect: str, params: Params) -> Any:
    """A regular-expression search (polars' ``str.contains``), in the dialect's own spelling."""
    from sqlglot import exp

    if dialect == "postgres":
        return exp.RegexpLike(this=col, expression=params.bind(pattern))  # ``~``: an ARE search
    if dialect == "mysql":  # PCRE; (?-i): case-sensitive whatever the column's collation
        return exp.GT(this=exp.Anonymous(this="REGEXP_INSTR", expressions=[col, params.bind("(?-i)" + pattern)]),
                      expression=exp.Literal.number(0))  # fmt: skip
    if dialect == "sqlite":  # a function registered on connect: polars' own engine
        return exp.EQ(this=exp.Anonymous(this="sg_regexp", expressions=[col, params.bind(pattern)]),
                      expression=exp.Literal.number(1))  # fmt: skip
    return exp.RegexpLike(this=col, expression=params.bind(pattern))


def _value(value: Any, dialect: str) -> Any:
    """A bound value as the driver takes it (SQLite stores datetimes as text, as SQLAlchemy writes them)."""
    from datetime import UTC, date, datetime

    if dialect == "sqlite" and isinstance(value, date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime) else value.isoformat()
    if dialect == "mysql" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value
