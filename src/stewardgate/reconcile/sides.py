"""One side of a reconciliation, read by its own reader: a polars scan or a SQL table.

Each side computes its own figures where its data lives: a file's row count and aggregates in
one streaming polars ``select``, a table's in one SQL ``SELECT`` (sqlglot, bound parameters,
the dataset's filter), groups with a ``GROUP BY`` on each side. Only the figures come back.
Keys (and, for a row comparison, the chosen columns) cross between readers, and only for the
checks that ask for them: a file's keys stay a lazy scan (joined streaming), a table's are
fetched with ``SELECT DISTINCT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from stewardgate.datasets.scan import ScannedDataset
from stewardgate.readers.sql.table import SqlDataset

ROWS = "__sg_rows"


@dataclass(frozen=True)
class Agg:
    """One aggregate to compute: its output name, function, column, optional group column."""

    name: str
    function: str
    column: str
    by: str | None = None
    per: str | None = None


class PolarsSide:
    """A dataset polars reads (a file, glob or folder), streamed."""

    def __init__(self, label: str, frame: pl.LazyFrame, schema: dict[str, Any]) -> None:
        self.label, self.frame, self.schema = label, frame, schema

    def figures(self, aggs: list[Agg], *, rows: bool) -> dict[str, Any]:
        exprs = [_polars_agg(a) for a in aggs] + ([pl.len().alias(ROWS)] if rows else [])
        if not exprs:
            return {}
        return {
            k: number(v) for k, v in self.frame.select(exprs).collect(engine="streaming").row(0, named=True).items()
        }

    def groups(self, a: Agg) -> dict[Any, Any]:
        group = _polars_group(a, self.schema)
        out = self.frame.group_by(group.alias("g")).agg(_polars_agg(a).alias("v")).collect(engine="streaming")
        return {g: number(v) for g, v in out.iter_rows()}

    def columns(self, columns: list[str], names: list[str]) -> pl.LazyFrame:
        """``columns`` renamed to ``names``, rows with a null in the first ``names`` dropped later."""
        return self.frame.select([pl.col(c).alias(n) for c, n in zip(columns, names, strict=True)])

    def keys(self, columns: list[str], names: list[str]) -> pl.LazyFrame:
        return self.columns(columns, names).drop_nulls()


class SqlSide:
    """A table in its database: figures pushed down as SQL, keys fetched only when asked."""

    def __init__(self, label: str, ds: SqlDataset) -> None:
        self.label, self.ds, self.schema = label, ds, ds.schema

    def figures(self, aggs: list[Agg], *, rows: bool) -> dict[str, Any]:
        from sqlglot import exp

        from stewardgate.readers.sql.execute import render, select

        items = [_sql_agg(a).as_(f"a{i}") for i, a in enumerate(aggs)]
        items += [exp.Count(this=exp.Star()).as_("rows")] if rows else []
        if not items:
            return {}
        (row,) = self.ds.run(render(select(self.ds, items), self.ds))
        out = {a.name: self._typed(a, v) for a, v in zip(aggs, row, strict=False)}
        return {**out, **({ROWS: int(row[-1])} if rows else {})}

    def _typed(self, a: Agg, value: Any) -> Any:
        """A min or max as polars would give it for the column's dtype (SQLite keeps dates as text)."""
        from stewardgate.readers.sql.execute import series

        if a.function in ("min", "max") and value is not None:
            return number(series("v", [value], self.schema[a.column])[0])
        return number(value)

    def groups(self, a: Agg) -> dict[Any, Any]:
        from stewardgate.readers.sql.execute import render, select, series

        group = self._group(a)
        query = select(self.ds, [group.as_("g"), _sql_agg(a).as_("v")]).group_by(group.copy())
        fetched = self.ds.run(render(query, self.ds))
        dtype = pl.Date if a.per == "day" else self.schema[a.by or ""]
        keys = series("g", [r[0] for r in fetched], dtype).to_list()
        return {g: number(r[1]) for g, r in zip(keys, fetched, strict=True)}

    def _group(self, a: Agg) -> Any:
        from sqlglot import exp

        from stewardgate.readers.sql.lower import column, exact_text

        col = column(a.by or "")
        if a.per != "day":  # text grouped byte for byte, as polars groups it (MariaDB's collations fold case)
            return exact_text(col, self.schema[a.by or ""], self.ds.dialect)
        if self.ds.dialect == "sqlite":
            return exp.Anonymous(this="DATE", expressions=[col])
        return exp.cast(col, exp.DataType.build("DATE"))

    def columns(
        self, columns: list[str], names: list[str], *, distinct: bool = False, not_null: int = 0
    ) -> pl.LazyFrame:
        from sqlglot import exp

        from stewardgate.readers.sql.execute import render, select, series
        from stewardgate.readers.sql.lower import column, exact_text

        where: Any = None
        for c in columns[:not_null]:
            cond = exp.Not(this=exp.Is(this=column(c), expression=exp.Null()))
            where = cond if where is None else exp.and_(where, cond)
        items = [exact_text(column(c), self.schema[c], self.ds.dialect).as_(f"c{i}") for i, c in enumerate(columns)]
        query = select(self.ds, items, where=where)  # text byte for byte (MariaDB's DISTINCT folds case)
        fetched = self.ds.run(render(query.distinct() if distinct else query, self.ds))
        return pl.DataFrame([
            series(n, [r[i] for r in fetched], self.schema[c]) for i, (c, n) in enumerate(zip(columns, names, strict=True))
        ]).lazy()  # fmt: skip

    def keys(self, columns: list[str], names: list[str]) -> pl.LazyFrame:
        return self.columns(columns, names, distinct=True, not_null=len(columns))


