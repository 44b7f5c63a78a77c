"""The reference detector anomaly defaults are measured against: mean/std z > 3, last 14 runs.

A plain z-score of tonight's value against the mean and sample standard deviation of the 14
runs before it, every run counted (anomalous or not): the method many data-observability tools
use by default. ``stewardgate backtest`` and ``benchmarks/anomaly_eval.py`` report it beside
the rules' own verdicts, so a steward sees what the defaults buy. Not a rule a suite can use.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date

ANCHOR_RUNS = 14
ANCHOR_Z = 3.0


def anchor_alerts(series: Sequence[tuple[date, float]]) -> set[date]:
    """The days of ``series`` (oldest first) whose value is more than ``ANCHOR_Z`` sample
    standard deviations from the mean of the ``ANCHOR_RUNS`` values before it (any change
    from a constant window counts)."""
    out = set()
    for i in range(ANCHOR_RUNS, len(series)):
        window = [v for _, v in series[i - ANCHOR_RUNS : i]]
        mean, sd = statistics.fmean(window), statistics.stdev(window)
        day, value = series[i]
        if (sd == 0 and value != mean) or (sd > 0 and abs(value - mean) / sd > ANCHOR_Z):
            out.add(day)
    return out
