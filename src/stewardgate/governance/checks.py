"""The governance executor: running the governance checks of a plan (planned by
:mod:`stewardgate.planning.governance`).

``governance_figures`` declares the figures to add to the run's one pass (retention), in a form
every reader spells (:mod:`stewardgate.engines.figures`); ``judge_governance`` turns those, one
sample read of the string columns (personal data), the data's stamps (footers and sidecars
only; a table's comment) and the suite itself into results. A check that
crashes becomes an ``errored`` result; the others still run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate.engines.figures import Figure
from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.errors import first_line
from stewardgate.governance import freshness, retention, uses
from stewardgate.levels import most_sensitive, rank
from stewardgate.results import CheckResult, Severity

if TYPE_CHECKING:
    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.engines.measured import Source
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite

_MISSING: tuple[object, ...] = (None, "", [], {})


TABLE_STAMP = (
    "a SQL table's stamp is its comment, written by stamp_table (governance/table_stamp.py), not by stamp_suite"
)


def governance_figures(
    planned: list[PlannedCheck], schema: dict[str, Any], as_of: date, *, moment: datetime | None = None,
    loaded: LoadedSuite | None = None,
) -> list[Figure]:  # fmt: skip
    """The figures the governance checks need from the run's one pass over the data (any reader).

    With ``loaded``, a freshness column the data cannot carry is refused first (a located
    :class:`~stewardgate.errors.DatasetError`, exit 2)."""
    if loaded is not None:
        freshness.check_usable(loaded, schema)
    figures = []
    now = freshness.now_of(as_of, moment)
    for p in planned:
        if p.check == "retention":
            figures += retention.retention_figures(p, schema, as_of)
        elif p.section == "freshness":
            where = loaded.where("freshness", "source") if loaded is not None else None
            figures += freshness.freshness_figures(p, schema, now, where)
    return figures


def judge_governance(
    planned: list[PlannedCheck], loaded: LoadedSuite, source: Source, *, extra: dict[str, Any], as_of: date,
    masked: set[str], moment: datetime | None = None,
) -> list[CheckResult]:  # fmt: skip
    """The governance executor: each check on the data its reader's ``source`` gives it, with the
    figures the reader measured (``extra``), in plan order. ``moment``: the as-of time of the
    freshness limits (None: the end of the as-of date)."""
    results: list[CheckResult] = []
    for p in planned:
        scanned, rows = source(p)
        results += run_governance([p], loaded, scanned, extra=extra, row_count=rows, as_of=as_of, masked=masked,
                                  moment=moment)  # fmt: skip
    return results


def run_governance(
    planned: list[PlannedCheck], loaded: LoadedSuite, scanned: ScannedDataset, *, extra: dict[str, Any],
    row_count: int, as_of: date, masked: set[str], moment: datetime | None = None,
) -> list[CheckResult]:  # fmt: skip
    """Every planned governance check's results, in plan order."""
    results: list[CheckResult] = []
    for p in planned:
        try:
            if p.section == "freshness":
                now = freshness.now_of(as_of, moment)
                outcome = freshness.judge_freshness(p, loaded, scanned, extra, now=now, masked=masked)
                results.append(_result(p, outcome, None))
                continue
            results += _run_one(p, loaded, scanned, extra=extra, row_count=row_count, as_of=as_of, masked=masked)
        except Exception as exc:  # a crashing check is a result (fail closed), the run goes on
            text = first_line(exc)
            results.append(_result(p, Outcome(ok=False, errored=f"{type(exc).__name__}: {text}"), row_count))
    return results


def _run_one(
    p: PlannedCheck, loaded: LoadedSuite, scanned: ScannedDataset, *, extra: dict[str, Any], row_count: int,
    as_of: date, masked: set[str],
) -> list[CheckResult]:  # fmt: skip
    if p.check == "retention":
        if p.args.get("column") is None:
            return [skipped(p, f"retention {p.args['period']} names no column to measure")]
        problem = retention.usable(p, scanned.schema)
        if problem is not None:  # a column the suite names outside columns: checked here, located
            where = loaded.where("stewardship", "retention", "column")
            return [_result(p, Outcome(ok=False, errored=f"{where}: {problem}"), row_count)]
        outcome = retention.judge_retention(p, scanned, extra, row_count=row_count, as_of=as_of, masked=masked)
        return [_result(p, outcome, row_count)]
    if p.check == "personal_data":
        from stewardgate.governance.personal_data import scan_personal_data

        return [_with_expected(r, p) for r in scan_personal_data(p, loaded.suite, scanned, row_count=row_count)]
    if p.check == "stamp_match":
        from stewardgate.governance.stamp_match import judge_stamp, no_stamp_reason

        judged = judge_stamp(loaded, scanned)
        if judged is None:
            return [skipped(p, no_stamp_reason(loaded, scanned))]
        outcome, only_info = judged
        return [_result(replace(p, severity=Severity.INFO) if only_info else p, outcome, None)]
    judge = _SUITE_ONLY[p.check]
    return [judge(p, loaded, as_of, row_count)]