Side = PolarsSide | SqlSide


def side_of(label: str, opened: Any) -> Side:
    """The side for an opened dataset (a polars scan, or a SQL table); anything else is refused."""
    if isinstance(opened, SqlDataset):
        return SqlSide(label, opened)
    if isinstance(opened, ScannedDataset):
        return PolarsSide(label, opened.frame, opened.schema)
    raise TypeError(f"reconciliation reads files with polars and tables in their database, not {type(opened).__name__}")


def _polars_agg(a: Agg) -> pl.Expr:
    col = pl.col(a.column)
    expr = {"sum": col.sum(), "mean": col.mean(), "min": col.min(), "max": col.max(), "count": col.count()}
    return expr[a.function].alias(a.name)


def _polars_group(a: Agg, schema: dict[str, Any]) -> pl.Expr:
    col = pl.col(a.by or "")
    return col.dt.date() if a.per == "day" and isinstance(schema.get(a.by or ""), pl.Datetime) else col


def _sql_agg(a: Agg) -> Any:
    from sqlglot import exp

    from stewardgate.readers.sql.lower import column

    col = column(a.column)
    if a.function == "sum":  # SUM over no rows is NULL in SQL, 0 in polars
        return exp.Coalesce(this=exp.Sum(this=col), expressions=[exp.Literal.number(0)])
    kinds = {"mean": exp.Avg, "min": exp.Min, "max": exp.Max, "count": exp.Count}
    return kinds[a.function](this=col)


def number(v: Any) -> Any:
    """Figures as plain Python values: a database's Decimal as an int when whole, else a float."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def same_database(a: Side, b: Side) -> bool:
    """Both sides are tables behind one database URL: their keys can be compared where they are."""
    return isinstance(a, SqlSide) and isinstance(b, SqlSide) and a.ds.url == b.ds.url


def sql_key_gap(
    left: SqlSide, left_cols: list[str], right: SqlSide, right_cols: list[str], samples: int
) -> tuple[int, list[tuple[Any, ...]]]:  # fmt: skip
    """Distinct non-null keys of ``left`` that ``right`` lacks, counted and sampled in the database
    (``NOT EXISTS``; text compared byte for byte), so no key leaves it."""
    from sqlglot import exp

    from stewardgate.readers.sql.execute import render, series
    from stewardgate.readers.sql.lower import exact_text

    ds = left.ds
    outer, inner = "sg_l", "sg_r"

    def col(table: str, name: str, side: SqlSide) -> Any:
        ref = exp.Column(this=exp.to_identifier(name, quoted=True), table=exp.to_identifier(table))
        return exact_text(ref, side.schema[name], ds.dialect)

    match = exp.and_(*(exp.EQ(this=col(inner, r, right), expression=col(outer, c, left))
                       for c, r in zip(left_cols, right_cols, strict=True)))  # fmt: skip
    sub = exp.select(exp.Literal.number(1)).from_(right.ds.table.copy().as_(inner)).where(match)
    if right.ds.where is not None:
        sub = sub.where(_qualified(right.ds.where, inner))
    keys = [col(outer, c, left).as_(f"k{i}") for i, c in enumerate(left_cols)]
    gap = exp.select(*keys).distinct().from_(ds.table.copy().as_(outer))
    for c in left_cols:
        gap = gap.where(exp.Not(this=exp.Is(this=col(outer, c, left), expression=exp.Null())))
    if ds.where is not None:
        gap = gap.where(_qualified(ds.where, outer))
    gap = gap.where(exp.Not(this=exp.Exists(this=sub)))
    count = exp.select(exp.Count(this=exp.Star())).from_(gap.subquery("sg_gap"))
    ((n,),) = ds.run(render(count, ds))
    names = [f"k{i}" for i in range(len(left_cols))]
    first = exp.select(*names).from_(gap.subquery("sg_gap")).order_by(*names).limit(samples)
    fetched = ds.run(render(first, ds))
    typed = [series(n, [r[i] for r in fetched], left.schema[c]).to_list()
             for i, (n, c) in enumerate(zip(names, left_cols, strict=True))]  # fmt: skip
    return int(n), list(zip(*typed, strict=True)) if typed else []


def _qualified(condition: Any, table: str) -> Any:
    """A table's filter with its columns qualified by ``table`` (inside the correlated query)."""
    from sqlglot import exp

    def qualify(node: Any) -> Any:
        if isinstance(node, exp.Column) and not node.table:
            return exp.Column(this=node.this.copy(), table=exp.to_identifier(table))
        return node

    return condition.copy().transform(qualify)
