"""Judging a plan in the database: ONE aggregate query for every column rule and the profile.

Each row-level column rule is its failing condition (:mod:`.lower`) counted with
``COUNT(CASE WHEN ... THEN 1 END)``; the row count, the profile's aggregates (null counts,
min/max/mean/std, zero and negative counts, lengths, temporal ends) and the retention check's
figures join them in one ``SELECT`` over the table (and its filter). Beside it run the figures
that need a group-by (a ``unique`` column's repeated values, a low-cardinality column's value
counts) and, for the quantiles, the numeric columns' values (all rows up to
:data:`~stewardgate.engines.profile.QUANTILE_SAMPLE`, else a sample); failing samples come from
one ``LIMIT``-ed query per failed rule. The fetched figures are handed to the code that shapes
polars results and profiles, so a report cannot tell the engines apart but by ``engine``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stewardgate.engines import compiled
from stewardgate.engines.applicability import skip_reasons
from stewardgate.engines.conditions import condition_for
from stewardgate.engines.side import COUNT
from stewardgate.errors import DatasetError
from stewardgate.planning import PlannedCheck
from stewardgate.readers.sql.lower import Params, cannot_express, column, exact_text, to_sql
from stewardgate.readers.sql.table import SqlDataset
from stewardgate.results import CheckResult

ENGINE = "sql"
ROWS = "__sg_rows"
SIDE_WORKERS = 2
"""Group-by queries run at once, each on its own connection, beside the aggregate query."""


@dataclass(frozen=True)
class SqlExecution:
    """Results of the column rules, the row count, the named figures and the group-by frames."""

    results: list[CheckResult]
    row_count: int
    extra: dict[str, Any]
    frames: dict[str, Any]
    estimates: dict[str, int]


def render(query: Any, ds: SqlDataset) -> str:
    """``query`` as SQL for the dataset's dialect, parameters spelled ``:name`` (SQLAlchemy's
    ``text``), any other colon escaped so that it stays literal."""
    sql = query.sql(dialect=ds.dialect)
    sql = re.sub(r"%\((\w+)\)s", r":\1", sql) if ds.dialect == "postgres" else sql
    return re.sub(r":(?!(?:sgp\d+|sg_as_of)\b)", r"\\:", sql)


def select(ds: SqlDataset, items: list[Any], *, where: Any = None) -> Any:
    """``SELECT items FROM table`` with the dataset's filter (and ``where``)."""
    from sqlglot import exp

    query = exp.select(*items).from_(ds.table.copy())
    for condition in (ds.where, where):
        if condition is not None:
            query = query.where(condition.copy())
    return query


def execute_in_sql(
    planned: list[PlannedCheck], ds: SqlDataset, *, masked: set[str], samples: int, profile: Any = None,
    extra: list[tuple[str, Any]] | None = None, params: Params | None = None,
) -> SqlExecution:  # fmt: skip
    """Judge the data-level column rules of ``planned`` (and ``profile``'s figures) in the database.

    ``extra``: further ``(name, aggregate)`` pairs for the same query (their values come back in
    ``SqlExecution.extra`` under ``name``), bound in ``params``.
    """
    params = params or Params()
    skips = skip_reasons(planned, ds.schema)
    data = [
        p for p in planned if p.section == "columns" and p.engine == ENGINE and p.check not in compiled.SCHEMA_CHECKS
    ]
    checks, rules, errored, side = _compile(data, skips, ds, params)
    from concurrent.futures import ThreadPoolExecutor

    others = [*(profile_aggs(profile, ds, params) if profile is not None else []), *(extra or [])]
    keys = list(dict.fromkeys([*side.values(), *_side_keys(profile, with_sample=False)]))
    with ThreadPoolExecutor(max_workers=SIDE_WORKERS) as pool:  # the group-bys run while the aggregate does
        pending = {key: pool.submit(_side_frame, ds, key, profile, 0) for key in keys}
        try:
            figures = _aggregate(ds, [*rules, *others], params)
        except DatasetError:  # a rule the database cannot evaluate: find which, then run the others
            for name, agg in list(rules):
                problem = _plan_problem(ds, [agg], params)
                if problem is not None:
                    errored[checks.pop(name).check_id] = f"the database cannot evaluate the check: {problem}"
                    rules.remove((name, agg))
            figures = _aggregate(ds, [*rules, *others], params)
        row_count = int(figures.pop(ROWS))
        if profile is not None and profile.sample is not None:
            pending[profile.sample.key] = pool.submit(_side_frame, ds, profile.sample.key, profile, row_count)
        counted = compiled.CompiledQuery(checks={n: p for n, p in checks.items() if n not in side}, exprs=[],
                                         skipped={}, errored={}, side={})  # fmt: skip
        counts = compiled.outcomes_from(counted, figures, row_count, {}, samples=samples)
        failed = [p for p in counted.checks.values() if not counts[p.check_id].ok]
        found = _samples(ds, failed, samples, {cid: o.failing or 0 for cid, o in counts.items()})
        frames = {key: future.result() for key, future in pending.items()}
    query = compiled.CompiledQuery(checks=checks, exprs=[], skipped=skips, errored=errored,
                                   side={n: _Side(k) for n, k in side.items()})  # type: ignore[misc]  # fmt: skip
    outcomes = compiled.outcomes_from(query, figures, row_count, frames, samples=samples)
    results = compiled.results_for(query, outcomes, found, row_count=row_count, masked=masked, samples=samples)
    results += compiled.unrun_results(data, query, row_count, engine=ENGINE)
    estimates = {k.split(":", 1)[1]: int(v) for k, v in figures.items() if k.startswith("estimate:") and v is not None}
    kept = {k: v for k, v in figures.items() if not k.startswith("estimate:")}
    return SqlExecution(results, row_count, _typed_figures(kept, profile, ds), frames, estimates)


