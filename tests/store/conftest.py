"""Fixtures: a store spec per backend (SQLite file in tmp_path; PostgreSQL in a fresh schema).

PostgreSQL tests reach the server at ``STEWARDGATE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each test gets its own schema
``sgtest_<random>``, dropped afterwards; an unreachable server fails the test, never skips it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgate.store import Store
from tests.store.store_testkit import PG_URL, StoreSpec


@pytest.fixture
def sqlite_spec(tmp_path: Path) -> StoreSpec:
    return StoreSpec(url=None, default_path=tmp_path / "suites" / ".stewardgate" / "history.db")


@pytest.fixture
def pg_spec(pg_schema: str, tmp_path: Path) -> StoreSpec:
    return StoreSpec(url=PG_URL, default_path=tmp_path / "unused.db", schema=pg_schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def spec(request: pytest.FixtureRequest) -> StoreSpec:
    """The store spec of each backend in turn."""
    fixture = "pg_spec" if request.param == "postgres" else "sqlite_spec"
    result: StoreSpec = request.getfixturevalue(fixture)
    return result


@pytest.fixture
def store(spec: StoreSpec) -> Iterator[Store]:
    """An open store of each backend in turn, closed after the test."""
    opened = spec.open()
    try:
        yield opened
    finally:
        opened.close()
