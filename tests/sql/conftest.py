"""Fixtures: each real database in turn, and suites for tables loaded into it (see sql_databases)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

from tests.sql.sql_databases import DATABASES, URL_ENV, Database, server

SERVER_MARKS = {"postgresql": pytest.mark.postgres, "mariadb": pytest.mark.mariadb}
"""The marker of each database that is a server (the quick lane leaves them out; SQLite stays in)."""


@pytest.fixture(params=[pytest.param(kind, marks=SERVER_MARKS.get(kind, ())) for kind in DATABASES])
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Each database in turn, its URL in ``$SG_TEST_DB_URL`` (connection ``db`` of :data:`CONNECTIONS`)."""
    kind = request.param
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'data.db'}"
        engine = sa.create_engine(url)
        monkeypatch.setenv(URL_ENV, url)
        try:
            yield Database(kind, url, "", engine)
        finally:
            engine.dispose()
        return
    for db in server(kind):
        monkeypatch.setenv(URL_ENV, db.url)
        yield db


@pytest.fixture
def table_suite(tmp_path: Path, suite_writer: Callable[..., Path]) -> Callable[..., Path]:
    """``table_suite(db, frame, columns=..., dataset_extra=...)``: the frame loaded as a table and a
    suite for it (connection ``db``)."""

    def make(db: Database, frame: pl.DataFrame, *, table: str = "t", dataset_extra: dict[str, Any] | None = None,
             **kw: Any) -> Path:  # fmt: skip
        qualified = db.load(frame, table)
        extra = {"connection": "db", "table": qualified, **(dataset_extra or {})}
        return suite_writer(kw.pop("folder", tmp_path), path=None, dataset_extra=extra, **kw)

    return make