@dataclass(frozen=True)
class _Side:
    key: str


def _compile(
    data: list[PlannedCheck], skips: dict[str, str], ds: SqlDataset, params: Params
) -> tuple[dict[str, PlannedCheck], list[tuple[str, Any]], dict[str, str], dict[str, str]]:  # fmt: skip
    """Each runnable rule as a counting aggregate (``unique``: a group-by), by output name.

    A rule polars could not evaluate on this schema errors with polars' reason (parity); one the
    dialect cannot express errors with that reason; the others are tried together in the
    database (``LIMIT 0``: planned, not run), and only if that fails one by one.
    """
    import polars as pl

    rows = [p for p in data if p.check_id not in skips and p.check != "unique"]
    _, polars_cannot = compiled.failing_counts(rows, ds.schema, pl.DataFrame(schema=ds.schema))
    checks: dict[str, PlannedCheck] = {}
    named: list[tuple[str, Any]] = []
    errored: dict[str, str] = {}
    side: dict[str, str] = {}
    for p in data:
        if p.check_id in skips:
            continue
        name = f"__sg_{len(checks) + len(errored)}"
        if p.check == "unique":
            checks[name], side[name] = p, f"repeated:{p.column}"
            continue
        if p.check_id in polars_cannot:
            errored[p.check_id] = polars_cannot[p.check_id]
            continue
        dtype = ds.schema[str(p.column)]
        condition = condition_for(p, dtype)
        reason = cannot_express(condition, ds.dialect)
        if reason is not None:
            errored[p.check_id] = reason
            continue
        checks[name] = p
        named.append((name, _count_if(to_sql(condition, str(p.column), dtype, ds.dialect, params))))
    return checks, named, errored, side


def _count_if(condition: Any) -> Any:
    from sqlglot import exp

    return exp.Count(this=exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))]))


def _aggregate(ds: SqlDataset, named: list[tuple[str, Any]], params: Params) -> dict[str, Any]:
    """The one aggregate query: the row count and every ``(name, aggregate)``, by name."""
    from sqlglot import exp

    aliases = {f"a{i}": name for i, (name, _) in enumerate(named)}
    items = [exp.Count(this=exp.Star()).as_(ROWS), *(agg.as_(a) for a, (_, agg) in zip(aliases, named, strict=True))]
    (row,) = ds.run(render(select(ds, items), ds), params.values)
    return {aliases.get(k, k): v for k, v in row._mapping.items()}


def _plan_problem(ds: SqlDataset, aggs: list[Any], params: Params) -> str | None:
    """Why the database refuses ``aggs`` (over no rows), or None."""
    from sqlglot import exp

    query = select(ds, [a.as_(f"a{i}") for i, a in enumerate(aggs)], where=exp.false())
    try:
        ds.run(render(query, ds), params.values)
    except DatasetError as exc:
        return str(exc).split(": ", 1)[-1]
    return None


