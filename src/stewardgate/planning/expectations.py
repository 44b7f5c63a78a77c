"""Planning the ``expectations:`` section: compiled into the polars pass, or run in GX.

Which expectations have a compiled polars form is data (:data:`COMPILED`), not a question put
to an engine: :mod:`stewardgate.engines.compiled_gx` implements exactly this set (a test holds
the two together), so planning imports no engine.
"""

from __future__ import annotations

from typing import Any

from stewardgate.expectations.catalogue import ExpectationType, lookup
from stewardgate.expectations.entries import ENGINE, ExpectationEntry, parse_entries
from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.loader import LoadedSuite
from stewardgate.suite.models import regex_problem

COMPILED = frozenset({
    "expect_column_values_to_be_between", "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal", "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_values_to_be_unique",
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_mean_to_be_between", "expect_column_median_to_be_between", "expect_column_min_to_be_between",
    "expect_column_max_to_be_between", "expect_column_sum_to_be_between",
    "expect_table_row_count_to_be_between", "expect_table_row_count_to_equal",
    "expect_table_column_count_to_be_between", "expect_table_column_count_to_equal",
    "expect_column_to_exist", "expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
})  # fmt: skip
"""The expectations with a compiled form in the one-pass polars query (GX semantics)."""
GX_ONLY_OPTIONS = frozenset(
    {"result_format", "catch_exceptions", "parse_strings_as_datetimes", "allow_cross_type_comparisons"}
)
"""Options only GX understands: an entry that uses one stays in GX."""
COMPILED_REASON = "GX expectation compiled into the one-pass polars query (GX semantics, tested against GX)"


def compiles(kind: str, arguments: dict[str, Any]) -> bool:
    """Whether this entry has a compiled equivalent (options GX alone understands keep it in GX)."""
    if GX_ONLY_OPTIONS & set(arguments):
        return False
    if "regex" in arguments:  # GX reads Python regex; a pattern polars' engine rejects stays in GX
        if not isinstance(arguments["regex"], str) or regex_problem(arguments["regex"]) is not None:
            return False
    return kind in COMPILED


def plan_expectations(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One planned check per entry, compiled or run by GX, with the line that declares it."""
    planned = []
    for e in parse_entries(loaded.suite.dataset.name, loaded.suite.expectations):
        kind = lookup(e.type)
        assert kind is not None
        fast = loaded.suite.engine == "auto" and e.engine == "auto" and compiles(e.type, e.arguments)
        planned.append(
            PlannedCheck(
                check_id=e.check_id, check=e.type, section="expectations", column=e.column,
                value=e.arguments, severity=Severity(e.severity), engine="polars" if fast else ENGINE,
                reason=COMPILED_REASON if fast else _reason(kind, e),
                suite_line=loaded.line_of("expectations", e.index, e.type) or loaded.line_of("expectations"),
            )
        )  # fmt: skip
    return planned


def _reason(kind: ExpectationType, e: ExpectationEntry) -> str:
    if kind.kind == "schema":
        return "GX expectation: Great Expectations checks the column names and types (no rows are copied)"
    if kind.kind == "row_count":
        return "GX expectation: Great Expectations checks the row count (no columns are copied)"
    cols = ", ".join(e.columns)
    return f"GX expectation: Great Expectations runs it on a pandas copy of the columns it reads ({cols})"
