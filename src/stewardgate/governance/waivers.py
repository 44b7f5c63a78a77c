"""Waivers: approved, expiring exceptions applied to a dataset's results before the gate.

A waiver names a check id or a glob (``orders.columns.email.*`` or, without the dataset
prefix, ``columns.email.*``). On the run's as-of date up to and including ``expires`` it turns
a ``failed`` or ``warned`` result it matches into ``waived`` (the first matching waiver in
suite order applies; the result keeps its message, says until when it is waived, and carries
the waiver in ``details["waiver"]``). An ``errored`` result is never waived: a check that
could not run has no verdict to accept. After ``expires`` the waiver no longer applies and is
itself reported, as a warning ``<dataset>.waivers.<n>`` (check type ``expired_waiver``).

Who may approve is a setting (``governance.waiver_approvers``, per risk tier); an approval by
anyone else is a suite error, found before anything runs (:func:`approval_problems`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from stewardgate.errors import Problem
from stewardgate.results import CheckResult, Severity, Status
from stewardgate.suite.governance_model import Waiver

if TYPE_CHECKING:
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.loader import LoadedSuite

WAIVABLE = (Status.FAILED, Status.WARNED)


def waiver_matches(pattern: str, check_id: str, dataset: str) -> bool:
    """Whether ``pattern`` names ``check_id``, written with or without the dataset prefix."""
    short = check_id.removeprefix(f"{dataset}.")
    return fnmatchcase(check_id, pattern) or fnmatchcase(short, pattern)


def waiver_record(w: Waiver) -> dict[str, Any]:
    """The waiver as it is carried in a waived result's details and in the audit trail."""
    return {
        "check": w.check, "reason": w.reason, "approved_by": w.approved_by,
        "expires": w.expires.isoformat(), "ticket": w.ticket,
    }  # fmt: skip


def apply_waivers(
    results: Sequence[CheckResult], waivers: Sequence[Waiver], *, dataset: str, as_of: date,
    line_of: Callable[..., int | None] | None = None,
) -> list[CheckResult]:  # fmt: skip
    """The results with valid waivers applied, then one warning per expired waiver."""
    valid = [w for w in waivers if as_of <= w.expires]
    out = [_waive(r, valid, dataset) for r in results]
    for i, w in enumerate(waivers):
        if as_of > w.expires:
            out.append(_expired(i, w, dataset, as_of, line_of("waivers", i) if line_of else None))
    return out


def _waive(r: CheckResult, valid: list[Waiver], dataset: str) -> CheckResult:
    if r.status not in WAIVABLE:
        return r
    for w in valid:
        if waiver_matches(w.check, r.check_id, dataset):
            details = {**r.details, "waiver": waiver_record(w), "waived_status": r.status.value}
            message = f"{r.message}, waived until {w.expires}"
            return replace(r, status=Status.WAIVED, message=message, details=details)
    return r


def _expired(i: int, w: Waiver, dataset: str, as_of: date, line: int | None) -> CheckResult:
    ticket = f", {w.ticket}" if w.ticket else ""
    return CheckResult(
        check_id=f"{dataset}.waivers.{i}", check="expired_waiver", status=Status.WARNED,
        severity=Severity.WARN, engine="governance",
        message=(f"the waiver of '{w.check}' expired on {w.expires} (approved by {w.approved_by}{ticket}: "
                 f"{w.reason}); it no longer applies"),
        observed=as_of.isoformat(), expected=w.expires.isoformat(),
        details={"waiver": waiver_record(w), "expired": True}, suite_line=line,
    )  # fmt: skip


def open_waivers(waivers: Sequence[Waiver], as_of: date) -> list[Waiver]:
    """The waivers that still apply on ``as_of``, soonest expiry first."""
    return sorted((w for w in waivers if as_of <= w.expires), key=lambda w: w.expires)


def approval_problems(loaded: LoadedSuite, settings: GovernanceSettings) -> list[Problem]:
    """Waivers approved by someone the settings do not allow for the dataset's risk tier."""
    tier = loaded.suite.stewardship.risk_tier or settings.default_risk_tier
    allowed = settings.waiver_approvers.get(tier)  # type: ignore[call-overload]
    if allowed is None:
        return []
    permitted = {a.casefold() for a in allowed}
    problems = []
    for i, w in enumerate(loaded.suite.waivers):
        if w.approved_by.casefold() not in permitted:
            line, col = loaded.located.position(("waivers", i, "approved_by"))
            problems.append(Problem(
                str(loaded.path), line, col, f"waivers.{i}.approved_by",
                f"'{w.approved_by}' may not approve waivers of a {tier}-tier dataset "
                f"(allowed: {', '.join(allowed) or 'nobody'})",
            ))  # fmt: skip
    return problems
