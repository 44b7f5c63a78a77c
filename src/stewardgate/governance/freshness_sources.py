"""Where a freshness limit reads the newest time when the data has no column for it.

``modified``: the newest modification time of the dataset's files (or S3 objects' last-modified
time); ``stamp``: the newest ``stamped_at`` of the stewardship stamps its files carry. A value of
the pass (a column's newest, another table's) is made an instant by :func:`as_instant`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stewardgate.datasets.resolve import ResolvedDataset


def as_instant(value: Any) -> datetime | None:
    """A newest value as an instant: a datetime without a zone is UTC; a date counts as the end
    of that day (midnight UTC after it: its rows may be as late as that); text is ISO-8601."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        value = (
            datetime.fromisoformat(text) if ("T" in text or " " in text or ":" in text) else date.fromisoformat(text)
        )
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=1), time(0), tzinfo=UTC)
    raise TypeError(f"a freshness value must be a date or datetime, got {type(value).__name__}")


def newest_modified(resolved: ResolvedDataset) -> datetime | None:
    """The newest modification time of the dataset's files (None: no files)."""
    if resolved.remote is not None:
        stamps = [o.modified_ns for o in resolved.remote.objects]
    else:
        stamps = [os.stat(f).st_mtime_ns for f in resolved.files]
    if not stamps:
        return None
    return datetime.fromtimestamp(max(stamps) / 1e9, tz=UTC)


def newest_stamp(resolved: ResolvedDataset) -> datetime | None:
    """The newest ``stamped_at`` of the stamps the dataset's files carry (None: no stamp)."""
    from stewardgate.governance.inspect import inspect_resolved

    times = [
        as_instant(group.stamp.get("stamped_at"))
        for group in inspect_resolved(resolved).groups if group.stamp.get("stamped_at")
    ]  # fmt: skip
    known = [t for t in times if t is not None]
    return max(known) if known else None
