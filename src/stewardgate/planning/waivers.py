"""The waivers section's planner: one check per waiver, which reports only when the waiver has
expired or expires within the settings' ``waiver_warn_days`` (judged on the run's as-of date by
:func:`stewardgate.governance.waivers.apply_waivers`, after every other check)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity

if TYPE_CHECKING:
    from stewardgate.suite.loader import LoadedSuite

EXPIRY = "expiry"
"""The ``when`` of a waiver's check: it reports once the waiver is expiring or expired."""


def plan_waivers(loaded: LoadedSuite) -> list[PlannedCheck]:
    """``<dataset>.waivers.<i>`` for each waiver: ``expiring_waiver`` (info) before its date,
    ``expired_waiver`` (a warning) after it."""
    name = loaded.suite.dataset.name
    return [
        PlannedCheck(
            check_id=f"{name}.waivers.{i}", check="expired_waiver", section="waivers", column=None,
            value={"check": w.check, "expires": w.expires.isoformat()}, severity=Severity.WARN,
            engine="governance", suite_line=loaded.line_of("waivers", i), when=EXPIRY,
            reason=f"waiver of '{w.check}' until {w.expires}: reported when it expires soon or has expired",
        )
        for i, w in enumerate(loaded.suite.waivers)
    ]  # fmt: skip
