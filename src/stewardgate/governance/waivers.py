"""Waivers: approved, expiring exceptions applied to a dataset's results before the gate.

A waiver names a check id or a glob (``orders.columns.email.*`` or, without the dataset
prefix, ``columns.email.*``). On the run's as-of date up to and including ``expires`` it turns
a ``failed`` or ``warned`` result it matches into ``waived`` (the first matching waiver in
suite order applies; the result keeps its message, says until when it is waived, and carries
the waiver in ``details["waiver"]``). An ``errored`` result is never waived: a check that
could not run has no verdict to accept. After ``expires`` the waiver no longer applies and is
itself reported, as a warning ``<dataset>.waivers.<n>`` (check type ``expired_waiver``). Within
``governance.waiver_warn_days`` (default 7) of its expiry a waiver is reported as ``info``
(check type ``expiring_waiver``: it still applies, and never blocks) so that it is renewed or
the failure fixed in time; it also triggers the ``waiver_expiring`` notification.

``governance.max_waiver_days`` caps a waiver's length per risk tier, counted from its
``approved_on`` day (or, without one, from the run's as-of date) to ``expires``; a longer one
is a suite error before anything runs (:func:`length_problems`).

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
        **({"approved_on": w.approved_on.isoformat()} if w.approved_on else {}),
    }  # fmt: skip


def apply_waivers(
    results: Sequence[CheckResult], waivers: Sequence[Waiver], *, dataset: str, as_of: date,
    line_of: Callable[..., int | None] | None = None, warn_days: int = 7,
) -> list[CheckResult]:  # fmt: skip
    """The results with valid waivers applied, then one result per expired or expiring waiver."""
    valid = [w for w in waivers if as_of <= w.expires]
    out = [_waive(r, valid, dataset) for r in results]
    for i, w in enumerate(waivers):
        line = line_of("waivers", i) if line_of else None
        if as_of > w.expires:
            out.append(_expired(i, w, dataset, as_of, line))
        elif (w.expires - as_of).days <= warn_days:
            out.append(_expiring(i, w, dataset, as_of, line, warn_days))
    return out


def waive(results: Sequence[CheckResult], waivers: Sequence[Waiver], *, dataset: str, as_of: date) -> list[CheckResult]:
    """Results judged after the others (a dataset's upstreams) with the valid waivers applied, no more."""
    valid = [w for w in waivers if as_of <= w.expires]
    return [_waive(r, valid, dataset) for r in results]


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


def _expiring(i: int, w: Waiver, dataset: str, as_of: date, line: int | None, warn_days: int) -> CheckResult:
    left = (w.expires - as_of).days
    when = "today is its last day" if left == 0 else f"{left} day{'s' if left != 1 else ''} left"
    return CheckResult(
        check_id=f"{dataset}.waivers.{i}", check="expiring_waiver", status=Status.INFO,
        severity=Severity.INFO, engine="governance",
        message=(f"the waiver of '{w.check}' expires on {w.expires} ({when}; approved by {w.approved_by}): "
                 "renew it or fix the failure"),
        observed=left, expected=w.expires.isoformat(),
        details={"waiver": waiver_record(w), "days_left": left, "warn_days": warn_days}, suite_line=line,
    )  # fmt: skip


def length_problems(loaded: LoadedSuite, settings: GovernanceSettings, as_of: date) -> list[Problem]:
    """Waivers longer than the settings allow for the dataset's risk tier."""
    tier = loaded.suite.stewardship.risk_tier or settings.default_risk_tier
    limit = settings.max_waiver_days.get(tier)
    if limit is None:
        return []
    problems = []
    for i, w in enumerate(loaded.suite.waivers):
        start, basis = (w.approved_on, "approved_on") if w.approved_on else (as_of, "the run's as-of date")
        days = (w.expires - start).days
        if days > limit:
            problems.append(_problem(
                loaded, i, "expires",
                f"the waiver lasts {days} days ({basis} {start} to {w.expires}); a {tier}-tier dataset's "
                f"waivers may last at most {limit} days (tool.stewardgate.governance.max_waiver_days)",
            ))  # fmt: skip
    return problems


def open_waivers(waivers: Sequence[Waiver], as_of: date) -> list[Waiver]:
    """The waivers that still apply on ``as_of``, soonest expiry first."""
    return sorted((w for w in waivers if as_of <= w.expires), key=lambda w: w.expires)


def approval_problems(loaded: LoadedSuite, settings: GovernanceSettings) -> list[Problem]:
    """Waivers approved by someone the settings do not allow for the dataset's risk tier."""
    tier = loaded.suite.stewardship.risk_tier or settings.default_risk_tier
    allowed = settings.waiver_approvers.get(tier)
    if allowed is None:
        return []
    permitted = {a.casefold() for a in allowed}
    problems = []
    for i, w in enumerate(loaded.suite.waivers):
        if w.approved_by.casefold() not in permitted:
            problems.append(_problem(
                loaded, i, "approved_by",
                f"'{w.approved_by}' may not approve waivers of a {tier}-tier dataset "
                f"(allowed: {', '.join(allowed) or 'nobody'})",
            ))  # fmt: skip
    return problems


def _problem(loaded: LoadedSuite, index: int, key: str, message: str) -> Problem:
    """A problem located at ``waivers.<index>.<key>`` of the suite."""
    line, col = loaded.located.position(("waivers", index, key))
    return Problem(str(loaded.path), line, col, f"waivers.{index}.{key}", message)
