"""The stored runs of one dataset, as ``suggest`` reads them: profiles and results, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from stewardgate.profile_record import ColumnProfile
from stewardgate.results import CheckResult

HISTORY_LIMIT = 365
"""At most this many of the latest days are read (one run per day: the one that counts)."""


@dataclass(frozen=True)
class PastRun:
    """One stored run that counts for its day: its profile and its check results."""

    as_of: date
    run_id: str
    row_count: int
    columns: dict[str, ColumnProfile]
    results: tuple[CheckResult, ...]


def load_history(store: Any, dataset: str, *, limit: int = HISTORY_LIMIT) -> list[PastRun]:
    """The dataset's stored runs with a profile, oldest first.

    Reruns that were replaced do not count (the store's ``superseded_by``); runs that could not
    read their data, or kept no profile, are left out.
    """
    out: list[PastRun] = []
    for summary in store.runs(dataset, limit=limit, include_superseded=False):
        if summary.error is not None or summary.pruned:
            continue
        run = store.dataset_run(summary.run_id, dataset)
        profile = run.profile or {}
        if not profile.get("columns"):
            continue
        out.append(PastRun(summary.as_of, summary.run_id, int(profile["row_count"]), profile["columns"], run.results))
    return sorted(out, key=lambda r: r.as_of)
