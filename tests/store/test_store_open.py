"""Opening stores: the SQLite default, URL forms, and errors that never show the password."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from stewardgate.errors import StoreError
from stewardgate.store import open_store
from stewardgate.store.engine import create_engine, target_for
from tests.store.store_testkit import PG_URL, StoreSpec

SECRET = "s3cr3t-Pa55"


def test_default_is_a_sqlite_file_whose_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "suites" / ".stewardgate" / "history.db"
    with open_store(None, default_path=path) as store:
        assert store.where == f"sqlite:///{path}"
        assert store.runs() == []
    assert path.is_file()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_spec: StoreSpec) -> None:
    sqlite_spec.open().close()
    engine = sqlite_spec.engine()
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "busy_timeout": 30000, "foreign_keys": 1}


def test_sqlite_foreign_keys_are_enforced(sqlite_spec: StoreSpec) -> None:
    sqlite_spec.open().close()
    engine = sqlite_spec.engine()
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sg_metric_values (series_id, as_of, run_ref, anomalous) VALUES (99, '2025-01-01', 99, 0)"
            )
    finally:
        engine.dispose()


def test_explicit_sqlite_url(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "h.db"
    with open_store(f"sqlite:///{path}", default_path=tmp_path / "unused.db") as store:
        assert store.where == f"sqlite:///{path}"
    assert path.is_file()
    assert not (tmp_path / "unused.db").exists()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgresql_urls_mean_psycopg(scheme: str, tmp_path: Path) -> None:
    target = target_for(f"{scheme}://u:{SECRET}@db.example:5432/x", default_path=tmp_path)
    assert target.url.drivername == "postgresql+psycopg"
    assert target.where == "postgresql+psycopg://u:***@db.example:5432/x"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("not a url", "'not a url'"),
        (f"postgresql://u:{SECRET}@host:port/db", "'postgresql://u:***@host:port/db'"),
    ],
)
def test_bad_url(url: str, shown: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url, default_path=tmp_path / "h.db")
    assert str(caught.value) == (
        f"the store URL {shown} is not a database URL (expected e.g. "
        "postgresql+psycopg://user@host:5432/db or sqlite:///path/history.db)"
    )


def test_unknown_driver(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql+nosuch://u:{SECRET}@h/db", default_path=tmp_path / "h.db")
    assert str(caught.value) == (
        "cannot use the store at postgresql+nosuch://u:***@h/db: unknown database driver 'postgresql+nosuch'"
    )


def test_driver_not_installed(tmp_path: Path) -> None:
    # mysqlclient (MySQLdb) is not a dependency; PyMySQL is (the SQL reader's MariaDB driver)
    expected = r"^cannot use the store at mysql\+mysqldb://u:\*\*\*@h/db: the driver"
    with pytest.raises(StoreError, match=expected):
        open_store(f"mysql+mysqldb://u:{SECRET}@h/db", default_path=tmp_path / "h.db")


def test_unreachable_server_is_a_store_error_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://stewardgate:{SECRET}@127.0.0.1:1/test"
    with pytest.raises(StoreError) as caught:
        open_store(url, default_path=tmp_path / "h.db")
    message = str(caught.value)
    assert message.startswith(
        "cannot open the history store at postgresql+psycopg://stewardgate:***@127.0.0.1:1/test: "
    )
    assert "refused" in message.lower()
    assert SECRET not in message
    assert caught.value.exit_code == 2


@pytest.mark.postgres
def test_password_in_driver_text_is_scrubbed(tmp_path: Path) -> None:
    # The server names the missing database, which here contains the password.
    url = sa.make_url(PG_URL).set(password=SECRET, database=f"nodb_{SECRET}")
    with pytest.raises(StoreError) as caught:
        open_store(url.render_as_string(hide_password=False), default_path=tmp_path / "h.db")
    message = str(caught.value)
    assert 'database "nodb_***" does not exist' in message
    assert SECRET not in message


def test_schema_is_for_postgresql_only(tmp_path: Path) -> None:
    target = target_for(None, default_path=tmp_path / "h.db")
    with pytest.raises(StoreError) as caught:
        create_engine(target, schema="x")
    assert str(caught.value) == (
        f"a schema can only be given for a PostgreSQL store, not sqlite:///{tmp_path / 'h.db'}"
    )


def test_bad_schema_name(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^invalid PostgreSQL schema name 'a; drop'"):
        open_store(PG_URL, default_path=tmp_path / "h.db", schema="a; drop")


@pytest.mark.postgres
def test_postgresql_url_with_search_path_option(pg_schema: str, tmp_path: Path) -> None:
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    url = f"{plain}?options=-csearch_path%3D{pg_schema}"
    open_store(url, default_path=tmp_path / "h.db").close()
    engine = sa.create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            tables = sa.inspect(conn).get_table_names(schema=pg_schema)
    finally:
        engine.dispose()
    assert sorted(tables) == [
        "sg_audit",
        "sg_catalog",
        "sg_metric_series",
        "sg_metric_values",
        "sg_results",
        "sg_runs",
        "sg_schema_snapshots",
        "stewardgate_meta",
    ]


def test_a_file_that_is_no_database(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(b"this is not a SQLite file, not even close to one" * 10)
    with pytest.raises(StoreError) as caught:
        open_store(None, default_path=path)
    assert str(caught.value) == (f"cannot open the history store at sqlite:///{path}: file is not a database")


def test_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match=r"^cannot create the folder of the store at sqlite:///"):
        open_store(None, default_path=tmp_path / "file" / "sub" / "history.db")
