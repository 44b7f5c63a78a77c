"""``store prune``: delete the old detail of the history, keep what judging and the audit need.

A run judged before the cutoff loses its detail: its packed record, its ``sg_results`` rows and
its schema snapshot (unless a steward accepted it). What stays:

* its ``sg_runs`` summary row (a few hundred bytes; ``runs`` and ``history`` still list it,
  marked ``pruned_at``);
* the newest ``keep_points`` counting values of every metric series, whatever their age: the
  anomaly windows read the latest ``window`` runs (``window`` weeks of them with weekday
  seasonality), not the latest days;
* every run whose schema snapshot was accepted (the drift baseline reads its profile), and each
  dataset's latest run (the catalog's verdict);
* the audit chain, checkpointed: the entries from the start of the chain to the last ``run``
  entry of a pruned run are folded into one ``checkpoint`` entry appended at its head. It records
  the hash of the last folded entry (``through_seq``, ``through_hash``: verification starts from
  there), carries every folded entry whole but the pruned runs' own (waivers, baseline
  acceptances, stamps, run entries of runs that stay, what earlier checkpoints carried), and the
  SHA-256 of the pruned runs' summaries, so ``audit verify`` still checks them.

Everything happens in one write transaction; :func:`plan_prune` alone (the dry run) changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from stewardgate.store import codec
from stewardgate.store.audit import (
    GENESIS,
    AuditEntry,
    AuditEvent,
    append_events,
    canonical_json,
    lock_chain,
    read_entries,
    time_text,
)
from stewardgate.store.schema import audit, catalog, metric_values, results, runs, schema_snapshots

CHECKPOINT = "checkpoint"
DEFAULT_KEEP_POINTS = 200
"""Values kept per metric series at least: the default anomaly window (28 runs) in weekday
seasonality reads 28 weeks of daily runs, 196 values."""

RunKey = tuple[str, str]


@dataclass(frozen=True)
class PrunePlan:
    """What a prune deletes (or deleted), counted."""

    cutoff: date
    keep_points: int
    runs: tuple[tuple[int, str, str, date], ...] = ()  # (id, run_id, dataset, as_of)
    results: int = 0
    snapshots: int = 0
    metric_values: int = 0
    folded: tuple[AuditEntry, ...] = ()
    carried: tuple[dict[str, Any], ...] = ()
    boundaries: tuple[tuple[int, date], ...] = field(default=(), repr=False)  # (series, values before it go)

    @property
    def empty(self) -> bool:
        return not (self.runs or self.metric_values or self.folded)

    def lines(self) -> list[str]:
        """What it would delete (or deleted), for people."""
        datasets = sorted({r[2] for r in self.runs})
        named = ", ".join(datasets[:5]) + (f" and {len(datasets) - 5} more" if len(datasets) > 5 else "")
        oldest = min((r[3] for r in self.runs), default=None)
        runs = f"{len(self.runs)} run{'s' if len(self.runs) != 1 else ''}"
        return [
            f"cutoff {self.cutoff} (runs judged before it lose their detail; each series keeps its newest {self.keep_points} values)",
            f"runs pruned: {runs}" + (f" of {named}, oldest {oldest}" if self.runs else ""),
            f"  their records and {self.results} sg_results rows, {self.snapshots} schema snapshots not accepted",
            f"metric values deleted: {self.metric_values}",
            f"audit entries folded into a checkpoint: {len(self.folded)}"
            + (f" (entries {self.folded[0].seq} to {self.folded[-1].seq}; {len(self.carried)} carried whole in it)" if self.folded else ""),
        ]  # fmt: skip


def plan_prune(
    conn: sa.Connection, *, cutoff: date, keep_points: int = DEFAULT_KEEP_POINTS, lock: bool = False
) -> PrunePlan:
    """What pruning detail before ``cutoff`` would delete (reads only; ``lock``: first take the
    audit chain's lock, so that the entries folded are still the first ones when it applies)."""
    if lock:
        lock_chain(conn)
    accepted = sa.select(schema_snapshots.c.run_id).where(
        schema_snapshots.c.dataset == runs.c.dataset, schema_snapshots.c.run_id == runs.c.run_id,
        schema_snapshots.c.accepted == sa.true(),
    )  # fmt: skip
    latest = sa.select(catalog.c.dataset).where(
        catalog.c.dataset == runs.c.dataset, catalog.c.last_run_id == runs.c.run_id
    )
    candidates = conn.execute(
        sa.select(runs.c.id, runs.c.run_id, runs.c.dataset, runs.c.as_of)
        .where(runs.c.as_of < cutoff, runs.c.pruned_at.is_(None), ~sa.exists(accepted), ~sa.exists(latest))
        .order_by(runs.c.id)
    ).all()  # fmt: skip
    pruned = tuple((int(r.id), r.run_id, r.dataset, r.as_of) for r in candidates)
    keys = [(r[1], r[2]) for r in pruned]
    result_rows = sum(_count(conn, results, run_id, dataset) for run_id, dataset in keys)
    snapshot_rows = sum(_count(conn, schema_snapshots, run_id, dataset, unaccepted=True) for run_id, dataset in keys)
    boundaries, values = _metric_boundaries(conn, cutoff, keep_points)
    folded, carried = _fold(conn, {*keys, *_pruned_keys(conn)})
    return PrunePlan(cutoff, keep_points, pruned, result_rows, snapshot_rows, values, folded, carried, boundaries)


def apply_prune(conn: sa.Connection, plan: PrunePlan, *, at: datetime, actor: dict[str, str]) -> AuditEntry | None:
    """Delete what ``plan`` names and append the checkpoint (inside the caller's transaction).

    Returns the checkpoint entry, or None when there was nothing to prune."""
    if plan.empty:
        return None
    moment = codec.to_db_time(at)
    for run_ref, run_id, dataset, _ in plan.runs:
        conn.execute(sa.delete(results).where(results.c.run_id == run_id, results.c.dataset == dataset))
        conn.execute(sa.delete(schema_snapshots).where(
            schema_snapshots.c.run_id == run_id, schema_snapshots.c.dataset == dataset, schema_snapshots.c.accepted == sa.false()))  # fmt: skip
        conn.execute(sa.update(runs).where(runs.c.id == run_ref).values(record="", record_zlib=None, pruned_at=moment))
    for series_id, boundary in plan.boundaries:
        conn.execute(
            sa.delete(metric_values).where(metric_values.c.series_id == series_id, metric_values.c.as_of < boundary)
        )
    previous = latest_checkpoint(read_entries(conn, kind=CHECKPOINT))
    through_seq, through_hash = (plan.folded[-1].seq, plan.folded[-1].hash) if plan.folded else _through(previous)
    if plan.folded:
        conn.execute(sa.delete(audit).where(audit.c.seq <= through_seq))
    pruned = pruned_summaries(conn)
    payload = {
        "actor": actor, "cutoff": plan.cutoff.isoformat(), "through_seq": through_seq, "through_hash": through_hash,
        "folded": len(plan.folded), "carried": list(plan.carried),
        "pruned_runs": len(pruned), "pruned_runs_sha256": summaries_sha256(pruned),
    }  # fmt: skip
    return append_events(conn, [AuditEvent(CHECKPOINT, "audit", payload)], at=moment)[0]


def pruned_summaries(conn: sa.Connection) -> list[list[Any]]:
    """``[run_id, dataset, as_of, gate_passed, status]`` of every pruned run, sorted: what a
    checkpoint's ``pruned_runs_sha256`` digests."""
    query = sa.select(runs.c.run_id, runs.c.dataset, runs.c.as_of, runs.c.gate_passed, runs.c.status).where(
        runs.c.pruned_at.is_not(None)
    )
    return sorted(
        [r.run_id, r.dataset, r.as_of.isoformat(), bool(r.gate_passed), r.status] for r in conn.execute(query)
    )


def summaries_sha256(summaries: list[list[Any]]) -> str:
    """SHA-256 of the canonical JSON of the pruned runs' summaries."""
    return hashlib.sha256(canonical_json(summaries).encode("utf-8")).hexdigest()


def latest_checkpoint(entries: list[AuditEntry]) -> AuditEntry | None:
    """The newest checkpoint entry among ``entries``."""
    return max((e for e in entries if e.kind == CHECKPOINT), key=lambda e: e.seq, default=None)


def _through(previous: AuditEntry | None) -> tuple[int, str]:
    if previous is None:
        return 0, GENESIS
    return int(previous.payload["through_seq"]), str(previous.payload["through_hash"])


def _count(conn: sa.Connection, table: sa.Table, run_id: str, dataset: str, *, unaccepted: bool = False) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(table.c.run_id == run_id, table.c.dataset == dataset)
    if unaccepted:
        query = query.where(table.c.accepted == sa.false())
    return int(conn.execute(query).scalar_one())


def _pruned_keys(conn: sa.Connection) -> set[RunKey]:
    return {
        (r.run_id, r.dataset)
        for r in conn.execute(sa.select(runs.c.run_id, runs.c.dataset).where(runs.c.pruned_at.is_not(None)))
    }


def _metric_boundaries(conn: sa.Connection, cutoff: date, keep_points: int) -> tuple[tuple[tuple[int, date], ...], int]:
    """Per series, the day before which its values go: the cutoff, or the day of its
    ``keep_points``-th newest counting value if that is earlier; and how many values go."""
    counting = (
        sa.select(metric_values.c.as_of)
        .join(runs, runs.c.id == metric_values.c.run_ref)
        .where(metric_values.c.series_id == sa.bindparam("series"), runs.c.superseded_by.is_(None))
        .order_by(metric_values.c.as_of.desc())
        .offset(keep_points - 1)
        .limit(1)
    )
    old = sa.select(metric_values.c.series_id, sa.func.count().label("n")).where(metric_values.c.as_of < cutoff)
    boundaries: list[tuple[int, date]] = []
    total = 0
    for row in conn.execute(old.group_by(metric_values.c.series_id)):
        nth = conn.execute(counting, {"series": row.series_id}).scalar_one_or_none()
        if nth is None:
            continue  # fewer than keep_points values: all of them stay
        boundary = min(cutoff, nth)
        gone = conn.execute(
            sa.select(sa.func.count()).select_from(metric_values)
            .where(metric_values.c.series_id == row.series_id, metric_values.c.as_of < boundary)
        ).scalar_one()  # fmt: skip
        if gone:
            boundaries.append((int(row.series_id), boundary))
            total += int(gone)
    return tuple(boundaries), total


def _fold(conn: sa.Connection, pruned: set[RunKey]) -> tuple[tuple[AuditEntry, ...], tuple[dict[str, Any], ...]]:
    """The entries from the start of the chain to the last ``run`` entry of a pruned run, and
    those of them carried whole: all but the pruned runs' own entries (a run entry of a run
    that stays, waivers, baselines, stamps, and what earlier checkpoints carried)."""

    def of_pruned(kind: str, subject: str, payload: dict[str, Any]) -> bool:
        return kind == "run" and (str(payload.get("run_id")), subject) in pruned

    entries = read_entries(conn)
    through = max((e.seq for e in entries if of_pruned(e.kind, e.subject, e.payload)), default=0)
    folded = [e for e in entries if e.seq <= through]
    carried: list[dict[str, Any]] = []
    for e in folded:
        if e.kind == CHECKPOINT:
            carried.extend(
                c for c in e.payload.get("carried", []) if not of_pruned(c["kind"], c["subject"], c["payload"])
            )
        elif not of_pruned(e.kind, e.subject, e.payload):
            carried.append(entry_data(e))
    return tuple(folded), tuple(carried)


def carried_entries(checkpoint: AuditEntry | None) -> list[AuditEntry]:
    """The entries a checkpoint carries, as entries (their hashes are checked by ``audit verify``)."""
    if checkpoint is None:
        return []
    return [AuditEntry(int(c["seq"]), c["kind"], c["subject"], c["payload"], datetime.fromisoformat(c["recorded_at"]),
                       c["prev_hash"], c["hash"]) for c in checkpoint.payload.get("carried", [])]  # fmt: skip


def entry_data(e: AuditEntry) -> dict[str, Any]:
    """An entry as a checkpoint carries it: every field its hash covers, and the hash."""
    return {"seq": e.seq, "kind": e.kind, "subject": e.subject, "payload": e.payload,
            "recorded_at": time_text(e.recorded_at), "prev_hash": e.prev_hash, "hash": e.hash}  # fmt: skip
