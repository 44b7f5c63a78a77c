"""``reconcile:`` with PostgreSQL tables through the CLI: a file against a table, a table against a
table (each side's figures pushed down to its database), a reference into a table's suite, and a
table that does not exist (exit 2). Each test gets its own schema, dropped afterwards; the server
must be reachable (the test fails, never skips, when it is not)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import write_suite
from tests.reconcile import planted
from tests.sql.sql_databases import URL_ENV, Database, server

pytestmark = pytest.mark.postgres
SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
KEYS = {"key": "id", "keys": {}}
AGGREGATES = [
    {"function": "sum", "column": "amount", "max_difference": 1e-6},
    {"function": "sum", "column": "amount", "by": "day", "per": "day", "max_difference": 1e-6},
]


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Database]:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    yield from server("postgresql")


def _run(tmp_path: Path, cli: Any, db: Database, *suites: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    code, out, err = cli("run", *suites, "--no-history", "--json", "run.json", cwd=tmp_path, env={URL_ENV: db.url})
    path = tmp_path / "run.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"datasets": []}
    return code, {r["check_id"]: r for d in results["datasets"] for r in d["results"]}, out + err


def _assert_planted(r: dict[str, dict[str, Any]], prefix: str) -> None:
    assert (r[f"{prefix}.row_count"]["observed"], r[f"{prefix}.row_count"]["expected"]["value"]) == (299, 300)
    missing, extra = r[f"{prefix}.keys.missing"], r[f"{prefix}.keys.extra"]
    assert (missing["status"], missing["failing_count"], missing["samples"]) == ("failed", 3, ["3", "5", "7"])
    assert (extra["status"], extra["failing_count"], extra["samples"]) == ("failed", 2, ["900", "901"])
    total = r[f"{prefix}.aggregates.sum.amount"]
    assert total["observed"] == pytest.approx(planted.orders()["amount"].sum())
    assert total["expected"]["value"] == pytest.approx(planted.crm()["amount"].sum())
    per_day = r[f"{prefix}.aggregates.sum.amount.by.day"]
    assert [g["group"] for g in per_day["details"]["groups"]] == [
        "2026-11-01", "2026-11-02", "2026-11-04", "2026-11-06", "2026-11-08",
    ]  # fmt: skip
    rows = r[f"{prefix}.rows"]
    assert (rows["failing_count"], rows["row_count"], rows["samples"]) == (
        1, 297, ["id=10: amount 1000 here, 10 there"]
    )  # fmt: skip
    assert {r[f"{prefix}.{s}"]["status"] for s in ("row_count", "aggregates.sum.amount", "rows")} == {"failed"}


def test_a_file_against_a_postgresql_table(pg: Database, tmp_path: Path, cli: Any) -> None:
    table = pg.load(planted.crm(), "crm")
    reconcile = {"name": "crm", "against": {"connection": "db", "table": table}, **KEYS, "row_count": {},
                 "aggregates": AGGREGATES, "rows": {"columns": ["amount", "status"]}}  # fmt: skip
    write_suite(tmp_path, data=planted.orders(), data_name="orders.parquet", suite_name="orders.yml", name="orders",
                schema={"extra_columns": "allow"}, top={"reconcile": [reconcile]})  # fmt: skip
    code, r, out = _run(tmp_path, cli, pg, "orders.yml")
    assert code == 1, out
    _assert_planted(r, "orders.reconcile.crm")
    assert r["orders.reconcile.crm.row_count"]["message"].endswith(f"in db:{table} (difference -1); allowed: equal")


def test_a_table_against_a_table_and_a_reference_into_a_tables_suite(pg: Database, tmp_path: Path, cli: Any) -> None:
    crm, orders = pg.load(planted.crm(), "crm"), pg.load(planted.orders(), "orders")
    write_suite(tmp_path, path=None, suite_name="crm.yml", name="crm", schema={"extra_columns": "allow"},
                dataset_extra={"connection": "db", "table": crm})  # fmt: skip
    reconcile = {"against": {"dataset": "crm"}, **KEYS, "row_count": {}, "aggregates": AGGREGATES,
                 "rows": {"columns": ["amount", "status"]}}  # fmt: skip
    write_suite(tmp_path, path=None, suite_name="orders.yml", name="orders", schema={"extra_columns": "allow"},
                dataset_extra={"connection": "db", "table": orders}, columns={"id": {"references": "crm.id"}},
                top={"reconcile": [reconcile]})  # fmt: skip
    code, r, out = _run(tmp_path, cli, pg, "orders.yml", "crm.yml")
    assert code == 1, out
    _assert_planted(r, "orders.reconcile.crm")
    ref = r["orders.columns.id.references"]
    assert (ref["status"], ref["failing_count"], ref["samples"]) == ("failed", 2, ["900", "901"])
    for check in (
        "orders.reconcile.crm.keys.missing",
        "orders.reconcile.crm.keys.extra",
        "orders.columns.id.references",
    ):
        assert r[check]["details"]["compared_in"] == "database"  # one database: no key left it


def test_a_filtered_table_that_agrees_passes(pg: Database, tmp_path: Path, cli: Any) -> None:
    table = pg.load(planted.crm(), "crm")
    reconcile = {"name": "crm", "against": {"connection": "db", "table": table, "filter": "id < 100"}, **KEYS,
                 "row_count": {}, "aggregates": [{"function": "count", "column": "id"}]}  # fmt: skip
    write_suite(tmp_path, data=planted.crm().filter(pl.col("id") < 100), suite_name="orders.yml",
                name="orders", schema={"extra_columns": "allow"}, top={"reconcile": [reconcile]})  # fmt: skip
    code, r, out = _run(tmp_path, cli, pg, "orders.yml")
    assert code == 0, out
    assert {k: v["status"] for k, v in r.items() if ".reconcile." in k} == dict.fromkeys(
        ["orders.reconcile.crm.row_count", "orders.reconcile.crm.keys.missing", "orders.reconcile.crm.keys.extra",
         "orders.reconcile.crm.aggregates.count.id"], "passed",
    )  # fmt: skip


def test_a_table_that_does_not_exist_or_a_key_of_another_type(pg: Database, tmp_path: Path, cli: Any) -> None:
    text = pg.load(planted.crm().with_columns(pl.col("id").cast(pl.String)), "text_ids")
    missing = {"name": "gone", "against": {"connection": "db", "table": f"{pg.schema}.nosuch"}, "row_count": {}}
    write_suite(tmp_path, data=planted.orders(), suite_name="gone.yml", name="orders",
                schema={"extra_columns": "allow"}, top={"reconcile": [missing]})  # fmt: skip
    code, _, out = _run(tmp_path, cli, pg, "gone.yml")
    assert code == 2
    assert "gone.yml:" in out and f": reconcile.0.against: db:{pg.schema}.nosuch cannot be read: " in out
    assert "the table does not exist" in out and "Traceback" not in out
    typed = {"name": "typed", "against": {"connection": "db", "table": text}, **KEYS}
    write_suite(tmp_path, data=planted.orders(), suite_name="typed.yml", name="orders",
                schema={"extra_columns": "allow"}, top={"reconcile": [typed]})  # fmt: skip
    code, r, out = _run(tmp_path, cli, pg, "typed.yml")
    assert code == 1, out
    result = r["orders.reconcile.typed.keys.missing"]
    assert result["status"] == "errored"
    assert result["message"].startswith("key types differ: column id is integer (Int64) here and id is text (String)")
