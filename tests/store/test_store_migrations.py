"""Schema versions: created on first use, upgraded in place, a newer one refused."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from tests.store.store_testkit import StoreSpec, make_run, save

from stewardgate.errors import StoreError
from stewardgate.store import latest_version, migrations
from stewardgate.store.engine import target_for


def _version(spec: StoreSpec) -> str:
    engine = spec.engine()
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(
                    sa.text("SELECT value FROM stewardgate_meta WHERE key = 'schema_version'")
                ).scalar_one()
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
    assert latest_version() == 2  # version 2 added the audit chain (sg_audit)
    spec.open().close()
    spec.open().close()  # a second open finds the tables and changes nothing
    assert _version(spec) == "2"


def test_newer_store_is_refused(spec: StoreSpec) -> None:
    spec.open().close()
    _set_version(spec, "7")
    with pytest.raises(StoreError) as caught:
        spec.open()
    where = target_for(spec.url, default_path=spec.default_path).where
    assert str(caught.value) == (
        f"the store at {where} has schema version 7; "
        "this stewardgate understands up to 2; upgrade stewardgate"
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
    monkeypatch.setattr(migrations, "UPGRADES", [*migrations.UPGRADES, _add_note_column])  # as if version 3 existed
    with spec.open() as store:
        assert [r.run_id for r in store.runs()] == ["r1"]
        save(store, make_run(), "r2", date(2025, 3, 2))
    assert _version(spec) == "3"
    assert "note" in _columns(spec, "sg_runs")
    spec.open().close()  # already at version 3: the step does not run again


def test_failed_upgrade_changes_nothing(spec: StoreSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    spec.open().close()

    def broken(conn: sa.Connection) -> None:
        _add_note_column(conn)
        conn.execute(sa.text("ALTER TABLE no_such_table ADD COLUMN x INTEGER"))

    monkeypatch.setattr(migrations, "UPGRADES", [*migrations.UPGRADES, broken])
    with pytest.raises(StoreError, match=r"^cannot open the history store at "):
        spec.open()
    assert _version(spec) == "2"
    assert "note" not in _columns(spec, "sg_runs")
