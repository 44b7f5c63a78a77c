"""Store URLs, engines and the translation of database errors into :class:`StoreError`.

This is the boundary where SQLAlchemy and driver exceptions enter stewardgate: everything
below it raises :class:`~stewardgate.errors.StoreError` (``from exc``), with a message that
names the store by its URL with the password hidden, and never contains the password
(:mod:`stewardgate.redact`: in the user info, unencoded or not, in the query, without a scheme).

* ``None`` means the SQLite file the caller names (``.stewardgate/history.db`` in the working folder).
* ``postgresql://`` and ``postgres://`` are read as ``postgresql+psycopg://`` (psycopg 3).
* SQLite connections run in WAL mode, with a 30 s busy timeout and foreign keys on; write
  transactions start with ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing.
* PostgreSQL connections get a 10 s connect timeout unless the URL sets one.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Engine, make_url

from stewardgate.errors import StoreError
from stewardgate.redact import encoded, safe_url, scrub, url_secrets

SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 10
READ_ONLY = "stewardgate_read_only"
"""Execution option: a connection that only reads (SQLite then begins a deferred transaction)."""

_PG_ALIASES = {"postgresql", "postgres"}
_SCHEMA_NAME = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Target:
    """Where a store lives: its URL and the safe text that names it in messages."""

    url: URL
    where: str
    secrets: tuple[str, ...]


def target_for(url: str | None, *, default_path: Path) -> Target:
    """Parse a store URL (``None``: the SQLite file at ``default_path``)."""
    if url is None:
        parsed = URL.create("sqlite", database=str(default_path))
    else:
        parsed = _parse(url)
    if parsed.drivername in _PG_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    rendered = parsed.render_as_string(hide_password=False)
    secrets = tuple(url_secrets(rendered) + (url_secrets(url) if url else []))
    return Target(url=parsed, where=scrub(safe_url(rendered), list(secrets)), secrets=secrets)


def _parse(url: str) -> URL:
    try:
        return make_url(encoded(url))
    except (exc.ArgumentError, ValueError) as err:  # ValueError: e.g. a port that is no number
        shown = safe_url(url)
        raise StoreError(
            f"the store URL {shown!r} is not a database URL "
            "(expected e.g. postgresql+psycopg://user@host:5432/db or sqlite:///path/history.db)"
        ) from err


def create_engine(target: Target, *, schema: str | None = None) -> Engine:
    """An engine for ``target``, configured for its backend; bad drivers become StoreError."""
    backend = target.url.get_backend_name()
    if schema is not None and backend != "postgresql":
        raise StoreError(f"a schema can only be given for a PostgreSQL store, not {target.where}")
    try:
        if backend == "sqlite":
            return _sqlite_engine(target)
        if backend == "postgresql":
            return _postgresql_engine(target.url, schema)
        return sa.create_engine(target.url, pool_pre_ping=True)
    except exc.NoSuchModuleError as err:
        raise StoreError(
            f"cannot use the store at {target.where}: unknown database driver {target.url.drivername!r}"
        ) from err
    except ImportError as err:
        raise StoreError(
            f"cannot use the store at {target.where}: the driver for {target.url.drivername!r} is not installed ({err})"
        ) from err
    except exc.ArgumentError as err:  # e.g. ?port=abc: the dialect refuses the URL's arguments
        raise StoreError(f"cannot use the store at {target.where}: {reason(err, target)}") from err


def _sqlite_engine(target: Target) -> Engine:
    url = target.url
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            message = f"cannot create the folder of the store at {target.where}: {err}"
            raise StoreError(message) from err
    engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module (it would not BEGIN before DDL),
    # so that every SQLAlchemy transaction, DDL included, is a real SQLite transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch to WAL, retrying while busy: SQLite does not wait (busy_timeout) when two
    connections switch a new file to WAL at the same moment, it fails one at once."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            busy = getattr(err, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_on_begin(conn: sa.Connection) -> None:
    read_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _postgresql_engine(url: URL, schema: str | None) -> Engine:
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    if schema is not None:
        if not _SCHEMA_NAME.match(schema):
            raise StoreError(f"invalid PostgreSQL schema name {schema!r} (letters, digits, _)")
        options = str(url.query.get("options", ""))
        connect_args["options"] = f"{options} -csearch_path={schema}".strip()
        url = url.difference_update_query(["options"])
    return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)


@contextmanager
def translated(action: str, target: Target) -> Iterator[None]:
    """Turn database errors raised inside the block into StoreError: ``{action} the store at …``."""
    try:
        yield
    except exc.SQLAlchemyError as err:
        why = reason(err, target)
        raise StoreError(f"{action} the history store at {target.where}: {why}") from err


def reason(err: BaseException, target: Target) -> str:
    """The driver's own words for ``err`` on one line, with the password scrubbed out."""
    source = getattr(err, "orig", None) or err
    text = " ".join(str(source).split()) or type(source).__name__
    return scrub(text, list(target.secrets))
