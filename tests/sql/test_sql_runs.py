"""Table datasets end to end through the CLI: history, drift baselines, waivers, reports, filters,
and every kind of bad input (a clear error naming suite, connection and table, exit 2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.runner import RunOptions, run_paths
from tests.sql.sql_databases import CONNECTIONS, SERVERS, URL_ENV, Database

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'


def _orders(n: int = 300) -> pl.DataFrame:
    start = date(2026, 11, 1)
    return pl.DataFrame({
        "id": list(range(n)),
        "amount": [-1.0] + [float(i % 97) for i in range(1, n)],
        "status": [("open", "shipped", "closed")[i % 3] for i in range(n)],
        "day": [start + timedelta(days=i % 40) for i in range(n)],
    })  # fmt: skip


def _env(db: Database) -> dict[str, str]:
    return {URL_ENV: db.url}


def test_a_table_run_keeps_history_drift_baselines_and_waivers(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    waiver = {
        "check": "columns.amount.min",
        "reason": "refund rows",
        "approved_by": "jane@example.com",
        "expires": date(2026, 12, 31),
    }
    table_suite(
        database, _orders(), name="orders", schema={"extra_columns": "allow"},
        columns={"id": {"unique": True, "nullable": False}, "amount": {"min": 0}, "status": {"in_set": ["open", "shipped", "closed"]}},
        dataset_extra={"filter": "day <= {as_of}"},
        top={"anomalies": [{"metric": "row_count"}], "waivers": [waiver], "drift": {"distribution": {"columns": ["amount"]}}},
    )  # fmt: skip
    store = f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("run", "suite.yml", "--store", store, "--json", "run.json", cwd=tmp_path, env=_env(database))
    assert (code, err) == (0, ""), out
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    (ds,) = report["datasets"]
    statuses = {r["check_id"]: r["status"] for r in ds["results"]}
    assert statuses["orders.columns.amount.min"] == "waived"
    assert statuses["orders.columns.id.unique"] == "passed"
    assert ds["data"]["format"] == "table"
    assert ds["row_count"] == sum(1 for i in range(300) if i % 40 <= 26)  # the filter's slice: day <= {as_of}
    code, out, err = cli("baseline", "accept", "suite.yml", "--reason", "first", "--by", "jane", "--store", store, cwd=tmp_path,
                         env=_env(database))  # fmt: skip
    assert (code, err) == (0, ""), out
    q = database.engine.dialect.identifier_preparer.quote
    name = f"{q(database.schema)}.{q('t')}" if database.schema else q("t")
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER TABLE {name} DROP COLUMN {q('status')}")
    code, out, _ = cli("run", "suite.yml", "--store", store, "-q", cwd=tmp_path, env=_env(database))
    assert code == 1
    said = {
        line.split()[1]: line.split()[0] for line in out.splitlines() if line.startswith(("  FAIL", "  WARN", "  INFO"))
    }
    assert said["orders.columns.status.required"] == "FAIL"
    assert said["orders.drift.schema.status.column_removed"] == "INFO"  # the drift against the accepted baseline


def test_text_is_compared_as_polars_compares_it(database: Database, table_suite: Callable[..., Path]) -> None:
    """Case and trailing spaces count (MariaDB's default collation ignores both)."""
    frame = pl.DataFrame({"s": ["a", "A", "a ", "b"]})
    suite = table_suite(database, frame, columns={"s": {"unique": True, "in_set": ["a", "b"], "regex": "^a$"}})
    (d,) = run_paths([suite], RunOptions(connections=CONNECTIONS)).datasets
    got = {r.check: (r.status.value, r.failing_count, list(r.samples)) for r in d.results if r.column == "s"}
    assert got["unique"] == ("passed", 0, [])
    assert got["in_set"] == ("failed", 2, ["A", "a "])
    assert got["regex"] == ("failed", 3, ["A", "a ", "b"])


def test_the_filter_reads_only_its_slice_with_as_of_bound(database: Database, table_suite: Callable[..., Path]) -> None:
    frame = pl.DataFrame({"day": [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)], "v": [1, -1, -5]})
    suite = table_suite(database, frame, columns={"v": {"min": 0}}, dataset_extra={"filter": "day = {as_of} OR v > 0"})
    (d,) = run_paths([suite], RunOptions(connections=CONNECTIONS, as_of=date(2026, 11, 27))).datasets
    (rule,) = [r for r in d.results if r.check == "min"]
    assert (d.row_count, rule.failing_count, list(rule.samples)) == (2, 1, ["-1"])


