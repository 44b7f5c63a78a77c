"""What the Spark reader measures: contract, profile, expectations and the figures asked for.

- Schema level (presence, dtype, undeclared columns): pandera's pyspark backend, on the
  DataFrame at schema depth (:mod:`.contract`; column order by pandera on the schema). No pass
  over the data.
- Data-level column rules and the profile: one aggregate job (:mod:`.execute`).
- Expectations: Great Expectations' own Spark data source (:mod:`.expectations`).
- The figures governance declares (:mod:`stewardgate.engines.figures`: retention's) in the same
  aggregate job; the data the governance checks read afterwards (:data:`Measured.source`): a
  Spark sample of ``sample_size`` rows for the personal-data scan, the files opened by polars
  for stamps. Governance itself runs in the runner, as for polars; nothing here imports it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from stewardgate.engines.figures import Figure, to_spark
from stewardgate.engines.measured import Measured
from stewardgate.engines.spark.dataset import SparkDataset
from stewardgate.engines.spark.execute import DISTINCT_RSD, QUANTILE_ACCURACY, execute_on_spark
from stewardgate.planning import PlannedCheck
from stewardgate.profile_record import Profile
from stewardgate.suite.loader import LoadedSuite

HEAD_ROWS = 20_000


def measure_on_spark(
    loaded: LoadedSuite, ds: SparkDataset, planned: list[PlannedCheck], *, figures: list[Figure], masked: set[str],
    samples: int, as_of: date, moment: datetime, profiled: bool,
) -> Measured:  # fmt: skip
    """What Spark measured on a suite's data, for a plan already rewritten for Spark
    (:class:`stewardgate.readers.spark_reader.SparkReader`); the runner judges the rest on it."""
    from stewardgate.engines.profile import assemble_profile
    from stewardgate.engines.spark.contract import run_contract_on_spark

    plan = _profile_plan(ds, planned) if profiled else None
    done = execute_on_spark(
        planned, ds.frame, ds.schema, masked=masked, samples=samples, display=ds.resolved.display, profile=plan,
        extra_aggs=[to_spark(f) for f in figures],
    )  # fmt: skip
    contract = done.results + run_contract_on_spark(planned, ds.frame, ds.schema, row_count=done.row_count)
    order = {p.check_id: i for i, p in enumerate(planned)}
    contract.sort(key=lambda r: order[r.check_id])
    profile: Profile = {"row_count": done.row_count, "columns": {}}
    if plan is not None:
        approximations = {"quantile_method": "percentile_approx", "quantile_accuracy": QUANTILE_ACCURACY}
        if plan.estimated:
            approximations["distinct_rsd"] = DISTINCT_RSD
        profile = assemble_profile(
            plan, done.extra, done.frames, done.row_count, as_of=moment, quantiles=done.quantiles,
            estimates=done.estimates, approximations=approximations,
        )  # fmt: skip
    from stewardgate.engines.spark.expectations import run_expectations_on_spark

    expected = run_expectations_on_spark(planned, ds, row_count=done.row_count, masked=masked, samples=samples)
    return Measured(contract, expected, profile, done.extra, _source(loaded, ds, done.row_count, as_of))


def _profile_plan(ds: SparkDataset, planned: list[PlannedCheck]) -> Any:
    """The run's profile plan, with high-cardinality columns told apart on the first rows."""
    import polars as pl

    from stewardgate.engines.profile import high_cardinality_columns, plan_for_checks

    head = pl.from_arrow(ds.frame.limit(HEAD_ROWS).toArrow())
    high = high_cardinality_columns(head.lazy(), ds.schema, polars_engine="in-memory")  # type: ignore[union-attr]
    return plan_for_checks(ds.schema, planned, high=high)


def _source(loaded: LoadedSuite, ds: SparkDataset, row_count: int, as_of: date) -> Any:
    """Where the checks after the pass read: a Spark sample for a check whose value asks for one
    (``sample_size``, ``seed``), else the same files opened by polars (footers only), opened once."""
    files: list[Any] = []

    def source(p: PlannedCheck) -> tuple[Any, int]:
        if isinstance(p.value, dict) and "sample_size" in p.value:
            sample = _sample_scan(ds, p.value["sample_size"], p.value["seed"], row_count)
            return sample, sample.known_rows or 0
        if not files:
            files.append(_files_scan(loaded, ds, as_of))
        return files[0], row_count

    return source


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
