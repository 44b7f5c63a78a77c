"""Expectations that do not compile to a table's aggregate query run on its rows (read once with
connectorx, the filter and ``{as_of}`` applied), in GX or the compiled polars query as on a file:
the same verdicts, counts, samples and messages as the same slice in a Parquet file, through the
CLI, on PostgreSQL, MariaDB and SQLite (docs/sql.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.readers.sql.rows import connectorx_url
from tests.conftest import AS_OF
from tests.sql.sql_databases import URL_ENV, Database, server

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
FILTER = {"filter": "day <= {as_of}"}
EXPECTATIONS = [
    {"expect_column_values_to_match_strftime_format": {"column": "stamp", "strftime_format": "%Y-%m-%d"}},
    {"expect_column_pair_values_a_to_be_greater_than_b": {"column_A": "hi", "column_B": "lo", "or_equal": True}},
    {"expect_column_values_to_be_in_type_list": {"column": "id", "type_list": ["int64", "Int64"]}},
    {"expect_column_values_to_be_between": {"column": "hi", "min_value": 0}},  # compiled for polars, not for SQL
    {"expect_column_min_to_be_between": {"column": "id", "min_value": 0}},  # pushed into the aggregate query
]
ON_ROWS = {
    "t.expectations.stamp.expect_column_values_to_match_strftime_format": "gx",
    "t.expectations.hi+lo.expect_column_pair_values_a_to_be_greater_than_b": "gx",
    "t.expectations.id.expect_column_values_to_be_in_type_list": "gx",
    "t.expectations.hi.expect_column_values_to_be_between": "polars",
}
PUSHED = "t.expectations.id.expect_column_min_to_be_between"


@pytest.fixture
def pg_db() -> Iterator[Database]:
    """PostgreSQL alone (a schema of its own, dropped afterwards; fails when the server is down)."""
    yield from server("postgresql")


def _but_engine(results: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    return {cid: (status, *rest) for cid, (status, _, *rest) in results.items()}


def _orders(n: int = 60, *, bad: bool) -> pl.DataFrame:
    """``n`` rows over 40 days from 2026-11-01; ``bad``: planted faults (every 7th stamp is not a
    date, every 5th pair has hi < lo, every 11th hi is negative)."""
    start = date(2026, 11, 1)
    rows = range(n)
    return pl.DataFrame({
        "id": list(rows),
        "day": [start + timedelta(days=i % 40) for i in rows],
        "stamp": [f"x{i}" if bad and i % 7 == 0 else (start + timedelta(days=i)).isoformat() for i in rows],
        "hi": [(-1.0 if bad and i % 11 == 0 else float(i)) for i in rows],
        "lo": [(float(i) + 2 if bad and i % 5 == 0 else float(i) - 1) for i in rows],
    })  # fmt: skip


def _slice(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows ``day <= {as_of}`` selects (what the file holds)."""
    return frame.filter(pl.col("day") <= date.fromisoformat(AS_OF))


def _run(cli: Any, folder: Path, env: dict[str, str], *more: str) -> tuple[int, dict[str, Any], str]:
    store = more if "--store" in more else ("--no-history", *more)
    code, out, err = cli("run", "suite.yml", "--json", "run.json", *store, cwd=folder, env=env)
    assert "Traceback" not in err, err
    return code, json.loads((folder / "run.json").read_text(encoding="utf-8")), out + err


