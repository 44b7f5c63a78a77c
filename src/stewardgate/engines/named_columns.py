"""Columns a suite names outside ``columns``: they must exist in the data, checked at run time.

A suite may name a column it does not declare under ``columns`` (with
``schema: {extra_columns: allow}`` the data may hold more than the contract): an anomaly rule's
``columns``, an expectation's ``column`` / ``column_A`` / ``column_B`` / ``column_list``, the
personal-data scan's ``ignore_columns``, distribution drift's ``columns``. Loading accepts any
name; the run's ``<dataset>.schema.named_columns`` check (planned when there is such a name)
errors, and blocks, on each one the data does not have, located at the key that names it:
``suite.yml:14:31: anomalies[0].columns[0]: column 'emial' is not in the data (did you mean
'email'? ...)``. The retention column is checked by the retention check itself, which also
needs it to be a date or datetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from stewardgate.engines.outcome import Outcome, build_result
from stewardgate.results import CheckResult, Severity
from stewardgate.wording import suggest

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite

CHECK = "named_columns"
_PAIR_KEYS = ("column", "column_A", "column_B")


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
    from stewardgate.planning import PlannedCheck

    named = _undeclared(loaded)
    if not named:
        return []
    return [PlannedCheck(
        check_id=f"{loaded.suite.dataset.name}.schema.{CHECK}", check=CHECK, section="schema", column=None,
        value=[{"column": c, "at": loaded.where(*keys)} for keys, c in named], severity=Severity.ERROR,
        engine="polars", reason="columns named outside columns must be in the data (read from its schema)",
        suite_line=loaded.line_of(*named[0][0]),
    )]  # fmt: skip


def judge_named_columns(planned: list[PlannedCheck], schema: dict[str, Any]) -> list[CheckResult]:
    """The check's result from the data's schema: errored on each named column it lacks."""
    out = []
    for p in (p for p in planned if p.check == CHECK):
        missing = [n for n in p.value if n["column"] not in schema]
        if missing:
            lines = [f"{n['at']}: column '{n['column']}' is not in the data{suggest(n['column'], list(schema))}" for n in missing]
            outcome = Outcome(ok=False, errored="; ".join(lines), observed=[n["column"] for n in missing])
        else:
            outcome = Outcome(ok=True, message=f"every column named outside columns is in the data: "
                                               f"{', '.join(sorted({n['column'] for n in p.value}))}")  # fmt: skip
        out.append(build_result(p, outcome, row_count=None))
    return out
