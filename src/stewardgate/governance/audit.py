"""Checking the audit chain, and the entries a run records.

:func:`verify_chain` recomputes every entry's hash and link and names the first entry that
was changed or removed. After a ``store prune`` the chain starts after the entries a
``checkpoint`` entry folded: the walk starts from the hash that checkpoint recorded, and the
checkpoint itself is an ordinary entry of the chain (its hash covers what it recorded). The chain itself (table, hashing, appending, ``append_audit``) lives
in :mod:`stewardgate.store.audit`; it is re-exported here for callers that think of it as
governance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stewardgate.results import DatasetRun, Status
from stewardgate.store.audit import GENESIS, AuditEntry, AuditEvent, append_audit, entry_hash
from stewardgate.store.codec import RunRecord, record_sha256, run_record
from stewardgate.store.prune import CHECKPOINT

__all__ = ["ChainReport", "append_audit", "run_events", "verify_chain"]


@dataclass(frozen=True)
class ChainReport:
    """The verdict on the chain: intact, or the first entry changed or removed and why."""

    ok: bool
    checked: int
    head: tuple[int, str] | None
    first_bad: int | None = None
    problem: str | None = None
    checkpoint: AuditEntry | None = None
    """The checkpoint the chain starts from after a ``store prune`` (None: it starts at entry 1)."""


def verify_chain(entries: Sequence[AuditEntry], head: tuple[int, str] | None) -> ChainReport:
    """Recompute the chain, oldest entry first; stop at the first entry changed or removed.

    ``entries`` must be ordered by ``seq``; ``head`` is the ``(seq, hash)`` the store recorded
    for the newest entry (None if it recorded none).
    """
    expected_seq, prev, checkpoint = 1, GENESIS, _start(entries)
    if checkpoint is not None:
        expected_seq, prev = int(checkpoint.payload["through_seq"]) + 1, str(checkpoint.payload["through_hash"])
        carried = _carried_problem(checkpoint)
        if carried is not None:
            return ChainReport(False, 0, head, checkpoint.seq, carried, checkpoint)
    for e in entries:
        bad = _entry_problem(e, expected_seq, prev)
        if bad is not None:
            return ChainReport(False, _walked(expected_seq, checkpoint), head, bad[0], bad[1], checkpoint)
        expected_seq, prev = e.seq + 1, e.hash
    last = expected_seq - 1
    bad = _head_problem(head, last, prev)
    if bad is not None:
        return ChainReport(False, _walked(expected_seq, checkpoint), head, bad[0], bad[1], checkpoint)
    return ChainReport(True, _walked(expected_seq, checkpoint), head, checkpoint=checkpoint)


def _start(entries: Sequence[AuditEntry]) -> AuditEntry | None:
    """The checkpoint whose folded entries end right before the first entry kept, if the
    chain does not start at entry 1 (the newest one, if several name the same place)."""
    if not entries or entries[0].seq == 1:
        return None
    first = entries[0].seq
    named = [e for e in entries if e.kind == CHECKPOINT and str(e.payload.get("through_seq")) == str(first - 1)]
    return named[-1] if named else None


def _walked(expected_seq: int, checkpoint: AuditEntry | None) -> int:
    """How many entries were verified before ``expected_seq``."""
    return expected_seq - 1 - (int(checkpoint.payload["through_seq"]) if checkpoint is not None else 0)


def _carried_problem(checkpoint: AuditEntry) -> str | None:
    """Each entry a checkpoint carries must still match its own hash."""
    for item in checkpoint.payload.get("carried", []):
        try:
            moment = datetime.fromisoformat(item["recorded_at"])
            ok = (
                entry_hash(item["seq"], item["kind"], item["subject"], item["payload"], moment, item["prev_hash"])
                == item["hash"]
            )
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            return f"checkpoint entry {checkpoint.seq} carries entry {item.get('seq')} changed: its content does not match its hash"
    return None


def _entry_problem(e: AuditEntry, expected_seq: int, prev: str) -> tuple[int, str] | None:
    if e.seq != expected_seq:
        removed = (
            f"entries {expected_seq} to {e.seq - 1} were" if e.seq - 1 > expected_seq else f"entry {expected_seq} was"
        )
        return expected_seq, f"{removed} removed (the chain goes from {expected_seq - 1} to {e.seq})"
    if entry_hash(e.seq, e.kind, e.subject, e.payload, e.recorded_at, e.prev_hash) != e.hash:
        return e.seq, f"entry {e.seq} ({_what(e)}) was changed: its content does not match its hash"
    if e.prev_hash != prev:
        return e.seq - 1, (
            f"entry {e.seq - 1} was changed or replaced: entry {e.seq} ({_what(e)}) recorded a different hash for it"
        )
    return None


def _head_problem(head: tuple[int, str] | None, last: int, prev: str) -> tuple[int, str] | None:
    if head is None:
        return None if last == 0 else (last, f"the chain's head record is missing (the chain has {last} entries)")
    seq, digest = head
    if seq < 0:
        return last, f"the chain's head record is unreadable ({digest!r})"
    if seq > last:
        removed = f"entries {last + 1} to {seq} were" if seq > last + 1 else f"entry {seq} was"
        return last + 1, f"{removed} removed (the head records entry {seq}, the chain ends at {last})"
    if seq < last:
        return (
            seq + 1,
            f"entry {seq + 1} was added outside stewardgate (the head records entry {seq}, the chain goes to {last})",
        )
    if digest != prev:
        return last, f"entry {last} was changed or replaced: its hash is not the one the head records"
    return None


def _what(e: AuditEntry) -> str:
    return f"{e.kind} {e.subject}, recorded {e.recorded_at:%Y-%m-%d %H:%M:%S} UTC"


def run_events(run: DatasetRun, *, run_id: str, as_of: date, record: RunRecord | None = None) -> list[AuditEvent]:
    """The audit entries of one dataset run: the run itself, then each waiver it used.

    ``record``: the run as it is stored, when the caller encoded it already."""
    waived = [r for r in run.results if r.status is Status.WAIVED]
    status = Status.ERRORED if run.error is not None else run.worst
    payload: dict[str, Any] = {
        "run_id": run_id,
        "as_of": as_of.isoformat(),
        "suite_path": run.suite_path,
        "suite_sha256": run.suite_sha256,
        "data_sha256": run.data.sha256 if run.data is not None else None,
        "row_count": run.row_count,
        "status": status.value,
        "gate_passed": run.gate.passed,
        "fail_on": run.gate.fail_on,
        "blocking": list(run.gate.blocking),
        "waived": [r.check_id for r in waived],
        "error": run.error,
        "record_sha256": record_sha256((record or run_record(run)).text),  # the stored run: audit verify checks it
    }
    events = [AuditEvent("run", run.dataset, payload)]
    for r in waived:
        waiver = r.details.get("waiver", {})
        events.append(
            AuditEvent("waiver", run.dataset, {
                "run_id": run_id, "as_of": as_of.isoformat(), "check_id": r.check_id,
                "waived_status": r.details.get("waived_status"), "waiver": waiver,
            })
        )  # fmt: skip
    return events
