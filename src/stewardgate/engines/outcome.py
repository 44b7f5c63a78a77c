"""From what an engine measured to a :class:`CheckResult` with a sentence a steward can read.

Engines report an :class:`Outcome` (ok, failing rows, observed value, raw samples, or the text
of a crash); this module applies severity, masking and wording the same way for every engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stewardgate.checks.column_rules import RULES
from stewardgate.results import CheckResult, Status, status_for

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck

MASK = "***"


@dataclass(frozen=True)
class Outcome:
    """What an engine found for one check."""

    ok: bool
    failing: int | None = None
    observed: Any = None
    samples: list[str] = field(default_factory=list)
    errored: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    message: str | None = None


def mask_samples(values: list[str], *, masked: bool, limit: int) -> tuple[str, ...]:
    """Up to ``limit`` sample values; every one replaced by a mask for sensitive columns."""
    chosen = values[:limit]
    return tuple(MASK for _ in chosen) if masked else tuple(chosen)


def skipped(p: PlannedCheck, reason: str) -> CheckResult:
    """A check that did not run, and why (never blocks the gate)."""
    return CheckResult(
        check_id=p.check_id, check=p.check, status=Status.SKIPPED, severity=p.severity,
        engine=p.engine, message=f"skipped: {reason}", column=p.column, expected=_expected(p),
        suite_line=p.suite_line,
    )  # fmt: skip


def build_result(
    p: PlannedCheck, o: Outcome, *, row_count: int | None, masked: bool = False, samples: int = 5
) -> CheckResult:
    """Apply severity, masking and wording to an engine's outcome."""
    if o.errored is not None:
        status, message = Status.ERRORED, f"errored: {o.errored}"
    else:
        status, message = status_for(o.ok, p.severity), o.message or _sentence(p, o, row_count)
    fraction = (o.failing / row_count) if (o.failing is not None and row_count) else None
    observed = o.observed if o.observed is not None else o.failing
    return CheckResult(
        check_id=p.check_id, check=p.check, status=status, severity=p.severity, engine=p.engine,
        message=message, column=p.column, observed=_masked_observed(observed, masked, p),
        expected=_expected(p), failing_count=o.failing,
        failing_fraction=round(fraction, 6) if fraction is not None else None,
        row_count=row_count, samples=mask_samples(o.samples, masked=masked, limit=samples),
        details=o.details, suite_line=p.suite_line,
    )  # fmt: skip


def _expected(p: PlannedCheck) -> Any:
    rule = RULES.get(p.check)
    if rule is not None:
        return rule.expected(p.value)
    return p.value if isinstance(p.value, (str, int, float, bool, list)) or p.value is None else str(p.value)


def _masked_observed(observed: Any, masked: bool, p: PlannedCheck) -> Any:
    return observed if not masked or p.check not in ("in_set", "regex") else None


def _sentence(p: PlannedCheck, o: Outcome, rows: int | None) -> str:
    """A column rule says its own words (:class:`~stewardgate.checks.column_rules.ColumnRule`)."""
    match p.check:
        case "extra_columns":
            return "no undeclared columns" if o.ok else f"undeclared columns: {', '.join(o.observed)}"
        case "order":
            return "columns are in the declared order" if o.ok else "columns are not in the declared order"
    return RULES[p.check].words(p.column or "", p.value, o, rows)
