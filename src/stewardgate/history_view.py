"""The run history for people: the last runs of a dataset, and each check's recent statuses.

:func:`recent_runs` reads the store's newest runs (as-of, status, what blocked, how long);
:func:`check_strips` gives each check of a dataset its statuses over the last runs, oldest
first, for the HTML report's strip ("failing since Tuesday").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RunRow:
    """One stored dataset run in brief."""

    as_of: str
    dataset: str
    status: str
    passed: bool
    failed: tuple[str, ...]
    seconds: float
    run_id: str
    superseded: bool

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "failed": list(self.failed)}


def recent_runs(store: Any, dataset: str | None, limit: int) -> list[RunRow]:
    """The newest ``limit`` runs (re-runs included, marked superseded), newest first."""
    rows = []
    for s in store.runs(dataset, limit=limit):
        if s.pruned:  # store prune kept the summary, not which checks failed
            failed: tuple[str, ...] = ("(detail pruned)",) if not s.gate_passed else ()
        else:
            record = store.dataset_run(s.run_id, s.dataset)
            failed = record.gate.blocking or ((f"could not be read: {s.error}",) if s.error else ())
        rows.append(RunRow(
            as_of=s.as_of.isoformat(), dataset=s.dataset, status=s.status.value, passed=s.gate_passed,
            failed=tuple(failed), seconds=(s.finished_at - s.started_at).total_seconds(), run_id=s.run_id,
            superseded=s.superseded_by is not None,
        ))  # fmt: skip
    return rows


def runs_table(rows: list[RunRow]) -> str:
    """The rows as a fixed-width table."""
    width = max(len(r.dataset) for r in rows)
    lines = [f"{'as of':<10}  {'dataset':<{width}}  {'gate':<6}  {'worst':<8}  {'took':>7}  failed"]
    for r in rows:
        failed = ", ".join(r.failed[:3]) + (f" and {len(r.failed) - 3} more" if len(r.failed) > 3 else "")
        note = "  (re-run since)" if r.superseded else ""
        gate = "passed" if r.passed else "FAILED"
        lines.append(
            f"{r.as_of:<10}  {r.dataset:<{width}}  {gate:<6}  {r.status:<8}  {r.seconds:>6.1f}s  {failed or '-'}{note}"
        )
    return "\n".join(lines)


def check_strips(store: Any, dataset: str, as_of: date, limit: int = 14) -> dict[str, list[tuple[str, str]]]:
    """``check_id -> [(as_of, status), ...]`` over the dataset's last counting runs up to ``as_of``, oldest first."""
    strips: dict[str, list[tuple[str, str]]] = {}
    counting = [
        s for s in store.runs(dataset, limit=None, include_superseded=False) if s.as_of <= as_of and not s.pruned
    ]
    summaries = counting[:limit][::-1]
    for s in summaries:
        record = store.dataset_run(s.run_id, dataset)
        for r in record.results:
            strips.setdefault(r.check_id, []).append((s.as_of.isoformat(), r.status.value))
    return strips
