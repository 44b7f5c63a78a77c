"""Planning the ``anomalies:`` section: one check per rule and target column."""

from __future__ import annotations

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.loader import LoadedSuite

ENGINE = "history"


def anomaly_check_id(dataset: str, metric: str, column: str | None) -> str:
    """``orders.anomalies.row_count`` or ``orders.anomalies.email.null_fraction``."""
    return f"{dataset}.anomalies.{column}.{metric}" if column is not None else f"{dataset}.anomalies.{metric}"


def plan_anomalies(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One check per anomaly rule and target column, judged against the stored history."""
    name = loaded.suite.dataset.name
    return [
        PlannedCheck(
            check_id=anomaly_check_id(name, rule.metric, column), check="anomaly",
            section="anomalies", column=column, value=rule, severity=Severity.ERROR,
            engine=ENGINE, suite_line=loaded.line_of("anomalies", i),
            reason=f"anomaly: robust z-score against the last {rule.window} stored runs",
        )
        for i, rule in enumerate(loaded.suite.anomalies)
        for column in rule.targets()
    ]  # fmt: skip
