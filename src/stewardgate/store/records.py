"""Frozen records that the store's queries return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stewardgate.results import Status


@dataclass(frozen=True)
class SeriesPoint:
    """One value of a metric on one day, from the run that counts for that day."""

    as_of: date
    value: float
    anomalous: bool
    run_id: str


@dataclass(frozen=True)
class RunSummary:
    """One stored dataset run, without its check results (load those with ``dataset_run``).

    ``is_rerun``: this run replaced an earlier run of the same dataset and ``as_of``.
    ``superseded_by``: the run that replaced this one, or None while this one counts.
    ``pruned``: ``store prune`` removed its record and results (``dataset_run`` then raises).
    """

    run_id: str
    dataset: str
    as_of: date
    started_at: datetime
    finished_at: datetime
    status: Status
    gate_passed: bool
    row_count: int | None
    error: str | None
    suite_path: str
    data_sha256: str | None
    tool_version: str
    is_rerun: bool
    superseded_by: str | None
    pruned: bool = False


@dataclass(frozen=True)
class CatalogEntry:
    """A dataset's stewardship and the verdict of its latest run (by ``as_of``)."""

    dataset: str
    owner: str | None
    steward: str | None
    classification: str | None
    retention: str | None
    risk_tier: str | None
    stewardship: dict[str, Any]
    completeness: float | None
    last_run_id: str | None
    last_as_of: date | None
    last_status: Status | None
    last_gate_passed: bool | None
    updated_at: datetime


@dataclass(frozen=True)
class SchemaSnapshot:
    """The physical schema a run saw, and whether a steward accepted it as the baseline."""

    run_id: str
    dataset: str
    as_of: date
    schema: dict[str, Any]
    accepted: bool
    accepted_by: str | None
    accepted_reason: str | None
    accepted_at: datetime | None
