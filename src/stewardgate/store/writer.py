"""Writing one dataset run: its run row, results, metrics, schema snapshot and catalog entry.

Everything here runs inside the one transaction the caller opened, so a dataset run is
stored completely or not at all. Writers of the same dataset are serialised by a lock on
its ``sg_catalog`` row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN
IMMEDIATE`` serialises all writers), so that re-running a dataset for an ``as_of`` it
already has always leaves exactly one run counting for that day.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from stewardgate.errors import InternalError, StoreError
from stewardgate.results import DatasetRun, Status
from stewardgate.store import codec
from stewardgate.store.queries import series_ids_of
from stewardgate.store.schema import catalog, metric_series, metric_values, results, runs, schema_snapshots

Metric = tuple[str, str | None, float]
"""``(metric, column or None for a table-level metric, value)``."""

STEWARDSHIP_FIELDS = ("owner", "steward", "classification", "retention", "risk_tier")

_UPSERT_DIALECTS = ("postgresql", "sqlite")
"""The dialects whose own ``insert`` has ``on_conflict_do_nothing`` (imported for the store's
own dialect only: PostgreSQL's took 20-30 ms of every SQLite run)."""


def _upsert_insert(dialect: str) -> Callable[[sa.Table], Any] | None:
    """The ``insert`` construct of ``dialect`` with ``on_conflict_do_nothing``, if it has one."""
    if dialect not in _UPSERT_DIALECTS:
        return None
    module = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    insert: Callable[[sa.Table], Any] = module.insert
    return insert


after_rows_inserted: Callable[[sa.Connection], None] | None = None
"""Test seam, always None in production: called inside the write transaction after the
run's rows are inserted and before the catalog update and commit. The crash-safety tests
set it in a child process to stop there and be killed (``tests/store/store_worker.py``)."""


@dataclass(frozen=True)
class RunWrite:
    """One dataset run to store, with what the runner knows about it besides the record."""

    run: DatasetRun
    run_id: str
    as_of: date
    tool_version: str
    metrics: list[Metric]
    anomalous: frozenset[tuple[str, str | None]]
    schema: dict[str, Any] | None
    written_at: datetime
    record: codec.RunRecord
    """``run`` as stored (:func:`~stewardgate.store.codec.run_record`)."""


def write_run(conn: sa.Connection, write: RunWrite) -> None:
    """Insert every row of ``write`` on ``conn`` (inside the caller's transaction)."""
    record = write.record.data
    dataset = write.run.dataset
    last_as_of = _lock_dataset(conn, dataset, write.written_at)
    _refuse_duplicate(conn, write.run_id, dataset)
    is_rerun = _supersede(conn, dataset, write.as_of, write.run_id)
    inserted = conn.execute(sa.insert(runs).values(_run_row(write, is_rerun))).inserted_primary_key
    assert inserted is not None  # a single-row insert of a table with a serial key
    _insert_many(conn, results, _result_rows(write.run_id, dataset, record["results"]))
    _insert_many(conn, metric_values, _metric_rows(conn, write, int(inserted[0])))
    if write.schema is not None:
        conn.execute(sa.insert(schema_snapshots), [_snapshot_row(write)])
    if after_rows_inserted is not None:
        after_rows_inserted(conn)
    if last_as_of is None or write.as_of >= last_as_of:
        _update_catalog(conn, write, record)


def _lock_dataset(conn: sa.Connection, dataset: str, now: datetime) -> date | None:
    """Make sure the dataset has a catalog row and lock it; return its ``last_as_of``."""
    placeholder = {"dataset": dataset, "updated_at": codec.to_db_time(now)}
    upsert_insert = _upsert_insert(conn.dialect.name)
    if upsert_insert is not None:
        conn.execute(upsert_insert(catalog).values(placeholder).on_conflict_do_nothing())
    elif not conn.execute(sa.select(catalog.c.dataset).where(catalog.c.dataset == dataset)).first():
        conn.execute(sa.insert(catalog).values(placeholder))
    locked = sa.select(catalog.c.last_as_of).where(catalog.c.dataset == dataset).with_for_update()
    last_as_of: date | None = conn.execute(locked).scalar_one()
    return last_as_of


def _refuse_duplicate(conn: sa.Connection, run_id: str, dataset: str) -> None:
    query = sa.select(runs.c.id).where(runs.c.run_id == run_id, runs.c.dataset == dataset)
    if conn.execute(query).first() is not None:
        raise StoreError(f"run {run_id!r} of dataset {dataset!r} is already in the history store")


def _supersede(conn: sa.Connection, dataset: str, as_of: date, run_id: str) -> bool:
    """Mark earlier runs of the same dataset and day as replaced by ``run_id``."""
    replaced = conn.execute(
        sa.update(runs)
        .where(runs.c.dataset == dataset, runs.c.as_of == as_of, runs.c.superseded_by.is_(None))
        .values(superseded_by=run_id)
    )
    return replaced.rowcount > 0


BULK_FROM = 100
"""From this many rows, an insert into a SQLite store goes to the driver in one ``executemany``
(see :func:`_insert_many`)."""


def _insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``.

    SQLAlchemy prepares every row's parameters in Python, which for a wide table's first night
    (6,000 metric series, as many values and 1,000 results at 500 columns) cost more than
    SQLite's own insert. Into a SQLite store, many rows are converted by each column type's own
    bind processor (as SQLAlchemy would) and handed to the driver's ``executemany`` with the
    statement SQLAlchemy compiled: the same rows (a test compares them), in about half the time
    (those three inserts ~0.065 s → ~0.032 s). A PostgreSQL store keeps SQLAlchemy's own
    inserts, which batch the rows into multi-row statements there (this path was measured on
    SQLite, the embedded default, only)."""
    if not rows:
        return
    if conn.dialect.name != "sqlite" or len(rows) < BULK_FROM:
        conn.execute(sa.insert(table), rows)
        return
    dialect = conn.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    assert compiled.positiontup is not None  # SQLite's parameters are positional (qmark)
    convert = [(key, table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in compiled.positiontup]
    params = [tuple(row[key] if proc is None else proc(row[key]) for key, proc in convert) for row in rows]
    conn.exec_driver_sql(str(compiled), params)


def _run_row(write: RunWrite, is_rerun: bool) -> dict[str, Any]:
    run = write.run
    return {
        "run_id": write.run_id,
        "dataset": run.dataset,
        "as_of": write.as_of,
        "started_at": codec.to_db_time(run.started_at),
        "finished_at": codec.to_db_time(run.finished_at),
        "suite_path": run.suite_path,
        "suite_sha256": run.suite_sha256,
        "data_sha256": run.data.sha256 if run.data is not None else None,
        "row_count": run.row_count,
        "gate_passed": run.gate.passed,
        "status": run_status(run).value,
        "error": run.error,
        "tool_version": write.tool_version,
        "is_rerun": is_rerun,
        "superseded_by": None,
        "record": "",
        "record_zlib": codec.pack_record(write.record.text),
    }


def _result_rows(run_id: str, dataset: str, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "run_id": run_id,
            "dataset": dataset,
            "check_id": item["check_id"],
            "check": item["check"],
            "column": item["column"],
            "status": item["status"],
            "severity": item["severity"],
            "engine": item["engine"],
            "observed": codec.to_json(item["observed"]),
            "expected": codec.to_json(item["expected"]),
            "failing_count": item["failing_count"],
            "message": item["message"],
        }
        for item in items
    ]


def _metric_rows(conn: sa.Connection, write: RunWrite, run_ref: int) -> list[dict[str, Any]]:
    """One value row per metric, in its series (a table-level metric has column ``''``)."""
    keys = [(metric, column or "") for metric, column, _ in write.metrics]
    anomalous = {(metric, column or "") for metric, column in write.anomalous}
    _check_metric_keys(keys, anomalous)
    ids = series_ids(conn, write.run.dataset, keys)
    return [
        {
            "series_id": ids[key],
            "as_of": write.as_of,
            "run_ref": run_ref,
            "value": codec.to_db_float(value),
            "anomalous": key in anomalous,
        }
        for key, (_, _, value) in zip(keys, write.metrics, strict=True)
    ]


def series_ids(conn: sa.Connection, dataset: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The id of each ``(metric, column)`` series of the dataset, creating the new ones.

    Writers of one dataset are serialised (its catalog row is locked), so no other writer
    creates the same series meanwhile."""

    ids = series_ids_of(conn, dataset)
    new = [{"dataset": dataset, "metric": m, "column": c} for m, c in dict.fromkeys(keys) if (m, c) not in ids]
    if new:
        _insert_many(conn, metric_series, new)
        ids = series_ids_of(conn, dataset)
    return ids


def _check_metric_keys(keys: list[tuple[str, str]], anomalous: set[tuple[str, str]]) -> None:
    """A metric given twice, or flagged anomalous but not given, is a bug of the caller."""
    if len(set(keys)) != len(keys):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise InternalError(f"metrics given more than once for one run: {twice}")
    unknown = sorted(anomalous - set(keys))
    if unknown:
        raise InternalError(f"metrics flagged anomalous but not given: {unknown}")


def _snapshot_row(write: RunWrite) -> dict[str, Any]:
    return {
        "run_id": write.run_id,
        "dataset": write.run.dataset,
        "as_of": write.as_of,
        "schema": codec.to_json(write.schema),
        "accepted": False,
    }


def _update_catalog(conn: sa.Connection, write: RunWrite, record: dict[str, Any]) -> None:
    stewardship: dict[str, Any] = record["stewardship"]
    values: dict[str, Any] = {field: _as_text(stewardship.get(field)) for field in STEWARDSHIP_FIELDS}
    values.update(
        stewardship=codec.to_json(stewardship),
        completeness=completeness(stewardship),
        last_run_id=write.run_id,
        last_as_of=write.as_of,
        last_status=run_status(write.run).value,
        last_gate_passed=write.run.gate.passed,
        updated_at=codec.to_db_time(write.written_at),
    )
    conn.execute(sa.update(catalog).where(catalog.c.dataset == write.run.dataset).values(values))


def run_status(run: DatasetRun) -> Status:
    """The run's worst status; ``errored`` when its dataset could not be read at all."""
    return Status.ERRORED if run.error is not None else run.worst


def completeness(stewardship: dict[str, Any]) -> float:
    """The fraction of the stewardship fields (owner … risk_tier) that are filled in."""
    filled = sum(1 for field in STEWARDSHIP_FIELDS if stewardship.get(field) not in (None, "", {}))
    return filled / len(STEWARDSHIP_FIELDS)


def _as_text(value: Any) -> str | None:
    """A stewardship value as catalog text: a retention mapping gives its period."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and "period" in value:
        return str(value["period"])
    return codec.to_json(value)


def mark_schema_accepted(conn: sa.Connection, run_id: str, dataset: str, *, by: str, reason: str, at: datetime) -> None:
    """Record that a steward accepted the schema a run saw; StoreError if there is none."""
    done = conn.execute(
        sa.update(schema_snapshots)
        .where(schema_snapshots.c.run_id == run_id, schema_snapshots.c.dataset == dataset)
        .values(accepted=True, accepted_by=by, accepted_reason=reason, accepted_at=codec.to_db_time(at))
    )
    if done.rowcount == 0:
        raise StoreError(f"run {run_id!r} of dataset {dataset!r} has no schema snapshot to accept")
