"""``stewardgate import odcs`` on the constructs real contracts use (issue 18): v3.2 enums, 3.0 rules
without operators, ISO retention, GX expectations in custom rules, nameless properties, v2
contracts; and every constraint of a contract is either converted or listed, never dropped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.errors import InputError
from stewardgate.importers import ImportResult, odcs_rules
from stewardgate.importers.odcs import UNMAPPED, import_odcs, load_contract
from stewardgate.importers.odcs_inventory import constraints
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths

FIXTURES = Path(__file__).parent / "fixtures"
CONSTRUCTS = FIXTURES / "constructs.odcs.yaml"
PARCELS = "schema[0] parcels.properties"
HEAD = "apiVersion: v3.2.0\nkind: DataContract\nid: c1\nversion: 1.0.0\nstatus: active\n"


def silent_drops(path: Path, result: ImportResult) -> list[str]:
    """Constraints of the contract that are neither converted nor listed, and those only the
    safety net listed (a mapping forgot them): both must be empty."""
    listed = {f.where for f in result.findings}
    dropped = [
        label for label in constraints(load_contract(path)) if label not in result.converted and label not in listed
    ]
    return dropped + [f"{f.where} (safety net)" for f in result.findings if f.message == UNMAPPED]


def _contract(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "c.odcs.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _lost(result: ImportResult) -> dict[str, str]:
    return {f.where: f.message for f in result.lost}


@pytest.fixture(scope="module")
def constructs() -> ImportResult:
    return import_odcs(CONSTRUCTS)


def test_every_constraint_of_the_constructs_contract_is_converted_or_listed(constructs: ImportResult) -> None:
    assert silent_drops(CONSTRUCTS, constructs) == []


def test_a_mapping_that_forgets_a_constraint_is_caught_by_the_safety_net(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(odcs_rules, "_enum", lambda *args: [])  # an enum mapping that silently drops
    result = import_odcs(CONSTRUCTS)
    assert _lost(result)[f"{PARCELS}[1] status.enum"] == UNMAPPED
    assert silent_drops(CONSTRUCTS, result) == [f"{PARCELS}[1] status.enum (safety net)"]


def test_item1_a_v32_enum_is_in_set_and_invalid_values_without_arguments_check_it(constructs: ImportResult) -> None:
    columns = constructs.suites[0].data["columns"]
    assert columns["status"] == {"type": "string", "in_set": ["pending", "shipped", "delivered"]}
    assert f"{PARCELS}[1] status.enum" in constructs.converted
    assert f"{PARCELS}[1] status.quality[0]" in constructs.converted  # the same set: nothing added twice
    assert not any(f.where.startswith(f"{PARCELS}[1]") for f in constructs.findings)


def test_item1_values_outside_the_enum_fail_on_data(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    properties:\n      - name: status\n        logicalType: string\n"
                               "        enum: [{value: a}, {value: b}]\n")  # fmt: skip
    (suite,) = import_odcs(path, dataset_template=str(tmp_path / "{name}.parquet")).suites
    pl.DataFrame({"status": ["a", "b", "zzz"]}).write_parquet(tmp_path / "t.parquet")
    (tmp_path / suite.filename).write_text(suite.text, encoding="utf-8")
    (dataset,) = run_paths([tmp_path / suite.filename], RunOptions()).datasets
    assert {r.check_id: r.status for r in dataset.results}["t.columns.status.in_set"] is Status.FAILED


def test_item2_a_property_without_name_or_physical_name_is_refused_at_its_line(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    properties:\n      - name: id\n        logicalType: integer\n"
                               "      - logicalType: string\n        required: true\n")  # fmt: skip
    with pytest.raises(InputError) as caught:
        import_odcs(path)
    assert str(caught.value) == (
        f"{path}:11:9: schema.0.properties.1: a property needs a name or a physicalName (the column it describes); it has neither"
    )


def test_item2_cli_exit_2_and_no_suite_written(tmp_path: Path, cli: Callable[..., Any]) -> None:
    _contract(tmp_path, "schema:\n  - name: t\n    properties:\n      - {logicalType: string}\n")
    code, out, err = cli("import", "odcs", "c.odcs.yaml", "-o", "suites", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == ("error: c.odcs.yaml:9:9: schema.0.properties.0: a property needs a name or a physicalName "
                   "(the column it describes); it has neither\n")  # fmt: skip
    assert not (tmp_path / "suites").exists()


def test_item3_an_option_without_a_mapping_is_listed(constructs: ImportResult) -> None:
    assert _lost(constructs)[f"{PARCELS}[3] weight_g multipleOf"] == "no equivalent for this option"
    assert constructs.suites[0].data["columns"]["weight_g"]["min"] == 0


def test_item3_unknown_keys_are_listed_not_dropped(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    freshnessCheck: daily\n    properties:\n"
                               "      - {name: id, logicalType: integer, mustBeSorted: true}\n")  # fmt: skip
    result = import_odcs(path)
    assert _lost(result) == {
        "schema[0] t.freshnessCheck": "unknown key 'freshnessCheck' (not in ODCS v3.2); it is not read",
        "schema[0] t.properties[0] id.mustBeSorted": "unknown property key 'mustBeSorted' (not in ODCS v3.2); it is not read",
    }
    assert silent_drops(path, result) == []


def test_item4_odcs_30_rules_without_an_operator_allow_none(constructs: ImportResult) -> None:
    columns = constructs.suites[0].data["columns"]
    assert columns["parcel_id"] == {"type": "int64", "nullable": False, "unique": True}
    assert columns["carrier"] == {"type": "string", "in_set": ["UPS", "DHL"]}
    assert {f"{PARCELS}[0] parcel_id.quality[0]", f"{PARCELS}[2] carrier.quality[0]"} <= set(constructs.converted)


def test_item4_a_31_metric_without_an_operator_is_still_listed(tmp_path: Path) -> None:
    path = _contract(
        tmp_path, "schema:\n  - name: t\n    properties:\n      - name: id\n        quality: [{metric: nullValues}]\n"
    )
    assert _lost(import_odcs(path)) == {
        "schema[0] t.properties[0] id.quality[0]": "nullValues with no single operator has no equivalent (<= a count or a percentage)"
    }


def test_item5_an_iso_8601_retention_is_the_period(constructs: ImportResult) -> None:
    assert constructs.suites[0].data["stewardship"]["retention"] == {"period": "P1Y", "column": "scanned_at"}


@pytest.mark.parametrize(("sla", "message"), [
    ("{property: retention, value: soon}", "retention 'soon' is not a period (a period like 400d, 12w, 18mo, 7y or ISO-8601 P400D / P1Y6M)"),
    ("{property: retention, value: -3, unit: d}", "retention '-3 d' is not a period: a positive whole value with a unit (days, "
                                                   "weeks, months, years), or an ISO-8601 duration such as P1Y"),
])  # fmt: skip
def test_item5_a_retention_that_is_no_period_says_what_is_allowed(tmp_path: Path, sla: str, message: str) -> None:
    path = _contract(tmp_path, f"slaProperties: [{sla}]\nschema:\n  - name: t\n    properties: [{{name: id}}]\n")
    assert _lost(import_odcs(path))["slaProperties[0] retention"] == message


def test_item6_a_custom_great_expectations_rule_is_that_expectation(constructs: ImportResult) -> None:
    data = constructs.suites[0].data
    assert data["columns"]["weight_g"]["max"] == 30000  # object form, the property's column; native
    assert {
        "expect_column_mean_to_be_between": {
            "min_value": 100,
            "max_value": 5000,
            "column": "weight_g",
            "severity": "warn",
        }
    } in data["expectations"]
    assert _lost(constructs)["schema[0] parcels.quality[0]"] == (
        "a custom rule for engine 'soda' has no equivalent (only Great Expectations rules convert)"
    )


def test_item6_a_bad_expectation_in_a_custom_rule_is_listed_with_the_gx_reason(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    quality:\n      - type: custom\n        engine: gx\n"
                               "        implementation: {type: expect_table_row_count_to_be_betwen, kwargs: {min_value: 1}}\n")  # fmt: skip
    assert _lost(import_odcs(path)) == {
        "schema[0] t.quality[0]": "unknown expectation type (did you mean 'expect_table_row_count_to_be_between'?)"
    }


def test_item6_the_imported_custom_rules_run(tmp_path: Path, constructs: ImportResult) -> None:
    (suite,) = import_odcs(CONSTRUCTS, dataset_template=str(tmp_path / "{name}.parquet")).suites
    pl.DataFrame({
        "parcel_id": [1, 2, 3], "status": ["pending", "shipped", "delivered"], "carrier": ["UPS", "DHL", "UPS"],
        "weight_g": [50, 40000, 60], "scanned_at": [datetime(2026, 11, 1)] * 3,
    }).write_parquet(tmp_path / "parcels.parquet")  # fmt: skip
    (tmp_path / suite.filename).write_text(suite.text, encoding="utf-8")
    (dataset,) = run_paths([tmp_path / suite.filename], RunOptions(as_of=datetime(2026, 11, 27).date())).datasets
    bad = {r.check_id: r.status for r in dataset.results if r.status is not Status.PASSED}
    assert bad == {
        "parcels.columns.weight_g.max": Status.FAILED,
        "parcels.expectations.weight_g.expect_column_mean_to_be_between": Status.WARNED,  # the ODCS severity: warning
        "parcels.governance.stamp_match": Status.SKIPPED,  # implied by every suite; the data has no stamp
    }


def test_item7_an_odcs_v2_contract_without_api_version_gets_an_upgrade_hint(tmp_path: Path) -> None:
    path = tmp_path / "v2.yaml"
    path.write_text(
        "kind: DataContract\nversion: 1.0.0\nuuid: x\ndatasetName: orders\ndataset:\n  - table: orders\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        import_odcs(path)
    assert str(caught.value) == (
        f"{path}: this looks like an ODCS v2 contract ('dataset', 'datasetName'); stewardgate reads ODCS v3: upgrade it "
        "to v3 first (v3 renamed dataset to schema, table to name, columns to properties and column to name)"
    )


def test_item7_a_contract_without_api_version_says_so(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("kind: DataContract\nschema: []\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_odcs(path)
    assert str(caught.value) == (f"{path}: not an ODCS v3 contract: apiVersion is missing (an ODCS v3 contract starts "
                                 "with 'apiVersion: v3.x.x' and 'kind: DataContract')")  # fmt: skip


def test_item7_an_unknown_quality_type_names_the_allowed_types(constructs: ImportResult) -> None:
    assert _lost(constructs)[f"{PARCELS}[3] weight_g.quality[2]"] == (
        "quality type 'unknown' is not an ODCS quality type (library, sql, custom, text)"
    )


def test_a_v32_measure_is_not_a_column_and_all_it_declares_is_listed(constructs: ImportResult) -> None:
    assert "revenue" not in constructs.suites[0].data["columns"]
    assert [w for w in _lost(constructs) if "revenue" in w] == [
        f"{PARCELS}[5] revenue.logicalType", f"{PARCELS}[5] revenue.semanticType", f"{PARCELS}[5] revenue minimum",
    ]  # fmt: skip


def test_item8_a_sql_rule_is_listed_with_the_reason_it_is_not_run(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    quality:\n      - type: sql\n"
                               "        query: SELECT COUNT(*) FROM ${table} WHERE id < 0\n        mustBe: 0\n")  # fmt: skip
    assert _lost(import_odcs(path)) == {
        "schema[0] t.quality[0]": "a SQL rule is a query in the data source's own dialect; suites run no SQL "
        "(see docs/importing.md, 'SQL rules and unexpected_rows_expectation')"
    }


def test_a_composite_primary_key_is_converted_with_its_expectation(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    properties:\n"
                               "      - {name: a, logicalType: string, primaryKey: true, primaryKeyPosition: 2}\n"
                               "      - {name: b, logicalType: string, primaryKey: true, primaryKeyPosition: 1}\n")  # fmt: skip
    result = import_odcs(path)
    assert result.suites[0].data["expectations"] == [
        {"expect_compound_columns_to_be_unique": {"column_list": ["b", "a"]}}
    ]
    assert silent_drops(path, result) == []


def test_item2_properties_keyed_by_name_are_refused_not_read_as_none(tmp_path: Path) -> None:
    path = _contract(
        tmp_path, "schema:\n  - name: t\n    properties:\n      id: {logicalType: integer, required: true}\n"
    )
    with pytest.raises(InputError) as caught:
        import_odcs(path)
    assert str(caught.value) == f"{path}:9:7: schema.0.properties: must be a list (ODCS v3), got a mapping"


@pytest.mark.parametrize("rule", [
    "{type: custom, engine: great-expectations, implementation: {expect_table_row_count_to_be_between: {min_value: 10}}}",
    "{type: custom, engine: great-expectations, specification: {expectation_type: expect_table_row_count_to_be_between, kwargs: {min_value: 10}}}",
    "{type: custom, engine: great-expectations, expectation_type: expect_table_row_count_to_be_between, kwargs: {min_value: 10}}",
    "{type: custom, engine: great_expectations, implementation: '{\"type\": \"expect_table_row_count_to_be_between\", \"kwargs\": {\"min_value\": 10}}'}",
])  # fmt: skip
def test_item6_every_written_form_of_a_gx_rule_converts(tmp_path: Path, rule: str) -> None:
    path = _contract(tmp_path, f"schema:\n  - name: t\n    quality:\n      - {rule}\n")
    result = import_odcs(path)
    assert result.suites[0].data["expectations"] == [{"expect_table_row_count_to_be_between": {"min_value": 10}}]
    assert result.converted == ("schema[0] t.quality[0]",)
    assert silent_drops(path, result) == []


def test_item1_an_enum_contract_imports_completely_exit_0(tmp_path: Path, cli: Callable[..., Any]) -> None:
    _contract(
        tmp_path,
        "schema:\n  - name: t\n    properties:\n      - {name: status, logicalType: string, enum: [{value: a}, {value: b}]}\n",
    )
    code, out, err = cli("import", "odcs", "c.odcs.yaml", cwd=tmp_path)
    assert code == 0, err
    assert "  status: {type: string, in_set: [a, b]}\n" in out


def test_a_version_newer_than_v32_is_read_as_v32_with_a_caveat(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        HEAD.replace("v3.2.0", "v3.3.0") + "schema:\n  - name: t\n    properties: [{name: id}]\n", encoding="utf-8"
    )
    result = import_odcs(path)
    assert [str(f) for f in result.findings if f.where == "apiVersion"] == [
        "apiVersion: v3.3.0 is newer than v3.2, the newest version read; keys v3.2 does not have are listed"
    ]
    assert result.complete


def test_item6_a_list_of_expectations_converts_what_it_can_and_lists_the_rest(tmp_path: Path) -> None:
    path = _contract(tmp_path, "schema:\n  - name: t\n    properties:\n      - name: id\n        quality:\n"
                               "          - type: custom\n            engine: gx\n            implementation:\n"
                               "              - {type: expect_column_values_to_be_unique}\n"
                               "              - {type: expect_unicorns}\n")  # fmt: skip
    result = import_odcs(path)
    assert result.suites[0].data["columns"]["id"] == {"unique": True}
    (message,) = _lost(result).values()
    assert list(_lost(result)) == ["schema[0] t.properties[0] id.quality[0]"]
    assert message.startswith("implementation[1] expect_unicorns: unknown expectation type (none of the ")
    assert silent_drops(path, result) == []
