"""Parity: every shared YAML check case (tests/cases) run on a table in PostgreSQL, MariaDB and
SQLite gives the polars verdicts, counts, samples and messages.

The case's rows are loaded into a fresh table of the nearest column types (``conftest.sql_type``)
and the suite names it with ``connection:``/``table:``; the run is ``run_paths``, the call the
CLI makes. A case a database cannot represent is listed in ``DIFFERENCES`` with the reason, and
the test asserts it still differs (so the list cannot go stale).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.sql.sql_databases import CONNECTIONS, Database
from tests.test_cases import check_case, load_cases

_CATEGORICAL = "no database here has a categorical type: the column is stored as text, so `type: categorical` fails and its value rules are skipped"
_US = "timestamps are read in microseconds: a millisecond or nanosecond column's unit is not kept"
_NO_NAN = "the database stores no NaN (a NaN is written as NULL), so NaN counts as null"
_NAIVE = "the database has no zoned timestamp type (DATETIME is naive, written in UTC): the zone is not kept"
_INSTANT = "TIMESTAMPTZ is an instant: a column's zone name is not kept (it reads as UTC), so midnight of a date bound is UTC midnight"
_NO_INTERVAL = "the database has no interval type: a duration is stored as integer microseconds"
_SQLITE_TYPES = "SQLite has one integer type (64-bit) and one float type: a declared width is not kept"
_BOTH_CATEGORICAL = {
    "in_set:a categorical column": _CATEGORICAL,
    "max_length:a categorical column is measured on its strings": _CATEGORICAL,
    "min_length:a categorical column is measured on its strings": _CATEGORICAL,
    "regex:a categorical column is matched on its strings": _CATEGORICAL,
    "type:categorical matches Categorical and Enum": _CATEGORICAL,
    "type:naive datetime matches datetime": _US,
}
_NAIVE_CASES = {
    "max:a date bound on a datetime column is midnight, so later that day is above": _NAIVE,
    "min:a date bound on a UTC datetime column is midnight UTC": _NAIVE,
    "min:a date bound on a Berlin datetime column is midnight in Berlin": _NAIVE,
    "min:a date bound on a New York datetime column is midnight in New York": _NAIVE,
    "type:datetime matches any unit and time zone": _NAIVE,
    "type:a datetime column is not a date": _NAIVE + " (the observed type names no zone)",
    "max_null_fraction:NaN does not count as null": _NO_NAN,
    "nullable:NaN is not null": _NO_NAN,
    "type:duration passes": _NO_INTERVAL,
}
DIFFERENCES: dict[str, dict[str, str]] = {
    "postgresql": {
        **_BOTH_CATEGORICAL,
        "min:a date bound on a Berlin datetime column is midnight in Berlin": _INSTANT,
        "min:a date bound on a New York datetime column is midnight in New York": _INSTANT,
        "type:datetime matches any unit and time zone": _INSTANT + "; " + _US,
        "max:a date bound on a datetime column is midnight, so later that day is above": _US
        + " (the sample has 6 decimals)",
        "regex:non-ASCII letters": "PostgreSQL's regular expressions have no \\p{L}: the check errors, saying so",
        "type:unsigned is not signed": "PostgreSQL has no unsigned integers: uint8 is stored as SMALLINT (int16)",
        "type:duration passes": "an INTERVAL reads as duration[us]: " + _US,
    },
    "mariadb": {**_BOTH_CATEGORICAL, **_NAIVE_CASES},
    "sqlite": {
        **_BOTH_CATEGORICAL,
        **_NAIVE_CASES,
        "max:a min and max pair on one column": _SQLITE_TYPES + " (`type: int32` skips the bounds)",
        "type:int32 is not int64": _SQLITE_TYPES,
        "type:float32 is not float64": _SQLITE_TYPES,
        "type:unsigned is not signed": _SQLITE_TYPES,
        "type:integer accepts any integer width but not a float": _SQLITE_TYPES,
    },
}


@pytest.mark.parametrize("case", load_cases())
def test_case_on_sql(case: dict[str, Any], request: pytest.FixtureRequest, database: Database,
                     table_suite: Callable[..., Path]) -> None:  # fmt: skip
    case_id = request.node.callspec.id.removeprefix(f"{database.kind}-").removesuffix(f"-{database.kind}")

    def make_suite(*, data: Any, **kw: Any) -> Path:
        return table_suite(database, data, **kw)

    if case_id in DIFFERENCES[database.kind]:
        with pytest.raises(AssertionError):
            check_case(case, make_suite, top={}, connections=CONNECTIONS)
        return
    check_case(case, make_suite, top={}, connections=CONNECTIONS)
