"""Great Expectations entries on a table: the compiled ones pushed into the aggregate query.

The table-level expectations (row count, column count, column set and order, a column's
presence) are judged on the row count and the catalogue's columns; the aggregate ones (a
column's mean, min, max, sum) and the null maps are aggregates of the one query, spelled from
the same definitions as the polars engine's (:mod:`stewardgate.engines.compiled_gx`, GX's
semantics: NaN is missing) and shaped by the same code. Any other entry (map expectations,
``engine: gx``, a median) runs on the table's rows (:mod:`.on_rows`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from stewardgate.engines import compiled_gx
from stewardgate.planning import PlannedCheck
from stewardgate.readers.sql.execute import ENGINE
from stewardgate.readers.sql.lower import Params, column
from stewardgate.readers.sql.table import SqlDataset

PUSHED = ("expect_column_mean_to_be_between", "expect_column_min_to_be_between", "expect_column_max_to_be_between",
          "expect_column_sum_to_be_between", *compiled_gx.NULL_MAPS)  # fmt: skip


PUSHED_REASON = ("GX expectation compiled into the table's aggregate query (in the database; shaped as on files, "
                 "tested against the polars engine)")  # fmt: skip


def is_pushed(p: PlannedCheck) -> bool:
    """Whether an expectation is judged in the database (compiled, and of a kind pushed down)."""
    return (
        p.section == "expectations"
        and p.engine in (compiled_gx.ENGINE, ENGINE)
        and (p.check in compiled_gx.TABLE or p.check in PUSHED)
    )


def planned_in_sql(p: PlannedCheck) -> PlannedCheck:
    """A pushed expectation as planned on a table: executor ``sql``, saying so."""
    return replace(p, engine=ENGINE, reason=PUSHED_REASON)


def pushed(planned: list[PlannedCheck]) -> list[PlannedCheck]:
    """The expectations judged in the database."""
    return [p for p in planned if is_pushed(p)]


def _compiled(mine: list[PlannedCheck]) -> list[PlannedCheck]:
    """The pushed expectations as the compiled polars code reads them (it builds and shapes them)."""
    return [replace(p, engine=compiled_gx.ENGINE) for p in mine]


def expectation_aggs(mine: list[PlannedCheck], ds: SqlDataset, params: Params) -> tuple[Any, list[tuple[str, Any]]]:
    """The compiled query (its names, and what polars cannot evaluate) and its SQL aggregates."""
    from sqlglot import exp

    query = compiled_gx.compile_expectations(_compiled(mine), ds.schema)
    named: list[tuple[str, Any]] = []
    for name, p in query.checks.items():
        dtype = ds.schema[p.args["column"]]
        col = column(p.args["column"])
        if dtype.is_float() and ds.dialect == "postgres":  # NaN is missing, as pandas sees it
            col = exp.Nullif(this=col, expression=params.bind(float("nan")))
        if p.check in compiled_gx.NULL_MAPS:
            named.append((f"{name}:missing", exp.Sub(this=exp.Count(this=exp.Star()), expression=exp.Count(this=col))))
        elif p.check == "expect_column_mean_to_be_between":
            named.append((f"{name}:observed", exp.Avg(this=exp.cast(col, exp.DataType.build("DOUBLE")))))
        else:
            func = {"expect_column_min_to_be_between": exp.Min, "expect_column_max_to_be_between": exp.Max}.get(
                p.check, exp.Sum
            )
            named.append((f"{name}:observed", func(this=col)))
    return query, named


def expectation_results(
    mine: list[PlannedCheck], query: Any, extra: dict[str, Any], row_count: int, ds: SqlDataset, masked: set[str],
    samples: int,
) -> list[Any]:  # fmt: skip
    """Results of the pushed expectations, shaped as GX's."""
    from decimal import Decimal

    from stewardgate.engines.gx_outcome import columns_of_check, finish
    from stewardgate.readers.sql.execute import series

    row = {}
    for name, p in query.checks.items():
        for key in (f"{name}:observed", f"{name}:missing"):
            if key in extra:
                value = extra[key]
                dtype = ds.schema[p.args["column"]]
                if key.endswith(":observed") and p.check != "expect_column_mean_to_be_between":
                    value = series("v", [value], dtype)[0] if dtype.is_temporal() else value
                    value = int(value) if dtype.is_integer() and value is not None else value
                row[key] = float(value) if isinstance(value, Decimal) else value

    def hidden(p: PlannedCheck) -> bool:
        return any(c in masked for c in columns_of_check(p))

    outcomes = compiled_gx.outcomes(query, row, row_count, _compiled(mine), ds.schema, {}, hidden)
    by_id = {p.check_id: p for p in mine}
    return [finish(by_id[cid], o, row_count, masked=hidden(by_id[cid]), samples=samples) for cid, o in outcomes.items()]
