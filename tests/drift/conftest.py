"""Fixtures of the drift tests: generated data, profiled sides, a judge over two frames.

Helpers are reached through fixtures (``side``, ``judge_frames``, ``orders``), never by
importing this module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl
import pytest

from stewardgate.drift.baseline import Baseline
from stewardgate.drift.judge import Context, judge
from stewardgate.drift.schema import Side
from stewardgate.engines.profile import compute_profile
from stewardgate.planning.drift import plan_for
from stewardgate.results import CheckResult
from stewardgate.suite.drift_model import DriftSpec

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def make_orders(rows: int = 2_000, seed: int = 7) -> pl.DataFrame:
    """Orders-like data: an id, a normal amount, a status of four values, an email, a day."""
    rng = np.random.default_rng(seed)
    return pl.DataFrame({
        "order_id": np.arange(rows, dtype=np.int64),
        "amount": rng.normal(100.0, 15.0, rows).round(2),
        "quantity": rng.integers(1, 6, rows).astype(np.int32),
        "status": rng.choice(["placed", "shipped", "delivered", "returned"], rows, p=[0.2, 0.3, 0.4, 0.1]),
        "email": [f"user{i}@example.com" for i in range(rows)],
    })  # fmt: skip


def side_of(df: pl.DataFrame) -> Side:
    schema = df.collect_schema()
    snapshot = {"columns": [{"name": n, "dtype": str(t)} for n, t in schema.items()], "metadata": {}}
    return Side(snapshot, compute_profile(df.lazy(), as_of=AS_OF))


def judge_frames(old: pl.DataFrame, new: pl.DataFrame, spec: dict[str, Any] | None = None,
                 **context: Any) -> dict[str, CheckResult]:  # fmt: skip
    """Judge ``new`` against ``old`` with a ``drift:`` section; results by check id."""
    drift = DriftSpec.model_validate(spec or {})
    before, now = side_of(old), side_of(new)
    baseline = Baseline("orders", before.schema, before.profile, {"kind": "dataset", "path": "old"})
    planned = plan_for("orders", drift, lambda *keys: None)
    results = judge(planned, Context("orders", drift, **context), baseline, now)
    return {r.check_id: r for r in results}


@pytest.fixture
def orders() -> Callable[..., pl.DataFrame]:
    """``orders(rows=2000, seed=7)``: generated orders data."""
    return make_orders


@pytest.fixture
def side() -> Callable[[pl.DataFrame], Side]:
    """``side(df)``: the schema snapshot and one-pass profile of a frame."""
    return side_of


@pytest.fixture
def judged() -> Callable[..., dict[str, CheckResult]]:
    """``judged(old_df, new_df, spec=None, extra_columns=..., order=..., masked=...)``."""
    return judge_frames
