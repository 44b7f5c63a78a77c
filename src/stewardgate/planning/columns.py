"""Planning the ``columns:`` section: one check per active rule of each declared column."""

from __future__ import annotations

from typing import Any

from stewardgate.checks.column_rules import RULES
from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.loader import LoadedSuite
from stewardgate.suite.models import ColumnSpec, Rule

SCHEMA_LEVEL = ("required", "type")
REASONS = {
    "schema": "schema level: decided from the lazy frame's schema, as pandera (polars backend) decides it (parity tested)",
    "pandera": "engine: pandera: pandera's polars backend validates the data",
    "polars": "engine: auto: compiled into the one-pass polars query (parity with pandera tested)",
}


def plan_columns(loaded: LoadedSuite) -> list[PlannedCheck]:
    """Each column's rules in suite order, with the executor its semantics of record asks for."""
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
