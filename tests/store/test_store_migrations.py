"""Schema versions: created on first use, upgraded in place, a newer one refused."""

from __future__ import annotations

import zlib
from datetime import date

import pytest
import sqlalchemy as sa

from stewardgate.errors import StoreError
from stewardgate.governance.audit import run_events
from stewardgate.governance.evidence import verify_records
from stewardgate.store import latest_version, migrations
from stewardgate.store.codec import record_sha256
from stewardgate.store.engine import target_for
from tests.store.store_testkit import StoreSpec, make_run, save


def _version(spec: StoreSpec) -> str:
    engine = spec.engine()
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(sa.text("SELECT value FROM stewardgate_meta WHERE key = 'schema_version'")).scalar_one()
            )
    finally:
        engine.dispose()


def _set_version(spec: StoreSpec, value: str) -> None:
    engine = spec.engine()
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE stewardgate_meta SET value = :v WHERE key = 'schema_version'"),
                {"v": value},
            )
    finally:
        engine.dispose()


def _columns(spec: StoreSpec, table: str) -> set[str]:
    engine = spec.engine()
    try:
        with engine.connect() as conn:
            return {c["name"] for c in sa.inspect(conn).get_columns(table, schema=spec.schema)}
    finally:
        engine.dispose()


def _add_note_column(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE sg_runs ADD COLUMN note VARCHAR(200)"))


def test_first_open_creates_the_latest_version(spec: StoreSpec) -> None:
    assert latest_version() == 3  # version 2 added the audit chain (sg_audit), 3 packed records and metric series
    spec.open().close()
    spec.open().close()  # a second open finds the tables and changes nothing
    assert _version(spec) == "3"


def test_newer_store_is_refused(spec: StoreSpec) -> None:
    spec.open().close()
    _set_version(spec, "7")
    with pytest.raises(StoreError) as caught:
        spec.open()
    where = target_for(spec.url, default_path=spec.default_path).where
    assert str(caught.value) == (
        f"the store at {where} has schema version 7; this stewardgate understands up to 3; upgrade stewardgate"
    )


def test_invalid_version_is_refused(spec: StoreSpec) -> None:
    spec.open().close()
    _set_version(spec, "banana")
    expected = r"has no valid schema_version in stewardgate_meta \(found 'banana'\)$"
    with pytest.raises(StoreError, match=expected):
        spec.open()


def test_older_store_is_upgraded_in_place(spec: StoreSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    with spec.open() as store:
        save(store, make_run(), "r1", date(2025, 3, 1))
    monkeypatch.setattr(migrations, "UPGRADES", [*migrations.UPGRADES, _add_note_column])  # as if version 4 existed
    with spec.open() as store:
        assert [r.run_id for r in store.runs()] == ["r1"]
        save(store, make_run(), "r2", date(2025, 3, 2))
    assert _version(spec) == "4"
    assert "note" in _columns(spec, "sg_runs")
    spec.open().close()  # already at version 4: the step does not run again


def test_failed_upgrade_changes_nothing(spec: StoreSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    spec.open().close()

    def broken(conn: sa.Connection) -> None:
        _add_note_column(conn)
        conn.execute(sa.text("ALTER TABLE no_such_table ADD COLUMN x INTEGER"))

    monkeypatch.setattr(migrations, "UPGRADES", [*migrations.UPGRADES, broken])
    with pytest.raises(StoreError, match=r"^cannot open the history store at "):
        spec.open()
    assert _version(spec) == "3"
    assert "note" not in _columns(spec, "sg_runs")


def _as_version_2(spec: StoreSpec) -> None:
    """Turn a fresh store back into the version-2 layout: record text in sg_runs, metric
    values in sg_metrics with their names on every row."""
    engine = spec.engine()
    try:
        with engine.begin() as conn:
            packed = conn.execute(sa.text("SELECT id, record_zlib FROM sg_runs")).all()
            for run_ref, blob in packed:
                conn.execute(
                    sa.text("UPDATE sg_runs SET record = :t WHERE id = :i"),
                    {"t": zlib.decompress(blob).decode(), "i": run_ref},
                )
            conn.execute(sa.text(
                'CREATE TABLE sg_metrics (run_id VARCHAR(128) NOT NULL, dataset VARCHAR(255) NOT NULL, metric VARCHAR(255) NOT NULL,'
                ' "column" VARCHAR(255) NOT NULL, as_of DATE NOT NULL, value FLOAT, anomalous BOOLEAN NOT NULL,'
                ' PRIMARY KEY (run_id, dataset, metric, "column"))'
            ))  # fmt: skip
            conn.execute(sa.text(
                'INSERT INTO sg_metrics SELECT r.run_id, r.dataset, s.metric, s."column", v.as_of, v.value, v.anomalous'
                " FROM sg_metric_values v JOIN sg_metric_series s ON s.id = v.series_id JOIN sg_runs r ON r.id = v.run_ref"
            ))  # fmt: skip
            for statement in ("DROP TABLE sg_metric_values", "DROP TABLE sg_metric_series",
                              "ALTER TABLE sg_runs DROP COLUMN record_zlib", "ALTER TABLE sg_runs DROP COLUMN pruned_at",
                              "UPDATE stewardgate_meta SET value = '2' WHERE key = 'schema_version'"):  # fmt: skip
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_a_version_2_store_is_packed_and_its_metrics_moved(spec: StoreSpec) -> None:
    with spec.open() as store:
        for run_id, day, rows in (("r1", 1, 100.0), ("r2", 2, 110.0), ("r3", 2, 120.0)):  # r3 reruns r2's day
            run, as_of = make_run(), date(2025, 3, day)
            store.save_dataset_run(run, run_id=run_id, as_of=as_of, tool_version="0.1.0", schema={"a": "Int64"},
                                   metrics=[("row_count", None, rows), ("null_fraction", "email", 0.01)],
                                   audit=run_events(run, run_id=run_id, as_of=as_of))  # fmt: skip
        before = (store.metric_series("orders", "row_count"), store.metric_series("orders", "null_fraction", "email"),
                  store.dataset_run("r2", "orders"))  # fmt: skip
        digests = {e.payload["run_id"]: e.payload["record_sha256"] for e in store.audit_entries(kind="run")}
    _as_version_2(spec)
    assert "record_zlib" not in _columns(spec, "sg_runs")
    with spec.open() as store:
        after = (store.metric_series("orders", "row_count"), store.metric_series("orders", "null_fraction", "email"),
                 store.dataset_run("r2", "orders"))  # fmt: skip
        entries, head, evidence = store.audit_evidence()
    assert _version(spec) == "3"
    assert after == before
    assert [p.value for p in after[0]] == [100.0, 120.0]
    assert verify_records(entries, evidence).ok  # the digests cover the text, which unpacks unchanged
    assert {key[0]: record_sha256(run.record) for key, run in evidence.runs.items()} == digests
    engine = spec.engine()
    try:
        with engine.connect() as conn:
            assert (
                conn.execute(
                    sa.text("SELECT COUNT(*) FROM sg_runs WHERE record <> '' OR record_zlib IS NULL")
                ).scalar_one()
                == 0
            )
            assert not sa.inspect(conn).has_table("sg_metrics")
    finally:
        engine.dispose()
