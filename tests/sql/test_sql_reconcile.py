"""``reconcile:`` on every database the SQL reader runs for real (PostgreSQL, MariaDB, SQLite):
a table against a file and a file against a table, every aggregate function, groups per day,
text compared by value. The PostgreSQL cases of tests/reconcile go further (table vs table)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_suite
from tests.reconcile import planted
from tests.sql.sql_databases import URL_ENV, Database

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
FUNCTIONS = ("sum", "mean", "min", "max", "count")


def _reconcile(against: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "crm", "against": against, "key": "id", "keys": {}, "row_count": {},
        "aggregates": [
            *({"function": f, "column": "amount", "max_difference": 1e-6} for f in FUNCTIONS),
            {"function": "max", "column": "day"},
            {"function": "sum", "column": "amount", "by": "day", "per": "day", "max_difference": 1e-6},
            {"function": "count", "column": "id", "by": "status"},
        ],
        "rows": {"columns": ["amount", "status"]},
    }  # fmt: skip


def _statuses(tmp_path: Path, cli: Any, db: Database) -> dict[str, dict[str, Any]]:
    code, out, err = cli("run", "orders.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env={URL_ENV: db.url})
    assert code == 1, out + err
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    return {r["check_id"].removeprefix("orders.reconcile.crm."): r for r in report["datasets"][0]["results"]}


def _assert_planted(r: dict[str, dict[str, Any]]) -> None:
    assert (r["keys.missing"]["failing_count"], r["keys.missing"]["samples"]) == (3, ["3", "5", "7"])
    assert (r["keys.extra"]["failing_count"], r["keys.extra"]["samples"]) == (2, ["900", "901"])
    assert (r["row_count"]["observed"], r["row_count"]["expected"]["value"]) == (299, 300)
    here, there = planted.orders(), planted.crm()
    for f in FUNCTIONS:
        got = r[f"aggregates.{f}.amount"]
        assert got["observed"] == pytest.approx(getattr(here["amount"], f)()), f
        assert got["expected"]["value"] == pytest.approx(getattr(there["amount"], f)()), f
    assert r["aggregates.max.day"]["status"] == "passed"
    assert [g["group"] for g in r["aggregates.sum.amount.by.day"]["details"]["groups"]] == [
        "2026-11-01", "2026-11-02", "2026-11-04", "2026-11-06", "2026-11-08",
    ]  # fmt: skip
    by_status = {g["group"]: (g["here"], g["against"]) for g in r["aggregates.count.id.by.status"]["details"]["groups"]}
    assert by_status == {"closed": (99, 100), "open": (101, 100), "shipped": (99, 100)}
    assert (r["rows"]["failing_count"], r["rows"]["samples"]) == (1, ["id=10: amount 1000 here, 10 there"])


def test_a_file_against_a_table(database: Database, tmp_path: Path, cli: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table = database.load(planted.crm(), "crm")
    write_suite(tmp_path, data=planted.orders(), suite_name="orders.yml", name="orders",
                schema={"extra_columns": "allow"}, top={"reconcile": [_reconcile({"connection": "db", "table": table})]})  # fmt: skip
    _assert_planted(_statuses(tmp_path, cli, database))


def test_a_table_against_a_file(database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    planted.crm().write_parquet(tmp_path / "crm.parquet")
    table_suite(database, planted.orders(), table="orders", name="orders", suite_name="orders.yml",
                schema={"extra_columns": "allow"}, top={"reconcile": [_reconcile({"path": "crm.parquet"})]})  # fmt: skip
    _assert_planted(_statuses(tmp_path, cli, database))


def test_text_groups_and_keys_are_compared_byte_for_byte(database: Database, tmp_path: Path, cli: Any) -> None:
    """MariaDB's collations fold case and trailing spaces; the reconciliation does not."""
    import polars as pl

    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    frame = pl.DataFrame({"code": ["a", "A", "b "], "n": [1, 2, 3]})
    table = database.load(frame, "codes")
    reconcile = {"name": "crm", "against": {"connection": "db", "table": table}, "key": "code", "keys": {},
                 "aggregates": [{"function": "sum", "column": "n", "by": "code"}]}  # fmt: skip
    write_suite(tmp_path, data=frame.with_columns(pl.col("code").str.strip_chars()), suite_name="orders.yml",
                name="orders", top={"reconcile": [reconcile]}, schema={"extra_columns": "allow"})  # fmt: skip
    r = _statuses(tmp_path, cli, database)
    assert (r["keys.missing"]["failing_count"], r["keys.missing"]["samples"]) == (1, ["b "])
    assert (r["keys.extra"]["failing_count"], r["keys.extra"]["samples"]) == (1, ["b"])
    groups = r["aggregates.sum.n.by.code"]["details"]["groups"]
    assert groups == [{"group": "b", "here": 3, "against": None}, {"group": "b ", "here": None, "against": 3}]


def test_two_tables_of_one_database_compare_their_keys_in_it(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    """NOT EXISTS in the database, each table under its own filter; text byte for byte; composite keys."""
    import polars as pl

    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    there = pl.DataFrame({"code": ["a", "A", "b", "c", "z"], "n": [1, 1, 2, 3, 9]})
    table = database.load(there, "codes")
    reconcile = {"name": "crm", "against": {"connection": "db", "table": table, "filter": "n < 9"},
                 "key": ["code", "n"], "keys": {}}  # fmt: skip
    here = pl.DataFrame({"code": ["a", "b", "c", "d", None, "q"], "n": [1, 2, 4, 5, 1, 100]})
    table_suite(database, here, table="here", name="orders", suite_name="orders.yml", schema={"extra_columns": "allow"},
                dataset_extra={"filter": "n < 100"}, top={"reconcile": [reconcile]})  # fmt: skip
    r = _statuses(tmp_path, cli, database)
    assert (r["keys.missing"]["failing_count"], r["keys.missing"]["samples"]) == (2, ["A, 1", "c, 3"])
    assert (r["keys.extra"]["failing_count"], r["keys.extra"]["samples"]) == (2, ["c, 4", "d, 5"])
    assert {r[k]["details"]["compared_in"] for k in ("keys.missing", "keys.extra")} == {"database"}
