"""Fixtures of the governance tests: stores on both backends, data and suites in tmp_path.

PostgreSQL is reached at ``STEWARDGATE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own schema,
dropped afterwards. An unreachable server fails the test, it never skips it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from gov_testkit import PG_URL, Backend


@pytest.fixture
def pg_schema() -> Iterator[str]:
    name = f"sgtest_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    except sa.exc.OperationalError as err:
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {err.orig}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each store backend in turn: a SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return Backend("sqlite", None, tmp_path / "store" / "history.db")
    schema = request.getfixturevalue("pg_schema")
    return Backend("postgres", PG_URL, tmp_path / "unused.db", schema)
