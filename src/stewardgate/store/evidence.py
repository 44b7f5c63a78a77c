"""What ``audit verify`` checks the stored runs, results and catalog against, read in one go.

The audit chain proves its own entries; each ``run`` entry also carries the SHA-256 of the
run's stored record (``record_sha256``), its status and gate verdict. This module reads the
stored side of that comparison: per dataset run its record text and the denormalised columns
that reports and the catalog read, its result rows, and the catalog's latest verdicts.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from stewardgate.store.codec import stored_record
from stewardgate.store.schema import catalog, results, runs

RunKey = tuple[str, str]
"""``(run_id, dataset)``."""


@dataclass(frozen=True)
class StoredRun:
    """One ``sg_runs`` row as verify sees it, with its ``sg_results`` (check id, status)."""

    gate_passed: bool
    status: str
    record: str
    results: tuple[tuple[str, str], ...] = ()
    pruned: bool = False
    as_of: str = ""


@dataclass(frozen=True)
class CatalogVerdict:
    """One ``sg_catalog`` row's latest verdict."""

    dataset: str
    last_run_id: str | None
    last_status: str | None
    last_gate_passed: bool | None


@dataclass(frozen=True)
class StoredEvidence:
    """Every stored run (by key) and every catalog verdict."""

    runs: dict[RunKey, StoredRun] = field(default_factory=dict)
    catalog: tuple[CatalogVerdict, ...] = ()


def read_evidence(conn: sa.Connection) -> StoredEvidence:
    """The stored runs, their results and the catalog verdicts (inside the caller's transaction)."""
    checks: dict[RunKey, list[tuple[str, str]]] = {}
    query = sa.select(results.c.run_id, results.c.dataset, results.c.check_id, results.c.status)
    for row in conn.execute(query):
        checks.setdefault((row.run_id, row.dataset), []).append((row.check_id, row.status))
    stored = {
        (row.run_id, row.dataset): StoredRun(
            bool(row.gate_passed), row.status, _record(row), tuple(sorted(checks.get((row.run_id, row.dataset), []))),
            row.pruned_at is not None, row.as_of.isoformat(),
        )
        for row in conn.execute(sa.select(runs.c.run_id, runs.c.dataset, runs.c.as_of, runs.c.gate_passed, runs.c.status, runs.c.record, runs.c.record_zlib, runs.c.pruned_at))
    }  # fmt: skip
    verdicts = tuple(
        CatalogVerdict(row.dataset, row.last_run_id, row.last_status, row.last_gate_passed)
        for row in conn.execute(sa.select(catalog.c.dataset, catalog.c.last_run_id, catalog.c.last_status, catalog.c.last_gate_passed))
    )  # fmt: skip
    return StoredEvidence(stored, verdicts)


def _record(row: sa.Row[Any]) -> str:
    """The stored record text; a record that does not unpack reads as itself, changed."""
    try:
        return stored_record(row.record, row.record_zlib)
    except (zlib.error, UnicodeDecodeError):
        return f"<record_zlib that does not unpack: {len(row.record_zlib)} bytes>"
