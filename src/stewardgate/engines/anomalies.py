"""Anomaly checks: each ``anomalies:`` rule judged against the dataset's own stored history.

A rule with ``columns`` makes one check per column (``orders.anomalies.email.null_fraction``);
a dataset rule one check (``orders.anomalies.row_count``). The value judged is the metric of
this run's profile (computed in the same pass as the contract); the history is read from the
store, strictly before the run's as-of day, from the runs that count (a rerun supersedes the
earlier run of its day). The detector is :func:`stewardgate.detectors.anomaly.judge`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from stewardgate.detectors.anomaly import Point, PointLike, judge, lookback_runs
from stewardgate.planning import PlannedCheck
from stewardgate.profile_record import MetricKey
from stewardgate.results import CheckResult, Severity, Status
from stewardgate.suite.anomaly_rules import AnomalyRule

ENGINE = "history"
_STATUS = {"ok": Status.PASSED, "learning": Status.SKIPPED, "warn": Status.WARNED, "error": Status.FAILED}
_SEVERITY = {"warn": Severity.WARN, "error": Severity.ERROR}

History = Callable[[dict[MetricKey, int]], Mapping[MetricKey, Sequence[PointLike]]]
"""The stored history of the rules' series: for each ``(metric, column)``, its latest ``n``
earlier runs (oldest first), all read at once."""


@dataclass(frozen=True)
class AnomalyOutcome:
    """The anomaly results and the (metric, column) pairs this run flagged, for the store."""

    results: list[CheckResult]
    anomalous: frozenset[tuple[str, str | None]]


def judge_anomalies(
    planned: list[PlannedCheck], metrics: dict[tuple[str, str | None], float], history: History, as_of: date
) -> AnomalyOutcome:
    """Judge every planned anomaly check; a metric the profile lacks is an errored check."""
    results, flagged = [], set()
    rules: list[tuple[PlannedCheck, AnomalyRule]] = []
    wanted: dict[MetricKey, int] = {}
    for p in planned:
        if p.engine == ENGINE:
            assert isinstance(p.value, AnomalyRule)  # planning.anomalies plans each rule as its check's value
            rules.append((p, p.value))
            key = (p.value.metric, p.column)
            wanted[key] = max(wanted.get(key, 0), lookback_runs(p.value))
    stored = history({key: n for key, n in wanted.items() if key in metrics})
    for p, rule in rules:
        key = (rule.metric, p.column)
        if key not in metrics:
            results.append(_errored(p, f"metric {_label(rule, p.column)} was not measured on this data"))
            continue
        past = stored[key][-lookback_runs(rule) :]  # two rules on one series may look back differently
        verdict = judge(past, Point(as_of=as_of, value=metrics[key]), rule, label=_label(rule, p.column))
        if verdict.anomalous:
            flagged.add(key)
        results.append(_result(p, verdict, past))
    return AnomalyOutcome(results=results, anomalous=frozenset(flagged))


def _label(rule: AnomalyRule, column: str | None) -> str:
    return f"{column}.{rule.metric}" if column else rule.metric


def _result(p: PlannedCheck, verdict: Any, past: Sequence[PointLike]) -> CheckResult:
    return CheckResult(
        check_id=p.check_id, check="anomaly", status=_STATUS[verdict.level],
        severity=_SEVERITY.get(verdict.level, Severity.ERROR), engine=ENGINE, message=verdict.reason,
        column=p.column, observed=verdict.value,
        expected=_band(verdict), details=verdict.to_details(series=past), suite_line=p.suite_line,
    )  # fmt: skip


def _band(verdict: Any) -> Any:
    if verdict.expected_low is None or verdict.expected_high is None:
        return None
    return [verdict.expected_low, verdict.expected_high]


def _errored(p: PlannedCheck, why: str) -> CheckResult:
    return CheckResult(
        check_id=p.check_id, check="anomaly", status=Status.ERRORED, severity=Severity.ERROR,
        engine=ENGINE, message=f"errored: {why}", column=p.column, suite_line=p.suite_line,
    )  # fmt: skip
