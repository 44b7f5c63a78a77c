"""The planner of ``reconcile:`` and of the columns' ``references:``: one check per comparison.

Each reconciliation plans its row count, each direction of its key coverage, each aggregate
and its row comparison as checks of their own (``orders.reconcile.crm.keys.missing``); a
column's ``references`` plans ``orders.columns.customer_id.references``. The ``reconcile``
executor (:mod:`stewardgate.reconcile`) computes each side's figures with that side's reader
after the data pass. The value of each check is JSON-ready (it is the result's ``expected``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from stewardgate.errors import Problem
from stewardgate.results import Severity
from stewardgate.suite.reconcile_model import parse_reference

if TYPE_CHECKING:
    from stewardgate.planning.check import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite
    from stewardgate.suite.reconcile_model import Reconciliation

ENGINE = "reconcile"
"""The executor: each side's own reader (SQL pushed down for tables, streaming polars for files)."""


def plan_reconcile(loaded: LoadedSuite) -> list[PlannedCheck]:
    """Every comparison of every reconciliation, then every column's reference, in suite order."""
    planned = [p for i, r in enumerate(loaded.suite.reconcile) for p in _one(loaded, i, r)]
    return planned + plan_references(loaded)


def _one(loaded: LoadedSuite, i: int, r: Reconciliation) -> list[PlannedCheck]:
    base = {"reconciliation": i, "against": r.against.model_dump(exclude_none=True), "key": r.key_columns}
    default = r.severity
    prefix = f"{loaded.suite.dataset.name}.reconcile.{r.id_name}"
    out: list[PlannedCheck] = []

    def add(segment: str, check: str, extra: dict[str, Any], severity: str | None, *at: str | int) -> None:
        line = loaded.line_of("reconcile", i, *at) or loaded.line_of("reconcile", i)
        out.append(_planned(f"{prefix}.{segment}", check, None, {**base, **extra}, severity or default, line,
                            f"reconcile with {r.against.label}: {_WHY[check]}"))  # fmt: skip

    if r.row_count is not None:
        add("row_count", "reconcile_row_count", _bounds(r.row_count), r.row_count.severity, "row_count")
    if r.keys is not None:
        for direction in ("missing", "extra"):
            if getattr(r.keys, direction):
                add(f"keys.{direction}", f"reconcile_keys_{direction}", {}, r.keys.severity, "keys")
    for j, a in enumerate(r.aggregates):
        extra = {"function": a.function, "column": a.column, "by": a.by, "per": a.per, **_bounds(a)}
        add(f"aggregates.{a.segment}", "reconcile_aggregate", extra, a.severity, "aggregates", j)
    if r.rows is not None:
        add("rows", "reconcile_rows", {"columns": list(r.rows.columns)}, r.rows.severity, "rows")
    return out


def plan_references(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One check per column that declares ``references: dataset.column``."""
    planned = []
    for column, spec in loaded.suite.columns.items():
        if spec.references is None:
            continue
        dataset, ref_column = parse_reference(spec.references)
        value = {"against": {"dataset": dataset}, "key": [column], "against_key": [ref_column]}
        line = loaded.line_of("columns", column, "references") or loaded.line_of("columns", column)
        planned.append(_planned(
            f"{loaded.suite.dataset.name}.columns.{column}.references", "references", column, value, spec.severity,
            line, f"referential integrity: every value is a value of {spec.references} (keys crossed once)",
        ))  # fmt: skip
    return planned


_WHY = {
    "reconcile_row_count": "each side counts its own rows",
    "reconcile_keys_missing": "the other side's keys that this dataset lacks (keys crossed once)",
    "reconcile_keys_extra": "this dataset's keys that the other side does not have (keys crossed once)",
    "reconcile_aggregate": "each side aggregates its own rows; only the figures are compared",
    "reconcile_rows": "the chosen columns joined by key and compared value by value",
}


def _bounds(b: Any) -> dict[str, Any]:
    return {"max_difference": b.max_difference, "max_fraction": b.max_fraction}


def _planned(
    check_id: str, check: str, column: str | None, value: dict[str, Any], severity: str | None, line: int | None,
    reason: str,
) -> PlannedCheck:  # fmt: skip
    from stewardgate.planning.check import PlannedCheck

    return PlannedCheck(
        check_id=check_id, check=check, section="reconcile", column=column,
        value=value, severity=Severity(severity) if severity else Severity.ERROR, engine=ENGINE, reason=reason,
        suite_line=line,
    )  # fmt: skip


def named_datasets(loaded: LoadedSuite) -> set[str]:
    """The datasets of the run a suite names: in ``reconcile: against: {dataset: ...}`` and in
    its columns' ``references:``."""
    return {name for _, name in _names(loaded)}


def _names(loaded: LoadedSuite) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Each dataset of the run the suite names, with the key path that names it."""
    for i, r in enumerate(loaded.suite.reconcile):
        if r.against.dataset is not None:
            yield ("reconcile", i, "against", "dataset"), r.against.dataset
    for column, spec in loaded.suite.columns.items():
        if spec.references is not None:
            yield ("columns", column, "references"), parse_reference(spec.references)[0]


def target_problems(suites: list[LoadedSuite]) -> list[Problem]:
    """``against: {dataset: ...}`` and ``references:`` naming a dataset no suite of the run declares."""
    known = {s.suite.dataset.name for s in suites}
    listed = ", ".join(sorted(known)) or "none"
    hint = f"(datasets of this run: {listed}); add that dataset's suite to the run's paths"
    problems = []
    for s in suites:
        for keys, name in _names(s):
            if name not in known:
                other = ", or give path (a file) or connection and table" if keys[0] == "reconcile" else ""
                problems.append(_problem(s, keys, f"no suite declares dataset '{name}' {hint}{other}"))
    return problems


def _problem(loaded: LoadedSuite, keys: tuple[str | int, ...], message: str) -> Problem:
    line, col = loaded.located.position(keys)
    return Problem(str(loaded.path), line, col, ".".join(map(str, keys)), message)
