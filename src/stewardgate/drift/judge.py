"""From planned drift checks, a baseline and the current profile to check results.

Pure: no data, no store, no files. The runner (``stewardgate.drift.run``) and ``diff``
find the two sides; this module compares them and words the verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stewardgate.drift import measures
from stewardgate.drift.baseline import Baseline
from stewardgate.drift.schema import SchemaChange, Side, schema_changes
from stewardgate.planning import PlannedCheck
from stewardgate.planning.drift import DISTRIBUTION, ENGINE, SCHEMA, SHARE
from stewardgate.profile_record import ColumnProfile
from stewardgate.results import CheckResult, Severity, Status, status_for
from stewardgate.suite.drift_model import SCHEMA_RULES, ColumnDrift, DriftSpec, ShareRule, Thresholds

MASK = "***"
_LEVEL_SEVERITY = {"warn": Severity.WARN, "error": Severity.ERROR}
_LEVELS = ["ok", "warn", "error"]


@dataclass(frozen=True)
class Context:
    """What the judge needs from the suite: its drift spec, schema policy and masked columns."""

    dataset: str
    spec: DriftSpec
    extra_columns: str = "warn"
    order: str = "ignore"
    masked: frozenset[str] = field(default_factory=frozenset)
    required: frozenset[str] = field(default_factory=frozenset)
    """Columns the run's column contract requires: their removal is its finding, not drift's too."""


def judge(planned: list[PlannedCheck], ctx: Context, baseline: Baseline, current: Side) -> list[CheckResult]:
    """Every planned drift check judged against ``baseline``; the share rule last."""
    base = Side(baseline.schema, baseline.profile)
    results: list[CheckResult] = []
    explicit = {p.column for p in planned if p.check == DISTRIBUTION and p.column is not None}
    for p in planned:
        if p.check == SCHEMA:
            results += schema_results(p, ctx, baseline, base, current)
        elif p.check == DISTRIBUTION:
            columns = [p.column] if p.column is not None else _other_columns(base, current, explicit)
            results += [_column_result(p, c, ctx, baseline, base, current) for c in columns]
    for p in planned:
        if p.check == SHARE:
            results.append(_share_result(p, [r for r in results if r.check == DISTRIBUTION]))
    return results


def skipped_all(planned: list[PlannedCheck], reason: str) -> list[CheckResult]:
    """Every planned check skipped for one reason (no baseline yet, no history)."""
    return [_result(p, Status.SKIPPED, p.severity, f"skipped: {reason}") for p in planned]


def errored_all(planned: list[PlannedCheck], why: str) -> list[CheckResult]:
    """Every planned check errored (an unusable baseline file): fail closed."""
    return [_result(p, Status.ERRORED, Severity.ERROR, f"errored: {why}") for p in planned]


def _result(p: PlannedCheck, status: Status, severity: Severity, message: str, **kw: Any) -> CheckResult:
    kw.setdefault("column", p.column)
    return CheckResult(
        check_id=kw.pop("check_id", p.check_id), check=p.check, status=status, severity=severity,
        engine=ENGINE, message=message, suite_line=p.suite_line, **kw,
    )  # fmt: skip


# --- schema ----------------------------------------------------------------------------------


def schema_results(p: PlannedCheck, ctx: Context, baseline: Baseline, base: Side, current: Side) -> list[CheckResult]:
    """One result per schema change, or one passing result when nothing changed."""
    changes = schema_changes(base, current)
    against = baseline.describe()
    if not changes:
        n = len(current.dtypes)
        return [_result(p, Status.PASSED, p.severity, f"schema matches the {against}: {n} columns, same names, types and order",
                        details={"baseline": baseline.source})]  # fmt: skip
    return [_change_result(p, ctx, c, baseline) for c in changes]


def _reported_by_the_contract(c: SchemaChange, ctx: Context) -> str | None:
    """The contract check that already reports this change (a required column removed), if any."""
    if c.rule == "column_removed" and c.column in ctx.required:
        return f"{ctx.dataset}.columns.{c.column}.required"
    return None


def rule_severity(rule: str, ctx: Context) -> Severity:
    """The suite's override, else the rule's default as the schema policy sharpens it."""
    overrides: dict[str, str] = {name: level for name, level in ctx.spec.severity.items()}  # keys: rule names
    override = overrides.get(rule)
    if override is not None:
        return Severity(override)
    if rule == "column_added" and ctx.extra_columns == "error":
        return Severity.ERROR
    if rule == "order_changed" and ctx.order == "strict":
        return Severity.ERROR
    return Severity(SCHEMA_RULES[rule])


def _change_result(p: PlannedCheck, ctx: Context, c: SchemaChange, baseline: Baseline) -> CheckResult:
    severity = rule_severity(c.rule, ctx)
    where = f"{c.column}.{c.rule}" if c.column is not None else c.rule
    message = f"{c.message} (vs {baseline.describe()})"
    owner = _reported_by_the_contract(c, ctx)
    if owner is not None:  # one finding, one verdict: the contract's; drift keeps the history as info
        severity, message = Severity.INFO, f"{message}; the failure is {owner}"
    return _result(
        p, status_for(False, severity), severity, message,
        check_id=f"{p.check_id}.{where}", column=c.column, observed=c.new, expected=c.old,
        details={"change": c.rule, "old": c.old, "new": c.new, **c.evidence, "baseline": baseline.source},
    )  # fmt: skip


# --- distribution ----------------------------------------------------------------------------


def _other_columns(base: Side, current: Side, explicit: set[str]) -> list[str]:
    """Columns of both profiles, not named on their own, that have a distribution to compare."""
    out = []
    for name in current.dtypes:
        before, now = base.column(name), current.column(name)
        if name in explicit or before is None or now is None:
            continue
        if _method(before, now) is not None:
            out.append(name)
    return out


def _method(before: ColumnProfile, now: ColumnProfile, wanted: str = "auto") -> str | None:
    categorical = bool(before.get("top_values")) and bool(now.get("top_values"))
    numeric = _finite(before) and _finite(now)
    if wanted == "categorical" or (wanted == "auto" and categorical):
        return "categorical" if categorical else None
    return "numeric" if numeric else None


def _finite(column: ColumnProfile) -> bool:
    q = column.get("quantiles")
    return q is not None and bool(q) and all(v is not None for v in q)


def _settings(ctx: Context, column: str, planned: Any) -> dict[str, Any]:
    """The column's thresholds and limits: its own settings over the section's defaults."""
    dist = ctx.spec.distribution
    own: ColumnDrift = planned if isinstance(planned, ColumnDrift) else ColumnDrift()
    return {
        "method": own.method, "min_rows": own.min_rows or (dist.min_rows if dist else 200),
        "psi": own.psi or (dist.psi if dist else Thresholds(warn=0.1, error=0.25)),
        "js": own.js or (dist.js if dist else Thresholds(warn=0.1, error=0.2)),
        "wasserstein": own.wasserstein or (dist.wasserstein if dist else Thresholds()),
        "cap": Severity(own.severity) if own.severity else Severity.ERROR,
    }  # fmt: skip


def _column_result(
    p: PlannedCheck, column: str, ctx: Context, baseline: Baseline, base: Side, current: Side
) -> CheckResult:
    check_id = f"{ctx.dataset}.drift.distribution.{column}"
    s = _settings(ctx, column, p.value)
    skip = _skip_reason(column, s, base, current, baseline)
    if skip is not None:
        return _result(p, Status.SKIPPED, p.severity, f"skipped: {skip}", check_id=check_id, column=column)
    before, now = base.column(column), current.column(column)
    assert before is not None and now is not None  # _skip_reason checked both
    rows = (base.rows, current.rows)
    method = _method(before, now, s["method"]) or "numeric"
    bins, values = _measure(method, before, now, rows)
    level = max((_level(v, s[m]) for m, v in values.items()), key=_LEVELS.index)
    severity = min(_LEVEL_SEVERITY.get(level, p.severity), s["cap"])
    status = Status.PASSED if level == "ok" else status_for(False, severity)
    labels = _labels(bins, column in ctx.masked)
    moved = [f"{labels[i]} {bins.baseline[i]:.1%} -> {bins.current[i]:.1%}" for i in bins.moved_most()]
    rounded = {m: (round(v, 6) if v is not None else None) for m, v in values.items()}
    message = _sentence(method, rounded, {m: s[m] for m in values}, moved, baseline)
    details = {
        "method": method, **rounded, "level": level, "moved": moved, "baseline": baseline.source,
        "rows": {"baseline": rows[0], "current": rows[1]},
        "bins": [{**b, "label": label} for b, label in zip(bins.as_details(), labels, strict=True)],
    }  # fmt: skip
    expected = {m: s[m].model_dump() for m in values}
    return _result(p, status, severity, message, check_id=check_id, column=column, observed=rounded,
                   expected=expected, row_count=rows[1], details=details)  # fmt: skip


def _measure(
    method: str, before: ColumnProfile, now: ColumnProfile, rows: tuple[int, int]
) -> tuple[measures.Bins, dict[str, float | None]]:
    """The bins and the measures of one column: PSI and JS (categories) or Wasserstein (numbers)."""
    if method == "categorical":
        bins = measures.category_bins(before, now, rows)
        return bins, {
            "psi": measures.psi(bins.baseline, bins.current),
            "js": measures.js_distance(bins.baseline, bins.current),
        }
    bins = measures.numeric_bins(before, now, rows)
    return bins, {"psi": measures.psi(bins.baseline, bins.current), "wasserstein": measures.wasserstein(before, now)}


def _level(value: float | None, t: Thresholds) -> str:
    """``ok``, ``warn`` or ``error``; an unmeasurable move (off a constant) counts as the top level set."""
    if value is None:
        return "error" if t.error is not None else "warn" if t.warn is not None else "ok"
    if t.error is not None and value >= t.error:
        return "error"
    if t.warn is not None and value >= t.warn:
        return "warn"
    return "ok"


def _skip_reason(column: str, s: dict[str, Any], base: Side, current: Side, baseline: Baseline) -> str | None:
    if baseline.profile is None:
        return f"the {baseline.describe()} has no metric profile"
    before, now = base.column(column), current.column(column)
    if before is None or now is None:
        side = "the baseline" if before is None else "the data"
        return f"column '{column}' is not in {side}"
    if base.rows < s["min_rows"] or current.rows < s["min_rows"]:
        return (f"too few rows to judge drift: baseline {base.rows:,}, current {current.rows:,} "
                f"(at least {s['min_rows']:,} on each side)")  # fmt: skip
    if _method(before, now, s["method"]) is None:
        return _no_method(column, before, now, s["method"])
    return None


def _no_method(column: str, before: ColumnProfile, now: ColumnProfile, wanted: str) -> str:
    if any(c.get("quantiles") and not _finite(c) for c in (before, now)):
        return f"column '{column}' holds infinite values: its quantiles cannot be compared"
    if wanted != "numeric" and (before.get("top_values") or now.get("top_values")):
        side = "the baseline" if not before.get("top_values") else "the data"
        return (f"column '{column}' has more distinct values in {side} than the profile keeps "
                f"frequencies for: no categories to compare")  # fmt: skip
    kind = "" if wanted == "auto" else f"{wanted} "
    return (f"column '{column}' ({now.get('dtype')}) has no {kind}distribution in the profile "
            f"(numbers and columns of few distinct values have one)")  # fmt: skip


def _labels(bins: measures.Bins, masked: bool) -> list[str]:
    if not masked:
        return list(bins.labels)
    special = (measures.OTHER, measures.NULL)
    return [b if b in special else f"{MASK} #{i + 1}" for i, b in enumerate(bins.labels)]


def _sentence(
    method: str, values: dict[str, float | None], limits: dict[str, Thresholds], moved: list[str], baseline: Baseline
) -> str:
    names = {"psi": "PSI", "js": "JS distance", "wasserstein": "Wasserstein (std)"}
    parts = []
    for m, v in values.items():
        t = limits[m]
        bounds = ", ".join(f"{k} >= {getattr(t, k):g}" for k in ("warn", "error") if getattr(t, k) is not None)
        shown = "n/a (baseline constant)" if v is None else f"{v:.3g}"
        parts.append(f"{names[m]} {shown}" + (f" ({bounds})" if bounds else ""))
    over = "categories" if method == "categorical" else "baseline deciles"
    most = f"; moved most: {', '.join(moved)}" if moved else ""
    return f"{'; '.join(parts)} over {over}{most} (vs {baseline.describe()})"


def _share_result(p: PlannedCheck, column_results: list[CheckResult]) -> CheckResult:
    judged = [r for r in column_results if r.status is not Status.SKIPPED]
    if not judged:
        return _result(p, Status.SKIPPED, p.severity, "skipped: no column's distribution could be judged")
    drifted = [r.column or "" for r in judged if r.details.get("level") in ("warn", "error")]
    share = len(drifted) / len(judged)
    assert isinstance(p.value, ShareRule)  # planning.drift plans the share check with the suite's rule
    limit = p.value.max_fraction
    ok = share <= limit
    names = f": {', '.join(drifted)}" if drifted else ""
    message = f"{len(drifted)} of {len(judged)} judged columns drifted ({share:.2%}), allowed <= {limit:.2%}{names}"
    return _result(p, status_for(ok, p.severity), p.severity, message, observed=round(share, 6), expected=limit,
                   details={"drifted": drifted, "judged": len(judged)})  # fmt: skip