def _expectations(record: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    (ds,) = record["datasets"]
    return {
        r["check_id"]: (r["status"], r["engine"], r["failing_count"], r["samples"], r["message"], r["observed"],
                        r["row_count"], r["failing_fraction"], r["details"])
        for r in ds["results"] if ".expectations." in r["check_id"]
    }  # fmt: skip


def _table_and_file(
    database: Database, table_suite: Callable[..., Path], suite_writer: Callable[..., Path], tmp_path: Path,
    frame: pl.DataFrame, expectations: list[dict[str, Any]], columns: dict[str, Any] | None = None,
) -> tuple[Path, Path]:  # fmt: skip
    table, file = tmp_path / "table", tmp_path / "file"
    table.mkdir()
    (table / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    top = {"expectations": expectations}
    table_suite(database, frame, top=top, dataset_extra=FILTER, folder=table, columns=columns)
    suite_writer(file, data=_slice(frame), top=top, columns=columns)
    return table, file


@pytest.mark.parametrize("bad", [False, True], ids=["good", "faulty"])
def test_expectations_on_rows_give_what_the_same_slice_gives_in_a_file(
    bad: bool, database: Database, table_suite: Callable[..., Path], suite_writer: Callable[..., Path],
    tmp_path: Path, cli: Any,
) -> None:  # fmt: skip
    frame = _orders(bad=bad)
    table, file = _table_and_file(database, table_suite, suite_writer, tmp_path, frame, EXPECTATIONS)
    code, on_table, said = _run(cli, table, {URL_ENV: database.url})
    file_code, on_file, _ = _run(cli, file, {})
    got = _expectations(on_table)
    assert _but_engine(got) == _but_engine(_expectations(on_file))
    assert code == file_code == (1 if bad else 0), said
    assert {cid: engine for cid, (_, engine, *_) in got.items()} == {**ON_ROWS, PUSHED: "sql"}
    statuses = {cid.split(".")[-1]: (status, failing) for cid, (status, _, failing, *_) in got.items()}
    rows = _slice(frame)
    assert on_table["datasets"][0]["row_count"] == rows.height == 47  # the filter's slice, not the table's 60 rows
    if not bad:
        assert {s for s, _ in statuses.values()} == {"passed"}
        return
    planted = {
        "expect_column_values_to_match_strftime_format": rows.filter(pl.col("stamp").str.starts_with("x")).height,
        "expect_column_pair_values_a_to_be_greater_than_b": rows.filter(pl.col("hi") < pl.col("lo")).height,
        "expect_column_values_to_be_between": rows.filter(pl.col("hi") < 0).height,
    }
    assert planted == {"expect_column_values_to_match_strftime_format": 7,
                       "expect_column_pair_values_a_to_be_greater_than_b": 13,
                       "expect_column_values_to_be_between": 5}  # fmt: skip
    for kind, count in planted.items():
        assert statuses[kind] == ("failed", count)
    assert statuses["expect_column_values_to_be_in_type_list"][0] == "passed"
    stamp = got["t.expectations.stamp.expect_column_values_to_match_strftime_format"]
    assert stamp[3] == ["x0", "x7", "x14", "x21", "x42"]


def test_an_expectation_on_a_missing_column_errors_as_on_a_file(
    database: Database, table_suite: Callable[..., Path], suite_writer: Callable[..., Path], tmp_path: Path,
    cli: Any,
) -> None:  # fmt: skip
    entries = [
        {"expect_column_values_to_be_between": {"column": "nope", "min_value": 0}},
        {"expect_column_values_to_match_strftime_format": {"column": "nope", "strftime_format": "%Y"}},
    ]
    table, file = _table_and_file(database, table_suite, suite_writer, tmp_path, _orders(bad=False), entries)
    _, on_table, _ = _run(cli, table, {URL_ENV: database.url})
    _, on_file, _ = _run(cli, file, {})
    got = _expectations(on_table)
    assert got == _expectations(on_file)
    assert {status for status, *_ in got.values()} == {"errored"}
    assert {r[6] for r in got.values()} == {47}  # the slice's rows, though no column was read


def test_a_sensitive_columns_samples_are_masked_as_on_a_file(
    database: Database, table_suite: Callable[..., Path], suite_writer: Callable[..., Path], tmp_path: Path,
    cli: Any,
) -> None:  # fmt: skip
    columns = {"stamp": {"classification": "restricted"}}
    table, file = _table_and_file(database, table_suite, suite_writer, tmp_path, _orders(bad=True), EXPECTATIONS[:1],
                                  columns=columns)  # fmt: skip
    _, on_table, _ = _run(cli, table, {URL_ENV: database.url})
    _, on_file, _ = _run(cli, file, {})
    (got,) = _expectations(on_table).values()
    assert _but_engine(_expectations(on_table)) == _but_engine(_expectations(on_file))
    assert (got[0], got[2], got[3]) == ("failed", 7, ["***"] * 5) and "x0" not in json.dumps(on_table)


def test_plan_lists_each_check_with_the_executor_it_runs_on(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _orders(bad=True), top={"expectations": EXPECTATIONS}, dataset_extra=FILTER)
    env = {URL_ENV: database.url}
    code, out, err = cli("plan", "suite.yml", cwd=tmp_path, env=env)
    assert (code, err) == (0, "")
    planned = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:]}
    _, record, _ = _run(cli, tmp_path, env)
    (ds,) = record["datasets"]
    ran = {r["check_id"]: r["engine"] for r in ds["results"]}
    assert {cid: planned[cid] for cid in ran} == ran  # every result was planned, on its executor
    assert set(planned) - set(ran) == {"t.drift.schema", "t.schema.empty"}  # quiet until a baseline / no rows
    assert {cid: planned[cid] for cid in [*ON_ROWS, PUSHED]} == {**ON_ROWS, PUSHED: "sql"}
    assert "read from the table with connectorx" in out


