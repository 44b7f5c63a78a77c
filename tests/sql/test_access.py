"""Access declarations against real databases, end to end through the CLI.

PostgreSQL: roles created for the test (roles are cluster-wide: a unique prefix per test, each
dropped afterwards, with what it owns, even when the test fails) hold direct, inherited,
column-level and PUBLIC grants on a table; the run must find each undeclared grantee and
each missing grant by name, keep the observed access, compare it with an accepted baseline,
and take part in waivers and reports. MariaDB: accounts and roles (created with a unique prefix,
dropped afterwards) with global, database, table, column, role and PUBLIC grants. SQLite tables:
every access check is errored with the reason (never a silent pass).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.sql.sql_databases import URL_ENV, Database, server

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
ROLES = ("owner", "analysts", "alice", "bob", "loader", "pii", "sneaky", "reporting", "newbie", "auditor")


@pytest.fixture
def pg() -> Iterator[Database]:
    """A schema of its own on the real PostgreSQL server (fails, never skips, when it is unreachable)."""
    yield from server("postgresql")


@pytest.fixture
def roles(pg: Database) -> Iterator[dict[str, str]]:
    """The test's roles, ``sgacc_<uuid8>_<name>``; dropped (with what they own) afterwards."""
    prefix = f"sgacc_{uuid.uuid4().hex[:8]}_"
    names = {r: f"{prefix}{r}" for r in ROLES}
    created: list[str] = []
    try:
        with pg.engine.connect() as conn:
            for short, name in names.items():
                conn.exec_driver_sql(f'CREATE ROLE "{name}"' + (" LOGIN" if short in ("alice", "bob") else ""))
                created.append(name)
            conn.exec_driver_sql(f'GRANT "{names["analysts"]}" TO "{names["alice"]}"')
            conn.exec_driver_sql(f'GRANT pg_read_all_data TO "{names["auditor"]}"')  # reads every table of the cluster
        yield names
    finally:
        with pg.engine.connect() as conn:
            listed = ", ".join(f'"{n}"' for n in created)
            if created:
                conn.exec_driver_sql(f"DROP OWNED BY {listed} CASCADE")
                conn.exec_driver_sql(f"DROP ROLE {listed}")


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"id": [1, 2, 3], "email": ["a@example.com", "b@example.com", "c@example.com"],
                         "amount": [1.0, 2.0, 3.0]})  # fmt: skip


def _sql(db: Database, *statements: str) -> None:
    with db.engine.connect() as conn:
        for statement in statements:  # PyMySQL's paramstyle is format: a literal % is written %%
            conn.exec_driver_sql(statement.replace("%", "%%") if db.kind == "mariadb" else statement)


def _results(folder: Path) -> dict[str, dict[str, Any]]:
    report = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    return {r["check_id"]: r for r in report["datasets"][0]["results"]}


