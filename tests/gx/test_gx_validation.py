"""``expectations:`` entries are checked at load time, against the static catalogue (no GX):
every problem of the file at once, each at its spot, with a suggestion. Whole messages asserted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.errors import SuiteError
from stewardgate.expectations.entries import parse_entries
from stewardgate.suite.loader import load_suite

HEAD = """\
version: 1
dataset: {name: t, path: d.parquet}
stewardship: {owner: a@example.com, steward: b@example.com}
"""


def _problems(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "s.yml"
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(SuiteError) as caught:
        load_suite(path)
    return [str(p).replace(str(path), "s.yml") for p in caught.value.problems]


def test_misspelt_type_wrong_argument_and_a_column_typo_are_all_reported_in_file_order(tmp_path: Path) -> None:
    body = """\
columns:
  amount: {type: float64, mni: 0}
expectations:
  - expect_column_values_to_not_be_null: {column: amount}
  - expect_column_values_to_be_betwen: {column: amount, min_value: 0}
  - expect_column_values_to_be_between: {column: amount, min_valeu: 0, max_value: 10}
"""
    assert _problems(tmp_path, body) == [
        "s.yml:5:27: columns.amount.mni: unknown key (did you mean 'min'? allowed: type, required, nullable, "
        "max_null_fraction, max_null_count, unique, min, max, in_set, regex, min_length, max_length, "
        "classification, pii, severity, description, references)",
        "s.yml:8:5: expectations.1.expect_column_values_to_be_betwen: unknown expectation type "
        "(did you mean 'expect_column_values_to_be_between'?)",
        "s.yml:9:58: expectations.2.expect_column_values_to_be_between.min_valeu: unknown argument "
        "(did you mean 'min_value'? allowed: column, min_value, max_value, strict_min, strict_max, mostly, "
        "severity, engine, meta, notes, description)",
    ]


CASES: list[tuple[str, str]] = [
    ("- expect_column_values_to_be_in_set: {value_set: [a, b]}",
     "s.yml:5:40: expectations.0.expect_column_values_to_be_in_set.column: required argument is missing"),
    ("- expect_column_values_to_be_in_set: {column: a, value_set: [a], mostly: 1.5}",
     "s.yml:5:76: expectations.0.expect_column_values_to_be_in_set.mostly: must be between 0 and 1, got 1.5"),
    ("- expect_column_values_to_be_unique: {column: a, severity: critical}",
     "s.yml:5:62: expectations.0.expect_column_values_to_be_unique.severity: unknown value 'critical' "
     "(allowed: info, warn, error); GX's critical is error here, its warning is warn"),
    ("- ExpectColumnValuesToBeUnique: {column: a}",
     "s.yml:5:5: expectations.0.ExpectColumnValuesToBeUnique: unknown expectation type "
     "(did you mean 'expect_column_values_to_be_unique'?)"),
    ("- expect_totally_unknown_thing: {}",
     "s.yml:5:5: expectations.0.expect_totally_unknown_thing: unknown expectation type "
     "(none of the 52 supported types is close; see docs/expectations.md)"),
    ('- expect_column_values_to_match_regex: {column: a, regex: "(open"}',
     "s.yml:5:61: expectations.0.expect_column_values_to_match_regex.regex: not a valid regular expression: "
     "missing ), unterminated subpattern at position 0"),
    ("- expect_column_values_to_match_like_pattern: {column: a, like_pattern: 'a%'}",
     "s.yml:5:5: expectations.0.expect_column_values_to_match_like_pattern: expectation type not supported: "
     "GX has no pandas implementation of its metric 'column_values.match_like_pattern.condition' (SQL data sources only)"),
    ("- expect_column_values_to_not_be_null: {column: a, row_condition: 'a > 0'}",
     "s.yml:5:54: expectations.0.expect_column_values_to_not_be_null.row_condition: not allowed in a suite: "
     "a pandas row_condition is a Python expression run by DataFrame.query, and suites hold no code"),
    ("- expect_column_values_to_not_be_null: {column: a, result_format: COMPLETE}",
     "s.yml:5:54: expectations.0.expect_column_values_to_not_be_null.result_format: not allowed in a suite: "
     "stewardgate sets the result format itself"),
    ("- expect_table_row_count_to_be_between:\n  min_value: 5",
     "s.yml:5:5: expectations.0: one expectation per entry, found keys 'expect_table_row_count_to_be_between', "
     "'min_value' (indent the arguments under the type: '- expect_<type>: {arguments}')"),
    ("- expect_compound_columns_to_be_unique: {column_list: [a, 3]}",
     "s.yml:5:61: expectations.0.expect_compound_columns_to_be_unique.column_list.1: must be a string, got 3"),
    ("- expect_column_mean_to_be_between: {column: a, min_value: 10, max_value: 1}",
     "s.yml:5:62: expectations.0.expect_column_mean_to_be_between.min_value: min_value (10) is greater than max_value (1)"),
    ("- expect_column_values_to_be_between: {column: a}",
     "s.yml:5:41: expectations.0.expect_column_values_to_be_between: needs at least one of min_value, max_value"),
    ("- expect_column_values_to_be_between: {column: a, min_value: abc}",
     "s.yml:5:64: expectations.0.expect_column_values_to_be_between.min_value: must be a number, a date or a "
     "datetime, got 'abc'"),
    ("- expect_column_max_to_be_between: {column: a, min_value: {$PARAMETER: upstream_max}}",
     "s.yml:5:61: expectations.0.expect_column_max_to_be_between.min_value: run-time parameters ($PARAMETER) "
     "are not supported: a suite holds its values"),
    ("- expect_column_values_to_be_in_set: [a]",
     "s.yml:5:40: expectations.0.expect_column_values_to_be_in_set: the arguments must be a mapping such as "
     "{column: amount}, got a list"),
    ("- expect_column_quantile_values_to_be_between: {column: a, quantile_ranges: {quantiles: [0.5], value_ranges: []}}",
     "s.yml:5:79: expectations.0.expect_column_quantile_values_to_be_between.quantile_ranges: 1 quantiles but "
     "0 value_ranges"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "message"), CASES, ids=[c[1].split(": ", 2)[1] for c in CASES])
def test_each_kind_of_problem_is_located_and_explained(tmp_path: Path, entry: str, message: str) -> None:
    assert _problems(tmp_path, "expectations:\n  " + entry.replace("\n", "\n  ") + "\n") == [message]


def test_valid_entries_load_with_dates_and_severity(tmp_path: Path) -> None:
    path = tmp_path / "s.yml"
    path.write_text(HEAD + """\
