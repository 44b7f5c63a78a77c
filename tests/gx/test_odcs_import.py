"""``stewardgate import odcs`` on contracts of our own: one exercising every mapping round-trips into a
suite that runs; invalid contracts are input errors. The official examples are a conformance test
(``tests/conformance/test_odcs_examples.py``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from stewardgate.errors import InputError
from stewardgate.importers.odcs import import_odcs, load_contract
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 27)


def test_dates_stay_strings_while_loading() -> None:
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
        "slaProperties[2] retention: not converted: element 'parcels.shipped_at' names 'parcels', which is not a "
        "schema object of this contract (dangling reference)",
        "schema[0] shipments.properties[5] notes.classification: not converted: classification 'sensitive' has no equivalent "
        "(public, internal, confidential, restricted)",
        "schema[0] shipments.properties[5] notes.quality[0]: not converted: a text rule is prose, not a check",
    ]
    assert suite.data["freshness"] == {"column": "shipped_at", "max_age": "1d"}  # ODCS latency 1 d
    rows = 12
    pl.DataFrame({
        "shipment_id": list(range(rows)), "carrier": ["UPS", "DHL", "FDX"] * 4,
        "email": [f"p{i}@example.com" for i in range(rows - 1)] + ["n/a"],
        "weight_kg": [1.5] * (rows - 1) + [600.0],
        "shipped_at": [datetime(2026, 11, 1)] * (rows - 1) + [datetime(2026, 11, 27, 12)], "notes": ["ok"] * rows,
    }).write_parquet(tmp_path / "shipments_v2.parquet")  # fmt: skip
    path = tmp_path / suite.filename
    path.write_text(suite.text, encoding="utf-8")
    (dataset,) = run_paths([path], RunOptions(as_of=AS_OF)).datasets
    bad = {r.check_id: r.status for r in dataset.results if r.status is not Status.PASSED}
    assert bad == {  # the contract classifies email restricted but does not mark it pii: declared means enforced
        "shipments.expectations.email.expect_column_values_to_not_be_in_set": Status.WARNED,
        "shipments.expectations.weight_kg.expect_column_values_to_be_between": Status.FAILED,
        "shipments.governance.personal_data.email": Status.FAILED,
        "shipments.governance.stamp_match": Status.SKIPPED,
    }


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
        import_odcs(FIXTURES / "shipments.odcs.yaml", dataset_template="{table}.parquet")
    assert (
        str(caught.value)
        == "dataset template '{table}.parquet': use {name} and {physical_name} only (KeyError('table'))"
    )
