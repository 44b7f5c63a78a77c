"""Fixtures of the governance tests: stores on both backends, data and suites in tmp_path.

PostgreSQL is reached at ``STEWARDGATE_TEST_PG_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own schema,
dropped afterwards. An unreachable server fails the test, it never skips it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.governance.gov_testkit import PG_URL, Backend


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each store backend in turn: a SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return Backend("sqlite", None, tmp_path / "store" / "history.db")
    schema = request.getfixturevalue("pg_schema")
    return Backend("postgres", PG_URL, tmp_path / "unused.db", schema)
