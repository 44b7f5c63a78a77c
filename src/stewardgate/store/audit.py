"""The audit chain: an append-only table whose entries are chained by SHA-256.

Each entry holds ``seq`` (1, 2, 3 …), ``kind`` (``run``, ``baseline``, ``stamp``, ``waiver`` …),
``subject`` (usually the dataset), a JSON ``payload``, ``recorded_at`` and ``prev_hash``, the
hash of the entry before it (64 zeros for the first). Its ``hash`` is SHA-256 over the
canonical JSON (sorted keys, no spaces, UTF-8) of those six fields, see :func:`entry_hash`.
The latest ``seq:hash`` is also kept in ``stewardgate_meta`` (key ``audit_head``), so that
removing the newest entries is noticed too.

``store prune`` folds the oldest ``run`` entries into a ``checkpoint`` entry
(:mod:`stewardgate.store.prune`): the chain then starts after the entry that checkpoint names.

Appending locks the chain (an advisory transaction lock on PostgreSQL; SQLite's ``BEGIN
IMMEDIATE`` already serialises writers), so two writers never fork it. An entry is appended
inside the caller's transaction: a run and its audit entries are stored together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from stewardgate.errors import InternalError
from stewardgate.store import codec
from stewardgate.store.schema import audit, meta

if TYPE_CHECKING:
    from stewardgate.store.api import Store

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
_PG_AUDIT_LOCK = 0x5357_4155_4454  # "SWAUDT": serialises appends to the chain


@dataclass(frozen=True)
class AuditEvent:
    """Something to record: its kind, its subject and a JSON-ready payload."""

    kind: str
    subject: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    """One stored entry of the chain."""

    seq: int
    kind: str
    subject: str
    payload: dict[str, Any]
    recorded_at: datetime
    prev_hash: str
    hash: str


def canonical_json(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept as it is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def time_text(moment: datetime) -> str:
    """A time as hashed: UTC, ISO 8601 with microseconds."""
    return codec.to_db_time(moment).isoformat(timespec="microseconds")


def entry_hash(seq: int, kind: str, subject: str, payload: Any, recorded_at: datetime, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields and the previous hash."""
    body = {
        "seq": seq,
        "kind": kind,
        "subject": subject,
        "payload": payload,
        "recorded_at": time_text(recorded_at),
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def append_audit(
    store_or_conn: Store | sa.Connection, kind: str, subject: str, payload: Mapping[str, Any]
) -> AuditEntry:
    """Append one entry to the audit chain.

    Given a :class:`~stewardgate.store.Store`, the entry is its own transaction; given a
    connection, it joins the caller's transaction (so it is stored with the caller's writes,
    or not at all). E.g. after a baseline acceptance::

        append_audit(store, "baseline", "orders", {"run_id": run_id, "by": steward, "reason": why})
    """
    if isinstance(store_or_conn, sa.Connection):
        return append_events(store_or_conn, [AuditEvent(kind, subject, payload)])[0]
    return store_or_conn.append_audit(kind, subject, payload)


def append_events(conn: sa.Connection, events: Iterable[AuditEvent], *, at: datetime | None = None) -> list[AuditEntry]:
    """Append ``events`` in order on ``conn`` (inside its transaction); return the entries."""
    events = list(events)
    if not events:
        return []
    lock_chain(conn)
    seq, prev = _head(conn)
    moment = codec.to_db_time(at or datetime.now(UTC))
    entries = []
    for event in events:
        _check_event(event)
        seq += 1
        payload = json.loads(json.dumps(dict(event.payload), default=str))  # as it reads back
        digest = entry_hash(seq, event.kind, event.subject, payload, moment, prev)
        entries.append(AuditEntry(seq, event.kind, event.subject, payload, moment, prev, digest))
        prev = digest
    conn.execute(sa.insert(audit), [_row(e) for e in entries])
    _set_head(conn, entries[-1])
    return entries


def read_entries(
    conn: sa.Connection,
    *,
    kind: str | None = None,
    subject: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[AuditEntry]:
    """Stored entries by ``seq`` (oldest first unless ``newest_first``), optionally filtered."""
    order = audit.c.seq.desc() if newest_first else audit.c.seq.asc()
    query = sa.select(audit).order_by(order)
    if kind is not None:
        query = query.where(audit.c.kind == kind)
    if subject is not None:
        query = query.where(audit.c.subject == subject)
    if limit is not None:
        query = query.limit(limit)
    return [_entry(row) for row in conn.execute(query)]


def read_head(conn: sa.Connection) -> tuple[int, str] | None:
    """The ``(seq, hash)`` recorded as the chain's newest entry, or None (no entry yet)."""
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == HEAD_KEY)).scalar_one_or_none()
    if value is None:
        return None
    seq, _, digest = value.partition(":")
    if not seq.isdigit():
        return (-1, value)
    return int(seq), digest


def lock_chain(conn: sa.Connection) -> None:
    """Hold the chain for this transaction (PostgreSQL; SQLite writers are serialised already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_AUDIT_LOCK)))


def _head(conn: sa.Connection) -> tuple[int, str]:
    """Where to append: after the recorded head (so a removed newest entry stays a gap)."""
    head = read_head(conn)
    if head is not None and head[0] >= 0:
        return head
    last = conn.execute(sa.select(audit.c.seq, audit.c.hash).order_by(audit.c.seq.desc()).limit(1)).first()
    return (0, GENESIS) if last is None else (int(last.seq), str(last.hash))


def _set_head(conn: sa.Connection, entry: AuditEntry) -> None:
    value = f"{entry.seq}:{entry.hash}"
    done = conn.execute(sa.update(meta).where(meta.c.key == HEAD_KEY).values(value=value))
    if done.rowcount == 0:
        conn.execute(sa.insert(meta).values(key=HEAD_KEY, value=value))


def _check_event(event: AuditEvent) -> None:
    if not event.kind or len(event.kind) > 64 or not event.subject or len(event.subject) > 512:
        raise InternalError(f"audit event with an empty or too long kind or subject: {event.kind!r}, {event.subject!r}")


def _row(e: AuditEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "kind": e.kind,
        "subject": e.subject,
        "payload": canonical_json(e.payload),
        "recorded_at": e.recorded_at,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def _entry(row: sa.Row[Any]) -> AuditEntry:
    try:
        payload = json.loads(row.payload)
    except ValueError:
        payload = {"unreadable_payload": row.payload}
    return AuditEntry(
        seq=int(row.seq),
        kind=row.kind,
        subject=row.subject,
        payload=payload,
        recorded_at=codec.from_db_time(row.recorded_at),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
