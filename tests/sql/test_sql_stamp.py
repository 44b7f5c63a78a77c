"""Stewardship stamps in a SQL table's comment, end to end through the CLI: ``stamp`` writes it
(PostgreSQL ``COMMENT ON TABLE``, MariaDB's table comment), ``inspect`` reads it back, ``run``'s
stamp check compares it with the suite; every refusal is a located exit 2 with nothing written
(no comment, no audit entry). SQLite keeps no table comments: ``stamp`` refuses, the run skips.

The servers at 127.0.0.1 must be up: a test FAILS, never skips, when one is not (sql_databases).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from stewardgate.governance.stamp import STAMP_FORMAT, STAMP_VERSION, stamp_document
from stewardgate.suite.loader import load_suites
from tests.sql.conftest import SERVER_MARKS
from tests.sql.sql_databases import URL_ENV, Database, server

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
TRICKY = "Orders | 'quoted' \"double\" back\\slash 100% :name \n second line, é, 😀"
"""Quotes, a backslash, a percent sign, a colon, a newline, a Latin and an astral character."""
STEWARDSHIP = {"classification": "confidential", "risk_tier": "medium", "description": TRICKY}
DOCUMENT_KEYS = set(stamp_document(load_suites([Path(__file__).parents[2] / "suites" / "orders.yml"])[0],
                                   at=datetime(2026, 12, 1, tzinfo=UTC)))  # fmt: skip
"""The keys of the document a file's stamp holds."""


@pytest.fixture(params=[pytest.param(kind, marks=SERVER_MARKS[kind]) for kind in ("postgresql", "mariadb")])
def server_db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """PostgreSQL and MariaDB in turn, each test in its own ``sg_<uuid8>`` schema or database."""
    for db in server(request.param):
        monkeypatch.setenv(URL_ENV, db.url)
        yield db


def _project(tmp_path: Path, db: Database, table_suite: Callable[..., Path], **stewardship: Any) -> Path:
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    frame = pl.DataFrame({"id": [1, 2, 3], "amount": [1.0, 2.5, 4.0]})
    suite = table_suite(db, frame, name="orders", columns={"id": {"nullable": False}},
                        stewardship_extra={**STEWARDSHIP, **stewardship})  # fmt: skip
    # suite_text writes JSON's surrogate-pair escape, which YAML reads as two lone surrogates
    suite.write_text(suite.read_text(encoding="utf-8").replace("\\ud83d\\ude00", "😀"), encoding="utf-8")
    return suite


def _name(db: Database, table: str = "t") -> str:
    q = db.engine.dialect.identifier_preparer.quote
    return f"{q(db.schema)}.{q(table)}" if db.schema else q(table)


def comment_of(db: Database, table: str = "t") -> str | None:
    """The table's comment, read by the test's own admin connection."""
    text: str | None = sa.inspect(db.engine).get_table_comment(table, schema=db.schema or None).get("text")
    return text


def set_comment(db: Database, text: str) -> None:
    """Another tool's comment on the table (the tests' texts hold no quote)."""
    assert "'" not in text
    with db.engine.connect() as conn:
        if db.kind == "postgresql":
            conn.exec_driver_sql(f"COMMENT ON TABLE {_name(db)} IS '{text}'")
        else:
            conn.exec_driver_sql(f"ALTER TABLE {_name(db)} COMMENT = %s", (text,))


def _stamp_result(report: dict[str, Any]) -> dict[str, Any]:
    (ds,) = report["datasets"]
    (result,) = [r for r in ds["results"] if r["check_id"] == "orders.governance.stamp_match"]
    return dict(result)


