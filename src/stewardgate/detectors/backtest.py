"""What a suite's anomaly rules would have said over a stored history (``stewardgate backtest``).

Each rule is replayed night by night over the stored series (as the gate would have judged
it, feeding back its own marks); the report lists, per rule and column, the runs that would
alert, then the two figures a steward weighs before turning the rules on: the nights any rule
would alert on, and those the mean/std anchor (:mod:`stewardgate.detectors.anchor`) alerts
on over the same history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from stewardgate.detectors.anchor import ANCHOR_RUNS, ANCHOR_Z, anchor_alerts
from stewardgate.detectors.anomaly import PointLike, Verdict, replay
from stewardgate.planning import anomaly_check_id

Series = Callable[[str, str | None], Sequence[PointLike]]


def backtest_lines(suite: Any, series_of: Series, days: list[date]) -> list[str]:
    """The report for ``suite`` over ``days`` (first to last, inclusive), one line each."""
    name = suite.dataset.name
    lines: list[str] = []
    ours: set[date] = set()
    anchor: set[date] = set()
    judged: set[date] = set()
    for rule in suite.anomalies:
        for column in rule.targets():
            series = [(p.as_of, p.value) for p in series_of(rule.metric, column) if p.as_of <= days[-1]]
            verdicts = in_range(replay(series, rule), series, days)
            alerts = [(d, v) for d, v in verdicts if v.level in ("warn", "error")]
            lines.append(
                f"{anomaly_check_id(name, rule.metric, column)}: {len(alerts)} of {len(verdicts)} runs would alert"
            )
            lines += [f"  {d}  {v.level.upper():<5}  {v.reason}" for d, v in alerts]
            ours |= {d for d, _ in alerts}
            judged |= {d for d, _ in verdicts}
            anchor |= {d for d in anchor_alerts(series) if days[0] <= d <= days[-1]}
    lines.append(f"nights that would alert: {len(ours)} of {len(judged)}{_listed(ours)}")
    lines.append(
        f"mean/std z > {ANCHOR_Z:g} over the last {ANCHOR_RUNS} runs, same history: "
        f"{len(anchor)} of {len(judged)}{_listed(anchor)}"
    )
    return lines


def in_range(verdicts: list[Verdict], series: list[tuple[date, float]], days: list[date]) -> list[tuple[date, Verdict]]:
    """Pair each verdict with its day (replay judges the series in order) and keep the range."""
    return [(day, v) for (day, _), v in zip(series, verdicts) if days[0] <= day <= days[-1]]


def _listed(days: set[date]) -> str:
    return f" ({', '.join(str(d) for d in sorted(days))})" if days else ""