# --- bad input ------------------------------------------------------------------------------

PG = SERVERS["postgresql"]


def _two_suites(tmp_path: Path, suite_writer: Callable[..., Path], dataset: dict[str, Any]) -> None:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    suite_writer(tmp_path / "suites", name="orders", path=None, dataset_extra=dataset, suite_name="orders.yml",
                 columns={"id": {"min": 0}})  # fmt: skip
    suite_writer(tmp_path / "suites", name="files", data=pl.DataFrame({"id": [1, -1]}), suite_name="files.yml",
                 columns={"id": {"min": 0}})  # fmt: skip


@pytest.mark.parametrize(
    ("dataset", "url", "said"),
    [
        ({"connection": "nowhere", "table": "t"}, PG, "connection 'nowhere' is not defined in the settings"),
        ({"connection": "db", "table": "t"}, "", f"the environment variable {URL_ENV} (url_env) is not set"),
        ({"connection": "db", "table": "t"}, "postgresql+psycopg://postgres:hunter2pw@127.0.0.1:1/test", "connection"),
        (
            {"connection": "db", "table": "t"},
            "postgresql+psycopg://nosuchrole:hunter2pw@127.0.0.1:5432/test",
            "nosuchrole",
        ),
        ({"connection": "db", "table": "t"}, "mysql+pymysql://root:hunter2pw@127.0.0.1:3306/test", "Access denied"),
        ({"connection": "db", "table": "no_such_schema.t"}, PG, "the schema 'no_such_schema' does not exist"),
        ({"connection": "db", "table": "public.no_such_table_sg"}, PG, "the table does not exist"),
    ],
    ids=[
        "unknown-connection",
        "unset-url",
        "unreachable",
        "wrong-role",
        "wrong-password",
        "missing-schema",
        "missing-table",
    ],
)
@pytest.mark.postgres
@pytest.mark.mariadb
def test_bad_input_is_an_error_for_that_dataset_alone(
    dataset: dict[str, Any], url: str, said: str, tmp_path: Path, suite_writer: Callable[..., Path], cli: Any
) -> None:  # fmt: skip
    _two_suites(tmp_path, suite_writer, dataset)
    code, out, err = cli("run", "suites", "--no-history", cwd=tmp_path, env={URL_ENV: url} if url else {})
    assert code == 2, out + err
    (line,) = [ln for ln in err.splitlines() if ln.startswith("error: orders:")]
    assert (
        f"orders.yml: connection '{dataset['connection']}', table {dataset['table']}" in line or "not defined" in line
    )
    assert said in line
    assert "hunter2pw" not in out + err and "Traceback" not in out + err
    assert "files.columns.id.min" in out  # the other dataset is still judged


def test_an_unmappable_column_type_is_an_error_naming_the_column(
    database: Database, tmp_path: Path, suite_writer: Callable[..., Path], cli: Any
) -> None:  # fmt: skip
    if database.kind == "sqlite":
        ddl = 'CREATE TABLE "t" ("id" INTEGER, "doc" JSON)'
    elif database.kind == "postgresql":
        ddl = f'CREATE TABLE "{database.schema}"."t" ("id" BIGINT, "doc" JSONB)'
    else:
        ddl = f"CREATE TABLE `{database.schema}`.`t` (`id` BIGINT, `doc` GEOMETRY)"
    with database.engine.begin() as conn:
        conn.exec_driver_sql(ddl)
    _two_suites(tmp_path, suite_writer, {"connection": "db", "table": database.qualified("t")})
    code, out, err = cli("run", "suites", "--no-history", cwd=tmp_path, env=_env(database))
    assert code == 2
    assert "column 'doc' has type" in err and "cannot map" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("id > 0; DROP TABLE t", "ONE boolean expression"),
        ("id IN (SELECT id FROM other)", "SUBQUERY"),
        ("created_at > now()", "the function NOW"),
        ("id", "must be a boolean condition"),
        ("id >", "does not parse"),
    ],
)
def test_a_bad_filter_is_a_suite_error(
    text: str, said: str, tmp_path: Path, suite_writer: Callable[..., Path], cli: Any
) -> None:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    suite_writer(tmp_path, name="orders", path=None, dataset_extra={"connection": "db", "table": "t", "filter": text})
    code, out, err = cli("run", "suite.yml", "--no-history", cwd=tmp_path, env={URL_ENV: PG})
    assert code == 2
    assert "suite.yml:2" in err and "dataset.filter" in err and said in err, err