expectations:
  - expect_column_values_to_be_between: {column: ts, min_value: 2020-01-01, severity: warn}
  - expect_table_row_count_to_be_between: {min_value: 1}
  - expect_column_values_to_not_be_null:
      column: a
      mostly: 0.95
      meta: {ticket: DQ-12}
""", encoding="utf-8")  # fmt: skip
    loaded = load_suite(path)
    assert [e.severity for e in parse_entries("t", loaded.suite.expectations)] == ["warn", "error", "error"]


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [e.check_id for e in parse_entries("orders", entries)]


def test_check_ids_name_the_target_and_number_only_repeats() -> None:
    entries = [
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "@"}},
        {"expect_table_row_count_to_be_between": {"min_value": 1}},
        {"expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "ship", "column_B": "order"}},
        {"expect_compound_columns_to_be_unique": {"column_list": ["id", "line"]}},
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "\\."}},
    ]
    assert _ids(entries) == [
        "orders.expectations.email.expect_column_values_to_match_regex",
        "orders.expectations.table.expect_table_row_count_to_be_between",
        "orders.expectations.ship+order.expect_column_pair_values_a_to_be_greater_than_b",
        "orders.expectations.id+line.expect_compound_columns_to_be_unique",
        "orders.expectations.email.expect_column_values_to_match_regex.2",
    ]


def test_check_ids_do_not_shift_when_other_entries_are_inserted() -> None:
    before = [
        {"expect_column_values_to_be_unique": {"column": "id"}},
        {"expect_column_mean_to_be_between": {"column": "x", "min_value": 0}},
    ]
    after = [
        {"expect_column_values_to_not_be_null": {"column": "y"}},
        *before[:1],
        {"expect_table_row_count_to_equal": {"value": 3}},
        *before[1:],
    ]
    assert set(_ids(before)) <= set(_ids(after))


def test_cli_exit_2_for_a_misspelt_expectation_name(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "s.yml").write_text(
        HEAD + "expectations:\n  - expect_column_values_to_not_be_nul: {column: a}\n", encoding="utf-8"
    )
    code, out, err = cli("validate", "s.yml", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        "s.yml:5:5: expectations.0.expect_column_values_to_not_be_nul: unknown expectation type "
        "(did you mean 'expect_column_values_to_not_be_null'?)\n"
        "error: 1 problem in suites; nothing was run\n"
    )


def test_cli_exit_2_for_a_wrong_argument_on_run_too(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "s.yml").write_text(
        HEAD + "expectations:\n  - expect_column_values_to_be_in_set: {column: a, values: [x]}\n", encoding="utf-8"
    )
    code, out, err = cli("run", "s.yml", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == (
        "s.yml:5:40: expectations.0.expect_column_values_to_be_in_set.value_set: required argument is missing\n"
        "s.yml:5:52: expectations.0.expect_column_values_to_be_in_set.values: unknown argument (did you mean "
        "'value_set'? allowed: column, value_set, mostly, severity, engine, meta, notes, description)\n"
        "error: 2 problems in suites; nothing was run\n"
    )
