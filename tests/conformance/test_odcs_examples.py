"""Conformance: every official ODCS example (``odcs-examples/`` of the corpora) imports without a
crash, with its mapped content checked, and every suite it writes is valid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from stewardgate.importers import ImportResult
from stewardgate.importers.odcs import import_odcs, load_contract
from stewardgate.suite.loader import load_suite

pytestmark = pytest.mark.conformance

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


def _import(folder: Path, name: str, as_of: date = AS_OF) -> ImportResult:
    return import_odcs(folder / name, as_of=as_of)


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
def test_each_example_maps_to_the_expected_suites(odcs_examples: Path, name: str) -> None:
    suites, lost, caveats = EXPECTED[name]
    result = _import(odcs_examples, name)
    assert (_suites(result), _where(result, lost=True), _where(result, lost=False)) == (suites, lost, caveats)
    assert result.complete is (not lost)


def test_every_example_is_covered_and_every_suite_it_writes_is_valid(odcs_examples: Path, tmp_path: Path) -> None:
    names = sorted(p.name for p in odcs_examples.glob("*.yaml"))
    assert set(names) == {*EXPECTED, "all-full-example.odcs.yaml", "data-types-all-data-types.odcs.yaml"}
    for name in names:
        for suite in _import(odcs_examples, name).suites:
            path = tmp_path / name / suite.filename
            path.parent.mkdir(exist_ok=True)
            path.write_text(suite.text, encoding="utf-8")
            assert load_suite(path).located.data == suite.data


def test_the_full_example_keys_classifications_owner_and_dangling_references(odcs_examples: Path) -> None:
    result = _import(odcs_examples, "all-full-example.odcs.yaml")
    tbl, receivers = _suites(result)["tbl.yml"], _suites(result)["receivers.yml"]
    assert tbl["stewardship"] == {"owner": "daustin", "steward": "TODO-steward", "classification": "restricted",
                                  "description": "Provides core payment metrics"}  # fmt: skip
    assert tbl["columns"] == {
        "txn_ref_dt": {"type": "date", "classification": "public", "description": "Reference date for transaction"},
        "rcvr_id": {"type": "string", "nullable": False, "unique": True, "classification": "restricted",
                    "description": "A description for column rcvr_id.", "references": "receivers.id"},
        "rcvr_cntry_code": {"type": "string", "classification": "public", "description": "Country code", "nullable": False},
    }  # fmt: skip
    assert tbl["expectations"] == [{"expect_table_row_count_to_be_between": {"min_value": 1000001}}]
    assert receivers["columns"]["id"] == {"type": "string", "nullable": False, "unique": True, "classification": "restricted",
                                          "description": "Unique identifier for receiver"}  # fmt: skip
    assert receivers["columns"]["country_code"]["nullable"] is False
    assert receivers["expectations"] == [
        {"expect_compound_columns_to_be_unique": {"column_list": ["id", "country_code"]}}
    ]
    lost = {f.where: f.message for f in result.lost}
    assert list(lost) == [*SLA_LOST, "schema[0] tbl.relationships[0]",
                          "schema[1] receivers.properties[3] receiver_type.relationships[0]"]  # fmt: skip
    assert lost["schema[0] tbl.relationships[0]"] == (
        "a relationship of several columns (or not a foreignKey) has no equivalent (references: is one column)"
    )
    (reference,) = [f for f in result.findings if f.where == "schema[0] tbl.properties[1] rcvr_id.relationships[0]"]
    assert (reference.lost, reference.message) == (
        False, "converted to references: receivers.id (run the two suites together)"
    )  # fmt: skip
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


def test_team_membership_honours_date_in_and_date_out(odcs_examples: Path) -> None:
    before = _import(odcs_examples, "all-full-example.odcs.yaml", as_of=date(2022, 9, 1))  # daustin joins on 2022-10-01
    assert _suites(before)["tbl.yml"]["stewardship"]["owner"] == "TODO-owner"
    (owner,) = [f.message for f in before.findings if f.where == "team owner"]
    assert owner == ("no active team member has a role naming 'owner' (active: ceastwood (Data Scientist)); "
                     "a placeholder was written")  # fmt: skip
    dpo = {d: [f.message for f in _import(odcs_examples, "stakeholders-basic-four-dpo.odcs.yaml", as_of=d).findings if f.where == "team owner"][0]
           for d in (date(2015, 1, 1), date(2020, 1, 1), AS_OF)}  # fmt: skip
    assert [m.split("(active: ")[1].split(")")[0] for m in dpo.values()] == ["jwayne (dpo", "cjane (dpo", "bkid (dpo"]


def test_dates_in_an_example_stay_strings_while_loading(odcs_examples: Path) -> None:
    doc = load_contract(odcs_examples / "fundamentals-table-column-description.odcs.yaml")
    assert doc["schema"][0]["properties"][0]["examples"] == ["2022-10-03", "2025-01-28"]


def test_the_data_types_example_maps_types_bounds_and_lists_what_has_no_type(odcs_examples: Path) -> None:
    result = _import(odcs_examples, "data-types-all-data-types.odcs.yaml")
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
        {
            "expect_column_values_to_be_between": {
                "column": "txn_ref_date",
                "min_value": date(2020, 1, 1),
                "strict_min": True,
            }
        },
        {"expect_column_values_to_be_between": {"column": "age", "max_value": 100, "strict_max": True}},
    ]
    assert [f.where.split("] ", 2)[-1] for f in result.lost] == [
        "txn_time.logicalType", "txn_time minimum", "txn_time maximum", "txn_time format", "latest_txns.logicalType",
        "latest_txns minItems", "latest_txns maxItems", "latest_txns uniqueItems", "customer_details.logicalType", "customer_details required",
        "customer_details maxProperties",
    ]  # fmt: skip


def test_cli_writes_one_suite_per_schema_object_and_exits_1_when_incomplete(
    odcs_examples: Path, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    code, out, err = cli(
        "import",
        "odcs",
        str(odcs_examples / "all-full-example.odcs.yaml"),
        "-o",
        "suites",
        "--as-of",
        "2026-11-27",
        cwd=tmp_path,
    )
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[:2] == ["wrote suites/tbl.yml", "wrote suites/receivers.yml"]
    assert sum(line.startswith("not converted: ") for line in lines) == 10
    assert lines[-1] == "import incomplete: 10 items could not be converted (listed above)"
    assert sorted(p.name for p in (tmp_path / "suites").iterdir()) == ["receivers.yml", "tbl.yml"]
    code, out, err = cli("validate", "suites", cwd=tmp_path)
    assert code == 0, err


def test_cli_exit_0_when_complete(odcs_examples: Path, tmp_path: Path, cli: Callable[..., Any]) -> None:
    code, out, err = cli("import", "odcs", str(odcs_examples / "schema-kafka-schema.odcs.yaml"), cwd=tmp_path)
    assert code == 0
    assert out.startswith("# Imported from schema-kafka-schema.odcs.yaml by `stewardgate import odcs`.\n")
    assert err == ("warning: {}: team: the contract names no team members; owner and steward placeholders "
                   "were written\n").format(odcs_examples / "schema-kafka-schema.odcs.yaml")  # fmt: skip
