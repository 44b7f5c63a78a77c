"""Judging a plan on Spark: one aggregate job for every column rule and the metric profile.

Each row-level column rule is its failing condition (:mod:`stewardgate.engines.conditions`,
the same definition the polars path compiles) counted with ``count_if``; the row count, the
profile's aggregates (null counts, min/max/mean/std, lengths, ``percentile_approx`` quantiles)
and the retention check's figures join them in ONE ``agg``, one Spark job. Beside it run the
figures that need a group-by: a ``unique`` column's repeated values and each low-cardinality
column's value counts (one job each). Failing samples come from a limited job per failed check.
The collected figures are handed to the same code that shapes polars results and profiles, so a
report cannot tell the engines apart except by the ``engine`` field.

Approximations, declared in the profile: quantiles from ``percentile_approx`` with accuracy
:data:`QUANTILE_ACCURACY`; a watched high-cardinality column's distinct count from
``approx_count_distinct`` (relative standard deviation :data:`DISTINCT_RSD`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stewardgate.engines import compiled
from stewardgate.engines.applicability import skip_reasons
from stewardgate.engines.conditions import condition_for, spark_column, to_spark
from stewardgate.engines.side import COUNT, SideQuery, repeated_values
from stewardgate.errors import first_line
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult

ENGINE = "spark"
QUANTILE_ACCURACY = 10_000
"""``percentile_approx`` accuracy: quantiles within 1/10,000 of the rank range."""
DISTINCT_RSD = 0.02
"""``approx_count_distinct`` relative standard deviation."""
ROWS = "__sg_rows"


@dataclass(frozen=True)
class SparkExecution:
    """Results of the column rules in plan order, the row count, and the profile's figures."""

    results: list[CheckResult]
    row_count: int
    extra: dict[str, Any]
    frames: dict[str, Any]
    quantiles: dict[str, list[Any]]
    estimates: dict[str, int]


def execute_on_spark(
    planned: list[PlannedCheck], frame: Any, schema: dict[str, Any], *, masked: set[str], samples: int,
    display: str, profile: Any = None, extra_aggs: list[Any] | None = None,
) -> SparkExecution:  # fmt: skip
    """Judge the data-level column rules of ``planned`` (and build ``profile``'s figures) on Spark.

    A Spark job that cannot read the data (a file gone or corrupt since it was opened) raises
    ``DatasetError`` naming ``display``, as the polars path does.
    """
    from pyspark.sql import functions as F

    from stewardgate.engines.spark.dataset import guard_job

    skips = skip_reasons(planned, schema)
    data = [p for p in planned if p.section == "columns" and p.check not in compiled.SCHEMA_CHECKS]
    checks, aggs, errored, side = _compile(data, skips, frame, schema)
    if profile is not None:
        aggs += profile_aggs(profile)
    aggs += extra_aggs or []
    row = guard_job(lambda: _one_row(frame.agg(F.count(F.lit(1)).alias(ROWS), *aggs)), display)
    row_count = int(row.pop(ROWS))
    wanted = [*side.values(), *(_spark_side(profile) if profile is not None else [])]
    frames = guard_job(lambda: {q.key: _group_by(frame, q) for q in {q.key: q for q in wanted}.values()}, display)
    query = compiled.CompiledQuery(checks=checks, exprs=[], skipped=skips, errored=errored, side=side)
    outcomes = compiled.outcomes_from(query, row, row_count, frames, samples=samples)
    failed = [p for p in checks.values() if not outcomes[p.check_id].ok]
    found = guard_job(lambda: _samples(frame, failed, schema, samples), display)
    results = compiled.results_for(query, outcomes, found, row_count=row_count, masked=masked, samples=samples)
    results += compiled.unrun_results(data, query, row_count, engine=ENGINE)
    quantiles = {k.split(":", 1)[1]: v for k, v in row.items() if k.startswith("quantiles:")}
    estimates = {k.split(":", 1)[1]: int(v) for k, v in row.items() if k.startswith("estimate:") and v is not None}
    extra = {k: v for k, v in row.items() if not k.startswith(("__sg_", "quantiles:", "estimate:"))}
    return SparkExecution(results, row_count, extra, frames, quantiles, estimates)