def _result(p: PlannedCheck, outcome: Outcome, row_count: int | None) -> CheckResult:
    return _with_expected(build_result(p, outcome, row_count=row_count), p)


def _with_expected(r: CheckResult, p: PlannedCheck) -> CheckResult:
    return replace(r, expected=p.value)


def suite_result(p: PlannedCheck, ok: bool, observed: Any, message: str, *, failing: int | None = None) -> CheckResult:
    """The result of a check judged on the suite alone (no rows): its verdict, observation and sentence."""
    return _result(p, Outcome(ok=ok, observed=observed, failing=failing, message=message), None)


def judge_classification(p: PlannedCheck, loaded: LoadedSuite, as_of: date, row_count: int) -> CheckResult:
    """The dataset must be classified at least as high as its most sensitive column."""
    dataset, columns = p.args["dataset"], p.args["columns"]
    if not columns:
        return _result(
            p, Outcome(ok=True, observed=dataset, message="no column carries a classification of its own"), None
        )
    top = most_sensitive(list(columns.values()))
    above = sorted(c for c, level in columns.items() if rank(level) > rank(dataset))
    if not above:
        return _result(
            p, Outcome(ok=True, observed=dataset, message=f"dataset classified {dataset}, no column above it"), None
        )
    named = ", ".join(f"{c} ({columns[c]})" for c in above)
    said = f"classified {dataset}" if dataset else "not classified"
    message = f"the dataset is {said} but holds more sensitive columns: {named}; classify it {top}"
    return _result(p, Outcome(ok=False, observed=dataset, failing=len(above), message=message), None)


def judge_completeness(p: PlannedCheck, loaded: LoadedSuite, as_of: date, row_count: int) -> CheckResult:
    """Every stewardship field the risk tier requires is filled in."""
    stewardship = loaded.suite.stewardship
    tier, required = p.args["risk_tier"], p.args["required"]
    missing = [f for f in required if getattr(stewardship, f) in _MISSING]
    assumed = "" if stewardship.risk_tier else f" (no risk tier declared; judged as {tier})"
    if not missing:
        message = f"complete for risk tier {tier}: {', '.join(required)}{assumed}"
        return _result(p, Outcome(ok=True, observed=[], message=message), None)
    message = f"missing for risk tier {tier}: {', '.join(missing)}{assumed}"
    return _result(p, Outcome(ok=False, observed=missing, failing=len(missing), message=message), None)


def judge_recertification(p: PlannedCheck, loaded: LoadedSuite, as_of: date, row_count: int) -> CheckResult:
    """``recertify_by`` in the past fails; within ``warn_within_days`` of the as-of date warns."""
    return recertification_result(p, as_of)


def recertification_result(p: PlannedCheck, as_of: date, what: str = "recertification") -> CheckResult:
    """The verdict on ``p.args["recertify_by"]``: in the past fails; within ``warn_within_days``
    warns (the result's severity at most warn); ``what`` names what is recertified in the message
    (the dataset's recertification, or its access's)."""
    due = date.fromisoformat(p.args["recertify_by"])
    days, window = (due - as_of).days, p.args["warn_within_days"]
    if days < 0:
        message = f"{what} was due on {due}, {-days} day{'s' if days != -1 else ''} before {as_of}"
        return _result(p, Outcome(ok=False, observed=days, message=message), None)
    if days <= window:
        soon = replace(p, severity=min(p.severity, Severity.WARN))
        message = f"{what} is due on {due}, in {days} day{'s' if days != 1 else ''} (warns within {window})"
        return _result(soon, Outcome(ok=False, observed=days, message=message), None)
    message = f"{what}: recertified until {due} ({days} days after {as_of})"
    if what == "recertification":  # the dataset's, worded as it always was
        message = f"recertified until {due} ({days} days after {as_of})"
    return _result(p, Outcome(ok=True, observed=days, message=message), None)


_SUITE_ONLY: dict[str, Callable[[PlannedCheck, LoadedSuite, date, int], CheckResult]] = {
    "classification": judge_classification,
    "completeness": judge_completeness,
    "recertification": judge_recertification,
    "permitted_uses": uses.judge_permitted_uses,
    "purpose": uses.judge_purpose,
}
