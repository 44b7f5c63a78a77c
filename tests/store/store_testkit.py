"""Helpers shared by the store tests and their child processes (``store_worker.py``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from stewardgate.results import CheckResult, DataFingerprint, DatasetRun, FileStamp, GateDecision, Severity, Status
from stewardgate.store import Store, open_store
from stewardgate.store.engine import READ_ONLY, create_engine, target_for

PG_URL = os.environ.get("STEWARDGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ("sg_runs", "sg_results", "sg_metric_values", "sg_schema_snapshots")
STEWARDSHIP = {
    "owner": "sales-analytics@example.com",
    "steward": "jane.doe@example.com",
    "classification": "confidential",
    "retention": {"period": "400d", "column": "order_ts"},
    "risk_tier": "high",
}


@dataclass(frozen=True)
class StoreSpec:
    """How to open one test store, in this process or in a child process."""

    url: str | None
    default_path: Path
    schema: str | None = None

    def open(self) -> Store:
        return open_store(self.url, default_path=self.default_path, schema=self.schema)

    def engine(self) -> sa.Engine:
        """A plain engine on the same tables, for looking at rows directly."""
        target = target_for(self.url, default_path=self.default_path)
        return create_engine(target, schema=self.schema)

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "default_path": str(self.default_path), "schema": self.schema}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoreSpec:
        return cls(data["url"], Path(data["default_path"]), data["schema"])


def make_run(
    dataset: str = "orders",
    *,
    statuses: tuple[Status, ...] = (Status.PASSED, Status.WARNED),
    passed: bool = True,
    stewardship: dict[str, Any] | None = None,
    started_at: datetime = datetime(2025, 3, 1, 6, 0, 0, tzinfo=UTC),
    error: str | None = None,
) -> DatasetRun:
    """A made-up dataset run with one result per status."""
    results = tuple(
        CheckResult(
            check_id=f"columns.amount.min#{i}",
            check="min",
            status=status,
            severity=Severity.ERROR,
            engine="polars",
            message=f"amount >= 0 ({status.value})",
            column="amount",
            observed={"min": -1.5 * i},
            expected={"min": 0},
            failing_count=i,
            details={"i": i},
        )
        for i, status in enumerate(statuses)
    )
    fingerprint = DataFingerprint(
        path="data/orders.parquet",
        format="parquet",
        files=(FileStamp("data/orders.parquet", 1234, 1_700_000_000_000_000_000),),
        sha256="ab" * 32,
    )
    return DatasetRun(
        dataset=dataset,
        suite_path=f"suites/{dataset}.yml",
        suite_sha256="cd" * 32,
        stewardship=dict(STEWARDSHIP if stewardship is None else stewardship),
        results=results,
        gate=GateDecision(passed=passed, fail_on="error", blocking=(), reason="made up"),
        started_at=started_at,
        finished_at=started_at.replace(second=30),
        data=fingerprint,
        row_count=100,
        error=error,
    )


def save(store: Store, run: DatasetRun, run_id: str, as_of: date, row_count: float = 100.0) -> None:
    """Save ``run`` with a row_count metric and an email null_fraction metric."""
    store.save_dataset_run(
        run,
        run_id=run_id,
        as_of=as_of,
        tool_version="0.1.0",
        metrics=[("row_count", None, row_count), ("null_fraction", "email", 0.01)],
        schema={"order_id": "Int64", "email": "String"},
    )


_COUNTS = {
    "sg_metric_values": "SELECT COUNT(*) FROM sg_metric_values v JOIN sg_runs r ON r.id = v.run_ref WHERE r.run_id = :r"
}


def row_counts(spec: StoreSpec, run_id: str) -> dict[str, int]:
    """How many rows each run table holds for ``run_id``."""
    engine = spec.engine()
    try:
        with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
            return {
                name: conn.execute(
                    sa.text(_COUNTS.get(name, f"SELECT COUNT(*) FROM {name} WHERE run_id = :r")), {"r": run_id}
                ).scalar_one()
                for name in TABLES
            }
    finally:
        engine.dispose()
