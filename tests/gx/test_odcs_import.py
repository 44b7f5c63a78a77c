"""``stewardgate import odcs``: every official example imports without a crash, with its mapped
content checked; a contract exercising every mapping round-trips into a suite that runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.errors import InputError
from stewardgate.importers import ImportResult
from stewardgate.importers.odcs import import_odcs, load_contract
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths
from stewardgate.suite.loader import load_suite

# The ODCS examples corpus: $STEWARDGATE_CORPORA (as in the conformance step), else beside the repository.
EXAMPLES = Path(os.environ.get("STEWARDGATE_CORPORA") or Path(__file__).resolve().parents[3] / "shared") / "odcs-examples"
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 27)
PLACEHOLDERS = {"owner": "TODO-owner", "steward": "TODO-steward"}
NO_TEAM = ["team"]
SLA_LOST = [
    "slaProperties[0] latency", "slaProperties[1] generalAvailability", "slaProperties[2] endOfSupport",
    "slaProperties[3] endOfLife", "slaProperties[4] retention", "slaProperties[5] frequency",
    "slaProperties[6] timeOfAvailability", "slaProperties[7] timeOfAvailability",
]  # fmt: skip
AIR = {"name": "Air_Quality", "path": "Air_Quality.parquet"}
AIR_STEWARDSHIP = {**PLACEHOLDERS, "description": "Air quality of the city of New York"}


def _import(name: str, as_of: date = AS_OF) -> ImportResult:
    return import_odcs(EXAMPLES / name, as_of=as_of)


def _suites(result: ImportResult) -> dict[str, dict[str, Any]]:
    return {s.filename: {k: v for k, v in s.data.items() if k not in ("version", "schema")} for s in result.suites}


def _where(result: ImportResult, *, lost: bool) -> list[str]:
    return [f.where for f in result.findings if f.lost is lost]


EXPECTED: dict[str, tuple[dict[str, Any], list[str], list[str]]] = {
    "fundamentals-table-column-description.odcs.yaml": ({"tbl.yml": {
        "dataset": {"name": "tbl", "path": "tbl.parquet"},
        "stewardship": {**PLACEHOLDERS, "description": "Provides core payment metrics"},
        "columns": {"txn_ref_dt": {"type": "date", "description": "Reference date for the transaction. Use this date in "
                                   "reports and aggregation rather than txn_mystical_dt, as it is slightly too mystical."}},
    }}, [], NO_TEAM),
    "quality-column-accuracy.odcs.yaml": ({"Air_Quality.yml": {
        "dataset": AIR, "stewardship": AIR_STEWARDSHIP, "columns": {"DataValue": {"type": "float64"}},
    }}, ["schema[0] Air_Quality.properties[0] DataValue.quality[0]"], NO_TEAM),
    "quality-column-completeness.odcs.yaml": ({"Air_Quality.yml": {
        "dataset": AIR, "stewardship": AIR_STEWARDSHIP,
        "columns": {"UniqueID": {"type": "int32", "nullable": False, "unique": True}},
    }}, [], NO_TEAM),
    "quality-column-custom.odcs.yaml": ({"Air_Quality.yml": {
        "dataset": AIR, "stewardship": AIR_STEWARDSHIP,
        "columns": {"UniqueID": {"type": "int32", "nullable": False, "unique": True}},
    }}, ["schema[0] Air_Quality.properties[0] UniqueID.quality[0]", "schema[0] Air_Quality.properties[0] UniqueID.quality[1]"], NO_TEAM),
    "quality-column-validity.odcs.yaml": ({"Air_Quality.yml": {
        "dataset": AIR, "stewardship": AIR_STEWARDSHIP,
        "columns": {"air_quality_status": {"type": "string", "nullable": False, "unique": True}},
        "expectations": [{"expect_column_values_to_be_in_set": {"column": "air_quality_status", "value_set": ["", "n/a"], "mostly": 0.95}}],
    }}, [], [*NO_TEAM, "schema[0] Air_Quality.properties[0] air_quality_status.quality[0]"]),
    "schema-kafka-schema.odcs.yaml": ({"Orders.yml": {
        "dataset": {"name": "Orders", "path": "Orders.parquet"},
        "stewardship": {**PLACEHOLDERS, "description": "Orders Kafka topic"},
        "columns": {"cust_id": {"type": "string", "nullable": False}, "prod_id": {"type": "string", "nullable": False},
                    "qty": {"type": "int32", "nullable": False}},
    }}, [], NO_TEAM),
    "schema-table-column.odcs.yaml": ({"tbl.yml": {
        "dataset": {"name": "tbl", "path": "tbl.parquet"}, "stewardship": PLACEHOLDERS,
        "columns": {"rcvr_cntry_code": {"type": "string"}},
    }}, [], NO_TEAM),
    "server-kafka-server.odcs.yaml": ({"Orders.yml": {
        "dataset": {"name": "Orders", "path": "Orders.parquet"}, "stewardship": PLACEHOLDERS, "columns": {},
    }}, [], NO_TEAM),
    "server-azure-server.odcs.yaml": ({}, ["schema"], NO_TEAM),
    "sla-database-table-sla.odcs.yaml": ({}, [*SLA_LOST, "schema"], NO_TEAM),
    "stakeholders-basic-four-dpo.odcs.yaml": ({}, ["schema"], ["team owner", "team steward"]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_maps_to_the_expected_suites(name: str) -> None:
    suites, lost, caveats = EXPECTED[name]
    result = _import(name)
    assert (_suites(result), _where(result, lost=True), _where(result, lost=False)) == (suites, lost, caveats)
    assert result.complete is (not lost)


def test_every_example_is_covered_and_every_suite_it_writes_is_valid(tmp_path: Path) -> None:
    names = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert set(names) == {*EXPECTED, "all-full-example.odcs.yaml", "data-types-all-data-types.odcs.yaml"}
    for name in names:
        for suite in _import(name).suites:
            path = tmp_path / name / suite.filename
            path.parent.mkdir(exist_ok=True)
            path.write_text(suite.text, encoding="utf-8")
            assert load_suite(path).located.data == suite.data


def test_the_full_example_keys_classifications_owner_and_dangling_references() -> None:
    result = _import("all-full-example.odcs.yaml")
    tbl, receivers = _suites(result)["tbl.yml"], _suites(result)["receivers.yml"]
    assert tbl["stewardship"] == {"owner": "daustin", "steward": "TODO-steward", "classification": "restricted",
                                  "description": "Provides core payment metrics"}  # fmt: skip
    assert tbl["columns"] == {
        "txn_ref_dt": {"type": "date", "classification": "public", "description": "Reference date for transaction"},
        "rcvr_id": {"type": "string", "nullable": False, "unique": True, "classification": "restricted",
                    "description": "A description for column rcvr_id."},
        "rcvr_cntry_code": {"type": "string", "classification": "public", "description": "Country code", "nullable": False},
    }  # fmt: skip
    assert tbl["expectations"] == [{"expect_table_row_count_to_be_between": {"min_value": 1000001}}]
    assert receivers["columns"]["id"] == {"type": "string", "nullable": False, "unique": True, "classification": "restricted",
                                          "description": "Unique identifier for receiver"}  # fmt: skip
    assert receivers["columns"]["country_code"]["nullable"] is False
    assert receivers["expectations"] == [{"expect_compound_columns_to_be_unique": {"column_list": ["id", "country_code"]}}]
    lost = {f.where: f.message for f in result.lost}
    assert list(lost) == [*SLA_LOST, "schema[0] tbl.properties[1] rcvr_id.relationships[0]", "schema[0] tbl.relationships[0]",
                          "schema[1] receivers.properties[3] receiver_type.relationships[0]"]  # fmt: skip
    assert lost["slaProperties[4] retention"] == (
        "element 'tab1.txn_ref_dt' names 'tab1', which is not a schema object of this contract (dangling reference)"
    )
    assert lost["schema[1] receivers.properties[3] receiver_type.relationships[0]"] == (
        "a relationship to another table has no equivalent (a suite checks one dataset) "
        "(dangling reference: no schema object 'receiver_types')"
    )
    (steward,) = [f.message for f in result.findings if f.where == "team steward"]
    assert steward == ("no active team member has a role naming 'steward' (active: mhopper (Data Scientist), "
                       "daustin (Owner)); a placeholder was written")  # fmt: skip


def test_team_membership_honours_date_in_and_date_out() -> None:
    before = _import("all-full-example.odcs.yaml", as_of=date(2022, 9, 1))  # daustin joins on 2022-10-01
    assert _suites(before)["tbl.yml"]["stewardship"]["owner"] == "TODO-owner"
    (owner,) = [f.message for f in before.findings if f.where == "team owner"]
    assert owner == ("no active team member has a role naming 'owner' (active: ceastwood (Data Scientist)); "
                     "a placeholder was written")  # fmt: skip
    dpo = {d: [f.message for f in _import("stakeholders-basic-four-dpo.odcs.yaml", as_of=d).findings if f.where == "team owner"][0]
           for d in (date(2015, 1, 1), date(2020, 1, 1), AS_OF)}  # fmt: skip
    assert [m.split("(active: ")[1].split(")")[0] for m in dpo.values()] == ["jwayne (dpo", "cjane (dpo", "bkid (dpo"]


def test_the_data_types_example_maps_types_bounds_and_lists_what_has_no_type() -> None:
    result = _import("data-types-all-data-types.odcs.yaml")
    columns = _suites(result)["transactions_tbl.yml"]["columns"]
    sydney = timezone(timedelta(hours=10))
    assert columns == {
        "account_id": {"type": "string", "min_length": 11, "max_length": 11, "regex": "ACC[0-9]{8}"},
        "txn_ref_date": {"type": "date", "max": date(2021, 1, 1)},
        "txn_timestamp": {"type": "datetime", "min": datetime(2020, 1, 1), "max": datetime(2021, 1, 1)},
        "txn_timestamp_tz": {"type": "datetime", "min": datetime(2020, 1, 1, tzinfo=sydney), "max": datetime(2021, 1, 1, tzinfo=sydney)},
        "txn_time": {}, "amount": {"type": "float32", "min": 0}, "age": {"type": "int64", "min": 18},
        "is_open": {"type": "bool"}, "latest_txns": {}, "customer_details": {},
    }  # fmt: skip
    assert _suites(result)["transactions_tbl.yml"]["expectations"] == [
        {"expect_column_values_to_be_between": {"column": "txn_ref_date", "min_value": date(2020, 1, 1), "strict_min": True}},
        {"expect_column_values_to_be_between": {"column": "age", "max_value": 100, "strict_max": True}},
    ]
    assert [f.where.split("] ", 2)[-1] for f in result.lost] == [
        "txn_time.logicalType", "txn_time minimum", "txn_time maximum", "txn_time format", "latest_txns.logicalType",
        "latest_txns minItems", "latest_txns maxItems", "latest_txns uniqueItems", "customer_details.logicalType", "customer_details required",
        "customer_details maxProperties",
    ]  # fmt: skip


def test_dates_stay_strings_while_loading() -> None:
    doc = load_contract(EXAMPLES / "fundamentals-table-column-description.odcs.yaml")
    assert doc["schema"][0]["properties"][0]["examples"] == ["2022-10-03", "2025-01-28"]
    members = load_contract(FIXTURES / "shipments.odcs.yaml")["team"]["members"]
    assert members[0]["dateOut"] == "2024-06-30"


def test_a_contract_with_every_mapping_round_trips_into_a_suite_that_runs(tmp_path: Path) -> None:
    result = import_odcs(FIXTURES / "shipments.odcs.yaml", dataset_template="{physical_name}.parquet", as_of=AS_OF)
    (suite,) = result.suites
    assert suite.data["stewardship"] == {
        "owner": "new.owner@example.com", "steward": "sam", "classification": "restricted",
        "retention": {"period": "18mo", "column": "shipped_at"}, "description": "One row per parcel leaving a warehouse.",
    }  # fmt: skip
    assert suite.data["columns"] == {
        "shipment_id": {"type": "int64", "nullable": False, "unique": True},
        "carrier": {"type": "string", "classification": "internal", "max_length": 3, "regex": "^[A-Z]{3}$", "in_set": ["UPS", "DHL", "FDX"]},
        "email": {"type": "string", "classification": "restricted", "max_null_fraction": 0.02, "nullable": {"value": False, "severity": "warn"}},
        "weight_kg": {"type": "float64", "min": 0, "max_null_count": 2},
        "shipped_at": {"type": "datetime", "min": datetime(2020, 1, 1)},
        "notes": {"type": "string"},
    }  # fmt: skip
    assert suite.data["expectations"] == [
        {"expect_column_values_to_not_be_in_set": {"column": "email", "value_set": ["", "n/a"], "severity": "warn"}},
        {"expect_column_values_to_be_between": {"column": "weight_kg", "max_value": 500, "strict_max": True}},
        {"expect_table_row_count_to_be_between": {"min_value": 10, "max_value": 100000}},
        {"expect_compound_columns_to_be_unique": {"column_list": ["shipment_id", "carrier"], "severity": "warn"}},
    ]
    assert [str(f) for f in result.lost] == [
        "slaProperties[1] latency: not converted: suites have no freshness limit yet (a freshness_seconds anomaly "
        "rule watches change, not a limit)",
        "slaProperties[2] retention: not converted: element 'parcels.shipped_at' names 'parcels', which is not a "
        "schema object of this contract (dangling reference)",
        "schema[0] shipments.properties[5] notes.classification: not converted: classification 'sensitive' has no equivalent "
        "(public, internal, confidential, restricted)",
        "schema[0] shipments.properties[5] notes.quality[0]: not converted: a text rule is prose, not a check",
    ]
    rows = 12
    pl.DataFrame({
        "shipment_id": list(range(rows)), "carrier": ["UPS", "DHL", "FDX"] * 4,
        "email": [f"p{i}@example.com" for i in range(rows - 1)] + ["n/a"],
        "weight_kg": [1.5] * (rows - 1) + [600.0],
        "shipped_at": [datetime(2026, 11, 1)] * rows, "notes": ["ok"] * rows,
    }).write_parquet(tmp_path / "shipments_v2.parquet")  # fmt: skip
    path = tmp_path / suite.filename
    path.write_text(suite.text, encoding="utf-8")
    (dataset,) = run_paths([path], RunOptions()).datasets
    bad = {r.check_id: r.status for r in dataset.results if r.status is not Status.PASSED}
    assert bad == {
        "shipments.expectations.email.expect_column_values_to_not_be_in_set": Status.WARNED,
        "shipments.expectations.weight_kg.expect_column_values_to_be_between": Status.FAILED,
    }


def test_cli_writes_one_suite_per_schema_object_and_exits_1_when_incomplete(tmp_path: Path, cli: Callable[..., Any]) -> None:
    code, out, err = cli("import", "odcs", str(EXAMPLES / "all-full-example.odcs.yaml"), "-o", "suites", "--as-of", "2026-11-27", cwd=tmp_path)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[:2] == ["wrote suites/tbl.yml", "wrote suites/receivers.yml"]
    assert sum(line.startswith("not converted: ") for line in lines) == 11
    assert lines[-1] == "import incomplete: 11 items could not be converted (listed above)"
    assert sorted(p.name for p in (tmp_path / "suites").iterdir()) == ["receivers.yml", "tbl.yml"]
    code, out, err = cli("validate", "suites", cwd=tmp_path)
    assert code == 0, err


def test_cli_exit_0_when_complete(tmp_path: Path, cli: Callable[..., Any]) -> None:
    code, out, err = cli("import", "odcs", str(EXAMPLES / "schema-kafka-schema.odcs.yaml"), cwd=tmp_path)
    assert code == 0
    assert out.startswith("# Imported from schema-kafka-schema.odcs.yaml by `stewardgate import odcs`.\n")
    assert err == ("warning: {0}: team: the contract names no team members; owner and steward placeholders "
                   "were written\n").format(EXAMPLES / "schema-kafka-schema.odcs.yaml")  # fmt: skip


@pytest.mark.parametrize(("content", "message"), [
    ("apiVersion: v2.2.0\nkind: DataContract\n", ": this looks like an ODCS v2 contract (apiVersion v2.2.0); stewardgate reads "
     "ODCS v3: upgrade it to v3 first (v3 renamed dataset to schema, table to name, columns to properties and column to name)"),
    ("- a\n- b\n", ": an ODCS contract is a mapping of keys"),
    ("apiVersion: v3.0.0\nschema: [\n", ":3:1: invalid YAML: while parsing a flow node expected the node content, but found '<stream end>'"),
])  # fmt: skip
def test_invalid_contracts_are_input_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_odcs(path)
    assert str(caught.value) == f"{path}{message}"


def test_a_dataset_template_with_an_unknown_placeholder_is_an_input_error() -> None:
    with pytest.raises(InputError) as caught:
        import_odcs(EXAMPLES / "schema-kafka-schema.odcs.yaml", dataset_template="{table}.parquet")
    assert str(caught.value) == "dataset template '{table}.parquet': use {name} and {physical_name} only (KeyError('table'))"
