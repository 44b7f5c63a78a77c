"""A suite's engines on a SQL table: contract, profile, governance, in the database.

- Schema level (presence, dtype, undeclared columns, order): the polars contract on an empty
  frame of the catalogue's columns (mapped to polars dtypes, :mod:`.types`). No pass.
- Data-level column rules, the row count, the profile and the retention figures: one aggregate
  query, its group-bys and ``LIMIT``-ed sample queries (:mod:`.execute`).
- The figures governance declares (:mod:`stewardgate.engines.figures`) in the same query; the data the
  governance checks read afterwards (:data:`Measured.source`): the first ``sample_size`` rows for a
  check whose value asks for a sample (the personal-data scan), else the catalogue's empty frame.
- Expectations: the table-level and aggregate ones in the same query (:mod:`.expectations`); the
  others on the rows of their columns, read once (:mod:`.on_rows`), in polars or GX as on a file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from stewardgate.engines.compiled import SCHEMA_CHECKS
from stewardgate.engines.figures import Figure
from stewardgate.engines.measured import Measured
from stewardgate.planning import PlannedCheck
from stewardgate.profile_record import Profile
from stewardgate.readers.sql.execute import ENGINE, execute_in_sql, render, select, series
from stewardgate.readers.sql.expectations import (
    expectation_aggs,
    expectation_results,
    is_pushed,
    planned_in_sql,
    pushed,
)
from stewardgate.readers.sql.lower import Params, column
from stewardgate.readers.sql.on_rows import planned_on_rows, run_on_rows
from stewardgate.readers.sql.table import SqlDataset
from stewardgate.suite.loader import LoadedSuite

HEAD_ROWS = 20_000


def measure_on_sql(
    loaded: LoadedSuite, ds: SqlDataset, planned: list[PlannedCheck], *, figures: list[Figure], masked: set[str],
    samples: int, as_of: date, moment: datetime, profiled: bool, regex_timeout: float,
) -> Measured:  # fmt: skip
    """What the database measured on a suite's table (the runner's executors judge the rest on it).

    The connection pool stays open for the checks after the pass (their sample rows); the runner
    closes the table's pool (:meth:`SqlDataset.close`, through ``SqlReader.prepared``) once the
    dataset is judged."""
    return _measure(loaded, ds, planned, figures=figures, masked=masked, samples=samples, as_of=as_of, moment=moment,
                    profiled=profiled, regex_timeout=regex_timeout)  # fmt: skip


def _measure(
    loaded: LoadedSuite, ds: SqlDataset, planned: list[PlannedCheck], *, figures: list[Figure], masked: set[str],
    samples: int, as_of: date, moment: datetime, profiled: bool, regex_timeout: float,
) -> Measured:  # fmt: skip
    import polars as pl

    from stewardgate.engines.contract import run_contract
    from stewardgate.engines.profile import QUANTILE_SAMPLE, assemble_profile, high_cardinality_columns, plan_for_checks

    in_sql = [_in_sql(p) for p in planned]  # planning applied it already (SqlReader.rewrite); kept idempotent
    plan = None
    if profiled:
        head = head_frame(ds, HEAD_ROWS)
        plan = plan_for_checks(
            ds.schema, in_sql, high=high_cardinality_columns(head.lazy(), ds.schema, polars_engine="in-memory")
        )
    params = Params()
    expectations = pushed(in_sql)
    gx_query, gx_aggs = expectation_aggs(expectations, ds, params)
    done = execute_in_sql(in_sql, ds, masked=masked, samples=samples, profile=plan,
                          extra=[*(figure_to_sql(f, ds, params) for f in figures), *gx_aggs], params=params)  # fmt: skip
    schema_level = [p for p in in_sql if p.engine == "pandera" and p.check in SCHEMA_CHECKS]
    contract = done.results + run_contract(schema_level, pl.DataFrame(schema=ds.schema), masked=masked, samples=samples,
                                           row_count=done.row_count)  # fmt: skip
    order = {p.check_id: i for i, p in enumerate(planned)}
    contract.sort(key=lambda r: order[r.check_id])
    profile: Profile = {"row_count": done.row_count, "columns": {}}
    if plan is not None:
        approximations: dict[str, Any] = {}
        if done.row_count > QUANTILE_SAMPLE:
            approximations["quantile_sample"] = f"the first {QUANTILE_SAMPLE} rows the database returned"
        profile = assemble_profile(plan, done.extra, done.frames, done.row_count, as_of=moment,
                                   estimates=done.estimates or None, approximations=approximations)  # fmt: skip
    others = [p for p in in_sql if p.section == "expectations" and p not in expectations]
    expected = expectation_results(expectations, gx_query, done.extra, done.row_count, ds, masked, samples)
    expected += run_on_rows(others, ds, row_count=done.row_count, masked=masked, samples=samples,
                            regex_timeout=regex_timeout)  # fmt: skip
    order_of = {p.check_id: i for i, p in enumerate(planned)}
    expected.sort(key=lambda r: order_of[r.check_id])
    extra = {**done.extra, **_typed_minimums(figures, done.extra, ds)}
    return Measured(contract, expected, profile, extra, _source(ds, done.row_count))


def _in_sql(p: PlannedCheck) -> PlannedCheck:
    """Data-level column rules run in the database, whatever engine of record the suite named, and
    so do the expectations pushed down; the other expectations run on the table's rows
    (:func:`.on_rows.planned_on_rows`)."""
    if p.section == "columns" and p.check not in SCHEMA_CHECKS and p.engine in ("polars", "gx", "pandera"):
        return replace(p, engine=ENGINE, reason=f"{p.reason} (in the database)" if p.reason else "in the database")
    if p.section == "expectations":
        return planned_in_sql(p) if is_pushed(p) else planned_on_rows(p)
    return p


def head_frame(ds: SqlDataset, rows: int) -> Any:
    """The first ``rows`` rows of the table (and filter) as a polars frame of the table's dtypes."""
    import polars as pl

    names = list(ds.schema)
    fetched = ds.run(render(select(ds, [column(n) for n in names]).limit(rows), ds))
    return pl.DataFrame([series(n, [r[i] for r in fetched], ds.schema[n]) for i, n in enumerate(names)])


