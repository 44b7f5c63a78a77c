"""Lineage: upstream verdicts in the same run or the latest stored run, located errors, waivers, order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stewardgate.errors import SuiteError
from stewardgate.results import Status
from tests.lineage.lineage_testkit import CUSTOMERS_BAD, by_id, run

ORDERS = "orders.lineage.upstream.customers"
EXTERNAL = "orders.lineage.upstream.postgres://warehouse/sales.raw_orders"


def test_a_passing_upstream_in_the_same_run_passes(pair) -> None:
    folder = pair()
    result = run([folder / "orders.yml", folder / "customers.yml"])
    assert [d.dataset for d in result.datasets] == ["orders", "customers"]  # the order given is kept
    r = by_id(result, ORDERS)
    assert r.status is Status.PASSED
    assert r.message == "upstream customers passed its gate in this run"
    assert by_id(result, EXTERNAL).status is Status.SKIPPED


def test_a_failing_upstream_is_named_as_a_warning_that_does_not_block(pair) -> None:
    folder = pair(customers_data=CUSTOMERS_BAD)
    result = run([folder])
    r = by_id(result, ORDERS)
    assert r.status is Status.WARNED
    assert r.message.startswith("upstream customers FAILED its gate in this run: 1 failed")
    orders = next(d for d in result.datasets if d.dataset == "orders")
    assert orders.gate.passed  # a low-tier dataset: the warning is reported, not blocking


def test_block_on_upstream_failure_blocks(pair) -> None:
    from tests.lineage.lineage_testkit import orders_suite

    folder = pair(customers_data=CUSTOMERS_BAD, orders=orders_suite("  block_on_upstream_failure: true\n"))
    result = run([folder])
    orders = next(d for d in result.datasets if d.dataset == "orders")
    assert by_id(result, ORDERS).status is Status.FAILED
    assert not orders.gate.passed and ORDERS in orders.gate.blocking


def test_the_latest_stored_run_is_used_when_the_upstream_is_not_in_the_run(pair, tmp_path: Path) -> None:
    folder = pair(customers_data=CUSTOMERS_BAD)
    store = tmp_path / "h.db"
    run([folder / "customers.yml"], store=store, as_of=date(2026, 11, 26))
    result = run([folder / "orders.yml"], store=store)
    r = by_id(result, ORDERS)
    assert r.status is Status.WARNED
    assert "FAILED its gate in its latest stored run (2026-11-26, run " in r.message
    later = run([folder / "orders.yml"], store=store, as_of=date(2026, 11, 25))  # nothing stored that early
    assert by_id(later, ORDERS).message == "upstream customers has no verdict (not in this run and no stored run)"


def test_without_a_store_an_absent_upstream_has_no_verdict(pair) -> None:
    folder = pair()
    r = by_id(run([folder / "orders.yml"]), ORDERS)
    assert r.status is Status.WARNED
    assert r.message == "upstream customers has no verdict (not in this run, and no history store to look in)"


def test_an_upstream_result_can_be_waived(pair) -> None:
    from tests.lineage.lineage_testkit import orders_suite

    waiver = ("waivers:\n  - {check: lineage.upstream.customers, reason: CRM fix under way, "
              "approved_by: cdo@example.com, expires: 2026-12-31}\n")  # fmt: skip
    folder = pair(customers_data=CUSTOMERS_BAD, orders=orders_suite(waiver))
    r = by_id(run([folder]), ORDERS)
    assert r.status is Status.WAIVED
    assert r.message.endswith(", waived until 2026-12-31")


@pytest.mark.usefixtures("workers_at_once")
def test_a_downstream_waits_for_its_upstream_in_a_parallel_run(pair) -> None:
    folder = pair(customers_data=CUSTOMERS_BAD)
    result = run([folder / "orders.yml", folder / "customers.yml"], parallel=2)
    assert by_id(result, ORDERS).message.startswith("upstream customers FAILED its gate in this run")


@pytest.mark.parametrize(
    ("upstream", "message"),
    [
        ("[customers, customers]", "lineage.upstream: 'customers' is named more than once"),
        ("['no spaces here']", "lineage.upstream: 'no spaces here' is neither a dataset name (letters, "
         "digits, _ . -) nor an external name (a URI such as postgres://warehouse/sales.orders, or ext:<name>)"),
    ],
)  # fmt: skip
def test_bad_upstream_names_are_located_suite_errors(pair, upstream: str, message: str) -> None:
    from tests.lineage.lineage_testkit import orders_suite

    folder = pair(orders=orders_suite(upstream=upstream))
    with pytest.raises(SuiteError) as err:
        run([folder / "orders.yml"])
    assert str(err.value) == f"{folder / 'orders.yml'}:14:13: {message}"


def test_cycles_and_self_references_are_located_suite_errors(pair) -> None:
    from tests.lineage.lineage_testkit import customers_suite, orders_suite

    folder = pair(
        customers=customers_suite("lineage: {upstream: [orders]}\n"),
        orders=orders_suite(upstream="[orders, customers]"),
    )
    with pytest.raises(SuiteError) as err:
        run([folder])
    assert str(err.value).splitlines() == [
        f"{folder / 'customers.yml'}:12:22: lineage.upstream.0: 'orders' is downstream of customers too: lineage must not form a cycle",
        f"{folder / 'orders.yml'}:14:14: lineage.upstream.0: a dataset cannot be its own upstream",
        f"{folder / 'orders.yml'}:14:22: lineage.upstream.1: 'customers' is downstream of orders too: lineage must not form a cycle",
    ]


def test_a_high_tier_downstream_is_blocked_by_the_upstream_warning(pair) -> None:
    """The risk tier decides what a warning means, for the upstream check as for any other."""
    from tests.lineage.lineage_testkit import orders_suite

    folder = pair(customers_data=CUSTOMERS_BAD, orders=orders_suite().replace("risk_tier: low", "risk_tier: high"))
    orders = next(d for d in run([folder]).datasets if d.dataset == "orders")
    assert orders.gate.blocking == (ORDERS,)
    assert orders.gate.reason == "1 warned (fail_on: warn, from risk tier high)"


def test_each_dataset_is_recorded_as_soon_as_it_is_complete(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Upstreams are judged first, and nobody waits for the whole run (progress, store writes)."""
    import stewardgate.runner as runner
    from tests.lineage.lineage_testkit import AS_OF

    folder = pair()
    events: list[str] = []
    judge = runner.judge_suite

    def logged(loaded, options):  # type: ignore[no-untyped-def]
        events.append(f"judge {loaded.suite.dataset.name}")
        return judge(loaded, options)

    monkeypatch.setattr(runner, "judge_suite", logged)
    options = runner.RunOptions(as_of=AS_OF, on_dataset=lambda d: events.append(f"done {d.dataset}"))
    runner.run_paths([folder / "orders.yml", folder / "customers.yml"], options)
    assert events == ["judge customers", "done customers", "judge orders", "done orders"]
