"""Planted differences shared by the reconciliation tests: ``orders`` and its source of truth ``crm``.

``crm`` holds ids 0..299; ``orders`` lacks 3, 5 and 7, holds 900 and 901 that ``crm`` lacks, and
has a different amount for id 10 (day 2026-11-01). Everything else agrees.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

N = 300
MISSING_HERE = [3, 5, 7]
EXTRA_HERE = [900, 901]
CHANGED = {10: 1000.0}


def crm() -> pl.DataFrame:
    return pl.DataFrame({
        "id": list(range(N)),
        "amount": [float(i % 50) for i in range(N)],
        "status": [("open", "shipped", "closed")[i % 3] for i in range(N)],
        "day": [date(2026, 11, 1) + timedelta(days=i % 10) for i in range(N)],
        "email": [f"user{i}@example.com" for i in range(N)],
    })  # fmt: skip


def orders() -> pl.DataFrame:
    kept = crm().filter(~pl.col("id").is_in(MISSING_HERE))
    extra = pl.DataFrame({
        "id": EXTRA_HERE, "amount": [1.0, 2.0], "status": ["open", "open"], "day": [date(2026, 11, 2)] * 2,
        "email": ["new1@example.com", "new2@example.com"],
    })  # fmt: skip
    changed = pl.when(pl.col("id") == 10).then(CHANGED[10]).otherwise(pl.col("amount")).alias("amount")
    return pl.concat([kept, extra]).with_columns(changed)


def day_sums(frame: pl.DataFrame) -> dict[date, float]:
    return dict(frame.group_by("day").agg(pl.col("amount").sum()).iter_rows())
