"""The column contract, run through pandera's polars backend (the engine of record).

The planned column and schema checks become one pandera ``DataFrameSchema`` validated lazily
(every failure collected). Data-level checks are forced on whatever the environment says
(``PANDERA_VALIDATION_ENABLED`` / ``PANDERA_VALIDATION_DEPTH`` cannot switch them off).
pandera's failure cases are mapped back onto our planned checks: counts, fractions and
masked samples. A check pandera could not compute becomes ``errored``.

The schema-level checks that need nothing but the schema (:data:`FROM_SCHEMA`: a column is
present, has a type of the declared family, no undeclared column) are decided here from the
schema, with the outcomes pandera gives them: pandera's polars backend collects the frame's
schema once per column (for 500 columns, 2.4 s of a 10 s run) and importing it costs a run
0.1-0.2 s, for answers a dictionary look-up gives. Column order and every data check stay
with pandera (with an order check, which needs every declared column in pandera's schema,
all of them do).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stewardgate.checks.column_rules import RULES
from stewardgate.engines import dtypes, pandera_polars
from stewardgate.engines.applicability import skip_reasons
from stewardgate.engines.conditions import operand_for
from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    import polars as pl

ENGINE = "pandera"

FROM_SCHEMA = ("required", "type", "extra_columns")
"""Checks decided from the schema alone (see the module docstring)."""


@dataclass
class _Slots:
    """Where each planned check sits in the pandera schema, to read its failures back."""

    by_column_check: dict[tuple[str, int], PlannedCheck] = field(default_factory=dict)
    by_column_flag: dict[tuple[str, str], PlannedCheck] = field(default_factory=dict)
    required: dict[str, PlannedCheck] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # check_id -> reason
    extra: PlannedCheck | None = None
    order: PlannedCheck | None = None


def run_contract(
    planned: list[PlannedCheck], df: pl.DataFrame, *, masked: set[str], samples: int,
    row_count: int | None = None,
) -> list[CheckResult]:  # fmt: skip
    """Run the planned pandera checks on ``df``; one result per planned check, in plan order.

    ``df`` may be an empty frame of the data's schema when only schema-level checks are
    planned here; ``row_count`` then gives the real row count for the records.
    """
    rows = df.height if row_count is None else row_count
    mine = [p for p in planned if p.engine == ENGINE]
    if not mine:
        return []
    types = dict(df.schema)
    slots = _Slots(skipped=skip_reasons(mine, types))
    ordered = any(p.check == "order" for p in mine)  # pandera's order check needs every declared column
    outcomes = {
        p.check_id: _from_schema(p, types) for p in mine
        if p.check in FROM_SCHEMA and p.check_id not in slots.skipped and not ordered
    }  # fmt: skip
    rest = [p for p in mine if p.check_id not in outcomes]
    if needs_pandera(rest):
        schema = _build_schema(rest, df, slots)
        try:
            failures = _validate(schema, df)
        except Exception as exc:  # pandera itself crashed: every contract check is errored
            text = f"pandera failed: {type(exc).__name__}: {exc}".splitlines()[0]
            return [build_result(p, Outcome(ok=False, errored=text), row_count=rows) for p in mine]
        outcomes.update(_read_failures(failures, slots, df))
    results = []
    for p in mine:
        if p.check_id in slots.skipped:
            results.append(skipped(p, slots.skipped[p.check_id]))
            continue
        outcome = outcomes.get(p.check_id) or passing_outcome(p, df)
        results.append(build_result(p, outcome, row_count=rows, masked=p.column in masked, samples=samples))
    return results


def needs_pandera(planned: list[PlannedCheck]) -> bool:
    """Whether any of these contract checks needs pandera (not only :data:`FROM_SCHEMA` ones)."""
    return any(p.engine == ENGINE and p.check not in FROM_SCHEMA for p in planned)


def _from_schema(p: PlannedCheck, types: dict[str, Any]) -> Outcome:
    """The outcome pandera gives a :data:`FROM_SCHEMA` check, from the schema alone."""
    if p.check == "required":
        return Outcome(ok=True) if p.column in types else Outcome(ok=False, observed="missing")
    if p.check == "type":
        actual = types[p.column]  # type: ignore[index]  # a missing column's type check is skipped
        assert isinstance(p.value, str)  # the declared type name
        return Outcome(ok=dtypes.matches(p.value, actual), observed=dtypes.display(actual))
    assert isinstance(p.value, list)  # extra_columns: the declared column names
    extra = sorted(set(types) - set(p.value))  # extra_columns; pandera names only the first, we list all
    return Outcome(ok=True) if not extra else Outcome(ok=False, observed=extra, samples=extra)


def _build_schema(mine: list[PlannedCheck], df: pl.DataFrame, slots: _Slots) -> Any:
    pa = pandera_polars.load()

    by_column: dict[str, list[PlannedCheck]] = defaultdict(list)
    for p in mine:
        if p.column is not None:
            by_column[p.column].append(p)
        elif p.check == "extra_columns":
            slots.extra = p
        elif p.check == "order":
            slots.order = p
    columns = {}
    types = dict(df.schema)  # once: DataFrame.schema builds a new Schema of every column on each call
    for name, checks in by_column.items():
        column = _column(name, checks, types, slots)
        if column is not None:
            columns[name] = column
    return pa.DataFrameSchema(columns, strict=slots.extra is not None, ordered=slots.order is not None)


def _column(name: str, checks: list[PlannedCheck], types: dict[str, Any], slots: _Slots) -> Any:
    pa = pandera_polars.load()

    actual = types.get(name)
    type_check = next((p for p in checks if p.check == "type"), None)
    required = next((p for p in checks if p.check == "required"), None)
    if required is not None:
        slots.required[name] = required
    if actual is None:
        return pa.Column(required=True, nullable=True) if required is not None else None
    dtype = None
    if type_check:
        assert isinstance(type_check.value, str)  # the declared type name
        dtype = dtypes.pandera_dtype(type_check.value, actual)
    nullable, unique = True, False
    pa_checks: list[Any] = []
    for p in checks:
        if p.check_id in slots.skipped or p.check == "required":
            continue
        rule = RULES[p.check]
        if rule.kind in ("row", "aggregate"):
            slots.by_column_check[(name, len(pa_checks))] = p
            assert rule.build is not None
            pa_checks.append(rule.build(pa, operand_for(rule, p.value, actual)))
        else:
            slots.by_column_flag[(name, p.check)] = p
            nullable = nullable and p.check != "nullable"
            unique = unique or p.check == "unique"
    return pa.Column(dtype, checks=pa_checks, nullable=nullable, unique=unique, required=True)


def _validate(schema: Any, df: pl.DataFrame) -> pl.DataFrame | None:
    pa = pandera_polars.load()
    from pandera.config import ValidationDepth, config_context

    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            schema.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases: pl.DataFrame = exc.failure_cases
            return cases
    return None


def _read_failures(cases: pl.DataFrame | None, slots: _Slots, df: pl.DataFrame) -> dict[str, Outcome]:
    if cases is None:
        return {}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    planned_by_id: dict[str, PlannedCheck] = {}
    for row in cases.iter_rows(named=True):
        planned = _which(row, slots)
        if planned is not None and planned.check == "unique" and row["failure_case"] is None:
            continue  # repeated nulls are not duplicates (as in SQL UNIQUE and GX); nullability says the rest
        if planned is not None and planned.check == "nullable" and row["failure_case"] == "NaN":
            continue  # NaN is a float value in polars, not a null (pandera counts it as null)
        if planned is not None:
            grouped[planned.check_id].append(row)
            planned_by_id[planned.check_id] = planned
    return {cid: failure_outcome(planned_by_id[cid], rows, df) for cid, rows in grouped.items()}


def _which(row: dict[str, Any], slots: _Slots) -> PlannedCheck | None:
    check, column, number = row["check"], row["column"], row["check_number"]
    if check == "column_in_dataframe":
        return slots.required.get(row["failure_case"])
    if check == "column_in_schema":
        return slots.extra
    if check == "column_ordered":
        return slots.order
    if check == "not_nullable":
        return slots.by_column_flag.get((column, "nullable"))
    if check == "field_uniqueness":
        return slots.by_column_flag.get((column, "unique"))
    if check.startswith("dtype("):
        return slots.by_column_flag.get((column, "type"))
    if number is not None:
        return slots.by_column_check.get((column, number))
    return None


def failure_outcome(p: PlannedCheck, rows: list[dict[str, Any]], df: pl.DataFrame) -> Outcome:
    crashed = [r["failure_case"] for r in rows if r["index"] is None and _looks_like_exception(r["failure_case"])]
    if crashed and p.check not in ("type", "required", "extra_columns", "order"):
        first = str(crashed[0]).strip().splitlines()[0]
        return Outcome(ok=False, errored=f"pandera could not run the check: {first}")
    values = [r["failure_case"] for r in rows]
    if p.check == "type":
        return Outcome(ok=False, observed=dtypes.display(df.get_column(p.column).dtype))  # type: ignore[arg-type]
    if p.check == "required":
        return Outcome(ok=False, observed="missing")
    if p.check == "extra_columns":  # pandera names only the first one; list them all, sorted
        assert isinstance(p.value, list)  # the declared column names
        extra = sorted(set(df.columns) - set(p.value))
        return Outcome(ok=False, observed=extra, samples=extra)
    if p.check == "order":
        return Outcome(ok=False, observed=list(df.columns))
    if RULES[p.check].kind == "aggregate":
        return _null_outcome(p, df, ok=False)
    if p.check == "nullable":
        return Outcome(ok=False, failing=len(rows))
    return Outcome(ok=False, failing=len(rows), samples=_distinct(values))


def passing_outcome(p: PlannedCheck, df: pl.DataFrame) -> Outcome:
    if p.check == "type":
        return Outcome(ok=True, observed=dtypes.display(df.schema[p.column]))  # type: ignore[index]
    rule = RULES.get(p.check)  # schema rules (extra_columns, order) are not column rules
    if rule is not None and rule.kind == "aggregate":
        return _null_outcome(p, df, ok=True)
    if p.check in ("required", "extra_columns", "order"):
        return Outcome(ok=True)
    return Outcome(ok=True, failing=0)


def _null_outcome(p: PlannedCheck, df: pl.DataFrame, *, ok: bool) -> Outcome:
    nulls = df.get_column(p.column).null_count()  # type: ignore[arg-type]
    measure = RULES[p.check].measure
    assert measure is not None, f"{p.check} is not an aggregate rule"
    return Outcome(ok=ok, failing=nulls, observed=measure(nulls, df.height))


def _distinct(values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault("null" if v is None else str(v), None)
    return list(seen)


def _looks_like_exception(text: Any) -> bool:
    return isinstance(text, str) and "(" in text and text.split("(", 1)[0].endswith(("Error", "Exception"))
