"""Realistic run records for the reporter tests, and the golden-file helper.

The run has four datasets, so every reporter sees every kind of evidence:

- ``customers``: passes (passed checks, one skipped, one info);
- ``orders``: fails the gate: failed checks with masked samples, a waived check, an anomaly
  (row count series with a flagged point), schema changes, a warned check;
- ``payments``: fails on an errored check (a crash is a result), and has a warned drift;
- ``shipments``: could not be read (``error`` set, no results).

Times are fixed, so rendered reports are stable and can be compared with golden files.
Set ``STEWARDGATE_REGEN_GOLDEN=1`` to rewrite the golden files instead of comparing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stewardgate.results import (
    CheckResult,
    DataFingerprint,
    DatasetRun,
    FileStamp,
    GateDecision,
    RunResult,
    Severity,
    Status,
)

GOLDEN = Path(__file__).parent / "golden"
REGEN_ENV = "STEWARDGATE_REGEN_GOLDEN"
T0 = datetime(2026, 10, 1, 6, 0, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _check(check_id: str, status: Status, message: str, **kw: Any) -> CheckResult:
    severity = kw.pop("severity", Severity.ERROR)
    engine = kw.pop("engine", "pandera")
    check = kw.pop("check", check_id.rsplit(".", 1)[-1])
    return CheckResult(check_id, check, status, severity, engine, message, **kw)


def _qualify(dataset: DatasetRun) -> DatasetRun:
    """Prefix check ids (and the gate's blocking ids) with the dataset, as the runner does."""
    results = tuple(dataclasses.replace(r, check_id=f"{dataset.dataset}.{r.check_id}") for r in dataset.results)
    blocking = tuple(f"{dataset.dataset}.{b}" for b in dataset.gate.blocking)
    gate = dataclasses.replace(dataset.gate, blocking=blocking)
    return dataclasses.replace(dataset, results=results, gate=gate)


def _stewardship(owner: str, tier: str, classification: str, **extra: Any) -> dict[str, Any]:
    return {
        "owner": owner,
        "steward": "jane.doe@example.com",
        "classification": classification,
        "retention": extra.pop("retention", {"period": "400d", "column": "order_ts"}),
        "risk_tier": tier,
        **extra,
    }


def _fingerprint(name: str, fmt: str = "parquet") -> DataFingerprint:
    path = f"data/{name}.{fmt}"
    stamp = FileStamp(path, 48_213_004, 1_790_000_000_000_000_000)
    return DataFingerprint(path, fmt, (stamp,), "ab" * 32)


def customers_run() -> DatasetRun:
    """A dataset that passes: everything passed, one check skipped, one informational."""
    results = (
        _check(
            "columns.customer_id.type",
            Status.PASSED,
            "type is int64",
            column="customer_id",
            observed="Int64",
            expected="int64",
            suite_line=9,
        ),
        _check(
            "columns.customer_id.unique",
            Status.PASSED,
            "all 20,412 values are unique",
            column="customer_id",
            observed=0,
            expected=0,
            row_count=20_412,
            suite_line=9,
        ),
        _check(
            "columns.email.max_null_fraction",
            Status.PASSED,
            "0.4% of values are null",
            column="email",
            observed=0.004,
            expected=0.02,
            suite_line=10,
        ),
        _check(
            "columns.loyalty_tier.in_set",
            Status.SKIPPED,
            "skipped: column loyalty_tier is absent and not required",
            column="loyalty_tier",
            suite_line=11,
        ),
        _check(
            "governance.metadata.description",
            Status.INFO,
            "the data file has no embedded description",
            severity=Severity.INFO,
            engine="governance",
            check="metadata_completeness",
            suite_line=None,
        ),
    )
    return _qualify(
        DatasetRun(
            dataset="customers",
            suite_path="suites/customers.yml",
            suite_sha256="1" * 64,
            stewardship=_stewardship(
                "crm-team@example.com", "low", "internal", retention=None, description="CRM customer master."
            ),
            results=results,
            gate=GateDecision(True, "error", (), "no check failed at severity error"),
            started_at=_at(0.0),
            finished_at=_at(1.25),
            data=_fingerprint("customers"),
            row_count=20_412,
        )
    )


def _row_count_series() -> list[dict[str, Any]]:
    values = [
        1003.0,
        987.0,
        1012.0,
        995.0,
        1021.0,
        978.0,
        1004.0,
        1016.0,
        990.0,
        999.0,
        1008.0,
        984.0,
        1011.0,
        1002.0,
        996.0,
        1019.0,
        973.0,
        1006.0,
        1001.0,
        988.0,
        1014.0,
        997.0,
        1009.0,
        992.0,
        1005.0,
        1183.0,
        1000.0,
        994.0,
        684.0,
    ]
    start = date(2026, 9, 3)
    flagged = (1183.0, 684.0)
    return [
        {"as_of": (start + timedelta(days=i)).isoformat(), "value": v, "anomalous": v in flagged}
        for i, v in enumerate(values)
    ]


def orders_run() -> DatasetRun:
    """A dataset that fails the gate, with masked samples, anomalies, schema changes, a waiver."""
    results = (
        _check(
            "columns.order_id.unique",
            Status.PASSED,
            "all 684 values are unique",
            column="order_id",
            observed=0,
            expected=0,
            row_count=684,
            suite_line=9,
        ),
        _check(
            "columns.amount.min",
            Status.FAILED,
            "12 values are below the minimum 0",
            column="amount",
            observed=-49.99,
            expected=">= 0",
            failing_count=12,
            failing_fraction=12 / 684,
            row_count=684,
            samples=("-49.99", "-12.5", "-0.01"),
            suite_line=12,
        ),
        _check(
            "columns.email.regex",
            Status.FAILED,
            "17 values do not match ^[^@]+@[^@]+$ (2.5% of rows)",
            column="email",
            observed=17,
            expected="^[^@]+@[^@]+$",
            failing_count=17,
            failing_fraction=17 / 684,
            row_count=684,
            samples=("***", "***", "***"),
            suite_line=11,
        ),
        _check(
            "columns.status.in_set",
            Status.WARNED,
            "3 values not in set placed|shipped|delivered|returned",
            column="status",
            severity=Severity.WARN,
            observed=["cancelled", "<b>on hold</b>"],
            expected=["placed", "shipped", "delivered", "returned"],
            failing_count=3,
            failing_fraction=3 / 684,
            row_count=684,
            samples=("cancelled", "<b>on hold</b>"),
            suite_line=13,
        ),
        _check(
            "columns.email.max_null_fraction",
            Status.WAIVED,
            "4.1% of values are null (max 2%), waived until 2026-12-31",
            column="email",
            observed=0.041,
            expected=0.02,
            failing_count=28,
            failing_fraction=0.041,
            row_count=684,
            suite_line=11,
            details={
                "waiver": {
                    "reason": "CRM migration backfills emails in Q4",
                    "approved_by": "jane.doe@example.com",
                    "expires": "2026-12-31",
                    "ticket": "DATA-12",
                }
            },
        ),
        _check(
            "anomalies.row_count",
            Status.FAILED,
            "row_count 684 is far below the usual 1,000 (score -7.9, threshold 5)",
            check="anomaly",
            engine="detectors",
            observed=684.0,
            expected=[850.0, 1150.0],
            suite_line=17,
            details={
                "series": _row_count_series(),
                "band": {"low": 850.0, "high": 1150.0},
                "median": 1000.0,
                "mad": 40.0,
                "n": 28,
                "score": -7.9,
                "threshold": 5.0,
                "window": ["2026-09-03", "2026-09-30"],
            },
        ),
        _check(
            "schema.columns.discount",
            Status.FAILED,
            "column discount was removed",
            check="schema_change",
            column="discount",
            observed=None,
            expected="Float64",
            suite_line=None,
            details={"change": "column_removed", "old": "Float64", "new": None},
        ),
        _check(
            "schema.columns.order_ts",
            Status.WARNED,
            "column order_ts changed type Datetime(us) → String",
            check="schema_change",
            severity=Severity.WARN,
            column="order_ts",
            observed="String",
            expected="Datetime(us)",
            suite_line=None,
            details={"change": "type_changed", "old": "Datetime(us)", "new": "String"},
        ),
        _check(
            "schema.columns.coupon_code",
            Status.INFO,
            "new column coupon_code (String)",
            check="schema_change",
            severity=Severity.INFO,
            column="coupon_code",
            observed="String",
            suite_line=None,
            details={"change": "column_added", "old": None, "new": "String"},
        ),
    )
    return _qualify(
        DatasetRun(
            dataset="orders",
            suite_path="suites/orders.yml",
            suite_sha256="2" * 64,
            stewardship=_stewardship(
                "sales-analytics@example.com",
                "high",
                "confidential",
                description="One row per web order; see https://wiki.example.com/orders for lineage.",
            ),
            results=results,
            gate=GateDecision(
                False,
                "error",
                ("columns.amount.min", "columns.email.regex", "anomalies.row_count", "schema.columns.discount"),
                "4 checks failed at severity error",
            ),
            started_at=_at(1.25),
            finished_at=_at(4.75),
            data=_fingerprint("orders"),
            row_count=684,
        )
    )


def _psi_bins() -> list[dict[str, Any]]:
    shares = [
        ("[0, 10)", 0.10, 0.25),
        ("[10, 50)", 0.35, 0.30),
        ("[50, 100)", 0.30, 0.25),
        ("[100, 500)", 0.20, 0.15),
        ("[500, ∞)", 0.05, 0.05),
    ]
    return [{"label": lab, "baseline_share": b, "current_share": c} for lab, b, c in shares]


def payments_run() -> DatasetRun:
    """A dataset whose gate fails because a check crashed, with a drift warning beside it."""
    results = (
        _check(
            "columns.payment_id.nullable",
            Status.PASSED,
            "no null values",
            column="payment_id",
            observed=0,
            expected=0,
            suite_line=8,
        ),
        _check(
            "expectations.expect_column_values_to_be_between.amount",
            Status.ERRORED,
            "KeyError: 'amount_eur'\nwhile running expect_column_values_to_be_between",
            check="expect_column_values_to_be_between",
            engine="gx",
            column="amount",
            suite_line=15,
        ),
        _check(
            "drift.amount",
            Status.WARNED,
            "amount drifted from its baseline: PSI 0.31 > 0.2",
            check="drift",
            engine="detectors",
            severity=Severity.WARN,
            column="amount",
            observed=0.31,
            expected=0.2,
            suite_line=19,
            details={"bins": _psi_bins(), "psi": 0.31},
        ),
        _check(
            "drift.method",
            Status.PASSED,
            "method is stable: PSI 0.01",
            check="drift",
            engine="detectors",
            column="method",
            observed=0.01,
            expected=0.2,
            suite_line=20,
            details={
                "bins": [
                    {"label": "card", "baseline_share": 0.7, "current_share": 0.69},
                    {"label": "sepa", "baseline_share": 0.2, "current_share": 0.22},
                    {"label": "paypal", "baseline_share": 0.1, "current_share": 0.09},
                ],
                "psi": 0.01,
            },
        ),
    )
    return _qualify(
        DatasetRun(
            dataset="payments",
            suite_path="suites/payments.yml",
            suite_sha256="3" * 64,
            stewardship=_stewardship(
                "finance-data@example.com", "medium", "restricted", retention={"period": "10y", "column": "booked_at"}
            ),
            results=results,
            gate=GateDecision(
                False,
                "error",
                ("expectations.expect_column_values_to_be_between.amount",),
                "1 check errored (a check that cannot run blocks the gate)",
            ),
            started_at=_at(4.75),
            finished_at=_at(6.0),
            data=_fingerprint("payments", "csv"),
            row_count=5_120,
        )
    )


def shipments_run() -> DatasetRun:
    """A dataset that could not be read at all."""
    return _qualify(
        DatasetRun(
            dataset="shipments",
            suite_path="suites/shipments.yml",
            suite_sha256="4" * 64,
            stewardship=_stewardship("logistics@example.com", "medium", "internal", retention=None),
            results=(),
            gate=GateDecision(False, "error", (), "the dataset could not be read"),
            started_at=_at(6.0),
            finished_at=_at(6.5),
            error="data/shipments/*.parquet: no files match the glob (100% missing, 0 rows)",
        )
    )


def make_run(*datasets: DatasetRun) -> RunResult:
    """A run over ``datasets`` with fixed id, version and times."""
    return RunResult(
        run_id="20261001T060000Z-4f2a",
        tool_version="0.1.0",
        as_of=date(2026, 10, 1),
        started_at=T0,
        finished_at=_at(6.5),
        datasets=datasets,
    )


@pytest.fixture
def run() -> RunResult:
    """The full four-dataset run (passing, failing, errored, unreadable)."""
    return make_run(customers_run(), orders_run(), payments_run(), shipments_run())


@pytest.fixture
def passing_run() -> RunResult:
    """A run of one dataset that passes the gate."""
    return make_run(customers_run())


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``golden/<name>``, or rewrite it when ``STEWARDGATE_REGEN_GOLDEN=1``."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get(REGEN_ENV) == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.exists(), f"{path} is missing: run the tests once with {REGEN_ENV}=1"
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path.name}; if the change is intended, regenerate with "
            f"{REGEN_ENV}=1 and review the diff"
        )

    return check
