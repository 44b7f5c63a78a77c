"""A suite's engines on Spark: contract, profile, expectations and governance.

- Schema level (presence, dtype, undeclared columns): pandera's pyspark backend, on the
  DataFrame at schema depth (:mod:`.contract`; column order by pandera on the schema). No pass
  over the data.
- Data-level column rules and the profile: one aggregate job (:mod:`.execute`).
- Expectations: Great Expectations' own Spark data source (:mod:`.expectations`).
- Governance: retention from the same aggregate job; the personal-data scan on a Spark sample
  of ``sample_size`` rows; metadata checks (stamps, classification, completeness) as ever.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from stewardgate.engines.compiled import SCHEMA_CHECKS
from stewardgate.engines.measured import Measured
from stewardgate.engines.spark.dataset import SparkDataset
from stewardgate.engines.spark.execute import DISTINCT_RSD, QUANTILE_ACCURACY, execute_on_spark
from stewardgate.governance.plan import ENGINE as GOVERNANCE
from stewardgate.planning import PlannedCheck
from stewardgate.suite.loader import LoadedSuite

HEAD_ROWS = 20_000


def measure_on_spark(
    loaded: LoadedSuite, ds: SparkDataset, planned: list[PlannedCheck], *, masked: set[str], samples: int,
    as_of: date, moment: datetime, profiled: bool,
) -> Measured:  # fmt: skip
    """What Spark measured on a suite's data (the runner judges the history on it)."""
    from stewardgate.engines.profile import assemble_profile
    from stewardgate.engines.spark.contract import run_contract_on_spark

    spark_planned = [_on_spark(p) for p in planned]
    governed = [p for p in spark_planned if p.engine == GOVERNANCE]
    plan = _profile_plan(ds, spark_planned) if profiled else None
    done = execute_on_spark(
        spark_planned, ds.frame, ds.schema, masked=masked, samples=samples, display=ds.resolved.display, profile=plan,
        extra_aggs=_retention_aggs(governed, ds.schema, as_of),
    )  # fmt: skip
    contract = done.results + run_contract_on_spark(spark_planned, ds.frame, ds.schema, row_count=done.row_count)
    order = {p.check_id: i for i, p in enumerate(planned)}
    contract.sort(key=lambda r: order[r.check_id])
    profile = {"row_count": done.row_count, "columns": {}}
    if plan is not None:
        approximations = {"quantile_method": "percentile_approx", "quantile_accuracy": QUANTILE_ACCURACY}
        if plan.estimated:
            approximations["distinct_rsd"] = DISTINCT_RSD
        profile = assemble_profile(
            plan, done.extra, done.frames, done.row_count, as_of=moment, quantiles=done.quantiles,
            estimates=done.estimates, approximations=approximations,
        )  # fmt: skip
    from stewardgate.engines.spark.expectations import run_expectations_on_spark

    expected = run_expectations_on_spark(
        spark_planned, ds, row_count=done.row_count, masked=masked, samples=samples
    )  # fmt: skip
    governance = _governance(governed, loaded, ds, done.extra, done.row_count, as_of, masked)
    return Measured(contract, expected, governance, profile)


def _on_spark(p: PlannedCheck) -> PlannedCheck:
    """Data-level checks run on Spark, whatever engine of record the suite named for polars."""
    from dataclasses import replace

    if p.engine in ("polars", "gx") or (p.engine == "pandera" and p.check not in SCHEMA_CHECKS):
        return replace(p, engine="spark", reason=f"{p.reason} (on Spark)" if p.reason else "on Spark")
    return p


def _profile_plan(ds: SparkDataset, planned: list[PlannedCheck]) -> Any:
    """The run's profile plan, with high-cardinality columns told apart on the first rows."""
    import polars as pl

    from stewardgate.engines.profile import high_cardinality_columns, plan_for_checks

    head = pl.from_arrow(ds.frame.limit(HEAD_ROWS).toArrow())
    high = high_cardinality_columns(head.lazy(), ds.schema)  # type: ignore[union-attr]
    return plan_for_checks(ds.schema, planned, high=high)


def _retention_aggs(governed: list[PlannedCheck], schema: dict[str, Any], as_of: date) -> list[Any]:
    """The retention check's two figures (expired rows, oldest value) as Spark aggregates."""
    from pyspark.sql import functions as F

    from stewardgate.engines.conditions import spark_column
    from stewardgate.governance.retention import COUNT, OLDEST, cutoff_of, usable

    aggs = []
    for p in governed:
        if p.check != "retention" or p.value.get("column") is None or usable(p, schema) is not None:
            continue
        col = spark_column(p.value["column"])
        aggs += [F.count_if(F.to_date(col) < F.lit(cutoff_of(p, as_of))).alias(COUNT), F.min(col).alias(OLDEST)]
    return aggs


def _governance(
    governed: list[PlannedCheck], loaded: LoadedSuite, ds: SparkDataset, extra: dict[str, Any], row_count: int,
    as_of: date, masked: set[str],
) -> list[Any]:  # fmt: skip
    """Governance results: personal data on a Spark sample, the rest on the run's figures."""
    from stewardgate.governance.checks import run_governance

    results = []
    files = None  # scanned once, when the first check that reads the files comes
    for p in governed:
        if p.check == "personal_data":
            sample = _sample_scan(ds, p.value["sample_size"], p.value["seed"], row_count)
            results += run_governance([p], loaded, sample, extra=extra, row_count=sample.known_rows or 0,
                                      as_of=as_of, masked=masked)  # fmt: skip
        else:
            files = files if files is not None else _files_scan(loaded, ds, as_of)
            results += run_governance([p], loaded, files, extra=extra, row_count=row_count, as_of=as_of, masked=masked)
    return results


def _sample_scan(ds: SparkDataset, size: int, seed: int, row_count: int) -> Any:
    """About ``size`` rows picked by Spark (Bernoulli sampling with ``seed``), as a small polars scan."""
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset

    fraction = min(1.0, 1.2 * size / row_count) if row_count else 1.0
    picked = ds.frame if fraction >= 1.0 else ds.frame.sample(withReplacement=False, fraction=fraction, seed=seed)
    frame = pl.from_arrow(picked.limit(size).toArrow())
    return ScannedDataset(ds.resolved, frame.lazy(), ds.schema, ds.fingerprint, ds.metadata, frame.height)  # type: ignore[union-attr]


def _files_scan(loaded: LoadedSuite, ds: SparkDataset, as_of: date) -> Any:
    """The same files opened by polars (footers only): for stamps and, on failure, which
    partitions hold expired rows. A catalog or Delta table has no files of its own to look at."""
    import polars as pl

    from stewardgate.datasets.scan import SPARK_ONLY, ScannedDataset, open_dataset

    if loaded.suite.dataset.format in SPARK_ONLY:
        return ScannedDataset(ds.resolved, pl.LazyFrame(schema=ds.schema), ds.schema, ds.fingerprint, ds.metadata)
    return open_dataset(loaded.suite.dataset, base=loaded.folder, as_of=as_of)