EXPECTATIONS = [
    {"expect_table_row_count_to_be_between": {"min_value": 2, "max_value": 10}},
    {"expect_table_columns_to_match_set": {"column_set": ["id", "amount", "status", "day"]}},
    {"expect_column_mean_to_be_between": {"column": "amount", "min_value": 0, "max_value": 1}},
    {"expect_column_max_to_be_between": {"column": "day", "min_value": date(2026, 11, 30)}},
    {"expect_column_min_to_be_between": {"column": "id", "min_value": 0}},
    {"expect_column_sum_to_be_between": {"column": "id", "max_value": 1000}},
    {"expect_column_values_to_not_be_null": {"column": "status", "mostly": 0.9}},
]


def test_pushed_expectations_match_the_polars_engine(
    database: Database, table_suite: Callable[..., Path], suite_writer: Callable[..., Path], tmp_path: Path
) -> None:  # fmt: skip
    frame = _orders(40).with_columns(
        pl.when(pl.col("id") % 7 == 0).then(None).otherwise(pl.col("status")).alias("status")
    )
    on_table = table_suite(database, frame, top={"expectations": EXPECTATIONS}, folder=tmp_path / "table")
    on_file = suite_writer(tmp_path / "file", data=frame, top={"expectations": EXPECTATIONS})
    (table,) = run_paths([on_table], RunOptions(connections=CONNECTIONS)).datasets
    (file,) = run_paths([on_file], RunOptions()).datasets

    def seen(d: Any) -> list[tuple[str, str, Any]]:
        return [(r.check_id, r.status.value, r.observed) for r in d.results if ".expectations." in r.check_id]

    assert seen(table) == seen(file)
    assert {s for _, s, _ in seen(table)} == {"passed", "failed"}


def test_an_expectation_not_pushed_down_runs_in_gx_on_the_rows(
    database: Database, table_suite: Callable[..., Path]
) -> None:
    """(The parity with files is in test_sql_row_expectations.py.)"""
    entry = {"expect_column_values_to_match_strftime_format": {"column": "status", "strftime_format": "%Y"}}
    suite = table_suite(database, _orders(5), top={"expectations": [entry]})
    (d,) = run_paths([suite], RunOptions(connections=CONNECTIONS)).datasets
    (r,) = [r for r in d.results if ".expectations." in r.check_id]
    assert (r.status.value, r.engine, r.failing_count) == ("failed", "gx", 5)
    assert not d.gate.passed


def test_init_drafts_a_suite_from_a_table_that_then_runs(database: Database, tmp_path: Path, cli: Any) -> None:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    frame = _orders(60).with_columns(pl.format("user{}@example.com", pl.col("id")).alias("email"))
    table = database.load(frame, "orders")
    code, out, err = cli("init", table, "--connection", "db", "-o", "orders.yml", cwd=tmp_path, env=_env(database))
    assert code == 0, err
    text = (tmp_path / "orders.yml").read_text(encoding="utf-8")
    assert "connection: db" in text and f"table: {table}" in text and "a SQL table, profiled in its database" in text
    assert "pii: email" in text and "unique: true" in text  # the head sample and the exact distinct count
    filled = text.replace("OWNER_PLACEHOLDER", "a@example.com")
    import re

    filled = re.sub(r"owner: .*", "owner: a@example.com", filled)
    filled = re.sub(r"steward: .*", "steward: b@example.com", filled)
    (tmp_path / "orders.yml").write_text(filled, encoding="utf-8")
    code, out, err = cli("run", "orders.yml", "--no-history", cwd=tmp_path, env=_env(database))
    assert code in (0, 1) and "Traceback" not in err, out + err
    assert "orders.columns.id.unique" in out


def test_a_filter_keeps_percent_signs_and_colons_literal(database: Database, table_suite: Callable[..., Path]) -> None:
    frame = pl.DataFrame({"s": ["a%:1", "a%:2", "b:3", "a_x"], "v": [1, -1, -2, -3]})
    suite = table_suite(database, frame, columns={"v": {"min": 0}}, dataset_extra={"filter": "s LIKE 'a%:%'"})
    (d,) = run_paths([suite], RunOptions(connections=CONNECTIONS)).datasets
    (rule,) = [r for r in d.results if r.check == "min"]
    assert (d.error, d.row_count, rule.failing_count, list(rule.samples)) == (None, 2, 1, ["-1"])
