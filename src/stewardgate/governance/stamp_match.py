"""The stamp_match check: what the data carries (its stamp) against what the suite says.

Findings (the check fails): a stamp naming a different owner, a stamp with a lower
classification than the suite's (the data would travel labelled less sensitive than it is),
and a stamp that cannot be read. Other differences (steward, retention, risk tier …) and files
without a stamp, beside stamped ones, are reported as ``info``: the stamp is out of date.

A SQL table's stamp is its comment, read when the table was opened (``scanned.metadata``,
:mod:`stewardgate.datasets.table_comment`), and judged the same way. On a database that keeps
no table comments (SQLite) the check is skipped, saying why (:func:`no_stamp_reason`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.datasets import table_comment
from stewardgate.engines.outcome import Outcome
from stewardgate.governance.inspect import Inspection, StampGroup, inspect_resolved, inspect_table
from stewardgate.levels import rank

if TYPE_CHECKING:
    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.suite.loader import LoadedSuite

_COMPARED = ("steward", "retention", "risk_tier", "description", "recertify_by", "known_limitations")


def judge_stamp(loaded: LoadedSuite, scanned: ScannedDataset) -> tuple[Outcome, bool] | None:
    """The outcome and whether it is only informational (an out-of-date stamp), or None when
    no file of the data carries a stamp (nothing to compare: :func:`no_stamp_reason` says why)."""
    inspection = _inspection(loaded, scanned)
    if not inspection.groups and not inspection.unreadable:
        return None
    if inspection.format == "table":
        return _judged(inspection, loaded, {"table": inspection.display})
    total = len(inspection.files)
    details: dict[str, Any] = {
        "files": total, "stamped": total - len(inspection.unstamped) - len(inspection.unreadable),
        "unstamped": [str(p) for p in inspection.unstamped],
    }  # fmt: skip
    return _judged(inspection, loaded, details)


def _judged(inspection: Inspection, loaded: LoadedSuite, details: dict[str, Any]) -> tuple[Outcome, bool]:
    suite = loaded.suite.stewardship.model_dump(mode="json")
    findings, stale = [], []
    for group in inspection.groups:
        found, other = _compare(group, suite)
        findings += [f"{f}{_files(group, inspection)}" for f in found]
        stale += other
    for f in inspection.unreadable:
        findings.append(f"{f.path.name}: {f.problem}")
    total = len(inspection.files)
    details = {**details, "findings": findings, "differences": sorted(set(stale))}
    if findings:
        return Outcome(
            ok=False, failing=len(findings), observed=findings, details=details, message="; ".join(findings)
        ), False
    notes = []
    if stale:
        notes.append(f"the stamp is out of date ({', '.join(sorted(set(stale)))} differ from the suite)")
    if inspection.unstamped:
        notes.append(f"{len(inspection.unstamped)} of {total} files carry no stamp")
    if notes:
        message = "; ".join(notes) + "; stamp again: stewardgate stamp SUITE"
        return Outcome(ok=False, failing=0, observed=[], details=details, message=message), True
    if inspection.format == "table":
        message = "the table's stamp (its comment) matches the suite"
    else:
        message = f"the data's stamp matches the suite ({total} file{'s' if total != 1 else ''})"
    return Outcome(ok=True, observed=[], details=details, message=message), False


def no_stamp_reason(loaded: LoadedSuite, scanned: ScannedDataset) -> str:
    """Why the stamp check has nothing to compare (the reason of its ``skipped`` result)."""
    if loaded.suite.dataset.is_table:
        unsupported = scanned.metadata.get(table_comment.UNSUPPORTED)
        if unsupported is not None:
            return (
                f"{unsupported}: a table there carries no stewardship stamp, so there is nothing to compare "
                "(the stewardship is in the suite alone; docs/sql.md)"
            )
        if scanned.metadata.get(table_comment.COMMENT):
            return (
                "the table's comment is not a stewardship stamp (stewardgate stamp --force SUITE replaces it; "
                "the audit trail keeps the old comment)"
            )
        return "the table carries no stewardship stamp (write one into its comment: stewardgate stamp SUITE)"
    return "the data carries no stewardship stamp (write one: stewardgate stamp SUITE)"


def _inspection(loaded: LoadedSuite, scanned: ScannedDataset) -> Inspection:
    spec = loaded.suite.dataset
    if not spec.is_table:
        return inspect_resolved(scanned.resolved)
    metadata = scanned.metadata
    display = f"{spec.connection}:{spec.table}"
    return inspect_table(display, metadata.get(table_comment.COMMENT), metadata.get(table_comment.UNSUPPORTED))


def _compare(group: StampGroup, suite: dict[str, Any]) -> tuple[list[str], list[str]]:
    data = group.stamp["stewardship"]
    findings = []
    if data.get("owner") != suite.get("owner"):
        findings.append(f"the data names owner {data.get('owner')!r}, the suite {suite.get('owner')!r}")
    ours, theirs = suite.get("classification"), data.get("classification")
    stale = [key for key in _COMPARED if data.get(key) != suite.get(key)]
    if ours is not None and rank(theirs) < rank(ours):
        findings.append(f"the data is labelled {theirs or 'unclassified'}, the suite classifies it {ours}")
    elif theirs != ours:
        stale.append("classification")
    return findings, stale


def _files(group: StampGroup, inspection: Any) -> str:
    if len(inspection.files) == 1:
        return ""
    return f" (in {len(group.files)} of {len(inspection.files)} files)"
