"""Saving dataset runs and reading the history back, on every backend."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from stewardgate.errors import InternalError, StoreError, UsageError
from stewardgate.results import Status
from stewardgate.store import SeriesPoint, Store, open_store, writer
from stewardgate.store.codec import pack_record
from tests.store.store_testkit import STEWARDSHIP, StoreSpec, make_run, row_counts, save

DAY = date(2025, 3, 1)


def test_a_run_round_trips(store: Store, spec: StoreSpec) -> None:
    run = make_run(statuses=(Status.PASSED, Status.FAILED), passed=False)
    save(store, run, "r1", DAY)
    assert store.dataset_run("r1", "orders") == run
    assert row_counts(spec, "r1") == {
        "sg_runs": 1,
        "sg_results": 2,
        "sg_metric_values": 2,
        "sg_schema_snapshots": 1,
    }
    [summary] = store.runs()
    assert (summary.run_id, summary.dataset, summary.as_of) == ("r1", "orders", DAY)
    assert (summary.status, summary.gate_passed, summary.row_count) == (Status.FAILED, False, 100)
    assert summary.started_at == datetime(2025, 3, 1, 6, 0, 0, tzinfo=UTC)
    assert (summary.data_sha256, summary.tool_version) == ("ab" * 32, "0.1.0")
    assert (summary.is_rerun, summary.superseded_by) == (False, None)


def test_a_missing_run_is_a_store_error(store: Store) -> None:
    expected = r"^run 'x' of dataset 'orders' is not in the history store$"
    with pytest.raises(StoreError, match=expected):
        store.dataset_run("x", "orders")


def test_the_same_run_id_and_dataset_twice_is_refused(store: Store, spec: StoreSpec) -> None:
    save(store, make_run(), "r1", DAY)
    expected = r"^run 'r1' of dataset 'orders' is already in the history store$"
    with pytest.raises(StoreError, match=expected):
        save(store, make_run(), "r1", DAY + timedelta(days=1))
    assert row_counts(spec, "r1")["sg_metric_values"] == 2


def test_one_run_id_may_cover_several_datasets(store: Store) -> None:
    save(store, make_run("orders"), "r1", DAY)
    save(store, make_run("customers"), "r1", DAY)
    assert sorted(r.dataset for r in store.runs()) == ["customers", "orders"]


def test_a_failing_write_leaves_nothing(store: Store, spec: StoreSpec) -> None:
    with pytest.raises(InternalError, match="metrics given more than once"):
        store.save_dataset_run(
            make_run(),
            run_id="r1",
            as_of=DAY,
            tool_version="0.1.0",
            metrics=[("row_count", None, 1.0), ("row_count", None, 2.0)],
        )
    assert row_counts(spec, "r1") == dict.fromkeys(row_counts(spec, "r1"), 0)
    assert store.catalog() == []


def test_series_is_oldest_first_and_limited_to_the_latest_days(store: Store) -> None:
    for i in range(5):
        save(store, make_run(), f"r{i}", DAY + timedelta(days=i), row_count=100.0 + i)
    series = store.metric_series("orders", "row_count", before=DAY + timedelta(days=4), limit=2)
    assert series == [
        SeriesPoint(DAY + timedelta(days=2), 102.0, False, "r2"),
        SeriesPoint(DAY + timedelta(days=3), 103.0, False, "r3"),
    ]
    values = [p.value for p in store.metric_series("orders", "row_count")]
    assert values == [100, 101, 102, 103, 104]
    assert [p.value for p in store.metric_series("orders", "null_fraction", "email")] == [0.01] * 5
    assert store.metric_series("orders", "null_fraction") == []
    assert store.metric_series("other", "row_count") == []


def test_many_series_are_read_together_each_with_its_own_window(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a night's anomaly rules read at once: each series' latest ``limit`` days before the
    as-of day (every day for None), oldest first, reruns left out, a series never stored empty
    (and not queried), a table-level metric under column None; all in one transaction."""
    for i in range(6):
        save(store, make_run(), f"r{i}", DAY + timedelta(days=i), row_count=100.0 + i)
    save(store, make_run(), "again", DAY + timedelta(days=2), row_count=7.0)  # replaces r2
    selects: list[str] = []
    real = sa.Connection.execute
    monkeypatch.setattr(sa.Connection, "execute", lambda self, q, *a, **k: (selects.append(str(q)), real(self, q, *a, **k))[1])  # fmt: skip
    begun: list[sa.Connection] = []
    real_begin = sa.Connection.begin
    monkeypatch.setattr(sa.Connection, "begin", lambda self: (begun.append(self), real_begin(self))[1])
    wanted = {("row_count", None): 3, ("null_fraction", "email"): None, ("null_fraction", "amount"): 2}
    got = store.metric_series_many("orders", wanted, before=DAY + timedelta(days=5))
    days = [DAY + timedelta(days=i) for i in range(5)]
    assert got == {
        ("row_count", None): [SeriesPoint(days[2], 7.0, False, "again"), SeriesPoint(days[3], 103.0, False, "r3"),
                              SeriesPoint(days[4], 104.0, False, "r4")],
        ("null_fraction", "email"): [SeriesPoint(d, 0.01, False, r) for d, r in zip(days, ("r0", "r1", "again", "r3", "r4"), strict=True)],
        ("null_fraction", "amount"): [],
    }  # fmt: skip
    assert len([q for q in selects if "sg_metric_values" in q]) == 2 and len(begun) == 1
    assert store.metric_series_many("other", wanted) == dict.fromkeys(wanted, [])


