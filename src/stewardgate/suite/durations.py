"""Durations of fixed length (freshness limits): the retention periods' forms, plus hours and minutes.

``26h``, ``90min``, ``2d``, ``1w``, or ISO-8601 ``PT26H``, ``P1DT2H``, ``P2D``. Months and years
are not a fixed length, so a freshness limit cannot be written in them (a retention period can:
:mod:`.periods`).
"""

from __future__ import annotations

import re
from datetime import timedelta

_SHORT = re.compile(r"\A(\d+)(min|h|d|w)\Z")
_ISO = re.compile(r"\AP(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
_UNIT = {"min": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}

DURATION_HELP = "a duration like 26h, 90min, 2d, 1w or ISO-8601 PT26H / P1DT2H (no months or years)"


def parse_duration(text: str) -> timedelta:
    """A positive duration; raise ``ValueError`` naming the allowed forms."""
    value = text.strip()
    short = _SHORT.match(value)
    if short:
        length = int(short.group(1)) * _UNIT[short.group(2)]
    else:
        iso = _ISO.match(value)
        if not iso or not any(iso.groups()):
            raise ValueError(f"'{text}' is not a duration ({DURATION_HELP})")
        weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in iso.groups())
        length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    if length <= timedelta(0):
        raise ValueError(f"'{text}' is not a positive duration ({DURATION_HELP})")
    return length


def duration_text(length: timedelta) -> str:
    """The shortest suite spelling of a duration (``26h``, ``2d``, ``90min``; ISO seconds otherwise)."""
    seconds = int(length.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"PT{seconds}S"
