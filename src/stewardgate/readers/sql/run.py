"""A suite's engines on a SQL table: contract, profile, governance, in the database.

- Schema level (presence, dtype, undeclared columns, order): the polars contract on an empty
  frame of the catalogue's columns (mapped to polars dtypes, :mod:`.types`). No pass.
- Data-level column rules, the row count, the profile and the retention figures: one aggregate
  query, its group-bys and ``LIMIT``-ed sample queries (:mod:`.execute`).
- Governance: the personal-data scan on the first ``sample_size`` rows; metadata checks as ever.
- Expectations: the table-level and aggregate ones in the same query (:mod:`.expectations`); any
  other is an errored check saying so (never passed).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from stewardgate.engines.compiled import SCHEMA_CHECKS
from stewardgate.engines.measured import Measured
from stewardgate.governance.plan import ENGINE as GOVERNANCE
from stewardgate.planning import PlannedCheck
from stewardgate.readers.sql.execute import ENGINE, execute_in_sql, render, select, series
from stewardgate.readers.sql.expectations import expectation_aggs, expectation_results, pushed
from stewardgate.readers.sql.lower import Params, column
from stewardgate.readers.sql.table import SqlDataset
from stewardgate.suite.loader import LoadedSuite

HEAD_ROWS = 20_000


def measure_on_sql(
    loaded: LoadedSuite, ds: SqlDataset, planned: list[PlannedCheck], *, masked: set[str], samples: int,
    as_of: date, moment: datetime, profiled: bool,
) -> Measured:  # fmt: skip
    """What the database measured on a suite's table (the runner judges the history on it)."""
    try:
        return _measure(loaded, ds, planned, masked=masked, samples=samples, as_of=as_of, moment=moment, profiled=profiled)
    finally:
        ds.engine.dispose()


def _measure(
    loaded: LoadedSuite, ds: SqlDataset, planned: list[PlannedCheck], *, masked: set[str], samples: int,
    as_of: date, moment: datetime, profiled: bool,
) -> Measured:  # fmt: skip
    import polars as pl

    from stewardgate.engines.contract import run_contract
    from stewardgate.engines.profile import QUANTILE_SAMPLE, assemble_profile, high_cardinality_columns, plan_for_checks

    in_sql = [_in_sql(p) for p in planned]
    governed = [p for p in in_sql if p.engine == GOVERNANCE]
    plan = None
    if profiled:
        head = head_frame(ds, HEAD_ROWS)
        plan = plan_for_checks(ds.schema, in_sql, high=high_cardinality_columns(head.lazy(), ds.schema))
    params = Params()
    expectations = pushed(in_sql)
    gx_query, gx_aggs = expectation_aggs(expectations, ds, params)
    done = execute_in_sql(in_sql, ds, masked=masked, samples=samples, profile=plan,
                          extra=[*_retention_aggs(governed, ds, as_of, params), *gx_aggs], params=params)  # fmt: skip
    schema_level = [p for p in in_sql if p.engine == "pandera" and p.check in SCHEMA_CHECKS]
    contract = done.results + run_contract(schema_level, pl.DataFrame(schema=ds.schema), masked=masked, samples=samples,
                                           row_count=done.row_count)  # fmt: skip
    order = {p.check_id: i for i, p in enumerate(planned)}
    contract.sort(key=lambda r: order[r.check_id])
    profile: dict[str, Any] = {"row_count": done.row_count, "columns": {}}
    if plan is not None:
        approximations: dict[str, Any] = {}
        if done.row_count > QUANTILE_SAMPLE:
            approximations["quantile_sample"] = f"the first {QUANTILE_SAMPLE} rows the database returned"
        profile = assemble_profile(plan, done.extra, done.frames, done.row_count, as_of=moment,
                                   estimates=done.estimates or None, approximations=approximations)  # fmt: skip
    others = [p for p in in_sql if p.section == "expectations" and p not in expectations]
    expected = expectation_results(expectations, others, gx_query, done.extra, done.row_count, ds, masked, samples)
    order_of = {p.check_id: i for i, p in enumerate(planned)}
    expected.sort(key=lambda r: order_of[r.check_id])
    governance = _governance(governed, loaded, ds, done.extra, done.row_count, as_of, masked)
    return Measured(contract, expected, governance, profile)


def _in_sql(p: PlannedCheck) -> PlannedCheck:
    """Data-level column rules run in the database, whatever engine of record the suite named."""
    if p.section == "columns" and p.check not in SCHEMA_CHECKS and p.engine in ("polars", "gx", "pandera"):
        return replace(p, engine=ENGINE, reason=f"{p.reason} (in the database)" if p.reason else "in the database")
    return p


def head_frame(ds: SqlDataset, rows: int) -> Any:
    """The first ``rows`` rows of the table (and filter) as a polars frame of the table's dtypes."""
    import polars as pl

    names = list(ds.schema)
    fetched = ds.run(render(select(ds, [column(n) for n in names]).limit(rows), ds))
    return pl.DataFrame([series(n, [r[i] for r in fetched], ds.schema[n]) for i, n in enumerate(names)])


def _retention_aggs(governed: list[PlannedCheck], ds: SqlDataset, as_of: date, params: Params) -> list[tuple[str, Any]]:
    """The retention check's two figures (expired rows, oldest value) as SQL aggregates."""
    from sqlglot import exp

    from stewardgate.governance.retention import COUNT, OLDEST, cutoff_of, usable
    from stewardgate.readers.sql.execute import _count_if
    from stewardgate.readers.sql.lower import _value

    aggs = []
    for p in governed:
        if p.check != "retention" or p.value.get("column") is None or usable(p, ds.schema) is not None:
            continue
        col = column(p.value["column"])
        day = exp.cast(col, exp.DataType.build("DATE")) if ds.dialect != "sqlite" else exp.Anonymous(this="DATE", expressions=[col])
        cutoff = params.bind(_value(cutoff_of(p, as_of), ds.dialect))
        aggs += [(COUNT, _count_if(exp.LT(this=day, expression=cutoff))), (OLDEST, exp.Min(this=col.copy()))]
    return aggs


def _governance(
    governed: list[PlannedCheck], loaded: LoadedSuite, ds: SqlDataset, extra: dict[str, Any], row_count: int,
    as_of: date, masked: set[str],
) -> list[Any]:  # fmt: skip
    """Governance results: personal data on the table's first rows, the rest on the run's figures."""
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.governance.checks import run_governance
    from stewardgate.governance.retention import OLDEST

    if OLDEST in extra and extra[OLDEST] is not None and governed:
        p = next(p for p in governed if p.check == "retention")
        extra = {**extra, OLDEST: series("v", [extra[OLDEST]], ds.schema[p.value["column"]])[0]}
    results = []
    bare = ScannedDataset(ds.resolved, pl.LazyFrame(schema=ds.schema), ds.schema, ds.fingerprint, ds.metadata)
    for p in governed:
        if p.check == "personal_data":
            frame = head_frame(ds, p.value["sample_size"])
            sample = ScannedDataset(ds.resolved, frame.lazy(), ds.schema, ds.fingerprint, ds.metadata, frame.height)
            results += run_governance([p], loaded, sample, extra=extra, row_count=frame.height, as_of=as_of, masked=masked)
        else:
            results += run_governance([p], loaded, bare, extra=extra, row_count=row_count, as_of=as_of, masked=masked)
    return results