def profile_aggs(plan: Any, ds: SqlDataset, params: Params) -> list[tuple[str, Any]]:
    """The profile's aggregates (the polars plan's metrics, spelled in SQL), by the same names."""
    from sqlglot import exp

    from stewardgate.engines.profile import column_kind, metric_key

    def count_if(condition: Any) -> Any:
        return _count_if(condition)

    named: list[tuple[str, Any]] = []
    for i, (name, dtype) in enumerate(plan.schema.items()):
        col, kind = column(name), column_kind(dtype)
        named.append(
            (metric_key(i, "null_count"), exp.Sub(this=exp.Count(this=exp.Star()), expression=exp.Count(this=col)))
        )
        if kind == "numeric":
            x: Any = exp.cast(col, exp.DataType.build("DOUBLE"))
            if dtype.is_float() and ds.dialect == "postgres":  # the one dialect here that stores NaN
                nan = params.bind(float("nan"))
                named.append((metric_key(i, "nan_count"), count_if(exp.EQ(this=col, expression=nan))))
                x = exp.Nullif(this=x, expression=nan.copy())
            named += [
                (metric_key(i, "min"), exp.Min(this=x)), (metric_key(i, "max"), exp.Max(this=x.copy())),
                (metric_key(i, "mean"), exp.Avg(this=x.copy())),
                (metric_key(i, "zero_count"), count_if(exp.EQ(this=x.copy(), expression=exp.Literal.number(0)))),
                (metric_key(i, "negative_count"), count_if(exp.LT(this=x.copy(), expression=exp.Literal.number(0)))),
            ]  # fmt: skip
            if ds.dialect == "sqlite":  # no STDDEV: from the sums
                named += [(f"__sg_sum:{i}", exp.Sum(this=x.copy())),
                          (f"__sg_sum2:{i}", exp.Sum(this=exp.Mul(this=x.copy(), expression=x.copy()))),
                          (f"__sg_n:{i}", exp.Count(this=x.copy()))]  # fmt: skip
            else:
                named.append((metric_key(i, "std"), exp.StddevSamp(this=x.copy())))
        elif kind == "text":
            length = exp.Length(this=col)
            named += [(metric_key(i, "length_min"), exp.Min(this=length)),
                      (metric_key(i, "length_mean"), exp.Avg(this=length.copy())),
                      (metric_key(i, "length_max"), exp.Max(this=length.copy()))]  # fmt: skip
        elif kind == "temporal":
            named += [(metric_key(i, "min"), exp.Min(this=col)), (metric_key(i, "max"), exp.Max(this=col.copy()))]
        if name in plan.estimated:
            named.append(
                (
                    f"estimate:{name}",
                    exp.Count(this=exp.Distinct(expressions=[exact_text(col.copy(), dtype, ds.dialect)])),
                )
            )
    return named


def _typed_figures(figures: dict[str, Any], plan: Any, ds: SqlDataset) -> dict[str, Any]:
    """The figures as polars' would be: floats, temporal ends as dates/datetimes, a float
    column's NaN count where the dialect stores no NaN, the std from sums on SQLite."""
    import math
    from decimal import Decimal

    from stewardgate.engines.profile import column_kind, metric_key

    out = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in figures.items() if not k.startswith("__sg_")}
    if plan is None:
        return out
    for i, (name, dtype) in enumerate(plan.schema.items()):
        kind = column_kind(dtype)
        if kind == "numeric" and dtype.is_float() and ds.dialect != "postgres":
            out[metric_key(i, "nan_count")] = 0
        if kind == "numeric" and ds.dialect == "sqlite":
            n, total, squares = figures[f"__sg_n:{i}"], figures[f"__sg_sum:{i}"], figures[f"__sg_sum2:{i}"]
            variance = (squares - total * total / n) / (n - 1) if n and n > 1 else None
            out[metric_key(i, "std")] = math.sqrt(max(variance, 0.0)) if variance is not None else None
        if kind == "temporal":
            for metric in ("min", "max"):
                key = metric_key(i, metric)
                out[key] = series(name, [out.get(key)], dtype)[0]
    return out


def _side_keys(plan: Any, *, with_sample: bool = True) -> list[str]:
    if plan is None:
        return []
    keys = [q.key for q in plan.side if q.key.startswith(("counts:", "repeated:"))]
    return keys + ([plan.sample.key] if plan.sample is not None and with_sample else [])


def _side_frame(ds: SqlDataset, key: str, plan: Any, row_count: int) -> Any:
    """A side query's frame, computed by the database: the same columns the polars query gives."""
    import polars as pl
    from sqlglot import exp

    from stewardgate.engines.profile import QUANTILE_SAMPLE

    kind, name = key.split(":", 1)
    if kind == "sample":
        columns = plan.sample.key.split(":", 2)[2].split(",") if plan is not None else []
        numeric = [n for n in plan.schema if n in columns] if plan is not None else []
        query = select(ds, [column(n) for n in numeric])
        if row_count > QUANTILE_SAMPLE:
            query = query.limit(QUANTILE_SAMPLE)
        rows = ds.run(render(query, ds))
        return pl.DataFrame([series(n, [r[i] for r in rows], plan.schema[n]) for i, n in enumerate(numeric)])
    dtype = ds.schema[name]
    value = exact_text(column(name), dtype, ds.dialect).as_("v")
    grouped = exp.Count(this=exp.Star())
    if kind == "counts":
        query = select(ds, [value, grouped.as_("n")]).group_by(exp.column("v"))
    elif kind == "repeated":
        present = exp.Not(this=exp.Is(this=column(name), expression=exp.Null()))
        query = select(ds, [value, grouped.as_("n")], where=present).group_by(exp.column("v"))
        query = query.having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
    else:
        raise ValueError(f"no SQL form for side query {key!r}")
    rows = ds.run(render(query, ds))
    return pl.DataFrame(
        [series(name, [r[0] for r in rows], dtype), pl.Series(COUNT, [int(r[1]) for r in rows], dtype=pl.UInt32)]
    )


