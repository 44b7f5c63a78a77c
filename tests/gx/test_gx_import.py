"""``stewardgate import gx``: GX 0.x and 1.x suite files become suites that load and run; what has
a native rule with the same meaning goes to ``columns:``; what cannot be converted is listed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.errors import InputError
from stewardgate.importers.gx import PANDAS_NULL_VALUES, import_gx
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths
from stewardgate.suite.loader import load_suite

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "imported.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_gx_0x_suite_maps_native_rules_keeps_the_rest_and_lists_what_it_cannot_convert() -> None:
    result = import_gx(FIXTURES / "orders_gx0.json", dataset_path="orders.parquet")
    (suite,) = result.suites
    assert suite.filename == "orders.warning.yml"
    assert suite.data["dataset"] == {"name": "orders.warning", "path": "orders.parquet"}
    assert suite.data["stewardship"] == {"owner": "TODO-owner", "steward": "TODO-steward"}
    assert suite.data["columns"] == {
        "order_id": {"nullable": False, "unique": True},
        "amount": {"min": 0, "max": 10000},  # the suite parameter fixed to its value
        "discount": {"max_null_fraction": 0.25},  # not-null with mostly 0.75
    }
    assert suite.data["schema"] == {"extra_columns": "allow"}
    assert suite.data["expectations"] == [
        {"expect_table_row_count_to_be_between": {"min_value": 1000, "max_value": 5000}},
        {"expect_column_values_to_be_in_set": {"column": "status", "value_set": ["placed", "shipped", "delivered", "returned"],
                                               "meta": {"notes": {"format": "markdown", "content": ["Order lifecycle states."]}}}},
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "^[^@\\s]+@[^@\\s]+\\.[a-z]+$", "mostly": 0.9}},
        {"expect_select_column_values_to_be_unique_within_record": {"column_list": ["order_id", "customer_id"]}},
    ]  # fmt: skip
    assert not result.complete
    assert [str(f) for f in result.lost] == [
        "expectations[8] expect_column_values_to_be_between: not converted: parse_strings_as_datetimes: removed in "
        "GX 1.0: values are no longer parsed as datetimes, so the meaning would change",
        "expectations[9] expect_column_bootstrapped_ks_test_p_value_to_be_greater_than: not converted: expectation "
        "type not supported: GX 1.24.1 no longer has it (removed in GX 1.0; a distribution test; "
        "expect_column_kl_divergence_to_be_less_than or a drift rule (docs/drift.md) compares distributions)",
        "expectations[10] expect_column_values_to_not_be_null: not converted: row_condition: a pandas row_condition "
        "is a Python expression run by DataFrame.query, and suites hold no code; condition_parser: row conditions "
        "are not supported (suites hold no code)",
        "expectations[11] expect_column_mean_to_be_between: not converted: min_value: takes its value from the "
        "run-time parameter 'urn:great_expectations:validations:upstream:expect_column_mean_to_be_between.result."
        "observed_value:column=quantity', which a suite cannot supply",
    ]
    assert "# NOT CONVERTED (4): these parts of the source are not checked by this suite:" in suite.text


def test_a_gx_1x_suite_maps_severities_and_keeps_meta_and_notes() -> None:
    result = import_gx(
        FIXTURES / "customers_gx1.json",
        dataset_path="customers.csv",
        owner="crm@example.com",
        steward="jane@example.com",
    )
    (suite,) = result.suites
    assert suite.data["dataset"]["name"] == "customers_suite"
    assert suite.data["columns"] == {
        "customer_id": {"nullable": False, "unique": True},
        "country": {"min_length": {"value": 2, "severity": "warn"}, "max_length": {"value": 2, "severity": "warn"}},
        "age": {"min": 18, "max": 120},
    }
    assert suite.data["expectations"] == [
        {"expect_column_values_to_be_in_set": {"column": "country", "value_set": ["US", "GB", "DE", "FR", "NL", "SE"],
                                               "mostly": 0.95, "severity": "warn"}},
        {"expect_column_mean_to_be_between": {"column": "age", "min_value": 20, "max_value": 70, "meta": {"owner": "crm"},
                                              "notes": "Average age drifts slowly.", "severity": "info"}},
        {"expect_table_columns_to_match_set": {"column_set": ["customer_id", "name", "email", "phone", "country",
                                                              "signup_date", "age", "tier"], "exact_match": True}},
        {"expect_column_values_to_match_regex": {"column": "email", "regex": "^(?!test)[^@]+@[^@]+$"}},  # look-ahead: GX keeps it
    ]  # fmt: skip
    assert [f.where for f in result.lost] == [
        "expectations[8] expect_column_values_to_match_like_pattern",
        "expectations[9] unexpected_rows_expectation",
    ]


@pytest.mark.parametrize(
    ("fixture", "data"), [("orders_gx0.json", "bad/orders.parquet"), ("customers_gx1.json", "customers.csv")]
)
def test_imported_suites_round_trip_into_suites_that_run(tmp_path: Path, fixture: str, data: str) -> None:
    result = import_gx(FIXTURES / fixture, dataset_path=str(SAMPLE / data))
    path = _written(tmp_path, result.suites[0].text)
    loaded = load_suite(path)
    assert loaded.located.data == result.suites[0].data  # the YAML says exactly what the importer built
    (dataset,) = run_paths([path], RunOptions()).datasets
    assert dataset.error is None
    assert [r.check_id for r in dataset.results if r.status is Status.ERRORED] == []
    assert sum(".expectations." in r.check_id for r in dataset.results) == len(result.suites[0].data["expectations"])


def test_the_orders_import_finds_the_planted_defects(tmp_path: Path) -> None:
    result = import_gx(FIXTURES / "orders_gx0.json", dataset_path=str(SAMPLE / "bad" / "orders.parquet"))
    (dataset,) = run_paths([_written(tmp_path, result.suites[0].text)], RunOptions()).datasets
    failed = sorted(r.check_id for r in dataset.results if r.status is Status.FAILED)
    assert failed == [
        "orders.warning.columns.amount.min",
        "orders.warning.columns.order_id.unique",
        "orders.warning.expectations.order_id+customer_id.expect_select_column_values_to_be_unique_within_record",
        "orders.warning.expectations.status.expect_column_values_to_be_in_set",
    ]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a JSON file: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ('{"expectations": []}', "not a Great Expectations suite (no 'name' or 'expectation_suite_name')"),
    ('{"name": "x", "expectations": {}}', "'expectations' must be a list"),
])  # fmt: skip
def test_invalid_input_is_an_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_gx(path, dataset_path="d.parquet")
    assert str(caught.value) == f"{path}: {message}"


def _gx1(tmp_path: Path, expectations: list[dict[str, Any]]) -> Path:
    path = tmp_path / "suite.json"
    path.write_text(json.dumps({"name": "events", "expectations": expectations}), encoding="utf-8")
    return path


def test_cli_exit_0_when_complete_and_the_data_path_is_relative_to_the_suite(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    _gx1(
        tmp_path, [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}, "severity": "critical"}]
    )
    code, out, err = cli("import", "gx", "suite.json", "--data-path", "data/events.parquet", "--owner", "o@example.com",
                         "--steward", "s@example.com", "-o", "suites/events.yml", cwd=tmp_path)  # fmt: skip
    assert (code, out, err) == (0, "", "wrote suites/events.yml\n")
    assert (tmp_path / "suites" / "events.yml").read_text(encoding="utf-8") == (
        "# Imported from suite.json by `stewardgate import gx`.\n"
        "version: 1\n"
        "dataset:\n  name: events\n  path: ../data/events.parquet\n"
        "stewardship:\n  owner: o@example.com\n  steward: s@example.com\n"
        "columns:\n  id: {nullable: false}\n"
        "schema:\n  extra_columns: allow\n"
    )


def test_cli_exit_1_lists_each_item_not_converted(tmp_path: Path, cli: Callable[..., Any]) -> None:
    _gx1(tmp_path, [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}},
        {"type": "expect_column_values_to_be_inn_set", "kwargs": {"column": "kind", "value_set": ["a"]}},
    ])  # fmt: skip
    code, out, err = cli("import", "gx", "suite.json", "--data-path", "events.parquet", cwd=tmp_path)
    assert code == 1
    assert out.startswith("# Imported from suite.json by `stewardgate import gx`.\n# NOT CONVERTED (1):")
    assert err == (
        "not converted: suite.json: expectations[1] expect_column_values_to_be_inn_set: unknown expectation type "
        "(did you mean 'expect_column_values_to_be_in_set'?)\n"
        "warning: suite.json: stewardship: a GX suite names no owner or steward; placeholders were written (--owner, --steward)\n"
        "import incomplete: 1 item could not be converted (listed above)\n"
    )


def test_cli_exit_2_on_a_file_that_is_not_a_suite(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    code, out, err = cli("import", "gx", "x.json", "--data-path", "d.parquet", cwd=tmp_path)
    assert (code, out, err) == (
        2,
        "",
        "error: x.json: not a Great Expectations suite (no 'name' or 'expectation_suite_name')\n",
    )


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--name", "my orders", "dataset.name: must start with a letter or digit and hold only letters, digits, _ . -"),
    ("--owner", "John Doe", "stewardship.owner: 'John Doe' is not an e-mail address or a handle"),
])  # fmt: skip
def test_cli_exit_2_when_an_option_would_make_the_suite_invalid(
    tmp_path: Path, cli: Callable[..., Any], option: str, value: str, message: str
) -> None:
    _gx1(tmp_path, [])
    code, out, err = cli("import", "gx", "suite.json", "--data-path", "d.parquet", option, value, cwd=tmp_path)
    assert (code, out, err) == (2, "", f"error: the suite would not be valid: {message}\n")


def test_types_gx_1_removed_say_so_and_renamed_ones_convert(tmp_path: Path) -> None:
    path = _gx1(tmp_path, [
        {"type": "expect_column_pair_cramers_phi_value_to_be_less_than", "kwargs": {"column_A": "a", "column_B": "b"}},
        {"type": "expect_column_pair_values_A_to_be_greater_than_B", "kwargs": {"column_A": "a", "column_B": "b"}},
        {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "SELECT * FROM {batch} WHERE a < 0"}},
    ])  # fmt: skip
    result = import_gx(path, dataset_path="d.parquet")
    assert [str(f) for f in result.findings if f.where != "stewardship"] == [
        "expectations[0] expect_column_pair_cramers_phi_value_to_be_less_than: not converted: expectation type not "
        "supported: GX 1.24.1 no longer has it (removed in GX 1.0; Cramér's phi between two columns has no replacement)",
        "expectations[1] expect_column_pair_values_A_to_be_greater_than_B: renamed to "
        "expect_column_pair_values_a_to_be_greater_than_b (GX 1.0)",
        "expectations[2] unexpected_rows_expectation: not converted: expectation type not supported: it runs a SQL "
        "query (unexpected_rows_query) that GX runs on SQL databases and Spark only, in their dialect; see "
        "docs/importing.md, 'SQL rules and unexpected_rows_expectation'",
    ]
    assert result.suites[0].data["expectations"] == [
        {"expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "a", "column_B": "b"}}
    ]
    assert result.converted == ("expectations[1] expect_column_pair_values_A_to_be_greater_than_B",)


def test_the_removed_types_are_really_gone_from_the_gx_the_catalogue_was_built_from() -> None:
    from stewardgate.expectations.catalogue import REMOVED_IN_GX1, catalogue, unsupported

    assert set(REMOVED_IN_GX1) & {*catalogue(), *unsupported()} == set()


def test_every_entry_of_a_gx_suite_is_converted_or_listed() -> None:
    for fixture in ("orders_gx0.json", "customers_gx1.json"):
        result = import_gx(FIXTURES / fixture, dataset_path="d.parquet")
        entries = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))["expectations"]
        labels = [f"expectations[{i}] {e.get('type') or e.get('expectation_type')}" for i, e in enumerate(entries)]
        lost = {f.where for f in result.lost}
        assert [label for label in labels if (label in lost) == (label in result.converted)] == []


def test_the_pandas_null_markers_are_pandas_own() -> None:
    from pandas._libs.parsers import STR_NA_VALUES

    from stewardgate.importers.gx import PANDAS_NULL_VALUES

    assert sorted(PANDAS_NULL_VALUES) == sorted(STR_NA_VALUES)


def test_a_csv_dataset_is_read_with_pandas_null_markers_and_gives_gx_verdicts(tmp_path: Path) -> None:
    import pandas as pd

    (tmp_path / "events.csv").write_text('id,kind\n1,a\n2,NA\n3,""\n4,\n5,null\n6,b\n', encoding="utf-8")
    path = _gx1(tmp_path, [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "kind", "mostly": 0.5}},
                           {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "kind", "value_set": ["a", "b"]}}])  # fmt: skip
    result = import_gx(path, dataset_path=str(tmp_path / "events.csv"))
    (suite,) = result.suites
    assert suite.data["dataset"]["csv"] == {"null_values": list(PANDAS_NULL_VALUES)}
    assert "# - dataset.csv: null_values are pandas' default null markers" in suite.text
    (dataset,) = run_paths([_written(tmp_path, suite.text)], RunOptions()).datasets
    results = {r.check_id: r for r in dataset.results}
    nulls = int(pd.read_csv(tmp_path / "events.csv")["kind"].isna().sum())  # what GX's pandas source sees
    assert nulls == 4
    assert results["events.columns.kind.max_null_fraction"].status is Status.FAILED  # 4 of 6 > 0.5
    assert results["events.columns.kind.in_set"].status is Status.PASSED  # NA and "" are nulls, not values


def test_a_parquet_dataset_gets_no_csv_options(tmp_path: Path) -> None:
    result = import_gx(_gx1(tmp_path, []), dataset_path="events.parquet")
    assert result.suites[0].data["dataset"] == {"name": "events", "path": "events.parquet"}
    assert [f.where for f in result.findings] == ["stewardship"]