def _compile(
    data: list[PlannedCheck], skips: dict[str, str], frame: Any, schema: dict[str, Any]
) -> tuple[dict[str, PlannedCheck], list[Any], dict[str, str], dict[str, SideQuery]]:  # fmt: skip
    """Each runnable rule as a ``count_if`` aggregate (``unique``: a side query), by output name.

    Spark analyses them all at once (no job runs); only if that fails is each analysed alone,
    so a rule Spark cannot evaluate errors by itself instead of sinking the job.
    """
    from pyspark.sql import functions as F

    runnable = [p for p in data if p.check_id not in skips]
    names = {p.check_id: f"__sg_{i}" for i, p in enumerate(runnable)}
    side = {names[p.check_id]: repeated_values(p.column) for p in runnable if p.check == "unique"}  # type: ignore[arg-type]

    def expression(p: PlannedCheck) -> Any:
        if p.check == "unique":
            return F.count(spark_column(p.column))  # type: ignore[arg-type]  # the column must resolve
        return F.count_if(to_spark(condition_for(p, schema[p.column]), p.column)).alias(names[p.check_id])  # type: ignore[arg-type, index]

    try:
        frame.agg(*(expression(p) for p in runnable)).schema  # noqa: B018 - analysis only, no job
        bad: dict[str, str] = {}
    except Exception:  # at least one rule Spark cannot evaluate: find which, one by one
        bad = {}
        for p in runnable:
            try:
                frame.agg(expression(p)).schema  # noqa: B018
            except Exception as exc:  # AnalysisException
                bad[p.check_id] = f"Spark cannot evaluate the check: {first_line(exc)}"
    checks = {names[p.check_id]: p for p in runnable if p.check_id not in bad}
    aggs = [expression(p) for p in runnable if p.check_id not in bad and p.check != "unique"]
    side = {name: q for name, q in side.items() if name in checks}
    return checks, aggs, bad, side


def profile_aggs(plan: Any) -> list[Any]:
    """The profile's aggregates (the polars plan's metrics, spelled for Spark), by the same names."""
    from pyspark.sql import functions as F

    from stewardgate.engines.profile import QUANTILE_LEVELS, column_kind, metric_key

    aggs = []
    for i, (name, dtype) in enumerate(plan.schema.items()):
        col, kind = spark_column(name), column_kind(dtype)
        aggs.append(F.count_if(col.isNull()).alias(metric_key(i, "null_count")))
        if kind == "numeric":
            x = col.cast("double")
            if dtype.is_float():
                aggs.append(F.count_if(F.isnan(col)).alias(metric_key(i, "nan_count")))
                x = F.nanvl(x, F.lit(None).cast("double"))
            aggs += [
                F.min(x).alias(metric_key(i, "min")), F.max(x).alias(metric_key(i, "max")),
                F.avg(x).alias(metric_key(i, "mean")), F.stddev_samp(x).alias(metric_key(i, "std")),
                F.count_if(x == 0).alias(metric_key(i, "zero_count")),
                F.count_if(x < 0).alias(metric_key(i, "negative_count")),
                F.percentile_approx(x, list(QUANTILE_LEVELS), QUANTILE_ACCURACY).alias(f"quantiles:{name}"),
            ]  # fmt: skip
        elif kind == "text":
            length = F.char_length(col.cast("string"))
            aggs += [F.min(length).alias(metric_key(i, "length_min")), F.avg(length).alias(metric_key(i, "length_mean")),
                     F.max(length).alias(metric_key(i, "length_max"))]  # fmt: skip
        elif kind == "temporal":
            aggs += [F.min(col).alias(metric_key(i, "min")), F.max(col).alias(metric_key(i, "max"))]
        if name in plan.estimated:
            aggs.append(F.approx_count_distinct(col, DISTINCT_RSD).alias(f"estimate:{name}"))
    return aggs


def _spark_side(plan: Any) -> list[SideQuery]:
    """The profile's group-by figures (value counts, repeated values); quantiles and estimates
    are aggregates on Spark."""
    return [q for q in plan.side if q.key.startswith(("counts:", "repeated:"))]


def _group_by(frame: Any, q: SideQuery) -> Any:
    """A side query's frame, computed by Spark: the same columns the polars query gives."""
    from pyspark.sql import functions as F

    kind, column = q.key.split(":", 1)
    col = spark_column(column)
    if kind == "counts":
        grouped = frame.groupBy(col).agg(F.count(F.lit(1)).alias(COUNT))
    elif kind == "repeated":
        grouped = frame.where(col.isNotNull()).groupBy(col).agg(F.count(F.lit(1)).alias(COUNT)).where(F.col(COUNT) > 1)
    else:
        raise ValueError(f"no Spark form for side query {q.key!r}")
    return _to_polars(grouped)


def _samples(frame: Any, failed: list[PlannedCheck], schema: dict[str, Any], limit: int) -> dict[str, list[str]]:
    """Up to ``limit`` distinct failing values per failed value rule: one small job each."""
    import polars as pl

    found = {}
    for p in failed:
        if p.check in ("nullable", "max_null_fraction", "max_null_count", "unique") or limit <= 0:
            continue
        condition = to_spark(condition_for(p, schema[p.column]), p.column)  # type: ignore[arg-type, index]
        rows = _to_polars(frame.where(condition).select(spark_column(p.column)).limit(limit * 20))  # type: ignore[arg-type]
        found[p.check_id] = compiled.distinct_values(
            rows.to_series().cast(pl.String).to_list(), limit
        )  # polars' spelling
    return found


def _one_row(frame: Any) -> dict[str, Any]:
    """The single row of an aggregate, through Arrow (timestamps keep their zone; ``collect``
    would turn them into the driver's local time)."""
    table = frame.toArrow()
    return {name: table.column(name)[0].as_py() for name in table.column_names}


def _to_polars(frame: Any) -> Any:
    import polars as pl

    return pl.from_arrow(frame.toArrow())
