"""Planning the ``schema:`` section, and the columns a suite names outside ``columns``.

A suite may name a column it does not declare under ``columns`` (with
``schema: {extra_columns: allow}`` the data may hold more than the contract): an anomaly rule's
``columns``, an expectation's ``column`` / ``column_A`` / ``column_B`` / ``column_list``, the
personal-data scan's ``ignore_columns``, distribution drift's ``columns``. Loading accepts any
name; the run's ``<dataset>.schema.named_columns`` check (planned when there is such a name,
judged by :mod:`stewardgate.engines.named_columns`) errors on each one the data lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.loader import LoadedSuite

NAMED_COLUMNS = "named_columns"
_PAIR_KEYS = ("column", "column_A", "column_B")


def plan_schema(loaded: LoadedSuite) -> list[PlannedCheck]:
    """The schema policy's checks: undeclared columns and column order (pandera)."""
    suite = loaded.suite
    policy = suite.schema_policy
    planned = []
    if policy.extra_columns != "allow":
        planned.append(
            PlannedCheck(
                check_id=f"{suite.dataset.name}.schema.extra_columns", check="extra_columns",
                section="schema", column=None, value=sorted(suite.columns),
                severity=Severity(policy.extra_columns), engine="pandera",
                reason="schema policy: pandera strict mode reports undeclared columns",
                suite_line=loaded.line_of("schema", "extra_columns") or loaded.line_of("columns"),
            )
        )  # fmt: skip
    if policy.empty != "allow":  # judged on the pass's row count (stewardgate.engines.rows)
        written = loaded.line_of("schema", "empty")
        planned.append(
            PlannedCheck(
                check_id=f"{suite.dataset.name}.schema.empty", check="empty", section="schema", column=None,
                value=None, severity=Severity(policy.empty), engine="rows",
                reason="schema policy: the run's row count must not be 0" + ("" if written else " (reports only then)"),
                suite_line=written or loaded.line_of("dataset"), when=None if written else "empty",
            )
        )  # fmt: skip
    if policy.order == "strict":
        planned.append(
            PlannedCheck(
                check_id=f"{suite.dataset.name}.schema.order", check="order", section="schema",
                column=None, value=list(suite.columns), severity=Severity.ERROR,
                engine="pandera", reason="schema policy: pandera ordered mode",
                suite_line=loaded.line_of("schema", "order"),
            )
        )  # fmt: skip
    return planned


def references(loaded: LoadedSuite) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(key path, column) of every column the suite names outside ``columns``."""
    data = loaded.located.data
    for i, rule in enumerate(data.get("anomalies") or []):
        for j, column in _names((rule or {}).get("columns") if isinstance(rule, dict) else None):
            yield ("anomalies", i, "columns", j), column
    for i, entry in enumerate(data.get("expectations") or []):
        for kind, args in (entry or {}).items() if isinstance(entry, dict) else ():
            args = args if isinstance(args, dict) else {}
            yield from ((("expectations", i, kind, k), args[k]) for k in _PAIR_KEYS if isinstance(args.get(k), str))
            yield from ((("expectations", i, kind, "column_list", j), c) for j, c in _names(args.get("column_list")))
    scan = (data.get("governance") or {}).get("personal_data") if isinstance(data.get("governance"), dict) else None
    for j, column in _names(scan.get("ignore_columns") if isinstance(scan, dict) else None):
        yield ("governance", "personal_data", "ignore_columns", j), column
    distribution = (data.get("drift") or {}).get("distribution") if isinstance(data.get("drift"), dict) else None
    for j, column in _names(distribution.get("columns") if isinstance(distribution, dict) else None):  # or "all"
        yield ("drift", "distribution", "columns", j), column


def _names(value: Any) -> list[tuple[int, str]]:
    """(index, name) of a list of column names; anything else (``all``, nothing) names none."""
    return [(j, c) for j, c in enumerate(value) if isinstance(c, str)] if isinstance(value, list) else []


def _undeclared(loaded: LoadedSuite) -> list[tuple[tuple[str | int, ...], str]]:
    declared = set(loaded.suite.columns)
    return [(keys, c) for keys, c in references(loaded) if isinstance(c, str) and c not in declared]


def plan_named_columns(loaded: LoadedSuite) -> list[PlannedCheck]:
    """The check, when the suite names a column it does not declare."""
    named = _undeclared(loaded)
    if not named:
        return []
    return [PlannedCheck(
        check_id=f"{loaded.suite.dataset.name}.schema.{NAMED_COLUMNS}", check=NAMED_COLUMNS, section="schema",
        column=None, value=[{"column": c, "at": loaded.where(*keys)} for keys, c in named], severity=Severity.ERROR,
        engine="polars", reason="columns named outside columns must be in the data (read from its schema)",
        suite_line=loaded.line_of(*named[0][0]),
    )]  # fmt: skip
