"""ODCS relationships imported as ``references:``, and the imported suites run: a one-column
foreign key becomes the column's reference, whose missing values the run then finds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from stewardgate.importers.odcs import import_odcs

CONTRACT = """apiVersion: v3.0.2
kind: DataContract
id: shop
version: 1.0.0
status: active
schema:
  - name: orders
    properties:
      - name: id
        logicalType: integer
      - name: customer_id
        logicalType: integer
        relationships:
          - to: customers.id
            type: foreignKey
  - name: customers
    properties:
      - name: id
        logicalType: integer
    relationships:
      - type: foreignKey
        from: [customers.id, customers.id]
        to: [orders.id, orders.customer_id]
"""


def test_a_property_relationship_becomes_references_and_the_run_checks_it(tmp_path: Path, cli: Any) -> None:
    contract = tmp_path / "shop.odcs.yaml"
    contract.write_text(CONTRACT, encoding="utf-8")
    result = import_odcs(contract)
    suites = {s.filename: s for s in result.suites}
    assert suites["orders.yml"].data["columns"]["customer_id"]["references"] == "customers.id"
    assert "schema[0] orders.properties[1] customer_id.relationships[0]" in result.converted
    assert {f.where: f.message for f in result.lost}["schema[1] customers.relationships[0]"] == (
        "a relationship of several columns (or not a foreignKey) has no equivalent (references: is one column)"
    )
    code, out, err = cli("import", "odcs", str(contract), "-o", "suites", "--dataset-template", "../{name}.parquet",
                         cwd=tmp_path)  # fmt: skip
    assert code == 1, out + err  # the composite key is listed as not converted
    pl.DataFrame({"id": [1, 2, 3], "customer_id": [10, 11, 99]}).write_parquet(tmp_path / "orders.parquet")
    pl.DataFrame({"id": [10, 11, 12]}).write_parquet(tmp_path / "customers.parquet")
    code, out, err = cli("run", "suites", "--no-history", "--json", "run.json", cwd=tmp_path)
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    (ref,) = [
        r for d in report["datasets"] for r in d["results"] if r["check_id"] == "orders.columns.customer_id.references"
    ]
    assert (ref["status"], ref["failing_count"], ref["samples"]) == ("failed", 1, ["99"])
    assert code == 1
