"""The gate: one pure function from a dataset's results and its policy to a decision.

Blocking statuses: ``errored`` always (fail closed), ``failed`` always, ``warned`` when the
policy says ``fail_on: warn``. Skipped, info and waived results never block.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stewardgate.results import CheckResult, GateDecision, Status


@dataclass(frozen=True)
class GatePolicy:
    """What blocks: ``fail_on`` is ``error`` (failures) or ``warn`` (warnings too)."""

    fail_on: str = "error"

    @property
    def blocking(self) -> frozenset[Status]:
        base = {Status.ERRORED, Status.FAILED}
        return frozenset(base | {Status.WARNED} if self.fail_on == "warn" else base)


def decide(results: Iterable[CheckResult], policy: GatePolicy) -> GateDecision:
    """Pass unless some result has a blocking status; say which ones and why."""
    blocking = [r for r in results if r.status in policy.blocking]
    if not blocking:
        return GateDecision(passed=True, fail_on=policy.fail_on, blocking=(), reason="no blocking results")
    by_status: dict[str, int] = {}
    for r in blocking:
        by_status[r.status.value] = by_status.get(r.status.value, 0) + 1
    what = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items(), key=lambda kv: -Status(kv[0]).rank))
    return GateDecision(
        passed=False, fail_on=policy.fail_on, blocking=tuple(r.check_id for r in blocking),
        reason=f"{what} (fail_on: {policy.fail_on})",
    )  # fmt: skip


def unreadable(reason: str, policy: GatePolicy) -> GateDecision:
    """The decision for a dataset that could not be read at all: it never passes."""
    return GateDecision(passed=False, fail_on=policy.fail_on, blocking=(), reason=f"dataset could not be checked: {reason}")
