"""Retention periods: ``400d``, ``12w``, ``18mo``, ``7y`` or ISO-8601 durations such as ``P400D``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

_SHORT = re.compile(r"\A(\d+)(d|w|mo|y)\Z")
_ISO = re.compile(r"\AP(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?\Z")

PERIOD_HELP = "a period like 400d, 12w, 18mo, 7y or ISO-8601 P400D / P1Y6M"


@dataclass(frozen=True)
class Period:
    """A calendar period: years and months are calendar-aware, days are days."""

    years: int = 0
    months: int = 0
    days: int = 0

    def before(self, moment: date) -> date:
        """The date this period before ``moment`` (month ends clamp: Mar 31 - 1mo = Feb 28)."""
        day = moment.date() if isinstance(moment, datetime) else moment
        total = day.year * 12 + (day.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(total, 12)
        month += 1
        clamped = min(day.day, calendar.monthrange(year, month)[1])
        from datetime import timedelta

        return date(year, month, clamped) - timedelta(days=self.days)

    @property
    def approx_days(self) -> float:
        """Length in days, counting a year as 365.25 and a month as 30.44 (for comparisons)."""
        return self.years * 365.25 + self.months * 30.44 + self.days


def parse_period(text: str) -> Period:
    """Parse a retention period; raise ``ValueError`` naming the allowed forms."""
    value = text.strip()
    short = _SHORT.match(value)
    if short:
        n, unit = int(short.group(1)), short.group(2)
        return {
            "d": Period(days=n),
            "w": Period(days=7 * n),
            "mo": Period(months=n),
            "y": Period(years=n),
        }[unit]
    iso = _ISO.match(value)
    if iso and any(iso.groups()):
        y, m, w, d = (int(g) if g else 0 for g in iso.groups())
        return Period(years=y, months=m, days=7 * w + d)
    raise ValueError(f"'{text}' is not a period ({PERIOD_HELP})")
