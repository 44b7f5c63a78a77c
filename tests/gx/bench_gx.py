"""Where a GX run spends its time: reading the needed columns, polars -> pandas, GX validation.

Not a test (pytest collects ``test_*.py`` only). Run from the repository root::

    python tests/gx/bench_gx.py [ROWS]     # default 1,000,000

Writes a deterministic orders-like Parquet file to a temporary folder, plans a suite of typical
expectations on it and runs the GX engine three times, printing the median of each phase.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from stewardgate.datasets.scan import open_dataset
from stewardgate.engines.gx import Timings, run_expectations
from stewardgate.planning import plan_suite
from stewardgate.suite.loader import load_suite

SUITE = """\
version: 1
dataset: {name: orders, path: orders.parquet}
stewardship: {owner: a@example.com, steward: b@example.com}
expectations:
  - expect_column_values_to_not_be_null: {column: order_id}
  - expect_column_values_to_be_unique: {column: order_id}
  - expect_column_values_to_be_between: {column: amount, min_value: 0, max_value: 10000}
  - expect_column_values_to_be_in_set: {column: status, value_set: [placed, shipped, delivered, returned]}
  - expect_column_values_to_match_regex: {column: email, regex: "^[^@]+@[^@]+$", mostly: 0.98}
  - expect_column_mean_to_be_between: {column: amount, min_value: 0, max_value: 500}
  - expect_table_row_count_to_be_between: {min_value: 1}
  - expect_table_columns_to_match_set: {column_set: [order_id, email, amount, status, quantity, notes], exact_match: false}
"""


def _data(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    return pl.DataFrame({
        "order_id": np.arange(rows), "email": [f"user{i % 50_000}@example.com" for i in range(rows)],
        "amount": rng.gamma(2.0, 50.0, rows).round(2), "status": rng.choice(["placed", "shipped", "delivered", "returned"], rows),
        "quantity": rng.integers(1, 10, rows), "notes": ["-"] * rows,
    })  # fmt: skip


def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _data(rows).write_parquet(Path(folder) / "orders.parquet")
        (Path(folder) / "suite.yml").write_text(SUITE, encoding="utf-8")
        loaded = load_suite(Path(folder) / "suite.yml")
        planned = plan_suite(loaded)
        scanned = open_dataset(loaded.suite.dataset, base=loaded.folder)
        started = time.perf_counter()
        run_expectations(planned, scanned, row_count=rows, masked=set(), samples=5)  # imports GX
        print(f"first run incl. GX import: {time.perf_counter() - started:.2f} s")
        rounds = []
        for _ in range(3):
            t = Timings()
            started = time.perf_counter()
            run_expectations(planned, scanned, row_count=rows, masked=set(), samples=5, timings=t)
            rounds.append((t.read, t.conversion, t.validation, time.perf_counter() - started))
        read, conversion, validation, total = (statistics.median(x) for x in zip(*rounds))
        print(f"{rows:,} rows, 4 of 6 columns to GX, 8 expectations (median of 3):")
        print(f"  read (polars, needed columns) {read:.3f} s")
        print(f"  conversion (polars -> pandas) {conversion:.3f} s")
        print(f"  validation (GX)               {validation:.3f} s")
        print(f"  total in the GX engine        {total:.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
