"""Which notices a dataset run makes due, judged against the dataset's previous run.

Triggers (a pure function of this run, the previous one and the as-of date):

- ``gate_failed``: this run's gate failed (a blocking result, or a dataset that could not be read);
- ``check_failed``: a check blocks now that did not block in the previous run (needs history);
- ``recovered``: the gate passes now and failed in the previous run (needs history);
- ``waiver_expiring``: a waiver that applies today expires within the settings' warning window
  (an ``expiring_waiver`` result of the run);
- ``recertification_due``: the recertification check did not pass (due soon, or overdue).

Each notice has a ``topic``: a later notice of the same topic and trigger within the
suppression interval is not sent again (:mod:`stewardgate.notify.memory`). The gate's two
triggers share the topic ``gate``, so a recovery resets it: broken, fixed, broken again
sends three messages; broken for a week sends one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stewardgate.notify.config import TRIGGERS
from stewardgate.results import DatasetRun, Status

BLOCKING_NOW = (Status.FAILED, Status.ERRORED)


@dataclass(frozen=True)
class Notice:
    """One thing to tell: which trigger, about what (``topic``), in one sentence."""

    trigger: str
    topic: str
    text: str


def due_notices(run: DatasetRun, previous: DatasetRun | None, previous_as_of: date | None = None) -> list[Notice]:
    """The notices ``run`` makes due, in trigger order (``previous``: the run before, if stored)."""
    notices = []
    if not run.gate.passed:
        notices.append(Notice("gate_failed", "gate", f"{run.dataset}: gate FAILED: {run.gate.reason}"))
    if previous is not None:
        notices += _newly_blocking(run, previous)
        if run.gate.passed and not previous.gate.passed:
            text = f"{run.dataset}: recovered: the gate passes again (it failed on {previous_as_of or previous.started_at.date()})"
            notices.append(Notice("recovered", "gate", text))
    for r in run.results:
        if r.check == "expiring_waiver":
            notices.append(Notice("waiver_expiring", f"waiver:{r.expected}:{r.details['waiver']['check']}", r.message))
        if r.check == "recertification" and r.status is not Status.PASSED:
            due = run.stewardship.get("recertify_by")
            notices.append(Notice("recertification_due", f"recertification:{due}", f"{run.dataset}: {r.message}"))
    return sorted(notices, key=lambda n: TRIGGERS.index(n.trigger))


def _newly_blocking(run: DatasetRun, previous: DatasetRun) -> list[Notice]:
    before = set(previous.gate.blocking)
    fresh = [r for r in run.results if r.check_id in run.gate.blocking and r.check_id not in before]
    return [
        Notice("check_failed", f"check:{r.check_id}", f"{r.check_id} newly {r.status.value}: {r.message}")
        for r in fresh
    ]
