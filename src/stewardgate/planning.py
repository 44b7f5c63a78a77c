"""Planning: which checks a suite asks for, which engine runs each one, and why.

``plan_suite`` turns a loaded suite into :class:`PlannedCheck` records with stable ids
(``orders.columns.amount.min``), resolved severities and the suite line that declares them.
Engines execute plans; ``stewardgate plan`` prints them. Nothing here reads data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stewardgate.checks.column_rules import RULES
from stewardgate.expectations.entries import plan_expectations
from stewardgate.results import Severity
from stewardgate.suite.loader import LoadedSuite
from stewardgate.suite.models import ColumnSpec, Rule

SCHEMA_LEVEL = ("required", "type")
REASONS = {
    "schema": "schema level: pandera (polars backend) validates it on the lazy frame's schema",
    "pandera": "engine: pandera: pandera's polars backend validates the data",
    "polars": "engine: auto: compiled into the one-pass polars query (parity with pandera tested)",
}


@dataclass(frozen=True)
class PlannedCheck:
    """One check to run: id, type, target column, parameter, severity, engine and why."""

    check_id: str
    check: str
    section: str
    column: str | None
    value: Any
    severity: Severity
    engine: str
    reason: str
    suite_line: int | None


def plan_suite(loaded: LoadedSuite, governance: Any = None) -> list[PlannedCheck]:
    """Every check the suite declares, in suite order (``governance``: GovernanceSettings)."""
    return [
        *_column_checks(loaded), *_schema_checks(loaded), *plan_named_columns(loaded), *plan_expectations(loaded),
        *_anomaly_checks(loaded), *_drift_checks(loaded), *_governance_checks(loaded, governance),
    ]  # fmt: skip


def plan_named_columns(loaded: LoadedSuite) -> list[PlannedCheck]:
    """Columns named outside ``columns`` must be in the data (stewardgate.engines.named_columns)."""
    from stewardgate.engines.named_columns import plan_named_columns as plan  # it imports PlannedCheck

    return plan(loaded)


def _drift_checks(loaded: LoadedSuite) -> list[PlannedCheck]:
    """Schema and distribution drift checks of the suite's ``drift:`` section (stewardgate.drift)."""
    from stewardgate.drift.plan import plan_drift  # imported here: it imports PlannedCheck from us

    return plan_drift(loaded)


def _governance_checks(loaded: LoadedSuite, governance: Any) -> list[PlannedCheck]:
    """Retention, personal data, completeness … of the suite's ``governance:`` (stewardgate.governance)."""
    from stewardgate.governance.plan import plan_governance  # imported here: it imports PlannedCheck

    return plan_governance(loaded, governance)


def anomaly_check_id(dataset: str, metric: str, column: str | None) -> str:
    """``orders.anomalies.row_count`` or ``orders.anomalies.email.null_fraction``."""
    return f"{dataset}.anomalies.{column}.{metric}" if column is not None else f"{dataset}.anomalies.{metric}"


def _anomaly_checks(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One check per anomaly rule and target column, judged against the stored history."""
    name = loaded.suite.dataset.name
    return [
        PlannedCheck(
            check_id=anomaly_check_id(name, rule.metric, column), check="anomaly",
            section="anomalies", column=column, value=rule, severity=Severity.ERROR,
            engine="history", suite_line=loaded.line_of("anomalies", i),
            reason=f"anomaly: robust z-score against the last {rule.window} stored runs",
        )
        for i, rule in enumerate(loaded.suite.anomalies)
        for column in rule.targets()
    ]  # fmt: skip


def _column_checks(loaded: LoadedSuite) -> list[PlannedCheck]:
    name = loaded.suite.dataset.name
    planned = []
    for column, spec in loaded.suite.columns.items():
        for rule_name, rule in RULES.items():
            value, severity, engine_pref = _rule_value(spec, rule_name)
            if not rule.active(value):
                continue
            engine, reason = _engine_for(rule_name, engine_pref or loaded.suite.engine)
            line = loaded.line_of("columns", column, rule_name) or loaded.line_of("columns", column)
            planned.append(
                PlannedCheck(
                    check_id=f"{name}.columns.{column}.{rule_name}",
                    check=rule_name, section="columns", column=column, value=value,
                    severity=severity, engine=engine, reason=reason, suite_line=line,
                )
            )  # fmt: skip
    return planned


def _engine_for(rule_name: str, preference: str) -> tuple[str, str]:
    """Schema-level rules always run in pandera; data-level rules where the suite says."""
    if rule_name in SCHEMA_LEVEL:
        return "pandera", REASONS["schema"]
    if preference == "spark":
        return "spark", "data-level rule on Spark: counted in the run's one aggregate job"
    if preference in ("pandera", "gx"):  # gx: expectations in GX, the contract in pandera
        return "pandera", REASONS["pandera"]
    return "polars", REASONS["polars"]


def _rule_value(spec: ColumnSpec, rule_name: str) -> tuple[Any, Severity, str | None]:
    raw = getattr(spec, rule_name)
    column_default = Severity(spec.severity) if spec.severity else Severity.ERROR
    if isinstance(raw, Rule):
        return raw.value, Severity(raw.severity) if raw.severity else column_default, raw.engine
    return raw, column_default, None


def _schema_checks(loaded: LoadedSuite) -> list[PlannedCheck]:
    suite = loaded.suite
    policy = suite.schema_policy
    planned = []
    if policy.extra_columns != "allow":
        planned.append(
            PlannedCheck(
                check_id=f"{suite.dataset.name}.schema.extra_columns", check="extra_columns",
                section="schema", column=None, value=sorted(suite.columns),
                severity=Severity(policy.extra_columns), engine="pandera",
                reason="schema policy: pandera strict mode reports undeclared columns",
                suite_line=loaded.line_of("schema", "extra_columns") or loaded.line_of("columns"),
            )
        )  # fmt: skip
    if policy.order == "strict":
        planned.append(
            PlannedCheck(
                check_id=f"{suite.dataset.name}.schema.order", check="order", section="schema",
                column=None, value=list(suite.columns), severity=Severity.ERROR,
                engine="pandera", reason="schema policy: pandera ordered mode",
                suite_line=loaded.line_of("schema", "order"),
            )
        )  # fmt: skip
    return planned
