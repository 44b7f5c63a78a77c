"""The column contract's schema level on Spark, judged by pandera's pyspark backend.

Presence (``required``), ``type`` and undeclared columns are validated by ``pandera.pyspark``
on the Spark DataFrame itself at schema depth (no job over the data). Column order is judged by
pandera's polars backend on the same schema, as on the polars path: the pyspark backend's
``ordered`` check compares differently (it failed declared orders in the shared cases). The
data-level rules are not given to pandera here: its pyspark backend answers pass or fail per
check, with no failing counts or values, and runs one job per check; they are counted in the
run's one aggregate job instead (:mod:`.execute`), from the same condition definitions the
polars path compiles, and the shared check cases hold both engines to the same verdicts and
counts. Results are shaped by the polars contract's own code.
"""

from __future__ import annotations

from typing import Any

from stewardgate.engines.applicability import skip_reasons
from stewardgate.engines.compiled import SCHEMA_CHECKS
from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.planning import PlannedCheck, by_executor
from stewardgate.results import CheckResult


def spark_family(type_name: str) -> tuple[Any, ...]:
    """The Spark types a suite type accepts (none: Spark cannot hold it, the check fails)."""
    from pyspark.sql import types as T

    integers = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
    return {
        "int8": (T.ByteType,), "int16": (T.ShortType,), "int32": (T.IntegerType,), "int64": (T.LongType,),
        "uint8": (), "uint16": (), "uint32": (), "uint64": (), "float32": (T.FloatType,),
        "float64": (T.DoubleType,), "string": (T.StringType,), "bool": (T.BooleanType,), "date": (T.DateType,),
        "datetime": (T.TimestampType, T.TimestampNTZType), "duration": (T.DayTimeIntervalType,),
        "decimal": (T.DecimalType,), "categorical": (),
        "integer": integers, "number": (*integers, T.FloatType, T.DoubleType, T.DecimalType),
    }[type_name]  # fmt: skip


def run_contract_on_spark(
    planned: list[PlannedCheck], frame: Any, schema: dict[str, Any], *, row_count: int
) -> list[CheckResult]:
    """One result per planned schema-level check, in plan order."""
    import polars as pl

    from stewardgate.engines.contract import failure_outcome, passing_outcome, run_contract

    on_pandera = by_executor(planned)["pandera"]
    mine = [p for p in on_pandera if p.check in SCHEMA_CHECKS and p.check != "order"]
    ordering = [p for p in on_pandera if p.check in ("required", "order")]  # columns + order
    by_schema = [
        r for r in run_contract(ordering, pl.DataFrame(schema=schema), masked=set(), samples=0, row_count=row_count)
        if r.check == "order"
    ]  # fmt: skip
    if not mine:
        return by_schema
    skips = skip_reasons(mine, schema)
    try:
        failed = _validate(mine, frame)
    except Exception as exc:  # pandera itself crashed: every contract check is errored
        text = f"pandera failed: {type(exc).__name__}: {exc}".splitlines()[0]
        return [build_result(p, Outcome(ok=False, errored=text), row_count=row_count) for p in mine]
    empty = pl.DataFrame(schema=schema)
    results = []
    for p in mine:
        if p.check_id in skips:
            results.append(skipped(p, skips[p.check_id]))
            continue
        outcome = failure_outcome(p, [], empty) if p.check_id in failed else passing_outcome(p, empty)
        results.append(build_result(p, outcome, row_count=row_count))
    return results + by_schema


def _validate(mine: list[PlannedCheck], frame: Any) -> set[str]:
    """Check ids pandera's pyspark backend failed."""
    import pandera.pyspark as pa
    from pandera.config import ValidationDepth, config_context

    actual = {f.name: f.dataType for f in frame.schema.fields}
    required = {p.column: p for p in mine if p.check == "required"}
    types = {p.column: p for p in mine if p.check == "type"}
    extra = next((p for p in mine if p.check == "extra_columns"), None)
    columns, failed = {}, set()
    for name in dict.fromkeys([*required, *types]):
        if name is None or (name not in actual and name not in required):
            continue
        dtype = None
        if name in types and name in actual:
            type_name = types[name].value
            assert isinstance(type_name, str)  # a type check's value is the declared type name
            dtype = _dtype(type_name, actual[name])
            if dtype is None:  # a type Spark cannot hold (unsigned, categorical): never this column's
                failed.add(types[name].check_id)
        columns[name] = pa.Column(dtype, nullable=True, required=name in required)
    schema = pa.DataFrameSchema(columns, strict=extra is not None)
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_ONLY):
        errors = schema.validate(frame).pandera.errors
    for reason, items in errors.get("SCHEMA", {}).items():
        for item in items:
            p = _which(reason, item, required, types, extra)
            if p is not None:
                failed.add(p.check_id)
    return failed


def _dtype(type_name: str, actual: Any) -> Any:
    """The data's own type when the suite type accepts it, else the family's first (None: Spark
    has no type of this family)."""
    family = spark_family(type_name)
    if any(isinstance(actual, t) for t in family):
        return actual
    return family[0]() if family else None


def _which(
    reason: str, item: dict[str, Any], required: dict[str | None, PlannedCheck], types: dict[str | None, PlannedCheck],
    extra: PlannedCheck | None,
) -> PlannedCheck | None:  # fmt: skip
    column = item.get("column")
    if reason == "COLUMN_NOT_IN_DATAFRAME":
        return required.get(column) or required.get(_named(item))
    if reason == "WRONG_DATATYPE":
        return types.get(column)
    if reason == "COLUMN_NOT_IN_SCHEMA":
        return extra
    return None


def _named(item: dict[str, Any]) -> str | None:
    """The column a presence error names in its message (``column 'x' not in dataframe``)."""
    error = str(item.get("error", ""))
    return error.split("'")[1] if error.count("'") >= 2 else None