def test_a_rerun_replaces_the_earlier_run_in_the_series(store: Store) -> None:
    save(store, make_run(), "first", DAY, row_count=10.0)
    save(store, make_run(), "next-day", DAY + timedelta(days=1), row_count=20.0)
    save(store, make_run(), "again", DAY, row_count=11.0)
    assert [(p.run_id, p.value) for p in store.metric_series("orders", "row_count")] == [
        ("again", 11.0),
        ("next-day", 20.0),
    ]
    history = {r.run_id: (r.is_rerun, r.superseded_by) for r in store.runs()}
    assert history == {"first": (False, "again"), "next-day": (False, None), "again": (True, None)}
    assert [r.run_id for r in store.runs(include_superseded=False)] == ["next-day", "again"]


def test_anomalous_flags_and_nan_values(store: Store) -> None:
    store.save_dataset_run(
        make_run(),
        run_id="r1",
        as_of=DAY,
        tool_version="0.1.0",
        metrics=[("row_count", None, 5.0), ("mean", "amount", math.nan)],
        anomalous={("row_count", None)},
    )
    assert store.metric_series("orders", "row_count") == [SeriesPoint(DAY, 5.0, True, "r1")]
    [point] = store.metric_series("orders", "mean", "amount")
    assert math.isnan(point.value) and point.anomalous is False


WIDE = writer.BULK_FROM
"""Columns of :func:`_wide_save`'s run: three results and three metrics each, more rows than
``writer.BULK_FROM`` (fixed here, as a test may raise ``BULK_FROM`` to turn the bulk path off)."""


def _wide_save(store: Store, run_id: str, as_of: date) -> None:
    """A run with more result and metric rows than writer.BULK_FROM: NaN, flags, a table metric."""
    statuses = tuple(list(Status)[i % len(Status)] for i in range(3 * WIDE))
    metrics = [("row_count", None, 100.0)] + [
        (metric, f"c{i:03d}", math.nan if i % 7 == 0 else i * 0.5 - 3)
        for i in range(WIDE)
        for metric in ("mean", "null_fraction", "distinct_count")
    ]
    store.save_dataset_run(
        make_run(statuses=statuses, passed=False), run_id=run_id, as_of=as_of, tool_version="0.1.0",
        metrics=metrics, anomalous={("row_count", None), ("mean", "c001")}, schema={"c000": "Float64"},
    )  # fmt: skip


