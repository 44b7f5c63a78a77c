"""The stamp_match check: what the data carries (its stamp) against what the suite says.

Findings (the check fails): a stamp naming a different owner, a stamp with a lower
classification than the suite's (the data would travel labelled less sensitive than it is),
and a stamp that cannot be read. Other differences (steward, retention, risk tier …) and files
without a stamp, beside stamped ones, are reported as ``info``: the stamp is out of date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.engines.outcome import Outcome
from stewardgate.governance.inspect import StampGroup, inspect_resolved
from stewardgate.levels import rank

if TYPE_CHECKING:
    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.suite.loader import LoadedSuite

_COMPARED = ("steward", "retention", "risk_tier", "description", "recertify_by", "known_limitations")


def judge_stamp(loaded: LoadedSuite, scanned: ScannedDataset) -> tuple[Outcome, bool] | None:
    """The outcome and whether it is only informational (an out-of-date stamp), or None when
    no file of the data carries a stamp (nothing to compare)."""
    inspection = inspect_resolved(scanned.resolved)
    if not inspection.groups and not inspection.unreadable:
        return None
    suite = loaded.suite.stewardship.model_dump(mode="json")
    findings, stale = [], []
    for group in inspection.groups:
        found, other = _compare(group, suite)
        findings += [f"{f}{_files(group, inspection)}" for f in found]
        stale += other
    for f in inspection.unreadable:
        findings.append(f"{f.path.name}: {f.problem}")
    total = len(inspection.files)
    details: dict[str, Any] = {
        "files": total, "stamped": total - len(inspection.unstamped) - len(inspection.unreadable),
        "unstamped": [str(p) for p in inspection.unstamped], "findings": findings, "differences": sorted(set(stale)),
    }  # fmt: skip
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
    message = f"the data's stamp matches the suite ({total} file{'s' if total != 1 else ''})"
    return Outcome(ok=True, observed=[], details=details, message=message), False


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