SAMPLE_HEAD = 5
"""Failing rows read per wanted sample value (as the polars path): the first ``samples * 5``."""
RARE_ROWS = 100_000
"""Failed rules with at most this many failing rows together share one query (one scan)."""


def _samples(ds: SqlDataset, failed: list[PlannedCheck], limit: int, failing: dict[str, int]) -> dict[str, list[str]]:
    """Up to ``limit`` distinct failing values per failed value rule, from the first failing rows.

    A ``LIMIT``-ed query stops early only where failing rows are frequent; a rare failure would
    make it read the whole table, once per rule. So the rules with few failing rows (the counts
    are known from the aggregate) are sampled together, in one query reading each failing row
    once; each frequent one gets its own ``LIMIT``-ed query.
    """
    from sqlglot import exp

    wanted = [p for p in failed if p.check not in ("nullable", "max_null_fraction", "max_null_count", "unique")]
    if not wanted or limit <= 0:
        return {}
    head = limit * SAMPLE_HEAD
    rare: list[PlannedCheck] = []
    for p in sorted(wanted, key=lambda p: failing[p.check_id]):
        if sum(failing[q.check_id] for q in rare) + failing[p.check_id] <= RARE_ROWS:
            rare.append(p)
    values: dict[str, list[Any]] = {}
    for p in wanted:
        if p in rare:
            continue
        params = Params()
        assert p.column is not None  # a value rule names its column
        rows = ds.run(
            render(select(ds, [column(p.column)], where=_failing(p, ds, params)).limit(head), ds), params.values
        )
        values[p.check_id] = [r[0] for r in rows]
    if rare:
        params = Params()
        conditions = [_failing(p, ds, params) for p in rare]
        items = [exp.Case(ifs=[exp.If(this=c, true=column(p.column))]).as_(f"s{i}") for i, (p, c) in enumerate(zip(rare, conditions, strict=True))]  # type: ignore[arg-type]  # fmt: skip
        rows = ds.run(render(select(ds, items, where=exp.or_(*(c.copy() for c in conditions))), ds), params.values)
        for i, p in enumerate(rare):
            values[p.check_id] = [r[i] for r in rows if r[i] is not None][:head]
    import polars as pl

    return {
        p.check_id: compiled.distinct_values(series(p.column, values[p.check_id], ds.schema[p.column]).cast(pl.String).to_list(), limit)  # type: ignore[arg-type, index]
        for p in wanted
    }  # fmt: skip


def _failing(p: PlannedCheck, ds: SqlDataset, params: Params) -> Any:
    dtype = ds.schema[p.column]  # type: ignore[index]
    return to_sql(condition_for(p, dtype), p.column, dtype, ds.dialect, params)  # type: ignore[arg-type]


def series(name: str, values: list[Any], dtype: Any) -> Any:
    """Fetched values as a polars Series of ``dtype`` (SQLite's text dates parsed, MariaDB's
    byte-compared text decoded, booleans stored as integers read as booleans)."""
    import polars as pl

    values = [v.decode("utf-8") if isinstance(v, (bytes, bytearray)) and dtype == pl.String else v for v in values]
    if any(isinstance(v, str) for v in values) and dtype.is_temporal():
        text = pl.Series(name, values, dtype=pl.String)
        if dtype == pl.Date:
            return text.str.slice(0, 10).str.to_date("%Y-%m-%d")
        if dtype == pl.Time:
            return text.str.to_time()
        parsed = text.str.to_datetime(time_unit="us")
        return parsed.dt.replace_time_zone(dtype.time_zone) if getattr(dtype, "time_zone", None) else parsed
    if isinstance(dtype, pl.Datetime) and dtype.time_zone:
        return pl.Series(name, values).cast(pl.Datetime("us", "UTC")).dt.convert_time_zone(dtype.time_zone)
    return pl.Series(name, values, dtype=dtype, strict=False)