def figure_to_sql(figure: Figure, ds: SqlDataset, params: Params) -> tuple[str, Any]:
    """A declared figure as one SQL aggregate of the table's query (``count_before``: rows whose
    date is before the cutoff, bound as a parameter; ``min``: the oldest value; ``max``, ``sum``,
    ``mean``, ``count``: a reconciliation's aggregates)."""
    from sqlglot import exp

    from stewardgate.readers.sql.execute import _count_if
    from stewardgate.readers.sql.lower import _value

    col = column(figure.column)
    if figure.kind == "max" and figure.end is not None:
        end = params.bind(_value(_bound(figure.end, ds.schema[figure.column]), ds.dialect))
        return figure.name, exp.Max(this=exp.Case(ifs=[exp.If(this=exp.LTE(this=col, expression=end), true=col)]))
    if figure.kind == "count_between":
        start, end = (params.bind(_value(_bound(v, ds.schema[figure.column]), ds.dialect))
                      for v in (figure.start, figure.end))  # fmt: skip
        return figure.name, _count_if(exp.and_(exp.GTE(this=col, expression=start), exp.LT(this=col, expression=end)))
    if figure.kind == "max_of_table":
        _check_source(figure, ds)
        return figure.name, exp.Subquery(this=exp.select(exp.Max(this=col)).from_(_table(figure.table)))
    if figure.kind == "sum":  # SUM over no rows is NULL in SQL, 0 in polars
        return figure.name, exp.Coalesce(this=exp.Sum(this=col), expressions=[exp.Literal.number(0)])
    if figure.kind in ("min", "max", "mean", "count"):
        spelled = {"min": exp.Min, "max": exp.Max, "mean": exp.Avg, "count": exp.Count}
        return figure.name, spelled[figure.kind](this=col)
    day = (
        exp.cast(col, exp.DataType.build("DATE"))
        if ds.dialect != "sqlite"
        else exp.Anonymous(this="DATE", expressions=[col])
    )
    return figure.name, _count_if(exp.LT(this=day, expression=params.bind(_value(figure.cutoff, ds.dialect))))


def _bound(value: Any, dtype: Any) -> Any:
    """A ``count_between`` bound as the column holds it: a column without a time zone holds UTC wall times."""
    from datetime import UTC

    if isinstance(value, datetime) and getattr(dtype, "time_zone", None) is None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _check_source(figure: Figure, ds: SqlDataset) -> None:
    """Another table's column (a load log) must be there and hold dates or datetimes."""
    import sqlalchemy as sa

    from stewardgate.errors import DatasetError
    from stewardgate.readers.sql.types import polars_dtype

    schema, _, name = str(figure.table).rpartition(".")
    where = figure.where or "freshness.source"
    inspector = sa.inspect(ds.engine)
    if not inspector.has_table(name, schema=schema or None):
        raise DatasetError(f"{where}: table '{figure.table}' does not exist (or this connection may not see it)")
    types = {c["name"]: c["type"] for c in inspector.get_columns(name, schema=schema or None)}
    if figure.column not in types:
        raise DatasetError(
            f"{where}: table '{figure.table}' has no column '{figure.column}' (it has: {', '.join(types)})"
        )
    dtype = polars_dtype(types[figure.column], ds.engine.url.get_backend_name())
    if dtype is None or not (str(dtype) == "Date" or str(dtype).startswith("Datetime")):
        raise DatasetError(f"{where}: column '{figure.column}' of '{figure.table}' is {types[figure.column]}; "
                           "a freshness column must be a date or datetime")  # fmt: skip


def _table(name: str | None) -> Any:
    """``schema.table`` or ``table`` as a quoted sqlglot table."""
    from sqlglot import exp

    *schema, table = str(name).split(".")
    return exp.Table(this=exp.to_identifier(table, quoted=True),
                     db=exp.to_identifier(schema[0], quoted=True) if schema else None)  # fmt: skip


def _typed_minimums(figures: list[Figure], extra: dict[str, Any], ds: SqlDataset) -> dict[str, Any]:
    """``min`` and ``max`` figures as the values polars would give for the column's dtype (the driver's
    value read back through :func:`series`), so governance words them the same for files and tables."""
    return {
        f.name: series("v", [extra[f.name]], ds.schema[f.column])[0]
        for f in figures if f.kind in ("min", "max") and extra.get(f.name) is not None
    }  # fmt: skip


def _source(ds: SqlDataset, row_count: int) -> Any:
    """Where the checks after the pass read: the table's first ``sample_size`` rows for a check
    whose value asks for a sample (the personal-data scan), else the catalogue's empty frame
    (metadata checks) with the table's row count."""
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset

    bare = ScannedDataset(ds.resolved, pl.LazyFrame(schema=ds.schema), ds.schema, ds.fingerprint, ds.metadata)

    def source(p: PlannedCheck) -> tuple[Any, int]:
        if isinstance(p.value, dict) and "sample_size" in p.value:
            frame = head_frame(ds, p.value["sample_size"])
            return ScannedDataset(
                ds.resolved, frame.lazy(), ds.schema, ds.fingerprint, ds.metadata, frame.height
            ), frame.height
        return bare, row_count

    return source