def test_the_rows_are_read_once_for_every_expectation_on_rows(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    import connectorx

    queries: list[str] = []
    real = connectorx.read_sql

    def counted(url: str, query: str, **kw: Any) -> Any:
        queries.append(query)
        return real(url, query, **kw)

    monkeypatch.setattr(connectorx, "read_sql", counted)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _orders(bad=True), top={"expectations": EXPECTATIONS}, dataset_extra=FILTER)
    code, _, said = _run(cli, tmp_path, {URL_ENV: database.url})
    assert code == 1, said
    (query,) = queries  # one read, of the four expectations' columns only, with the filter and as-of date
    assert "2026-11-27" in query and "day" not in query.split("WHERE")[0].lower()
    for name in ("id", "stamp", "hi", "lo"):
        assert name in query.split("FROM")[0]


@pytest.mark.postgres
def test_a_column_connectorx_cannot_read_errors_its_expectations_and_shows_no_password(
    pg_db: Database, tmp_path: Path, suite_writer: Callable[..., Path], cli_process: Any
) -> None:  # fmt: skip
    """PostgreSQL ``interval`` and ``time with time zone`` map to dtypes files have, but connectorx
    cannot read them: the expectations reading them are errored with the reason (they block), the
    others still run on their rows."""
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table = f'"{pg_db.schema}"."t"'
    with pg_db.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE {table} (id BIGINT, wait INTERVAL, at TIMETZ, s TEXT)")
        conn.exec_driver_sql(f"INSERT INTO {table} VALUES (1, '5 seconds', '01:02:03+02', 'a'), (2, NULL, NULL, 'b')")
    entries = [
        {"expect_column_values_to_be_of_type": {"column": "wait", "type_": "timedelta64[us]"}},
        {"expect_column_values_to_not_be_in_set": {"column": "at", "value_set": []}},
        {"expect_column_values_to_match_strftime_format": {"column": "s", "strftime_format": "%Y"}},
    ]
    suite_writer(tmp_path, path=None, dataset_extra={"connection": "db", "table": pg_db.qualified("t")},
                 top={"expectations": entries})  # fmt: skip
    url = pg_db.url.replace("postgres@", "postgres:hunter2pw@")  # trust auth: the password is not checked
    code, record, said = _run(cli_process, tmp_path, {URL_ENV: url})  # a process: a Rust panic would print to fd 2
    assert code == 1
    got = {cid.split(".")[2]: (status, engine, message) for cid, (status, engine, _, _, message, *_) in
           _expectations(record).items()}  # fmt: skip
    why = "errored: the rows could not be read from the table with connectorx: column "
    assert got["wait"] == ("errored", "gx", why + "'wait': connectorx cannot read PostgreSQL interval columns")
    assert got["at"] == (
        "errored", "polars", why + "'at': connectorx cannot read PostgreSQL time with time zone columns"
    )  # fmt: skip
    assert got["s"][:2] == ("failed", "gx")
    assert "hunter2pw" not in said + json.dumps(record) and "panicked" not in said


