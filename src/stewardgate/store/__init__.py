"""The history store: every dataset run, its results, metric profile and schema snapshot.

``open_store(None, default_path=...)`` opens the SQLite file the caller names (``settings.DEFAULT_STORE_PATH``, in the working folder); any
SQLAlchemy URL (PostgreSQL through psycopg 3) works too. Each dataset run is written in one
transaction; the tables are created, versioned and upgraded on open. See ``docs/store.md``.
"""

from __future__ import annotations

from stewardgate.store.api import Store, open_store
from stewardgate.store.audit import AuditEntry, AuditEvent, append_audit
from stewardgate.store.migrations import latest_version
from stewardgate.store.records import CatalogEntry, RunSummary, SchemaSnapshot, SeriesPoint
from stewardgate.store.writer import Metric

__all__ = [
    "AuditEntry",
    "AuditEvent",
    "CatalogEntry",
    "Metric",
    "RunSummary",
    "SchemaSnapshot",
    "SeriesPoint",
    "Store",
    "append_audit",
    "latest_version",
    "open_store",
]
