"""The audit chain on SQLite and PostgreSQL: appended by runs (with their waivers) in the run's
own transaction, by ``append_audit``; ``verify_chain`` names the first entry changed or removed;
a version-1 store is upgraded to version 2 (the audit table)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from stewardgate.errors import StoreError
from stewardgate.governance.audit import verify_chain
from stewardgate.results import DatasetRun, GateDecision
from stewardgate.runner import RunOptions, run_paths
from stewardgate.store import append_audit, latest_version
from stewardgate.store.audit import GENESIS, entry_hash
from tests.governance.gov_testkit import Backend

AS_OF = date(2026, 11, 27)


def _entries(backend: Backend) -> list[tuple[int, str, str]]:
    with backend.open() as store:
        return [(e.seq, e.kind, e.subject) for e in store.audit_entries()]


def _verify(backend: Backend) -> tuple[bool, int | None, str | None]:
    with backend.open() as store:
        report = verify_chain(*store.audit_chain())
    return report.ok, report.first_bad, report.problem


def _fill(backend: Backend, n: int = 5) -> None:
    with backend.open() as store:
        for i in range(1, n + 1):
            append_audit(store, "baseline", f"ds{i}", {"by": "jane@example.com", "i": i, "note": "naïve"})


def test_entries_are_chained(backend: Backend) -> None:
    _fill(backend, 3)
    with backend.open() as store:
        entries, head = store.audit_chain()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    for before, after in zip(entries, entries[1:]):
        assert after.prev_hash == before.hash
    for e in entries:
        assert e.hash == entry_hash(e.seq, e.kind, e.subject, e.payload, e.recorded_at, e.prev_hash)
    assert head == (3, entries[-1].hash)
    assert _verify(backend) == (True, None, None)


def test_an_edited_row_is_named(backend: Backend) -> None:
    _fill(backend)
    backend.execute(
        "UPDATE sg_audit SET payload = :p WHERE seq = 3", p='{"by":"mallory@example.com","i":3,"note":"naïve"}'
    )
    ok, first_bad, problem = _verify(backend)
    assert (ok, first_bad) == (False, 3)
    assert problem.startswith("entry 3 (baseline ds3, recorded ") and problem.endswith(
        " UTC) was changed: its content does not match its hash"
    )


def test_an_edited_row_with_a_recomputed_hash_is_named(backend: Backend) -> None:
    _fill(backend)
    with backend.open() as store:
        third = store.audit_entries()[2]
    forged = entry_hash(3, "baseline", "ds3", {"by": "mallory"}, third.recorded_at, third.prev_hash)
    backend.execute("UPDATE sg_audit SET payload = :p, hash = :h WHERE seq = 3", p='{"by":"mallory"}', h=forged)
    ok, first_bad, problem = _verify(backend)
    assert (ok, first_bad) == (False, 3)
    assert problem.startswith("entry 3 was changed or replaced: entry 4 (baseline ds4, recorded ")
    assert problem.endswith(" UTC) recorded a different hash for it")


def test_a_deleted_row_is_named(backend: Backend) -> None:
    _fill(backend)
    backend.execute("DELETE FROM sg_audit WHERE seq = 2")
    assert _verify(backend) == (False, 2, "entry 2 was removed (the chain goes from 1 to 3)")


def test_deleted_first_and_last_rows_are_named(backend: Backend) -> None:
    _fill(backend)
    backend.execute("DELETE FROM sg_audit WHERE seq IN (4, 5)")
    assert _verify(backend) == (False, 4, "entries 4 to 5 were removed (the head records entry 5, the chain ends at 3)")
    backend.execute("DELETE FROM sg_audit WHERE seq = 1")
    assert _verify(backend) == (False, 1, "entry 1 was removed (the chain goes from 0 to 2)")


def test_appending_after_a_deleted_tail_keeps_the_gap(backend: Backend) -> None:
    _fill(backend, 3)
    backend.execute("DELETE FROM sg_audit WHERE seq = 3")
    _fill(backend, 1)
    assert [seq for seq, _, _ in _entries(backend)] == [1, 2, 4]
    assert _verify(backend) == (False, 3, "entry 3 was removed (the chain goes from 2 to 4)")


def test_append_audit_on_a_connection_joins_its_transaction(backend: Backend) -> None:
    engine = backend.engine()
    backend.open().close()
    try:
        with pytest.raises(RuntimeError), engine.begin() as conn:
            append_audit(conn, "baseline", "orders", {"run_id": "r1"})
            raise RuntimeError("the caller's write failed")
        assert _entries(backend) == []
        with engine.begin() as conn:
            entry = append_audit(conn, "baseline", "orders", {"run_id": "r1"})
        assert (entry.seq, _entries(backend)) == (1, [(1, "baseline", "orders")])
    finally:
        engine.dispose()


def _suite(make_suite: Callable[..., Path]) -> Path:
    waivers = [
        {"check": "columns.a.min", "reason": "known", "approved_by": "jane@example.com", "expires": date(2027, 1, 1)}
    ]
    return make_suite(data=pl.DataFrame({"a": [-1, 1]}), columns={"a": {"min": 0}}, top={"waivers": waivers})


def test_a_run_appends_its_entry_and_its_waivers(backend: Backend, make_suite: Callable[..., Path]) -> None:
    options = RunOptions(as_of=AS_OF, use_store=True, store_url=backend.url, store_path=backend.default_path)
    if backend.schema:
        options = RunOptions(as_of=AS_OF, use_store=True, store_url=backend.cli_url)
    result = run_paths([_suite(make_suite)], options)
    assert _entries(backend) == [(1, "run", "t"), (2, "waiver", "t")]
    with backend.open() as store:
        run_entry, waiver_entry = store.audit_entries()
    assert run_entry.payload["run_id"] == result.run_id and run_entry.payload["waived"] == ["t.columns.a.min"]
    assert run_entry.payload["gate_passed"] is True and run_entry.payload["as_of"] == "2026-11-27"
    assert waiver_entry.payload["waiver"]["approved_by"] == "jane@example.com"
    assert waiver_entry.payload["waived_status"] == "failed"
    assert _verify(backend) == (True, None, None)


def test_a_refused_run_write_leaves_no_audit_entry(backend: Backend) -> None:
    run = DatasetRun(
        dataset="orders", suite_path="s.yml", suite_sha256="0" * 64, stewardship={}, results=(),
        gate=GateDecision(True, "error", (), "ok"), started_at=datetime(2026, 11, 27, tzinfo=UTC),
        finished_at=datetime(2026, 11, 27, tzinfo=UTC),
    )  # fmt: skip
    from stewardgate.governance.audit import run_events

    with backend.open() as store:
        store.save_dataset_run(run, run_id="r1", as_of=AS_OF, tool_version="x", metrics=[],
                               audit=run_events(run, run_id="r1", as_of=AS_OF))  # fmt: skip
        with pytest.raises(StoreError, match="is already in the history store$"):
            store.save_dataset_run(run, run_id="r1", as_of=AS_OF, tool_version="x", metrics=[],
                                   audit=run_events(run, run_id="r1", as_of=AS_OF))  # fmt: skip
    assert _entries(backend) == [(1, "run", "orders")]


def test_a_version_1_store_is_upgraded_to_version_2(backend: Backend) -> None:
    backend.open().close()
    backend.execute("DROP TABLE sg_audit")
    for undo_v3 in ("DROP TABLE sg_metric_values", "DROP TABLE sg_metric_series", "ALTER TABLE sg_runs DROP COLUMN record_zlib",
                    "ALTER TABLE sg_runs DROP COLUMN pruned_at",
                    'CREATE TABLE sg_metrics (run_id VARCHAR(128) NOT NULL, dataset VARCHAR(255) NOT NULL, metric VARCHAR(255) NOT NULL,'
                    ' "column" VARCHAR(255) NOT NULL, as_of DATE NOT NULL, value FLOAT, anomalous BOOLEAN NOT NULL,'
                    ' PRIMARY KEY (run_id, dataset, metric, "column"))'):  # fmt: skip
        backend.execute(undo_v3)  # the version-1 layout (version 3 changed sg_runs and the metric tables)
    backend.execute("UPDATE stewardgate_meta SET value = '1' WHERE key = 'schema_version'")
    engine = backend.engine()
    try:
        with engine.connect() as conn:
            assert not sa.inspect(conn).has_table("sg_audit", schema=backend.schema)
    finally:
        engine.dispose()
    _fill(backend, 2)  # opening upgrades; the chain works at once
    assert latest_version() == 3 and _verify(backend) == (True, None, None)
    engine = backend.engine()
    try:
        with engine.connect() as conn:
            version = conn.execute(
                sa.text("SELECT value FROM stewardgate_meta WHERE key = 'schema_version'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert version == "3"  # version 2's step, then version 3's
