"""Real databases for the SQL reader's tests (helpers; the fixtures are in conftest.py): PostgreSQL and MariaDB on 127.0.0.1, SQLite in a file.

Each test gets its own schema (PostgreSQL), database (MariaDB) or file (SQLite), named
``sg_<uuid8>`` and dropped afterwards. A server that cannot be reached FAILS the test (never
a skip): both run on every machine of this project and in CI.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from stewardgate.settings import ConnectionSettings

SERVERS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306/test",
}
DATABASES = ("postgresql", "mariadb", "sqlite")
URL_ENV = "SG_TEST_DB_URL"
CONNECTIONS = {"db": ConnectionSettings(url_env=URL_ENV)}


@dataclass
class Database:
    """One database of one kind, with a schema of its own (``schema`` empty on SQLite)."""

    kind: str
    url: str
    schema: str
    engine: Any

    def qualified(self, table: str) -> str:
        return f"{self.schema}.{table}" if self.schema else table

    def load(self, frame: pl.DataFrame, table: str = "t") -> str:
        """Create ``table`` with columns typed after ``frame``'s dtypes, insert its rows in order."""
        q = self.engine.dialect.identifier_preparer.quote
        columns = ", ".join(f"{q(n)} {sql_type(t, self.kind)}" for n, t in frame.schema.items())
        name = f"{q(self.schema)}.{q(table)}" if self.schema else q(table)
        suffix = " CHARACTER SET utf8mb4" if self.kind == "mariadb" else ""
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {name} ({columns}){suffix}")
            if frame.height:
                marks = ", ".join(["%s" if self.kind != "sqlite" else "?"] * frame.width)
                rows = [tuple(value_for(v, self.kind) for v in row) for row in frame.rows()]
                conn.exec_driver_sql(f"INSERT INTO {name} VALUES ({marks})", rows)
        return self.qualified(table)


def sql_type(dtype: Any, kind: str) -> str:
    """The column type a polars dtype is stored as in each database (the nearest it has)."""
    base = dtype.base_type()
    pg, maria, lite = {
        pl.Int8: ("SMALLINT", "TINYINT", "INTEGER"), pl.Int16: ("SMALLINT", "SMALLINT", "INTEGER"),
        pl.Int32: ("INTEGER", "INT", "INTEGER"), pl.Int64: ("BIGINT", "BIGINT", "INTEGER"),
        pl.UInt8: ("SMALLINT", "TINYINT UNSIGNED", "INTEGER"), pl.UInt16: ("INTEGER", "SMALLINT UNSIGNED", "INTEGER"),
        pl.UInt32: ("BIGINT", "INT UNSIGNED", "INTEGER"), pl.UInt64: ("NUMERIC(20, 0)", "BIGINT UNSIGNED", "INTEGER"),
        pl.Float32: ("REAL", "FLOAT", "REAL"), pl.Float64: ("DOUBLE PRECISION", "DOUBLE", "REAL"),
        pl.Boolean: ("BOOLEAN", "BOOLEAN", "BOOLEAN"), pl.Date: ("DATE", "DATE", "DATE"),
        pl.Duration: ("INTERVAL", "BIGINT", "INTEGER"), pl.Time: ("TIME", "TIME(6)", "TIME"),
    }.get(base, ("TEXT", "TEXT", "TEXT"))  # fmt: skip
    if base == pl.Datetime:
        zoned = bool(dtype.time_zone)
        pg, maria, lite = ("TIMESTAMPTZ" if zoned else "TIMESTAMP", "DATETIME(6)", "DATETIME")
    if base == pl.Decimal:
        pg = maria = lite = f"DECIMAL({dtype.precision}, {dtype.scale})"
    return {"postgresql": pg, "mariadb": maria, "sqlite": lite}[kind]


def value_for(value: Any, kind: str) -> Any:
    """A value as each driver stores it (MariaDB and SQLite: no NaN, datetimes as UTC)."""
    if isinstance(value, float) and math.isnan(value) and kind != "postgresql":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None and kind != "postgresql":
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if kind == "sqlite" else value
    if isinstance(value, date) and kind == "sqlite":
        return value.isoformat()
    if kind == "sqlite" and type(value).__name__ == "Decimal":
        return str(value)
    if kind != "postgresql" and hasattr(value, "total_seconds"):
        return int(value.total_seconds() * 1_000_000)
    return value


def server(kind: str) -> Iterator[Database]:
    name = f"sg_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(SERVERS[kind], isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    statement = "SCHEMA" if kind == "postgresql" else "DATABASE"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE {statement} {name}")
    except sa.exc.OperationalError as err:
        admin.dispose()
        pytest.fail(f"{kind} is not reachable at {SERVERS[kind]}: {err.orig}")
    try:
        yield Database(kind, SERVERS[kind], name, admin)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP {statement} {name}" + (" CASCADE" if kind == "postgresql" else ""))
        admin.dispose()