def _run(cli: Any, tmp_path: Path, db: Database, *extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = cli("run", "suite.yml", "--no-history", "--json", "run.json", *extra, cwd=tmp_path,
                         env={URL_ENV: db.url})  # fmt: skip
    assert "Traceback" not in err and (tmp_path / "run.json").exists(), out + err
    return code, json.loads((tmp_path / "run.json").read_text(encoding="utf-8")), out


def _audit(cli: Any, tmp_path: Path, store: str) -> list[dict[str, Any]]:
    code, out, err = cli("audit", "log", "--kind", "stamp", "--format", "json", "--store", store, cwd=tmp_path)
    assert code == 0, err
    return list(json.loads(out))


def test_stamp_writes_the_comment_that_inspect_and_the_run_read_back(
    server_db: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db, env = server_db, {URL_ENV: server_db.url}
    suite = _project(tmp_path, db, table_suite)
    store = f"sqlite:///{tmp_path / 'history.db'}"
    code, report, _ = _run(cli, tmp_path, db)
    before = _stamp_result(report)
    assert (code, before["status"]) == (0, "skipped")
    assert (
        before["message"]
        == "skipped: the table carries no stewardship stamp (write one into its comment: stewardgate stamp SUITE)"
    )

    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env=env)
    assert (code, err) == (0, ""), out
    database = {"postgresql": "PostgreSQL", "mariadb": "MariaDB"}[db.kind]
    assert out.splitlines() == [
        f"orders: stamped table db:{db.qualified('t')} ({database} table comment)",
        "audit: entry 1 (stamp orders)",
    ]
    stored = comment_of(db)
    assert stored is not None and "😀" not in stored and "\\ud83d\\ude00" in stored  # utf8mb3-safe on MariaDB too
    document = json.loads(stored)
    (loaded,) = load_suites([suite])
    assert set(document) == DOCUMENT_KEYS  # what a file's stamp holds
    assert (document["format"], document["version"], document["dataset"]) == (STAMP_FORMAT, STAMP_VERSION, "orders")
    assert document["stewardship"] == loaded.suite.stewardship.model_dump(mode="json")
    assert document["stewardship"]["description"] == TRICKY
    assert document["suite"]["sha256"] == loaded.sha256

    code, out, err = cli("inspect", "suite.yml", "--format", "json", cwd=tmp_path, env=env)
    assert (code, err) == (0, "")
    shown = json.loads(out)
    assert shown["dataset"] == f"db:{db.qualified('t')}" and shown["format"] == "table"
    assert [f["stamp"] for f in shown["files"]] == [document]
    code, out, err = cli("inspect", "suite.yml", cwd=tmp_path, env=env)
    assert code == 0 and out.splitlines()[0] == f"db:{db.qualified('t')}  (table comment)"
    assert "    owner           owner@example.com" in out.splitlines()

    code, report, _ = _run(cli, tmp_path, db)
    matched = _stamp_result(report)
    assert (code, matched["status"], matched["message"]) == (
        0,
        "passed",
        "the table's stamp (its comment) matches the suite",
    )

    text = suite.read_text(encoding="utf-8")
    suite.write_text(text.replace("steward@example.com", "new.steward@example.com"), encoding="utf-8")
    code, report, _ = _run(cli, tmp_path, db)
    stale = _stamp_result(report)
    assert (code, stale["status"], stale["severity"]) == (0, "info", "info")
    assert (
        stale["message"]
        == "the stamp is out of date (steward differ from the suite); stamp again: stewardgate stamp SUITE"
    )

    suite.write_text(text.replace("owner@example.com", "other@example.com"), encoding="utf-8")
    code, report, out = _run(cli, tmp_path, db)
    wrong = _stamp_result(report)
    assert (code, wrong["status"], wrong["severity"]) == (1, "failed", "error")
    assert wrong["message"] == "the data names owner 'owner@example.com', the suite 'other@example.com'"
    assert not report["datasets"][0]["gate"]["passed"]

    (entry,) = _audit(cli, tmp_path, store)
    assert entry["subject"] == "orders" and entry["payload"]["table"] == f"db:{db.qualified('t')}"
    assert entry["payload"]["stewardship"] == document["stewardship"] and "replaced_comment" not in entry["payload"]
    code, out, err = cli("audit", "verify", "--store", store, cwd=tmp_path)
    assert code == 0, out + err


def test_a_stale_table_stamp_is_waived_and_reported_like_any_check(
    server_db: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db = server_db
    suite = _project(tmp_path, db, table_suite)
    code, _, err = cli("stamp", "suite.yml", "--store", f"sqlite:///{tmp_path / 'h.db'}", cwd=tmp_path,
                       env={URL_ENV: db.url})  # fmt: skip
    assert code == 0, err
    waiver = ("waivers:\n  - {check: governance.stamp_match, reason: owner handover, approved_by: jane@example.com, "
              "expires: 2026-12-31}\n")  # fmt: skip
    suite.write_text(suite.read_text(encoding="utf-8").replace("owner@example.com", "new@example.com") + waiver,
                     encoding="utf-8")  # fmt: skip
    code, report, _ = _run(cli, tmp_path, db, "--junit", "run.xml")
    result = _stamp_result(report)
    assert (code, result["status"]) == (0, "waived")
    assert result["message"].startswith("the data names owner 'owner@example.com', the suite 'new@example.com'")
    junit = (tmp_path / "run.xml").read_text(encoding="utf-8")
    assert 'name="orders.governance.stamp_match"' in junit


def test_a_comment_that_is_not_a_stamp_is_kept_unless_forced(
    server_db: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db, env = server_db, {URL_ENV: server_db.url}
    _project(tmp_path, db, table_suite)
    store = f"sqlite:///{tmp_path / 'history.db'}"
    set_comment(db, "Orders, loaded nightly by the ETL")
    code, report, _ = _run(cli, tmp_path, db)
    assert (_stamp_result(report)["status"], _stamp_result(report)["message"]) == (
        "skipped",
        "skipped: the table's comment is not a stewardship stamp (stewardgate stamp --force SUITE replaces it; "
        "the audit trail keeps the old comment)",
    )
    code, out, err = cli("inspect", "suite.yml", cwd=tmp_path, env=env)
    assert code == 0
    assert out.splitlines()[1] == (
        "  no stewardship stamp: the table's comment is not a stewardgate stamp: 'Orders, loaded nightly by the ETL'"
    )

    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env=env)
    assert code == 2 and out == ""
    assert err == (
        f"error: suite suite.yml: connection 'db', table {db.qualified('t')}: the table's comment is "
        "not a stewardgate stamp ('Orders, loaded nightly by the ETL'); stamp --force replaces it (its text is kept "
        "in the audit entry); nothing was written\n"
    )
    assert comment_of(db) == "Orders, loaded nightly by the ETL"
    assert _audit(cli, tmp_path, store) == []

    code, out, err = cli("stamp", "suite.yml", "--force", "--store", store, cwd=tmp_path, env=env)
    assert (code, err) == (0, ""), out
    assert "  replaced its earlier comment (33 characters, kept in the audit entry)" in out.splitlines()
    assert json.loads(comment_of(db) or "")["format"] == STAMP_FORMAT
    (entry,) = _audit(cli, tmp_path, store)
    assert entry["payload"]["replaced_comment"] == "Orders, loaded nightly by the ETL"
    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env=env)  # a stamp replaces a stamp
    assert code == 0, err


def test_a_stamp_too_long_for_a_mariadb_comment_is_refused(
    server_db: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db, env = server_db, {URL_ENV: server_db.url}
    _project(tmp_path, db, table_suite, description="x" * 2100)
    store = f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env=env)
    if db.kind == "postgresql":  # no practical limit there
        assert code == 0, err
        assert len(comment_of(db) or "") > 2100
        return
    assert code == 2 and "Traceback" not in err
    where = f"suite suite.yml: connection 'db', table {db.qualified('t')}"
    assert err.startswith(f"error: {where}: the stamp is ")
    assert err.endswith(
        " characters and MariaDB keeps at most 2048 in a table comment: shorten stewardship.description or "
        "known_limitations; nothing was written\n"
    )
    assert comment_of(db) is None and _audit(cli, tmp_path, store) == []


@pytest.fixture
def reader(server_db: Database) -> Iterator[str]:
    """A login that may read the test's table but not change it; its URL. Dropped afterwards."""
    db, name = server_db, f"{server_db.schema}_reader"
    with db.engine.connect() as conn:
        if db.kind == "postgresql":
            for sql in (f'CREATE ROLE "{name}" LOGIN', f'GRANT USAGE ON SCHEMA "{db.schema}" TO "{name}"',
                        f'GRANT SELECT ON ALL TABLES IN SCHEMA "{db.schema}" TO "{name}"'):  # fmt: skip
                conn.exec_driver_sql(sql)
        else:
            conn.exec_driver_sql(f"CREATE USER '{name}'@'%%'")  # %%: PyMySQL formats the text
            conn.exec_driver_sql(f"GRANT SELECT ON `{db.schema}`.* TO '{name}'@'%%'")
    url = (f"postgresql+psycopg://{name}@127.0.0.1:5432/test" if db.kind == "postgresql"
           else f"mysql+pymysql://{name}@127.0.0.1:3306/{db.schema}")  # fmt: skip
    try:
        yield url
    finally:
        with db.engine.connect() as conn:
            if db.kind == "postgresql":
                conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
                conn.exec_driver_sql(f'DROP ROLE "{name}"')
            else:
                conn.exec_driver_sql(f"DROP USER '{name}'@'%%'")


def test_no_privilege_to_comment_is_a_located_error_with_nothing_written(
    server_db: Database, table_suite: Callable[..., Path], reader: str, tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db = server_db
    _project(tmp_path, db, table_suite)
    set_comment(db, '{"format":"stewardgate.stamp","version":1}')  # an earlier (unreadable) stamp: replaced, if allowed
    store = f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env={URL_ENV: reader})
    assert code == 2 and "Traceback" not in err, out + err
    where = f"suite suite.yml: connection 'db', table {db.qualified('t')}"
    said = {"postgresql": "must be owner of table t", "mariadb": "ALTER command denied"}[db.kind]
    needs = {"postgresql": "to own the table on PostgreSQL", "mariadb": "the ALTER privilege on the table on MariaDB"}
    (line,) = err.splitlines()
    assert line.startswith(f"error: {where}: ") and said in line
    assert line.endswith(f"; stamp needs {needs[db.kind]} to write its comment; nothing was written")
    assert comment_of(db) == '{"format":"stewardgate.stamp","version":1}'
    assert _audit(cli, tmp_path, store) == []
    code, report, _ = _run(cli, tmp_path, db)  # the unreadable stamp fails the check
    result = _stamp_result(report)
    assert (code, result["status"]) == (1, "failed")
    assert result["message"] == (f"db:{db.qualified('t')}: unreadable stamp: the stamp has no stewardship mapping")


@pytest.mark.parametrize("case", ["wrong-password", "missing-table", "missing-schema"])
def test_bad_connections_and_missing_tables_are_located_errors(
    case: str, server_db: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    db = server_db
    _project(tmp_path, db, table_suite)
    url, table = db.url, db.qualified("t")
    if case == "wrong-password":
        url = url.replace("postgres@", "postgres:hunter2pw@").replace("root@", "nosuchuser_sg:hunter2pw@")
        if db.kind == "postgresql":
            url = url.replace("postgres:hunter2pw@", f"nosuchrole_{uuid.uuid4().hex[:6]}:hunter2pw@")
    elif case == "missing-table":
        table = db.qualified("no_such_table")
    else:
        table = "no_such_schema_sg.t"
    suite = tmp_path / "suite.yml"
    suite.write_text(suite.read_text(encoding="utf-8").replace(db.qualified("t"), table), encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'history.db'}"
    for command in (("stamp", "suite.yml", "--store", store), ("inspect", "suite.yml")):
        code, out, err = cli(*command, cwd=tmp_path, env={URL_ENV: url})
        assert code == 2, (command, out, err)
        (line,) = err.splitlines()
        assert line.startswith(f"error: suite suite.yml: connection 'db', table {table}: "), line
        said = {"wrong-password": ("nosuch", "denied", "failed"), "missing-table": ("the table does not exist",),
                "missing-schema": ("the schema 'no_such_schema_sg' does not exist",)}[case]  # fmt: skip
        assert any(s in line for s in said), line
        assert "hunter2pw" not in out + err and "Traceback" not in err
    assert not (tmp_path / "history.db").exists()  # the connection is refused before the store is opened
    assert comment_of(db) is None


def test_sqlite_keeps_no_table_comments_so_stamp_refuses_and_the_run_skips(
    tmp_path: Path, suite_writer: Callable[..., Path], cli: Any
) -> None:  # fmt: skip
    url = f"sqlite:///{tmp_path / 'data.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql('CREATE TABLE "orders" ("id" INTEGER)')
        conn.exec_driver_sql('INSERT INTO "orders" VALUES (1), (2)')
    engine.dispose()
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    suite_writer(tmp_path, name="orders", path=None, dataset_extra={"connection": "db", "table": "orders"},
                         columns={"id": {"nullable": False}})  # fmt: skip
    env, store = {URL_ENV: url}, f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("stamp", "suite.yml", "--store", store, cwd=tmp_path, env=env)
    assert (code, out) == (2, "")
    assert err == (
        "error: suite suite.yml: connection 'db', table orders: SQLite keeps no table comments, so stamp cannot "
        "attach the stewardship to the table (it stays in the suite; a run's stamp_match check is skipped there, "
        "saying so; docs/sql.md)\n"
    )
    assert not (tmp_path / "history.db").exists()
    code, out, err = cli("run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env=env)
    assert code == 0, err
    result = _stamp_result(json.loads((tmp_path / "run.json").read_text(encoding="utf-8")))
    assert (result["status"], result["message"]) == (
        "skipped",
        "skipped: SQLite keeps no table comments: a table there carries no stewardship stamp, so there is nothing to compare "
        "(the stewardship is in the suite alone; docs/sql.md)",
    )
    code, out, err = cli("inspect", "suite.yml", cwd=tmp_path, env=env)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "db:orders  (table comment)",
        "  no stewardship stamp: SQLite keeps no table comments: the table can carry no stamp",
    ]
    code, out, err = cli("stamp", "suite.yml", "--force", cwd=tmp_path, env=env)
    assert code == 2 and "SQLite keeps no table comments" in err


def test_force_is_refused_for_a_file_suite(tmp_path: Path, suite_writer: Callable[..., Path], cli: Any) -> None:
    suite_writer(tmp_path, data=pl.DataFrame({"id": [1]}))
    code, out, err = cli("stamp", "suite.yml", "--force", "--store", f"sqlite:///{tmp_path / 'h.db'}", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == "error: suite.yml: --force is for a SQL table's comment; a file's stamp replaces the earlier one\n"
    assert not (tmp_path / "h.db").exists()


def test_an_audit_entry_that_cannot_be_written_leaves_the_comment_unchanged(
    server_db: Database, table_suite: Callable[..., Path], tmp_path: Path
) -> None:  # fmt: skip
    """``record`` runs before the comment is committed (PostgreSQL) or written (MariaDB)."""
    from stewardgate.governance.table_stamp import stamp_table
    from stewardgate.readers.sql.comment import commented_table
    from tests.sql.sql_databases import CONNECTIONS

    db = server_db
    (loaded,) = load_suites([_project(tmp_path, db, table_suite)])
    set_comment(db, '{"format":"stewardgate.stamp","version":0}')
    seen: list[str | None] = []

    def record(_report: Any) -> None:
        seen.append(comment_of(db))  # what another session sees while the audit entry is written
        raise RuntimeError("the audit store is gone")

    with (
        pytest.raises(RuntimeError, match="the audit store is gone"),
        commented_table(loaded.suite.dataset, suite=loaded.path, connections=CONNECTIONS) as table,
    ):
        stamp_table(loaded, table, at=datetime(2026, 12, 1, tzinfo=UTC), record=record)
    assert seen == ['{"format":"stewardgate.stamp","version":0}']
    assert comment_of(db) == '{"format":"stewardgate.stamp","version":0}'


def test_the_comment_text_is_the_file_stamp_with_astral_characters_escaped() -> None:
    from stewardgate.governance.stamp import stamp_text
    from stewardgate.governance.table_stamp import comment_text

    document = {"format": STAMP_FORMAT, "stewardship": {"description": "é ü 😀 𝄞 \\ \" '"}}
    text = comment_text(document)
    assert json.loads(text) == document and text.isascii() is False  # é stays as it is
    assert text == stamp_text(document).replace("😀", "\\ud83d\\ude00").replace("𝄞", "\\ud834\\udd1e")
    assert all(ord(c) <= 0xFFFF for c in text)