def test_many_rows_go_to_sqlite_in_one_executemany_exactly_as_sqlalchemy_would_write_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rows_of(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        engine = sa.create_engine(f"sqlite:///{path}")
        with engine.connect() as conn:
            tables = ("sg_runs", "sg_results", "sg_metric_series", "sg_metric_values", "sg_schema_snapshots")
            rows = {t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY 1, 2, 3")] for t in tables}
        engine.dispose()
        return rows

    calls: list[str] = []
    real = sa.Connection.exec_driver_sql
    monkeypatch.setattr(sa.Connection, "exec_driver_sql", lambda self, sql, *a, **k: (calls.append(sql), real(self, sql, *a, **k))[1])  # fmt: skip
    stored = {}
    for way, bulk_from in (("bulk", writer.BULK_FROM), ("sqlalchemy", 10**9)):
        monkeypatch.setattr(writer, "BULK_FROM", bulk_from)
        calls.clear()
        path = tmp_path / f"{way}.db"
        store = open_store(None, default_path=path)
        try:
            for night in range(2):  # the second night finds its series stored
                _wide_save(store, f"r{night}", DAY + timedelta(days=night))
        finally:
            store.close()
        inserts = sorted({sql.split(" (")[0] for sql in calls if sql.startswith("INSERT")})
        expected = ["INSERT INTO sg_metric_series", "INSERT INTO sg_metric_values", "INSERT INTO sg_results"]
        assert inserts == (expected if way == "bulk" else []), way
        stored[way] = rows_of(path)
    assert len(stored["bulk"]["sg_metric_values"]) == 2 * (3 * WIDE + 1)
    assert len(stored["bulk"]["sg_results"]) == 6 * WIDE
    assert stored["bulk"] == stored["sqlalchemy"]


def test_a_wide_run_round_trips_on_every_backend(store: Store) -> None:
    for night in range(2):
        _wide_save(store, f"r{night}", DAY + timedelta(days=night))
    assert [(p.value, p.anomalous) for p in store.metric_series("orders", "row_count")] == [(100.0, True)] * 2
    [first, _] = store.metric_series("orders", "mean", "c001")
    assert (first.value, first.anomalous, first.run_id) == (-2.5, True, "r0")
    assert all(math.isnan(p.value) for p in store.metric_series("orders", "distinct_count", "c007"))
    assert len(store.dataset_run("r1", "orders").results) == 3 * WIDE


def test_flagging_an_unknown_metric_is_a_bug(store: Store) -> None:
    expected = r"flagged anomalous but not given: \[\('mean', 'x'\)\]"
    with pytest.raises(InternalError, match=expected):
        store.save_dataset_run(
            make_run(),
            run_id="r1",
            as_of=DAY,
            tool_version="0.1.0",
            metrics=[("row_count", None, 5.0)],
            anomalous={("mean", "x")},
        )


def test_runs_newest_first_filtered_and_limited(store: Store) -> None:
    save(store, make_run("orders"), "o1", DAY)
    save(store, make_run("customers"), "c1", DAY + timedelta(days=1))
    save(store, make_run("orders"), "o2", DAY + timedelta(days=2))
    assert [r.run_id for r in store.runs()] == ["o2", "c1", "o1"]
    assert [r.run_id for r in store.runs("orders")] == ["o2", "o1"]
    assert [r.run_id for r in store.runs(limit=1)] == ["o2"]


def test_catalog_follows_the_latest_day(store: Store) -> None:
    later = DAY + timedelta(days=1)
    save(store, make_run("orders", passed=False, statuses=(Status.FAILED,)), "o2", later)
    save(store, make_run("orders"), "o1-backfill", DAY)  # an older day does not move the catalog
    [entry] = store.catalog()
    assert (entry.dataset, entry.last_run_id, entry.last_as_of) == ("orders", "o2", later)
    assert (entry.last_status, entry.last_gate_passed) == (Status.FAILED, False)
    assert (entry.owner, entry.steward, entry.classification) == (
        "sales-analytics@example.com",
        "jane.doe@example.com",
        "confidential",
    )
    assert (entry.retention, entry.risk_tier, entry.completeness) == ("400d", "high", 1.0)
    assert entry.stewardship == STEWARDSHIP
    assert entry.updated_at.tzinfo is not None


def test_catalog_filters(store: Store) -> None:
    save(store, make_run("orders"), "r1", DAY)
    partial = {"owner": "hr@example.com", "classification": "restricted"}
    save(store, make_run("staff", stewardship=partial, statuses=(Status.ERRORED,)), "r1", DAY)
    assert [e.dataset for e in store.catalog()] == ["orders", "staff"]
    assert [e.dataset for e in store.catalog(owner="hr@example.com")] == ["staff"]
    assert [e.dataset for e in store.catalog(classification="confidential")] == ["orders"]
    assert [e.dataset for e in store.catalog(status=Status.ERRORED)] == ["staff"]
    assert [e.dataset for e in store.catalog(status="warned", owner="hr@example.com")] == []
    assert store.catalog(owner="hr@example.com")[0].completeness == pytest.approx(0.4)


def test_catalog_rejects_an_unknown_status(store: Store) -> None:
    with pytest.raises(UsageError, match=r"^unknown status 'bad' \(one of: passed, skipped, "):
        store.catalog(status="bad")


def test_latest_schema_and_acceptance(store: Store) -> None:
    store.save_dataset_run(make_run(), run_id="r1", as_of=DAY, tool_version="0.1.0", metrics=[], schema={"a": "Int64"})
    store.save_dataset_run(
        make_run(),
        run_id="r2",
        as_of=DAY + timedelta(days=1),
        tool_version="0.1.0",
        metrics=[],
        schema={"a": "Int64", "b": "String"},
    )
    assert store.latest_schema("orders") is None
    latest = store.latest_schema("orders", accepted_only=False)
    assert latest is not None
    assert (latest.run_id, latest.schema) == ("r2", {"a": "Int64", "b": "String"})
    at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    store.mark_schema_accepted("r1", "orders", by="jane.doe@example.com", reason="baseline", at=at)
    accepted = store.latest_schema("orders")
    assert accepted is not None
    assert (accepted.run_id, accepted.schema, accepted.accepted) == ("r1", {"a": "Int64"}, True)
    assert (accepted.accepted_by, accepted.accepted_reason, accepted.accepted_at) == (
        "jane.doe@example.com",
        "baseline",
        at,
    )


def test_accepting_a_run_without_a_snapshot_is_a_store_error(store: Store) -> None:
    store.save_dataset_run(make_run(), run_id="r1", as_of=DAY, tool_version="0.1.0", metrics=[])
    with pytest.raises(StoreError, match=r"^run 'r1' of dataset 'orders' has no schema snapshot"):
        store.mark_schema_accepted("r1", "orders", by="x", reason="y")


def test_a_run_that_could_not_read_its_data(store: Store) -> None:
    run = make_run(statuses=(), passed=False, error="cannot read data/orders.parquet")
    store.save_dataset_run(run, run_id="r1", as_of=DAY, tool_version="0.1.0", metrics=[])
    [summary] = store.runs()
    assert (summary.status, summary.error) == (Status.ERRORED, "cannot read data/orders.parquet")
    assert [e.dataset for e in store.catalog(status="errored")] == ["orders"]
    assert store.dataset_run("r1", "orders") == run


def test_an_unreadable_record_is_a_store_error(store: Store, spec: StoreSpec) -> None:
    save(store, make_run(), "r1", DAY)
    engine = spec.engine()
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE sg_runs SET record_zlib = :z"), {"z": pack_record('{"dataset": 1}')})
    finally:
        engine.dispose()
    expected = r"^the stored record of run 'r1' of dataset 'orders' cannot be read: "
    with pytest.raises(StoreError, match=expected):
        store.dataset_run("r1", "orders")
