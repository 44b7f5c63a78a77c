"""Expectations on Spark: Great Expectations' own Spark data source validates the DataFrame.

Every expectation of the suite (compiled ones included: on Spark, GX is their engine) runs in one
GX validation of the whole DataFrame, which GX does not persist (``persist=False``: the data may
not fit in memory). Results are shaped by the same code as on pandas, so reports read the same.
"""

from __future__ import annotations

from typing import Any

from stewardgate.engines.gx import Batch, gx_boundary, gx_context, suite_of, validate_and_shape, validate_isolated
from stewardgate.engines.spark.dataset import SparkDataset
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult

ENGINE = "spark"


def run_expectations_on_spark(
    planned: list[PlannedCheck], ds: SparkDataset, *, row_count: int, masked: set[str], samples: int
) -> list[CheckResult]:  # fmt: skip
    """One result per planned expectation, validated by GX on the Spark DataFrame."""
    mine = [p for p in planned if p.section == "expectations"]
    if not mine:
        return []
    return validate_and_shape(
        mine, lambda: _validate(mine, ds, samples), row_count=row_count, masked=masked, samples=samples
    )


def _validate(mine: list[PlannedCheck], ds: SparkDataset, samples: int) -> tuple[dict[str, Any], dict[str, str]]:
    with gx_boundary() as gx:
        context = gx_context(gx)
        source = context.data_sources.add_spark("stewardgate", persist=False)
        batch = Batch("data", ds.frame, mine)
        suite, rejected = suite_of(gx, batch, bounds=lambda p, frame: _bounds(p, ds.schema))
        raw: dict[str, Any] = {}
        if suite.expectations:
            asset = source.add_dataframe_asset("data")
            gx_batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
                batch_parameters={"dataframe": ds.frame}
            )
            raw, broken = validate_isolated(gx_batch, suite, samples)
            rejected.update(broken)
            for r in raw.values():
                _zoned(r.result)
    return raw, rejected


def _bounds(p: PlannedCheck, schema: dict[str, Any]) -> dict[str, Any]:
    """Timestamp bounds as GX on Spark compares them: naive, in the driver's local time.

    GX's Spark metrics ``collect()`` timestamps, which pyspark turns into naive datetimes in the
    driver process's zone; a zoned bound (or an ISO string) would not compare with them. A bound
    without a zone, and a date (its midnight), mean UTC, the session's zone.
    """
    from datetime import UTC, date, datetime

    arguments = dict(p.args)
    dtype = schema.get(arguments.get("column"))  # type: ignore[arg-type]
    if dtype is None or not dtype.is_temporal() or dtype.base_type().__name__ != "Datetime":
        return arguments
    for key in ("min_value", "max_value"):
        value = arguments.get(key)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                continue
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        if isinstance(value, datetime):
            aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            arguments[key] = aware.astimezone().replace(tzinfo=None)
    return arguments


def _zoned(result: dict[str, Any]) -> None:
    """An observed timestamp back in UTC: pyspark handed GX a naive driver-local datetime."""
    from datetime import UTC, datetime

    observed = result.get("observed_value")
    if isinstance(observed, datetime) and observed.tzinfo is None:
        result["observed_value"] = observed.astimezone(UTC)
