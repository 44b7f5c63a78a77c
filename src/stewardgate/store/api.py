"""The history store: :func:`open_store` and the :class:`Store` it returns."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from stewardgate.errors import StoreError
from stewardgate.profile_record import MetricKey
from stewardgate.results import DatasetRun, Status
from stewardgate.store import queries
from stewardgate.store.audit import AuditEntry, AuditEvent, append_events, read_entries, read_head
from stewardgate.store.codec import RunRecord, run_record
from stewardgate.store.engine import READ_ONLY, Target, create_engine, target_for, translated
from stewardgate.store.evidence import StoredEvidence, read_evidence
from stewardgate.store.migrations import ensure_schema
from stewardgate.store.prune import DEFAULT_KEEP_POINTS, PrunePlan, apply_prune, plan_prune
from stewardgate.store.records import CatalogEntry, RunSummary, SchemaSnapshot, SeriesPoint
from stewardgate.store.writer import Metric, RunWrite, mark_schema_accepted, write_run


def open_store(
    url: str | None,
    *,
    default_path: Path,
    schema: str | None = None,
    create: bool = True,
    actor: Mapping[str, str] | None = None,
) -> Store:
    """Open (creating or upgrading its tables) the history store at ``url``.

    Args:
        url: any SQLAlchemy URL (``postgresql://`` means psycopg 3), or None for the SQLite
            file at ``default_path``.
        default_path: the SQLite file to use when ``url`` is None; its folder is created.
        schema: PostgreSQL only: the schema (which must exist) that holds the tables.
        create: False for commands that only read: a SQLite file that is not there is then
            an error naming it, not a new empty store.
        actor: who writes (``user``, ``host``, ``ci``, ``ci_job``), added as ``actor`` to the
            payload of every audit entry this store appends; default
            :func:`stewardgate.actor.current_actor`.

    Raises:
        StoreError: bad URL, unknown driver, unreachable server, a store of a newer schema
            version, or (``create=False``) no SQLite file. The message never contains the password.
    """
    target = target_for(url, default_path=default_path)
    if not create:
        _require_existing_sqlite(target, default=url is None)
    engine = create_engine(target, schema=schema)
    try:
        with translated("cannot open", target), engine.begin() as conn:
            ensure_schema(conn, target.where)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, target, actor)


def _require_existing_sqlite(target: Target, *, default: bool) -> None:
    database = target.url.database
    if (
        target.url.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not Path(database).exists()
    ):
        hint = " (the default; name the store with --store URL or STEWARDGATE_STORE)" if default else ""
        raise StoreError(f"no history store at {database}{hint}")


class Store:
    """An open history store. Each method is one transaction; close it when done."""

    def __init__(self, engine: Engine, target: Target, actor: Mapping[str, str] | None = None) -> None:
        self._engine = engine
        self._reader = engine.execution_options(**{READ_ONLY: True})
        self._target = target
        self._actor = dict(actor) if actor is not None else None

    def _acted(self, events: Sequence[AuditEvent]) -> list[AuditEvent]:
        """The events with the actor in their payload (an entry's own ``actor`` is kept)."""
        if self._actor is None:
            from stewardgate.actor import current_actor

            self._actor = current_actor()
        return [AuditEvent(e.kind, e.subject, {"actor": self._actor, **e.payload}) for e in events]

    @property
    def where(self) -> str:
        """The store's URL with the password hidden."""
        return self._target.where

    def close(self) -> None:
        """Close the store's connections."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self, action: str, *, read_only: bool = False) -> Iterator[sa.Connection]:
        engine = self._reader if read_only else self._engine
        with translated(action, self._target), engine.begin() as conn:
            yield conn

    def save_dataset_run(
        self,
        run: DatasetRun,
        *,
        run_id: str,
        as_of: date,
        tool_version: str,
        metrics: Sequence[Metric],
        anomalous: AbstractSet[tuple[str, str | None]] = frozenset(),
        schema: dict[str, Any] | None = None,
        audit: Sequence[AuditEvent] = (),
        record: RunRecord | None = None,
    ) -> None:
        """Store one dataset run, its results, metrics and schema snapshot: all or nothing.

        An earlier run of the same dataset and ``as_of`` is kept but marked superseded by
        this one, so its metrics no longer count in :meth:`metric_series`.

        Args:
            run: the dataset run; its JSON record is stored whole.
            run_id: the id of the ``stewardgate run`` (shared by its datasets).
            as_of: the business day the run judged.
            tool_version: the stewardgate version that made the run.
            metrics: ``(metric, column or None, value)`` of the run's profile.
            anomalous: the ``(metric, column or None)`` the anomaly detector flagged.
            schema: the physical schema the run saw, as a snapshot (not yet accepted).
            audit: entries appended to the audit chain in the same transaction.
            record: ``run`` as stored, when the caller encoded it already (for ``audit``).

        Raises:
            StoreError: the run is already stored, or the database refused the write.
            InternalError: a metric given twice, or flagged anomalous but not given.
        """
        write = RunWrite(
            run=run,
            run_id=run_id,
            as_of=as_of,
            tool_version=tool_version,
            metrics=list(metrics),
            anomalous=frozenset(anomalous),
            schema=schema,
            written_at=datetime.now(UTC),
            record=record or run_record(run),
        )
        with self._transaction("cannot write to") as conn:
            write_run(conn, write)
            append_events(conn, self._acted(audit), at=write.written_at)

    def metric_series(
        self,
        dataset: str,
        metric: str,
        column: str | None = None,
        *,
        before: date | None = None,
        limit: int | None = None,
    ) -> list[SeriesPoint]:
        """The metric's daily values from runs that count, oldest first.

        ``before`` keeps days strictly before it; ``limit`` keeps the latest ``limit`` days.
        """
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.metric_series(conn, dataset, metric, column, before=before, limit=limit)

    def metric_series_many(
        self, dataset: str, wanted: Mapping[MetricKey, int | None], *, before: date | None = None
    ) -> dict[MetricKey, list[SeriesPoint]]:
        """:meth:`metric_series` of each ``(metric, column)`` with its ``limit``, in one read transaction."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.metric_series_many(conn, dataset, dict(wanted), before=before)

    def runs(
        self, dataset: str | None = None, *, limit: int | None = 50, include_superseded: bool = True
    ) -> list[RunSummary]:
        """Stored dataset runs, newest first; superseded ones too unless told otherwise."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.run_summaries(conn, dataset, limit=limit, include_superseded=include_superseded)

    def dataset_run(self, run_id: str, dataset: str) -> DatasetRun:
        """The whole stored dataset run, read back from its JSON record."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.dataset_run(conn, run_id, dataset)

    def catalog(
        self,
        owner: str | None = None,
        classification: str | None = None,
        status: Status | str | None = None,
    ) -> list[CatalogEntry]:
        """Datasets with their stewardship and latest verdict; filters combine with AND."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.catalog_entries(conn, owner=owner, classification=classification, status=status)

    def latest_schema(self, dataset: str, accepted_only: bool = True) -> SchemaSnapshot | None:
        """The dataset's latest (accepted, by default) schema snapshot, or None."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return queries.latest_schema(conn, dataset, accepted_only=accepted_only)

    def mark_schema_accepted(
        self, run_id: str, dataset: str, *, by: str, reason: str, at: datetime | None = None
    ) -> None:
        """Record that ``by`` accepted the schema that run saw, as the new baseline.

        The acceptance is appended to the audit chain in the same transaction.
        """
        when = at or datetime.now(UTC)
        with self._transaction("cannot write to") as conn:
            mark_schema_accepted(conn, run_id, dataset, by=by, reason=reason, at=when)
            event = AuditEvent("baseline", dataset, {"run_id": run_id, "by": by, "reason": reason})
            append_events(conn, self._acted([event]), at=when)

    def append_audit(self, kind: str, subject: str, payload: Mapping[str, Any]) -> AuditEntry:
        """Append one entry to the audit chain (its own transaction)."""
        with self._transaction("cannot write to") as conn:
            return append_events(conn, self._acted([AuditEvent(kind, subject, payload)]))[0]

    def prune(
        self, cutoff: date, *, keep_points: int = DEFAULT_KEEP_POINTS, apply: bool = False
    ) -> tuple[PrunePlan, AuditEntry | None]:
        """Delete the detail of runs judged before ``cutoff`` (see :mod:`stewardgate.store.prune`).

        ``apply=False`` (the dry run) only counts what would go. Returns the plan and, when
        applied and something was pruned, the checkpoint entry appended to the audit chain."""
        if not apply:
            with self._transaction("cannot read from", read_only=True) as conn:
                return plan_prune(conn, cutoff=cutoff, keep_points=keep_points), None
        with self._transaction("cannot write to") as conn:
            plan = plan_prune(conn, cutoff=cutoff, keep_points=keep_points, lock=True)
            actor = self._acted([AuditEvent("checkpoint", "audit", {})])[0].payload["actor"]
            return plan, apply_prune(conn, plan, at=datetime.now(UTC), actor=dict(actor))

    def audit_entries(
        self,
        *,
        kind: str | None = None,
        subject: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[AuditEntry]:
        """Entries of the audit chain by sequence number, optionally filtered."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return read_entries(conn, kind=kind, subject=subject, limit=limit, newest_first=newest_first)

    def audit_chain(self) -> tuple[list[AuditEntry], tuple[int, str] | None]:
        """Every audit entry, oldest first, and the recorded head, read in one transaction."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return read_entries(conn), read_head(conn)

    def audit_evidence(self) -> tuple[list[AuditEntry], tuple[int, str] | None, StoredEvidence]:
        """The audit chain, its head and the stored runs, results and catalog it must cover,
        read in one transaction (see :mod:`stewardgate.governance.evidence`)."""
        with self._transaction("cannot read from", read_only=True) as conn:
            return read_entries(conn), read_head(conn), read_evidence(conn)
