"""Compile-only: the SQL built for Snowflake, BigQuery and Databricks parses again in that dialect.

These warehouses are not run here (no server on this machine); what is checked is that every
condition kind, the profile's aggregates, the group-bys and the filter render as SQL that
sqlglot's parser for that dialect accepts, with values as bound parameters and identifiers quoted.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
import sqlglot
from sqlglot import exp

from stewardgate.datasets.resolve import ResolvedDataset
from stewardgate.engines.conditions import Condition
from stewardgate.engines.profile import plan_profile
from stewardgate.readers.sql.execute import profile_aggs, render, select
from stewardgate.readers.sql.lower import Params, column, to_sql
from stewardgate.readers.sql.table import SqlDataset
from stewardgate.results import DataFingerprint
from stewardgate.suite.sql_filter import AS_OF, parse_filter

SCHEMA = {
    "order id": pl.Int64,
    "amount": pl.Float64,
    "email": pl.String,
    "placed": pl.Datetime("us", "UTC"),
    "day": pl.Date,
}
CONDITIONS = [
    ("order id", Condition("null")), ("amount", Condition("below", 0)), ("placed", Condition("above", datetime(2026, 1, 1))),
    ("email", Condition("not_in", ["a@b.c", "d@e.f"])), ("email", Condition("no_match", "^[^@]+@[^@]+$")),
    ("email", Condition("shorter", 3)), ("email", Condition("longer", 254)),
]  # fmt: skip


def _dataset(dialect: str) -> SqlDataset:
    where = parse_filter("day >= {as_of} AND amount <> 0", dialect)
    table = exp.Table(this=exp.to_identifier("orders", quoted=True), db=exp.to_identifier("sales", quoted=True))
    return SqlDataset(
        ResolvedDataset("wh:sales.orders", (), "table", None), None, "", dialect, table, where, {AS_OF: date(2026, 11, 27)},
        SCHEMA, DataFingerprint(path="wh:sales.orders", format="table", files=(), sha256=""),
    )  # fmt: skip


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "databricks"])
def test_the_aggregate_query_parses_in_the_dialect(dialect: str) -> None:
    ds, params = _dataset(dialect), Params()
    counts = [exp.Count(this=exp.Case(ifs=[exp.If(this=to_sql(c, name, SCHEMA[name], dialect, params), true=exp.Literal.number(1))]))
              for name, c in CONDITIONS]  # fmt: skip
    plan = plan_profile(SCHEMA)
    items = [agg.as_(f"a{i}") for i, agg in enumerate([*counts, *(a for _, a in profile_aggs(plan, ds, params))])]
    sql = render(select(ds, items), ds)
    parsed = sqlglot.parse_one(sql, read=dialect)
    assert isinstance(parsed, exp.Select) and len(parsed.expressions) == len(items)
    assert parsed.find(exp.Table).sql(dialect=dialect) == (
        "`sales`.`orders`" if dialect != "snowflake" else '"sales"."orders"'
    )
    assert "a@b.c" not in sql and "2026" not in sql  # values are parameters
    assert len(params.values) == 4 + 1  # below, above, two members, the pattern
    regex = parsed.find(exp.RegexpLike)
    assert regex is not None and regex.this.name == "email"


@pytest.mark.parametrize("dialect", ["snowflake", "bigquery", "databricks"])
def test_the_group_by_and_sample_queries_parse_in_the_dialect(dialect: str) -> None:
    ds, params = _dataset(dialect), Params()
    grouped = select(ds, [column("email").as_("v"), exp.Count(this=exp.Star()).as_("n")]).group_by(exp.column("v"))
    sample = select(
        ds, [column("amount")], where=to_sql(Condition("below", 0), "amount", pl.Float64, dialect, params)
    ).limit(25)
    for query in (grouped, sample):
        parsed = sqlglot.parse_one(render(query, ds), read=dialect)
        assert parsed.find(exp.Where) is not None
