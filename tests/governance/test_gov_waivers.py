"""Waivers (valid, expired, unapproved, approver not allowed for the tier) and the risk-tier
gate policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.errors import SuiteError
from stewardgate.gate import BlockingPolicy, decide, policy_for
from stewardgate.governance.waivers import apply_waivers, waiver_matches
from stewardgate.results import CheckResult, DatasetRun, Severity, Status
from stewardgate.runner import RunOptions, run_paths
from stewardgate.settings import DEFAULT_FAIL_ON_BY_RISK_TIER, GovernanceSettings
from stewardgate.suite.governance_model import Waiver

AS_OF = date(2026, 11, 27)
NEGATIVE = pl.DataFrame({"amount": [-1.0, 2.0, 3.0], "email": ["a@x.io", None, None]})
COLUMNS = {"amount": {"min": 0}, "email": {"max_null_fraction": 0.1}}


def waiver(check: str, expires: date = date(2026, 12, 31), **kw: Any) -> dict[str, Any]:
    return {"check": check, "reason": "CRM migration", "approved_by": "jane@example.com", "expires": expires, **kw}


def run(suite: Path, settings: GovernanceSettings | None = None) -> DatasetRun:
    (d,) = run_paths([suite], RunOptions(as_of=AS_OF, governance=settings)).datasets
    return d


def statuses(d: DatasetRun) -> dict[str, str]:
    """Every result that did not pass, but the stamp check (skipped: these data carry no stamp)."""
    return {r.check_id: r.status.value for r in d.results if r.status is not Status.PASSED and r.check != "stamp_match"}


# --- matching and applying (pure) -----------------------------------------------------------


@pytest.mark.parametrize(("pattern", "matches"), [
    ("orders.columns.email.max_null_fraction", True),
    ("columns.email.max_null_fraction", True),
    ("columns.email.*", True),
    ("*.max_null_fraction", True),
    ("columns.amount.*", False),
    ("email.max_null_fraction", False),
])  # fmt: skip
def test_waiver_patterns(pattern: str, matches: bool) -> None:
    assert waiver_matches(pattern, "orders.columns.email.max_null_fraction", "orders") is matches


def _result(check_id: str, status: Status) -> CheckResult:
    return CheckResult(check_id, "min", status, Severity.ERROR, "polars", "3 of 10 rows are below 0")


def test_errored_and_passing_results_are_never_waived() -> None:
    w = Waiver.model_validate(waiver("t.*"))
    results = [_result("t.a", Status.ERRORED), _result("t.b", Status.PASSED), _result("t.c", Status.WARNED)]
    out = apply_waivers(results, [w], dataset="t", as_of=AS_OF)
    assert [r.status for r in out] == [Status.ERRORED, Status.PASSED, Status.WAIVED]
    assert out[2].message == "3 of 10 rows are below 0, waived until 2026-12-31"
    assert out[2].details == {
        "waiver": {"check": "t.*", "reason": "CRM migration", "approved_by": "jane@example.com",
                   "expires": "2026-12-31", "ticket": None},
        "waived_status": "warned",
    }  # fmt: skip


def test_a_waiver_applies_through_its_expiry_day() -> None:
    w = Waiver.model_validate(waiver("t.a", expires=AS_OF))
    out, expiring = apply_waivers([_result("t.a", Status.FAILED)], [w], dataset="t", as_of=AS_OF)
    assert out.status is Status.WAIVED
    assert (expiring.check, expiring.status) == ("expiring_waiver", Status.INFO)


def test_a_waiver_near_its_expiry_is_reported_without_blocking() -> None:
    w = Waiver.model_validate(waiver("t.a", expires=date(2026, 12, 31)))
    late = apply_waivers([_result("t.a", Status.FAILED)], [w], dataset="t", as_of=date(2026, 12, 28), warn_days=7)
    assert [(r.check_id, r.check, r.status) for r in late] == [
        ("t.a", "min", Status.WAIVED),
        ("t.waivers.0", "expiring_waiver", Status.INFO),
    ]
    assert late[1].message == (
        "the waiver of 't.a' expires on 2026-12-31 (3 days left; approved by jane@example.com): renew it or fix the failure"
    )
    assert late[1].details["days_left"] == 3
    early = apply_waivers([_result("t.a", Status.FAILED)], [w], dataset="t", as_of=date(2026, 12, 23), warn_days=7)
    assert [r.check for r in early] == ["min"]


# --- waivers in a run -----------------------------------------------------------------------


def test_valid_waiver_turns_a_failure_into_waived(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(
        data=NEGATIVE, columns=COLUMNS, top={"waivers": [waiver("columns.email.max_null_fraction", ticket="DATA-12")]}
    )
    d = run(suite)
    assert statuses(d) == {"t.columns.amount.min": "failed", "t.columns.email.max_null_fraction": "waived"}
    assert d.gate.blocking == ("t.columns.amount.min",)
    both = make_suite(data=NEGATIVE, columns=COLUMNS, top={"waivers": [waiver("columns.*")]})
    assert run(both).gate.passed


def test_expired_waiver_no_longer_applies_and_is_reported(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=NEGATIVE, columns=COLUMNS,
                       top={"waivers": [waiver("columns.amount.min", expires=date(2026, 11, 26), ticket="DATA-9")]})  # fmt: skip
    d = run(suite)
    assert statuses(d) == {
        "t.columns.amount.min": "failed",
        "t.columns.email.max_null_fraction": "failed",
        "t.waivers.0": "warned",
    }
    (expired,) = [r for r in d.results if r.check_id == "t.waivers.0"]
    assert (expired.check, expired.suite_line, expired.message) == (
        "expired_waiver",
        7,
        (
            "the waiver of 'columns.amount.min' expired on 2026-11-26 (approved by jane@example.com, DATA-9: "
            "CRM migration); it no longer applies"
        ),
    )


def test_unapproved_or_unexpiring_waiver_is_a_suite_error(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    no_approver = {k: v for k, v in waiver("columns.amount.min").items() if k != "approved_by"}
    no_expiry = {k: v for k, v in waiver("columns.amount.min").items() if k != "expires"}
    make_suite(columns=COLUMNS, top={"waivers": [no_approver, no_expiry]})
    assert tuple(cli("validate", "suite.yml", cwd=tmp_path)) == (
        2,
        "",
        (
            "suite.yml:7:11: waivers.0.approved_by: required key is missing\n"
            "suite.yml:7:94: waivers.1.expires: required key is missing\n"
            "error: 2 problems in suites; nothing was run\n"
        ),
    )


def test_approver_not_allowed_for_the_tier(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=NEGATIVE, columns=COLUMNS, stewardship_extra={"risk_tier": "high"},
                       top={"waivers": [waiver("columns.amount.min"), waiver("columns.email.*", approved_by="cdo@example.com")]})  # fmt: skip
    settings = GovernanceSettings(waiver_approvers={"high": ("CDO@example.com", "ciso@example.com")})
    with pytest.raises(SuiteError) as caught:
        run(suite, settings)
    assert [str(p) for p in caught.value.problems] == [
        f"{suite}:7:85: waivers.0.approved_by: 'jane@example.com' may not approve waivers of a high-tier dataset "
        "(allowed: CDO@example.com, ciso@example.com)",
    ]
    low = GovernanceSettings(waiver_approvers={"low": ("nobody@example.com",)})
    assert run(suite, low).results  # a rule for another tier does not apply


def test_approver_rule_through_pyproject(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    make_suite(data=NEGATIVE, columns=COLUMNS, top={"waivers": [waiver("columns.amount.min")]})
    (tmp_path / "pyproject.toml").write_text(
        "[tool.stewardgate.governance]\nwaiver_approvers = {medium = []}\n", encoding="utf-8"
    )
    assert tuple(cli("run", "suite.yml", "--no-history", cwd=tmp_path)) == (
        2,
        "",
        (
            "suite.yml:7:85: waivers.0.approved_by: 'jane@example.com' may not approve waivers of a medium-tier dataset "
            "(allowed: nobody)\n"
            "error: 1 problem in suites; nothing was run\n"
        ),
    )


# --- risk tiers set the gate policy ---------------------------------------------------------


@pytest.mark.parametrize(("declared", "tier", "expected"), [
    (None, "high", BlockingPolicy("warn", "risk tier high")),
    (None, "medium", BlockingPolicy("error")),
    (None, "low", BlockingPolicy("error")),
    (None, None, BlockingPolicy("error")),  # judged as the default tier, medium
    ("error", "high", BlockingPolicy("error")),  # the suite's own gate.fail_on wins
    ("warn", "low", BlockingPolicy("warn")),
])  # fmt: skip
def test_policy_for(declared: str | None, tier: str | None, expected: BlockingPolicy) -> None:
    assert policy_for(declared, tier, DEFAULT_FAIL_ON_BY_RISK_TIER, "medium") == expected


def test_a_tier_policy_is_named_in_the_reason() -> None:
    warned = CheckResult("t.a", "max", Status.WARNED, Severity.WARN, "polars", "above")
    assert (
        decide([warned], BlockingPolicy("warn", "risk tier high")).reason
        == "1 warned (fail_on: warn, from risk tier high)"
    )


@pytest.mark.parametrize(("tier", "settings", "passed"), [
    ("high", None, False),
    ("low", None, True),
    ("medium", None, True),
    ("low", GovernanceSettings(fail_on_by_risk_tier={"low": "warn"}), False),
    ("high", GovernanceSettings(fail_on_by_risk_tier={"high": "error"}), True),
])  # fmt: skip
def test_tier_decides_whether_warnings_block(make_suite: Callable[..., Path], tier: str,
                                             settings: GovernanceSettings | None, passed: bool) -> None:  # fmt: skip
    suite = make_suite(data=NEGATIVE.select("amount"), columns={"amount": {"min": {"value": 0, "severity": "warn"}}},
                       stewardship_extra={"risk_tier": tier})  # fmt: skip
    d = run(suite, settings)
    assert statuses(d) == {"t.columns.amount.min": "warned"}
    assert d.gate.passed is passed


def test_a_suite_gate_overrides_the_tier(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=NEGATIVE.select("amount"), columns={"amount": {"min": {"value": 0, "severity": "warn"}}},
                       stewardship_extra={"risk_tier": "high"}, gate={"fail_on": "error"})  # fmt: skip
    assert run(suite).gate.passed


# --- the longest allowed waiver per risk tier -------------------------------------------------


def test_a_waiver_longer_than_its_tier_allows_is_a_suite_error(make_suite: Callable[..., Path]) -> None:
    from stewardgate.errors import SuiteError

    long = waiver("columns.*", expires=date(2027, 3, 1), approved_on=date(2026, 11, 1))
    suite = make_suite(data=NEGATIVE, columns=COLUMNS, stewardship_extra={"risk_tier": "high"}, top={"waivers": [long]})
    settings = GovernanceSettings(max_waiver_days={"high": 30})
    with pytest.raises(SuiteError) as info:
        run(suite, settings)
    (problem,) = info.value.problems
    assert str(problem) == (
        f"{suite}:{problem.line}:{problem.col}: waivers.0.expires: the waiver lasts 120 days (approved_on 2026-11-01 "
        "to 2027-03-01); a high-tier dataset's waivers may last at most 30 days (tool.stewardgate.governance.max_waiver_days)"
    )
    assert problem.line == suite.read_text().splitlines().index(next(
        ln for ln in suite.read_text().splitlines() if ln.startswith("waivers:"))) + 1  # fmt: skip


def test_without_approved_on_the_length_counts_from_the_run_date(make_suite: Callable[..., Path]) -> None:
    from stewardgate.errors import SuiteError

    settings = GovernanceSettings(max_waiver_days={"medium": 40})
    ok = make_suite(data=NEGATIVE, columns=COLUMNS, top={"waivers": [waiver("columns.*", expires=date(2027, 1, 6))]})
    assert run(ok, settings).gate.passed  # 40 days after 2026-11-27
    late = make_suite(data=NEGATIVE, columns=COLUMNS, top={"waivers": [waiver("columns.*", expires=date(2027, 1, 7))]})
    with pytest.raises(
        SuiteError, match="the waiver lasts 41 days \\(the run's as-of date 2026-11-27 to 2027-01-07\\)"
    ):
        run(late, settings)