def _access(found: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {cid.removeprefix("orders.access."): r["status"] for cid, r in found.items() if ".access." in cid}


def test_postgres_effective_access_is_judged_per_role_and_against_the_baseline(
    pg: Database, roles: dict[str, str], table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    r = roles
    table = f'"{pg.schema}"."t"'
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    waiver = {"check": f"access.grants.{r['bob']}", "reason": "bob's read goes in Q1", "approved_by": "jane@example.com",
              "expires": date(2026, 12, 31)}  # fmt: skip
    access = {"read": [r["analysts"], r["pii"], r["reporting"], f"{r['owner']}x"], "write": [r["loader"]],
              "personal_data": [r["pii"]], "owner": r["owner"], "row_security": "enabled"}  # fmt: skip
    table_suite(pg, _frame(), name="orders", columns={"email": {"type": "string", "pii": "email"}},
                schema={"extra_columns": "allow"}, stewardship_extra={"classification": "confidential"},
                top={"access": access, "waivers": [waiver]})  # fmt: skip
    _sql(pg,
         f'ALTER TABLE {table} OWNER TO "{r["owner"]}"',
         f'GRANT SELECT ON {table} TO "{r["analysts"]}"',           # alice reads through analysts
         f'GRANT SELECT ON {table} TO "{r["bob"]}"',                # undeclared, direct (waived)
         f'GRANT INSERT, UPDATE ON {table} TO "{r["loader"]}"',     # the declared writer
         f'GRANT SELECT (id, email, amount) ON {table} TO "{r["pii"]}"',  # column grants, every column
         f'GRANT SELECT (email) ON {table} TO "{r["sneaky"]}"')  # undeclared, one column  # fmt: skip
    env, store = {URL_ENV: pg.url}, f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("run", "suite.yml", "--store", store, "--json", "run.json", cwd=tmp_path, env=env)
    assert (code, err) == (1, ""), out
    found = _results(tmp_path)
    assert _access(found) == {
        "observed": "passed",
        f"grants.{r['auditor']}": "failed",
        f"grants.{r['bob']}": "waived",
        f"grants.{r['owner']}x": "failed",
        f"grants.{r['reporting']}": "failed",
        f"grants.{r['sneaky']}": "failed",
        "public": "passed",
        f"personal_data.{r['auditor']}": "failed",
        f"personal_data.{r['alice']}": "failed",
        f"personal_data.{r['analysts']}": "failed",
        f"personal_data.{r['bob']}": "failed",
        f"personal_data.{r['sneaky']}": "failed",
        "owner": "passed",
        "row_security": "failed",
        "baseline": "skipped",
    }
    said = {cid.removeprefix("orders.access."): res["message"] for cid, res in found.items()}
    assert said[f"grants.{r['sneaky']}"] == (
        f"{r['sneaky']}: may read (SELECT(email); via direct) but is not in access.read or access.write"
    )
    assert said[f"grants.{r['auditor']}"] == (  # a predefined role: information_schema does not show it
        f"{r['auditor']}: may read (SELECT; via member of pg_read_all_data) but is not in access.read or access.write"
    )
    assert said[f"grants.{r['reporting']}"] == f"{r['reporting']}: missing grant: cannot read columns id, amount"
    assert (
        said[f"grants.{r['owner']}x"] == f"{r['owner']}x: is declared in access.read but does not exist in the database"
    )
    assert said[f"grants.{r['bob']}"].startswith(f"{r['bob']}: may read (SELECT; via direct) but is not in access.read")
    assert said[f"personal_data.{r['alice']}"] == (
        f"{r['alice']}: may read the personal-data column email but is not in access.personal_data"
    )
    assert said["row_security"] == "row security off, no policies; access.row_security: enabled"
    observed = found["orders.access.observed"]["observed"]
    assert observed["grantees"][r["alice"]] == {
        "privileges": ["SELECT"],
        "columns": {},
        "via": [f"member of {r['analysts']}"],
    }
    assert observed["grantees"][r["pii"]]["columns"] == {"id": ["SELECT"], "email": ["SELECT"], "amount": ["SELECT"]}
    assert observed["owners"] == [r["owner"]] and observed["public"] == {"privileges": [], "columns": {}}

    code, out, err = cli("access", "accept", "suite.yml", "--reason", "reviewed", "--by", "jane@example.com",
                         "--store", store, cwd=tmp_path)  # fmt: skip
    assert (code, err) == (0, ""), out
    assert out.startswith("orders: the access of run ") and "is now the access baseline" in out
    _sql(pg,
         f'GRANT SELECT ON {table} TO PUBLIC',
         f'GRANT DELETE ON {table} TO "{r["newbie"]}"',
         f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY',
         f'CREATE POLICY mine ON {table} FOR SELECT TO "{r["analysts"]}" USING (id > 0)')  # fmt: skip
    code, out, err = cli("run", "suite.yml", "--store", store, "--json", "run.json", cwd=tmp_path, env=env)
    assert (code, err) == (1, ""), out
    found = _results(tmp_path)
    access_now = _access(found)
    assert access_now["public"] == "failed"
    assert access_now[f"grants.{r['newbie']}"] == "failed"
    assert access_now["row_security"] == "passed"
    assert {k: v for k, v in access_now.items() if k.startswith("baseline")} == {
        f"baseline.{r['newbie']}": "failed", "baseline.PUBLIC": "failed", "baseline.row_security": "failed",
    }  # fmt: skip
    said = {cid.removeprefix("orders.access."): res["message"] for cid, res in found.items()}
    assert said[f"baseline.{r['newbie']}"].startswith(f"new grantee since the baseline: {r['newbie']} (DELETE); "
                                                      "access baseline of run ")  # fmt: skip
    assert said["public"] == "PUBLIC may SELECT; forbidden by access.public: false"
    assert said[f"grants.{r['newbie']}"] == f"{r['newbie']}: may write (DELETE) but is not in access.write"
    assert said["row_security"] == f"row security enabled, policies: mine (SELECT to {r['analysts']})"
    code, out, _ = cli("access", "show", "orders", "--store", store, cwd=tmp_path)
    assert code == 0 and f"    {r['alice']}  SELECT" in out and "  PUBLIC  none" in out


@pytest.fixture
def maria() -> Iterator[Database]:
    """A database of its own on the real MariaDB server (fails, never skips, when it is unreachable)."""
    yield from server("mariadb")


@pytest.mark.mariadb
def test_mariadb_grants_at_every_level_and_through_roles_are_judged_per_account(
    maria: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    p = f"sga{uuid.uuid4().hex[:6]}_"
    users, made_roles = ("alice", "bob", "sneaky", "loader", "dbreader"), ("analysts", "reporting")
    table = f"`{maria.schema}`.`t`"
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    access = {"read": [f"{p}analysts", f"{p}reporting"], "write": [f"{p}loader"], "personal_data": [f"{p}analysts"]}
    table_suite(maria, _frame(), name="orders", columns={"email": {"type": "string", "pii": "email"}},
                schema={"extra_columns": "allow"}, top={"access": access})  # fmt: skip
    created: list[str] = []
    try:
        for u in users:
            _sql(maria, f"CREATE USER '{p}{u}'@'%'")
            created.append(f"USER '{p}{u}'@'%'")
        for r in made_roles:
            _sql(maria, f"CREATE ROLE '{p}{r}'")
            created.append(f"ROLE '{p}{r}'")
        _sql(maria,
             f"GRANT '{p}analysts' TO '{p}alice'@'%'",                    # alice reads through the role
             f"GRANT SELECT ON {table} TO '{p}analysts'",
             f"GRANT SELECT ON {table} TO '{p}bob'@'%'",                  # undeclared, direct
             f"GRANT SELECT (email) ON {table} TO '{p}sneaky'@'%'",       # undeclared, one column
             f"GRANT INSERT ON {table} TO '{p}loader'@'%'",               # the declared writer
             f"GRANT SELECT ON `{maria.schema}`.* TO '{p}dbreader'@'%'")  # undeclared, the whole database  # fmt: skip
        env = {URL_ENV: maria.url}
        code, out, err = cli("run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env=env)
        assert (code, err) == (1, ""), out
        found = _results(tmp_path)
        assert _access(found) == {
            "observed": "passed",
            f"grants.{p}bob@%": "failed", f"grants.{p}dbreader@%": "failed", f"grants.{p}reporting": "failed",
            f"grants.{p}sneaky@%": "failed", "public": "passed",
            f"personal_data.{p}bob@%": "failed", f"personal_data.{p}dbreader@%": "failed",
            f"personal_data.{p}sneaky@%": "failed", "baseline": "skipped",
        }  # fmt: skip
        said = {cid.removeprefix("orders.access."): res["message"] for cid, res in found.items()}
        assert said[f"grants.{p}dbreader@%"] == (
            f"{p}dbreader@%: may read (SELECT; via database {maria.schema}.*) but is not in access.read or access.write"
        )
        assert (
            said[f"grants.{p}sneaky@%"]
            == f"{p}sneaky@%: may read (SELECT(email); via direct) but is not in access.read or access.write"
        )
        assert said[f"grants.{p}reporting"] == f"{p}reporting: missing grant: cannot read columns id, amount"
        observed = found["orders.access.observed"]["observed"]
        assert observed["grantees"][f"{p}alice@%"] == {
            "privileges": ["SELECT"],
            "columns": {},
            "via": [f"role {p}analysts"],
        }
        _sql(maria, f"GRANT SELECT ON {table} TO PUBLIC")
        created.append("")  # from here on, the PUBLIC grant is revoked afterwards
        code, out, err = cli("run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env=env)
        assert (
            _results(tmp_path)["orders.access.public"]["message"]
            == "PUBLIC may SELECT; forbidden by access.public: false"
        )
    finally:
        for what in reversed([c for c in created if c]):
            _sql(maria, f"DROP {what}")
        if "" in created:  # a table's grants outlive the table in MariaDB
            _sql(maria, f"REVOKE SELECT ON {table} FROM PUBLIC")


@pytest.mark.mariadb
def test_mariadb_user_names_holding_at_signs_and_quotes_are_their_own_accounts(
    maria: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    """A MariaDB user name may hold ``@`` (``'jane@corp'@'%'``) or a quote: the account is the
    user and the host after the last ``'@'`` of the grantee, so a declared ``jane@corp`` is that
    user (not a user ``jane`` on a host ``corp'@'%``), and a plain ``jane`` is someone else."""
    p = f"sga{uuid.uuid4().hex[:6]}_"
    table = f"`{maria.schema}`.`t`"
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    access = {"read": [f"{p}jane@corp", f"{p}jane"]}
    table_suite(maria, _frame(), name="orders", schema={"extra_columns": "allow"}, top={"access": access})
    created: list[str] = []
    try:
        for account in (f"'{p}jane@corp'@'%'", f"'{p}o''b'@'10.0.%'"):
            _sql(maria, f"CREATE USER {account}")
            created.append(account)
            _sql(maria, f"GRANT SELECT ON {table} TO {account}")
        code, out, err = cli(
            "run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env={URL_ENV: maria.url}
        )
        assert (code, err) == (1, ""), out
        found = _results(tmp_path)
        assert _access(found) == {
            "observed": "passed", f"grants.{p}jane": "failed",  # jane@corp reads, as declared: no finding
            f"grants.{p}o'b@10.0.%": "failed", "public": "passed", "baseline": "skipped",
        }  # fmt: skip
        assert found[f"orders.access.grants.{p}jane"]["message"] == (
            f"{p}jane: is declared in access.read but does not exist in the database"
        )
        observed = found["orders.access.observed"]["observed"]
        assert set(observed["grantees"]) == {f"{p}jane@corp@%", f"{p}o'b@10.0.%"}
        assert observed["aliases"][f"{p}jane@corp@%"] == [f"{p}jane@corp"]
    finally:
        for account in reversed(created):
            _sql(maria, f"DROP USER {account}")


def test_access_on_sqlite_is_errored_with_the_reason(
    table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:
    import sqlalchemy as sa

    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'data.db'}"
    db = Database("sqlite", url, "", sa.create_engine(url))
    try:
        table_suite(db, _frame(), name="orders", schema={"extra_columns": "allow"},
                    top={"access": {"read": ["analysts"], "recertify_by": date(2027, 6, 30), "approver": "ciso@example.com"}})  # fmt: skip
        code, out, err = cli("run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path, env={URL_ENV: url})
        assert (code, err) == (1, ""), out
        found = _results(tmp_path)
        assert _access(found) == {"observed": "errored", "grants": "errored", "public": "errored", "baseline": "errored",
                                  "recertification": "passed"}  # fmt: skip
        assert found["orders.access.grants"]["message"] == (
            "errored: access is checked on PostgreSQL and MariaDB/MySQL tables and local files; a sqlite database has "
            "no roles or grants to compare with the declaration"
        )
    finally:
        db.engine.dispose()
