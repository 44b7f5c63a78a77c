"""``stewardgate export odcs``: the contract validates against the ODCS JSON schema (the one the
open-data-contract-standard package ships), and ``import odcs`` of it gives back an equivalent
suite; what does not survive is exactly what the export (or its custom properties) names."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from stewardgate.importers.odcs import convert_odcs
from stewardgate.importers.odcs_export import export_odcs, round_trip_losses
from stewardgate.suite.loader import load_suite

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted((REPO / "suites").glob("*.yml"))


def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads((resources.files("open_data_contract_standard") / "schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


def _same(value: Any) -> Any:
    """Bounds compared by meaning: a date bound on a datetime column is that day's midnight."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, dict):
        return {k: _same(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same(v) for v in value]
    return value


def _differences(original: dict[str, Any], back: dict[str, Any]) -> set[str]:
    """The keys (``columns.email.pii``, ``stewardship.risk_tier``, ``schema``...) that differ."""
    out = set()
    for key in sorted(set(original) | set(back) - {"version"}):
        a, b = original.get(key), back.get(key)
        if key == "schema" and b == {"extra_columns": "allow"}:
            b = None if a is None else b
        if isinstance(a, dict) and isinstance(b, dict) and key in ("columns", "stewardship", "dataset"):
            for sub in sorted(set(a) | set(b)):
                x, y = a.get(sub), b.get(sub)
                if key == "columns" and isinstance(x, dict) and isinstance(y, dict):
                    out |= {f"columns.{sub}.{r}" for r in set(x) | set(y) if _same(x.get(r)) != _same(y.get(r))}
                elif _same(x) != _same(y):
                    out.add(f"{key}.{sub}")
        elif _same(a) != _same(b):
            out.add(key)
    return out


def _round_trip(suite: Path) -> tuple[dict[str, Any], set[str], list[str]]:
    loaded = load_suite(suite)
    exported = export_odcs(loaded)
    contract = YAML(typ="safe", pure=True).load(exported.text)
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(contract)]
    assert errors == []
    result = convert_odcs(contract, source="x.odcs.yaml", dataset_template="{physical_name}")
    (back,) = result.suites
    assert result.complete, [str(f) for f in result.lost]
    return contract, _differences(loaded.located.data, back.data), round_trip_losses(exported)


LOST = {
    "customers": {"dataset.csv", "schema", "governance"},
    "events": {"schema", "governance"},
    "orders": {"columns.amount.max", "schema", "gate", "governance"},  # amount.max warns: a bound has no severity
}


@pytest.mark.parametrize("suite", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_each_sample_suite_round_trips_through_odcs_losing_only_what_the_export_names(suite: Path) -> None:
    _, differences, losses = _round_trip(suite)
    assert differences == set(losses) == LOST[suite.stem]


FULL = """\
version: 1
dataset: {name: deliveries, path: deliveries.parquet}
stewardship:
  owner: ops@example.com
  steward: sam@example.com
  retention: {period: 18mo, column: delivered_at}
  classification: confidential
  risk_tier: high
  recertify_by: 2027-01-31
  known_limitations: [late on holidays]
  permitted_uses: [analytics, reporting]
  description: One row per delivery.
columns:
  delivery_id: {type: int64, nullable: false, unique: true}
  carrier: {type: string, classification: internal, in_set: {value: [UPS, DHL], severity: warn}, regex: "^[A-Z]+$"}
  weight: {type: float32, min: 0, max: 500, max_null_fraction: 0.1, max_null_count: 3}
  code: {type: string, min_length: 2, max_length: 4, unique: {value: true, severity: warn}}
  delivered_at: {type: datetime, nullable: {value: false, severity: warn}}
  day: {type: date}
  price: {type: decimal}
expectations:
  - expect_table_row_count_to_be_between: {min_value: 1, max_value: 1000000}
  - expect_column_values_to_be_between: {column: weight, max_value: 500, strict_max: true, severity: warn}
freshness: {column: delivered_at, max_age: 26h, every: 1d, available_by: "09:00-08:00"}
"""


def test_a_suite_odcs_expresses_whole_round_trips_exactly(tmp_path: Path) -> None:
    suite = tmp_path / "deliveries.yml"
    suite.write_text(FULL, encoding="utf-8")
    contract, differences, losses = _round_trip(suite)
    assert (differences, losses) == (set(), [])
    assert contract["slaProperties"] == [
        {"property": "retention", "value": 18, "unit": "months", "element": "deliveries.delivered_at"},
        {"property": "latency", "value": 26, "unit": "h", "element": "deliveries.delivered_at"},
        {"property": "frequency", "value": 1, "unit": "d", "element": "deliveries.delivered_at"},
        {"property": "timeOfAvailability", "value": "09:00-08:00", "element": "deliveries.delivered_at"},
    ]


def test_the_cli_writes_the_contract_and_lists_what_odcs_cannot_express(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:  # fmt: skip
    (tmp_path / "deliveries.yml").write_text(FULL, encoding="utf-8")
    code, out, err = cli("export", "odcs", "deliveries.yml", "-o", "deliveries.odcs.yaml", cwd=tmp_path)
    assert (code, out, err) == (0, "", "wrote deliveries.odcs.yaml\n")
    text = (tmp_path / "deliveries.odcs.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Exported from deliveries.yml by `stewardgate export odcs`.\napiVersion: v3.1.0\n")
    waived = FULL + "schema: {extra_columns: error}\nfreshness_note: x\n"
    (tmp_path / "bad.yml").write_text(waived, encoding="utf-8")
    code, _, err = cli("export", "odcs", "bad.yml", cwd=tmp_path)
    assert code == 2 and "bad.yml:" in err and "freshness_note: unknown key" in err
    (tmp_path / "policy.yml").write_text(FULL.replace("freshness:", "schema: {extra_columns: error}\nfreshness:"),
                                         encoding="utf-8")  # fmt: skip
    code, out, err = cli("export", "odcs", "policy.yml", cwd=tmp_path)
    assert code == 1
    assert out.startswith("# Exported from policy.yml by `stewardgate export odcs`.\n# NOT EXPRESSED (1): ")
    assert err == "not expressed: policy.yml: schema: the schema policy (extra columns, order, empty)\n"
