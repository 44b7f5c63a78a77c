"""The gate: one pure function from a dataset's results and its policy to a decision.

Blocking statuses: ``errored`` always (fail closed), ``failed`` always, ``warned`` when the
policy says ``fail_on: warn``. Skipped, info and waived results never block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stewardgate.results import CheckResult, GateDecision, Status


@dataclass(frozen=True)
class BlockingPolicy:
    """What blocks: ``fail_on`` is ``error`` (failures) or ``warn`` (warnings too).

    Resolved for one dataset from the suite's ``gate:`` block (:class:`stewardgate.suite.models.GatePolicy`,
    which only says what the suite wrote) or its risk tier.

    ``basis`` says where ``fail_on`` came from when not from the suite (``risk tier high``).
    """

    fail_on: str = "error"
    basis: str | None = None

    @property
    def blocking(self) -> frozenset[Status]:
        base = {Status.ERRORED, Status.FAILED}
        return frozenset(base | {Status.WARNED} if self.fail_on == "warn" else base)


def decide(results: Iterable[CheckResult], policy: BlockingPolicy) -> GateDecision:
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
        reason=f"{what} (fail_on: {policy.fail_on}{', from ' + policy.basis if policy.basis else ''})",
    )  # fmt: skip


def policy_for(
    declared_fail_on: str | None, risk_tier: str | None, fail_on_by_tier: Mapping[str, str], default_tier: str
) -> BlockingPolicy:
    """The gate policy: the suite's own ``gate.fail_on`` if it sets one, else its risk tier's.

    A tier that makes warnings block is named in the decision's reason. With the default table a high-tier dataset's warnings block, a low or medium one's only
    failures do; a suite without a tier is judged as ``default_tier``.
    """
    if declared_fail_on is not None:
        return BlockingPolicy(fail_on=declared_fail_on)
    tier = risk_tier or default_tier
    fail_on = fail_on_by_tier.get(tier, "error")
    return BlockingPolicy(fail_on=fail_on, basis=f"risk tier {tier}" if fail_on != "error" else None)


def unreadable(reason: str, policy: BlockingPolicy) -> GateDecision:
    """The decision for a dataset that could not be read at all: it never passes."""
    return GateDecision(
        passed=False, fail_on=policy.fail_on, blocking=(), reason=f"dataset could not be checked: {reason}"
    )
