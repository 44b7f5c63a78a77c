"""A named connection: its URL read from the environment, an engine, and errors without secrets.

The settings name a connection and the environment variable that holds its URL
(``[tool.stewardgate.connections.warehouse] url_env = "WAREHOUSE_URL"``); this module is the one
place that variable is read, when a dataset is opened. Every message that could quote the URL or
a driver's error goes through :func:`stewardgate.redact.scrub` first.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from stewardgate.errors import DatasetError, first_line

DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}
"""SQLAlchemy backend name -> sqlglot dialect, for the databases run for real."""
CONNECT_TIMEOUT = 10
NO_COMMENTS = {"sqlite": "SQLite keeps no table comments"}
"""sqlglot dialect -> why its tables can carry no stewardship stamp (``stamp`` writes it as the table's comment)."""


def connection_url(name: str, connections: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str:
    """The URL of connection ``name``; DatasetError if the settings or the environment lack it."""
    if name not in connections:
        known = ", ".join(sorted(connections)) or "none"
        raise DatasetError(
            f"connection '{name}' is not defined in the settings ([tool.stewardgate.connections.{name}] "
            f'with url_env = "..."; defined: {known})'
        )
    var = connections[name].url_env
    url = (os.environ if environ is None else environ).get(var, "")
    if not url:
        raise DatasetError(f"connection '{name}': the environment variable {var} (url_env) is not set or empty")
    return url


def create_engine(url: str, where: str) -> Any:
    """A SQLAlchemy engine for ``url`` with a connect timeout, sessions in UTC, and a REGEXP
    function for SQLite (polars' own regular expressions, so patterns mean the same)."""
    import sqlalchemy as sa

    from stewardgate.redact import scrub, url_secrets

    try:
        parsed = sa.engine.make_url(url)
    except Exception as exc:  # ArgumentError: not a URL
        raise DatasetError(f"{where}: not a database URL: {scrub(first_line(exc), url_secrets(url))}") from None
    backend = parsed.get_backend_name()
    if backend not in DIALECTS:
        raise DatasetError(f"{where}: databases run for real are PostgreSQL, MariaDB/MySQL and SQLite, not {backend}")
    args: dict[str, Any] = {}
    if backend in ("postgresql", "mysql", "mariadb"):
        args["connect_timeout"] = CONNECT_TIMEOUT
    if backend in ("mysql", "mariadb") and parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername=f"{backend}+pymysql")
    try:
        engine = sa.create_engine(parsed, connect_args=args, poolclass=sa.pool.NullPool)
    except Exception as exc:  # a driver that is not installed
        raise DatasetError(
            f"{where}: cannot use the database URL: {scrub(first_line(exc), url_secrets(url))}"
        ) from None
    sa.event.listen(engine, "connect", lambda conn, _record: _on_connect(conn, backend))
    return engine


def dialect_of(engine: Any) -> str:
    """The sqlglot dialect of an engine's database."""
    return DIALECTS[engine.url.get_backend_name()]


def _on_connect(dbapi_conn: Any, backend: str) -> None:
    if backend == "sqlite":
        dbapi_conn.create_function("sg_regexp", 2, _polars_search, deterministic=True)
        return
    cursor = dbapi_conn.cursor()
    cursor.execute("SET TIME ZONE 'UTC'" if backend == "postgresql" else "SET time_zone = '+00:00'")
    cursor.close()
    if backend == "postgresql":
        dbapi_conn.commit()


def _polars_search(value: Any, pattern: str) -> int | None:
    """SQLite's regex: a search with polars' (Rust) engine, exactly as the polars path runs it."""
    if value is None:
        return None
    import polars as pl

    return int(pl.Series([str(value)]).str.contains(pattern)[0])


def failure(where: str, exc: BaseException, url: str) -> DatasetError:
    """A driver's error as a DatasetError naming ``where``, with every secret of ``url`` hidden."""
    from stewardgate.redact import scrub, url_secrets

    orig = getattr(exc, "orig", None) or exc
    return DatasetError(f"{where}: {scrub(first_line(orig), url_secrets(url))}")
