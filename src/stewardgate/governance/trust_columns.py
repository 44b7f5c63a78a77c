"""What a consumer reads on the trust sheet besides the stewardship: the columns, the rules in
words, the recent pass rate and the data's freshness.

Columns come from the suite (declared type, description, classification, personal data);
rules are the suite's column rules and anomaly rules written as a consumer reads them
(``amount >= 0``, ``order_id is unique``, ``at most 2% of email is null``); the pass rate and
freshness come from the history store (the last counting runs, and the
newest timestamp the last run saw in each datetime column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stewardgate.checks.column_rules import RULES

PASS_RATE_RUNS = 30


@dataclass(frozen=True)
class ColumnLine:
    """One column as a consumer sees it."""

    name: str
    type: str
    description: str
    personal: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class PassRate:
    """How many of the last counting runs passed, since when, and the last that did not."""

    runs: int
    passed: int
    since: date
    last_failed: date | None

    def text(self) -> str:
        share = f"{self.passed / self.runs:.0%}"
        failed = f"; last failure {self.last_failed}" if self.last_failed else "; no failure"
        return f"{self.passed} of the last {self.runs} runs passed ({share}) since {self.since}{failed}."


def _severity(rule: Any, column_severity: str | None) -> str:
    severity = rule.severity or column_severity
    return {"warn": " (warning)", "info": " (information)"}.get(severity or "", "")


def column_rules(name: str, spec: Any) -> tuple[str, ...]:
    """The column's rules in words, each with its severity when it is not an error."""
    out = []
    for key in type(spec).model_fields:  # in the order a suite writes them (the rule table's order)
        column_rule = RULES.get(key)
        rule = getattr(spec, key)
        if column_rule is None or column_rule.reads is None or rule is None:
            continue
        text = column_rule.reads(name, rule.value)
        if text:
            out.append(text + _severity(rule, spec.severity))
    return tuple(out)


def column_lines(suite: Any) -> list[ColumnLine]:
    """Every column the suite declares."""
    lines = []
    for name, spec in suite.columns.items():
        personal = [f"personal data ({spec.pii})"] if spec.pii else []
        personal += [spec.classification] if spec.classification else []
        lines.append(ColumnLine(
            name=name, type=spec.type or "any", description=spec.description or "",
            personal=", ".join(personal) or "no", rules=column_rules(name, spec),
        ))  # fmt: skip
    return lines


def table_rules(suite: Any) -> list[str]:
    """The anomaly rules (and the schema policy) in words."""
    out = []
    for rule in suite.anomalies:
        for column in rule.targets():
            metric = rule.metric.replace("_", " ")
            what = f"{metric} of {column}" if column else metric
            by = ", compared day of week with day of week" if rule.seasonality == "day_of_week" else ""
            out.append(f"{what} stays within its usual range, judged against its own history{by}")
    extra = suite.schema_policy.extra_columns
    out.append({"error": "no columns beyond those listed", "warn": "columns beyond those listed are reported",
                "allow": "other columns may be present"}[extra])  # fmt: skip
    return out


def pass_rate(store: Any, dataset: str) -> PassRate | None:
    """The gate's pass rate over the last counting runs, the last evaluation's included (None: no run yet)."""
    runs = store.runs(dataset, limit=PASS_RATE_RUNS, include_superseded=False)
    if not runs:
        return None
    failed = [s.as_of for s in runs if not s.gate_passed]
    return PassRate(len(runs), len(runs) - len(failed), runs[-1].as_of, failed[0] if failed else None)


def freshness(run: Any) -> list[str]:
    """Per datetime column, the newest value the last run saw and how old it was then."""
    columns = (run.profile or {}).get("columns", {}) if run is not None else {}
    out = []
    for name, p in columns.items():
        age, newest = p.get("freshness_seconds"), p.get("max")
        if age is None or not newest:
            continue
        moment = datetime.fromisoformat(str(newest))
        out.append(f"newest {name}: {moment:%Y-%m-%d %H:%M} UTC, {_age(float(age))} old when last checked")
    return out


def _age(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} seconds"
