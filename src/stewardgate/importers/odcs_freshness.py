"""ODCS ``latency``, ``frequency`` and ``timeOfAvailability`` as a suite's freshness limits.

=======================  ==========================================================
ODCS ``slaProperties``   suite ``freshness:``
=======================  ==========================================================
``latency`` 4 ``d``      ``max_age: 4d`` (the newest value at most 4 days old)
``frequency`` 1 ``d``    ``every: 1d`` (a value in every day of the last 7)
``timeOfAvailability``   ``available_by: "09:00-08:00"`` (the as-of day's data by then)
=======================  ==========================================================

The ``element`` column is the freshness column; a limit without one reads the newest file
modification time (``source: modified``; ``frequency`` needs a column). Units: days, hours,
minutes and weeks (months and years have no fixed length; a bare ``m`` is refused as ambiguous).
"""

from __future__ import annotations

from typing import Any

from stewardgate.importers import Finding
from stewardgate.suite.durations import duration_text, parse_duration
from stewardgate.suite.freshness_model import parse_time_of_day

FRESHNESS = {"latency": "max_age", "frequency": "every", "timeOfAvailability": "available_by"}
"""ODCS property -> freshness key; the exporter reads it the other way."""
UNITS = {"d": "d", "day": "d", "days": "d", "h": "h", "hr": "h", "hour": "h", "hours": "h", "min": "min",
         "minute": "min", "minutes": "min", "w": "w", "week": "w", "weeks": "w"}  # fmt: skip


def limit_value(name: str, prop: dict[str, Any]) -> tuple[str | None, str]:
    """The freshness value of one SLA property (``4d``, ``09:00-08:00``), or None and why not."""
    value, unit_text = prop.get("value"), str(prop.get("unit") or "")
    if name == "timeOfAvailability":
        try:
            parse_time_of_day(str(value))
        except ValueError as exc:
            return None, str(exc)
        return str(value).strip(), ""
    unit = UNITS.get(unit_text.lower())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and unit:
        return duration_text(parse_duration(f"{value}{unit}")), ""
    if isinstance(value, str) and not unit_text:
        try:
            return duration_text(parse_duration(value)), ""
        except ValueError as exc:
            return None, str(exc)
    written = " ".join(str(x) for x in (value, unit_text) if x not in (None, ""))
    why = "'m' is ambiguous (months or minutes): write min" if unit_text.lower() in ("m", "mo") else ""
    return None, (f"{name} '{written}' is not a duration: a positive whole value with a unit (minutes, hours, days, "
                  f"weeks; months and years have no fixed length){'; ' + why if why else ''}")  # fmt: skip


class FreshnessBlock:
    """The freshness limits of one table as SLA properties are read, with what could not be kept."""

    def __init__(self) -> None:
        self.column: str | None = None
        self.limits: dict[str, tuple[str, str]] = {}  # key -> (value, where)

    def add(self, name: str, value: str, column: str | None, where: str) -> Finding | None:
        """Add a limit; a finding when it cannot be kept as written (None: converted as is)."""
        key = FRESHNESS[name]
        if column is not None and self.column is not None and column != self.column:
            return Finding(
                where, f"the suite's freshness limits read one column ({self.column}); this one names {column}"
            )
        if key == "every" and column is None and self.column is None:
            return Finding(
                where, "frequency needs a column (element table.column): a file's time is one time, not one per period"
            )
        self.column = self.column or column
        if key in self.limits:
            return self._second(key, value, where)
        self.limits[key] = (value, where)
        return None

    def _second(self, key: str, value: str, where: str) -> Finding:
        kept, kept_where = self.limits[key]
        if key == "available_by" and _earlier(value, kept):
            self.limits[key] = (value, where)
            return Finding(kept_where, f"the stricter {value} ({where}) is checked, which implies {kept}", lost=False)
        if key == "available_by":
            return Finding(where, f"the stricter {kept} ({kept_where}) is checked, which implies {value}", lost=False)
        return Finding(where, f"a suite has one {key}; {kept} ({kept_where}) is kept")

    def section(self) -> dict[str, Any]:
        """The suite's ``freshness:`` mapping."""
        where = {"column": self.column} if self.column else {"source": "modified"}
        return {**where, **{k: self.limits[k][0] for k in ("max_age", "every", "available_by") if k in self.limits}}


def _earlier(a: str, b: str) -> bool:
    from datetime import date, datetime

    day = date(2000, 1, 3)
    (ta, za), (tb, zb) = parse_time_of_day(a), parse_time_of_day(b)
    return datetime.combine(day, ta, tzinfo=za) < datetime.combine(day, tb, tzinfo=zb)


CUSTOM_PREFIX = "stewardgate."
"""``customProperties`` that ``export odcs`` writes for what ODCS has no key for (risk tier...)."""


def stewardgate_properties(custom: Any, where: str) -> tuple[dict[str, Any], list[Finding]]:
    """The ``stewardgate.*`` custom properties as stewardship keys (each checked as a suite checks it)."""
    from contextlib import suppress
    from datetime import date

    from pydantic import ValidationError

    from stewardgate.suite.models import Stewardship

    out: dict[str, Any] = {}
    findings = []
    for i, item in enumerate(custom if isinstance(custom, list) else []):
        name = str(item.get("property", "")) if isinstance(item, dict) else ""
        if not name.startswith(CUSTOM_PREFIX):
            continue
        key, value = name.removeprefix(CUSTOM_PREFIX), item.get("value")
        if key == "recertify_by" and isinstance(value, str):
            with suppress(ValueError):  # not a date: the model's check below says so
                value = date.fromisoformat(value)
        try:
            Stewardship.model_validate({"owner": "o@example.com", "steward": "s@example.com", key: value})
        except ValidationError as exc:
            first = exc.errors()[0]
            findings.append(Finding(f"{where}[{i}] {name}", f"not a suite's {key}: {first['msg']}"))
            continue
        out[key] = value
    return out, findings
