"""store prune: old detail goes, baselines, anomaly series and a verifiable audit chain stay."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from stewardgate.errors import StoreError
from stewardgate.governance.audit import run_events, verify_chain
from stewardgate.governance.evidence import check_anchor, verify_records
from stewardgate.results import Status
from stewardgate.store import Store
from tests.store.store_testkit import StoreSpec, make_run

DAY0 = date(2025, 3, 1)
DAYS = 10


def _fill(store: Store) -> None:
    """Ten nights of orders (row_count 100, 101, ...), night 3 accepted as the schema baseline,
    night 2 with a waiver entry after it."""
    for n in range(DAYS):
        run, day = make_run(statuses=(Status.PASSED, Status.FAILED), passed=n % 2 == 0), DAY0 + timedelta(days=n)
        store.save_dataset_run(
            run, run_id=f"r{n}", as_of=day, tool_version="0.1.0", schema={"order_id": "Int64"},
            metrics=[("row_count", None, 100.0 + n)], audit=run_events(run, run_id=f"r{n}", as_of=day),
        )  # fmt: skip
        if n == 2:
            store.append_audit("waiver", "orders", {"run_id": "r2", "check_id": "columns.amount.min#1"})
        if n == 3:
            store.mark_schema_accepted("r3", "orders", by="jane.doe@example.com", reason="the baseline")


def _verified(store: Store) -> tuple[object, object]:
    entries, head, evidence = store.audit_evidence()
    chain, records = verify_chain(entries, head), verify_records(entries, evidence)
    assert chain.ok, chain.problem
    assert records.ok, records.problems
    return chain, records


def _rows(spec: StoreSpec, sql: str) -> list[tuple[object, ...]]:
    engine = spec.engine()
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def _sql(spec: StoreSpec, *statements: str) -> None:
    engine = spec.engine()
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_a_dry_run_deletes_nothing_and_says_what_would_go(store: Store, spec: StoreSpec) -> None:
    _fill(store)
    before = _rows(spec, "SELECT COUNT(*) FROM sg_results"), store.audit_chain()
    plan, checkpoint = store.prune(DAY0 + timedelta(days=6), keep_points=3)
    assert checkpoint is None
    assert [r[1] for r in plan.runs] == ["r0", "r1", "r2", "r4", "r5"]  # r3's schema is the accepted baseline
    assert (plan.results, plan.snapshots, plan.metric_values) == (10, 5, 6)
    assert [e.seq for e in plan.folded] == list(range(1, 9))  # up to r5's run entry
    assert [(c["kind"], c["payload"].get("run_id")) for c in plan.carried] == [
        ("waiver", "r2"),
        ("run", "r3"),
        ("baseline", "r3"),
    ]
    assert (_rows(spec, "SELECT COUNT(*) FROM sg_results"), store.audit_chain()) == before


def test_prune_keeps_baselines_series_and_a_chain_that_verifies(store: Store, spec: StoreSpec) -> None:
    _fill(store)
    head_before = store.audit_chain()[1]
    plan, checkpoint = store.prune(DAY0 + timedelta(days=6), keep_points=3, apply=True)
    assert checkpoint is not None and checkpoint.kind == "checkpoint"
    assert checkpoint.seq == head_before[0] + 1
    assert checkpoint.payload["through_seq"] == 8 and checkpoint.payload["pruned_runs"] == 5
    with pytest.raises(
        StoreError, match=r"^the record of run 'r0' of dataset 'orders' was pruned from the history store on "
    ):
        store.dataset_run("r0", "orders")
    assert store.dataset_run("r3", "orders").dataset == "orders"  # the accepted baseline's run stays whole
    assert store.latest_schema("orders").run_id == "r3"
    assert [(s.run_id, s.pruned) for s in store.runs("orders", limit=3)] == [
        ("r9", False),
        ("r8", False),
        ("r7", False),
    ]
    assert sorted(s.run_id for s in store.runs("orders", limit=None) if s.pruned) == ["r0", "r1", "r2", "r4", "r5"]
    assert [p.value for p in store.metric_series("orders", "row_count")] == [106.0, 107.0, 108.0, 109.0]
    assert _rows(spec, "SELECT COUNT(*) FROM sg_results")[0][0] == 2 * (DAYS - 5)
    chain, records = _verified(store)
    assert chain.checkpoint.seq == checkpoint.seq  # type: ignore[attr-defined]
    assert (records.pruned, records.covered) == (5, 5)  # type: ignore[attr-defined]  # r3 by the entry its checkpoint carries
    entries = store.audit_chain()[0]
    assert check_anchor(entries, (8, plan.folded[-1].hash[:16])) is None  # a head kept at the folded end still holds
    assert "folded into checkpoint entry" in str(check_anchor(entries, (2, plan.folded[1].hash)))


def test_keep_points_keeps_older_values_the_anomaly_windows_read(store: Store) -> None:
    _fill(store)
    store.prune(DAY0 + timedelta(days=6), keep_points=8, apply=True)
    assert [p.value for p in store.metric_series("orders", "row_count")] == [100.0 + n for n in range(2, DAYS)]


def test_a_second_prune_carries_the_first_checkpoints_entries_forward(store: Store) -> None:
    _fill(store)
    store.prune(DAY0 + timedelta(days=3), keep_points=1, apply=True)
    _verified(store)
    plan, checkpoint = store.prune(DAY0 + timedelta(days=9), keep_points=1, apply=True)
    assert checkpoint is not None
    assert [c["kind"] for c in checkpoint.payload["carried"]] == [
        "waiver",
        "run",
        "baseline",
    ]  # r3's run entry: it stays
    assert not any(e.kind == "run" and e.payload["run_id"] in {r[1] for r in plan.runs} for e in store.audit_chain()[0])
    chain, records = _verified(store)
    assert records.pruned == 8  # type: ignore[attr-defined]  # all but r3 (accepted) and r9 (latest)
    assert store.prune(DAY0 + timedelta(days=9), keep_points=1, apply=True)[1] is None  # nothing left to prune


def test_tampering_after_a_prune_is_still_caught(store: Store, spec: StoreSpec) -> None:
    _fill(store)
    store.prune(DAY0 + timedelta(days=6), keep_points=3, apply=True)
    _sql(spec, "UPDATE sg_runs SET gate_passed = (1 = 1), status = 'passed' WHERE run_id = 'r1'")
    entries, head, evidence = store.audit_evidence()
    assert verify_chain(entries, head).ok
    [problem] = verify_records(entries, evidence).problems
    assert problem.startswith(
        "the pruned runs were changed, added or removed: their summaries (5 runs) do not match checkpoint entry "
    )


def test_a_removed_checkpoint_breaks_the_chain(store: Store, spec: StoreSpec) -> None:
    _fill(store)
    _, checkpoint = store.prune(DAY0 + timedelta(days=6), keep_points=3, apply=True)
    assert checkpoint is not None
    _sql(spec, f"DELETE FROM sg_audit WHERE seq = {checkpoint.seq}",
         f"UPDATE stewardgate_meta SET value = (SELECT CAST(seq AS VARCHAR(20)) || ':' || hash FROM sg_audit WHERE seq = {checkpoint.seq - 1}) WHERE key = 'audit_head'")  # fmt: skip
    chain = verify_chain(*store.audit_chain())
    assert not chain.ok
    assert chain.problem == "entries 1 to 8 were removed (the chain goes from 0 to 9)"


def test_pruned_marks_without_a_checkpoint_are_caught(store: Store, spec: StoreSpec) -> None:
    _fill(store)
    _sql(spec, "UPDATE sg_runs SET pruned_at = finished_at WHERE run_id = 'r1'")
    entries, _, evidence = store.audit_evidence()
    [problem] = verify_records(entries, evidence).problems
    assert (
        problem
        == "1 stored run is marked pruned (run r1 of orders), but no checkpoint entry of the audit chain records a prune"
    )
