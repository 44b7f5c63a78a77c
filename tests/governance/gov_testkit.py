"""Helpers shared by the governance tests: a store backend spec (SQLite file or PostgreSQL schema)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from stewardgate.store import Store, open_store
from stewardgate.store.engine import create_engine, target_for

PG_URL = os.environ.get("STEWARDGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Backend:
    """How to open one test store, and a plain engine on its tables."""

    name: str
    url: str | None
    default_path: Path
    schema: str | None = None

    def open(self) -> Store:
        return open_store(self.url, default_path=self.default_path, schema=self.schema)

    def engine(self) -> sa.Engine:
        return create_engine(target_for(self.url, default_path=self.default_path), schema=self.schema)

    def execute(self, sql: str, **params: object) -> None:
        """Run one statement in its own transaction, as someone tampering with the store."""
        engine = self.engine()
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(sql), params)
        finally:
            engine.dispose()

    @property
    def cli_url(self) -> str:
        """A --store URL for the CLI (PostgreSQL: with the test schema as search_path)."""
        if self.url is None:
            return f"sqlite:///{self.default_path}"
        return f"{self.url}?options=-csearch_path%3D{self.schema}"
