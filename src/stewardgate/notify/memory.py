"""What was already sent: the suppression interval, read from the history store.

Every delivered notification is an audit entry (kind ``notification``, subject the dataset)
whose payload lists the channel, the as-of date and each notice's trigger and topic. A due
notice is held back when the latest delivered notice of its topic on that channel has the
same trigger and an as-of date less than ``suppress_days`` before this one. Days are as-of
days, not clock time, so a backfill or a re-run judges the same way on any date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from stewardgate.notify.events import Notice

KIND = "notification"


def last_sent(entries: Iterable[Any], channel: str, as_of: date) -> dict[str, tuple[str, date]]:
    """``topic -> (trigger, as_of)`` of the latest notice delivered on ``channel`` up to ``as_of``.

    ``entries`` are the dataset's notification audit entries, newest first.
    """
    latest: dict[str, tuple[str, date]] = {}
    for entry in entries:
        payload: Mapping[str, Any] = entry.payload
        if payload.get("channel") != channel or payload.get("status") != "sent":
            continue
        day = date.fromisoformat(payload["as_of"])
        if day > as_of:
            continue
        for notice in payload.get("notices", []):
            latest.setdefault(notice["topic"], (notice["trigger"], day))
    return latest


def split_suppressed(
    notices: Sequence[Notice], latest: Mapping[str, tuple[str, date]], as_of: date, suppress_days: int
) -> tuple[list[Notice], list[Notice]]:
    """``(to send, held back)``: held back when the topic's last notice had this trigger within the interval."""
    send: list[Notice] = []
    held: list[Notice] = []
    for n in notices:
        trigger, day = latest.get(n.topic, ("", date.min))
        recent = (as_of - day).days < suppress_days
        (held if trigger == n.trigger and recent else send).append(n)
    return send, held


def record_payload(
    *, run_id: str, as_of: date, channel: str, kind: str, status: str, sent: Sequence[Notice],
    held: Sequence[Notice], attempts: int, error: str | None,
) -> dict[str, Any]:  # fmt: skip
    """The audit entry's payload of one notification (what the next run's suppression reads)."""
    return {
        "run_id": run_id, "as_of": as_of.isoformat(), "channel": channel, "kind": kind, "status": status,
        "notices": [{"trigger": n.trigger, "topic": n.topic} for n in sent],
        "suppressed": [{"trigger": n.trigger, "topic": n.topic} for n in held],
        "attempts": attempts, "error": error,
    }  # fmt: skip