def test_waivers_reports_and_the_audit_chain_take_the_checks_on_rows(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    entry = EXPECTATIONS[0]
    waiver = {"check": "t.expectations.stamp.expect_column_values_to_match_strftime_format", "reason": "legacy rows",
              "approved_by": "jane@example.com", "expires": date(2026, 12, 31)}  # fmt: skip
    table_suite(database, _orders(bad=True), top={"expectations": [entry, EXPECTATIONS[1]], "waivers": [waiver]},
                dataset_extra=FILTER)  # fmt: skip
    store = f"sqlite:///{tmp_path / 'history.db'}"
    env = {URL_ENV: database.url}
    code, record, said = _run(cli, tmp_path, env, "--junit", "run.xml", "--html", "run.html", "--store", store)
    assert code == 1, said  # the pair still fails
    got = _expectations(record)
    assert got[waiver["check"]][0] == "waived"
    assert got["t.expectations.hi+lo.expect_column_pair_values_a_to_be_greater_than_b"][0] == "failed"
    junit = (tmp_path / "run.xml").read_text(encoding="utf-8")
    assert "expect_column_pair_values_a_to_be_greater_than_b" in junit and "<failure" in junit
    assert "expect_column_values_to_match_strftime_format" in (tmp_path / "run.html").read_text(encoding="utf-8")
    code, out, err = cli("audit", "verify", "--store", store, cwd=tmp_path)  # the stored run is in the audit chain
    assert (code, err) == (0, "") and "stored runs match the chain: 1 covered by record digests" in out, out


def test_connectorx_url_keeps_credentials_and_uses_plain_schemes(tmp_path: Path) -> None:
    assert connectorx_url("postgresql+psycopg://u:p%40ss@h:5432/db") == (
        "postgresql://u:p%40ss@h:5432/db?connect_timeout=10&options=-c%20TimeZone%3DUTC"
    )
    assert connectorx_url("mysql+pymysql://root@127.0.0.1:3306/test") == "mysql://root@127.0.0.1:3306/test"
    assert connectorx_url("mariadb://root@127.0.0.1/test") == "mysql://root@127.0.0.1/test"
    assert connectorx_url(f"sqlite:///{tmp_path}/x.db") == f"sqlite://{tmp_path}/x.db"


def test_a_read_failure_errors_only_the_expectations_on_the_failing_column(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    """connectorx refusing one column (here made to, quoting a secret) errors the expectations
    reading it, with the driver's reason and no secret; the other columns are read and judged."""
    import connectorx

    real = connectorx.read_sql

    def refusing(url: str, query: str, **kw: Any) -> Any:
        if "stamp" in query.split("FROM")[0]:
            raise RuntimeError(f"db error: cannot decode column stamp for {url}")
        return real(url, query, **kw)

    monkeypatch.setattr(connectorx, "read_sql", refusing)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _orders(bad=False), top={"expectations": EXPECTATIONS[:2]}, dataset_extra=FILTER)
    url = database.url.replace("postgres@", "postgres:hunter2pw@")  # PostgreSQL's trust auth ignores it
    code, record, said = _run(cli, tmp_path, {URL_ENV: url})
    assert code == 1, said
    got = _expectations(record)
    status, _, _, _, message, *_ = got["t.expectations.stamp.expect_column_values_to_match_strftime_format"]
    assert status == "errored"
    assert message.startswith("errored: the rows could not be read from the table with connectorx: column 'stamp': "
                              "db error: cannot decode column stamp for ")  # fmt: skip
    assert got["t.expectations.hi+lo.expect_column_pair_values_a_to_be_greater_than_b"][0] == "passed"
    assert "hunter2pw" not in said + json.dumps(record)
    if database.kind == "postgresql":
        assert "postgres:***@" in message


def test_a_failed_read_errors_every_expectation_on_rows_and_nothing_else(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    """connectorx failing on every query (a connection it cannot make): each expectation on rows is
    errored with the reason, once probed (no per-column retries); the pushed one is judged."""
    import connectorx

    queries: list[str] = []

    def failing(url: str, query: str, **kw: Any) -> Any:
        queries.append(query)
        raise RuntimeError("db error: connection refused")

    monkeypatch.setattr(connectorx, "read_sql", failing)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _orders(bad=False), top={"expectations": EXPECTATIONS}, dataset_extra=FILTER)
    code, record, said = _run(cli, tmp_path, {URL_ENV: database.url})
    assert code == 1, said
    got = _expectations(record)
    why = "errored: the rows could not be read from the table with connectorx: column "
    for cid in ON_ROWS:
        status, _, _, _, message, *_ = got[cid]
        assert status == "errored" and message.startswith(why) and message.endswith(": db error: connection refused")
    assert got[PUSHED][0] == "passed"
    assert len(queries) == 2 and queries[1] == "SELECT 1 AS one"  # the read, then the connection probe
