"""Would a column rule have failed on a stored run? Judged from the run's profile alone.

The profile keeps what the value rules compare against (null counts, distinct counts, minima
and maxima, string lengths, the complete value list of low-cardinality columns), so a rule can
be replayed on every stored run, including runs made before the rule was written. Each judge
returns True (it would have failed), False (it would have passed) or None (the profile cannot
tell: the column was missing, or had too many distinct values for its list to be kept).
``regex``, ``type`` and ``required`` are not replayed: ``suggest`` reads their stored results.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from stewardgate.profile_record import ColumnProfile

Judge = Callable[[Any, ColumnProfile, int], "bool | None"]


def would_fail(rule: str, value: Any, column: ColumnProfile | None, rows: int) -> bool | None:
    """Whether ``columns.<c>.<rule>: value`` fails on a run with this profile entry."""
    if column is None or rule not in _JUDGES:
        return None
    return _JUDGES[rule](value, column, rows)


def observed_values(column: ColumnProfile) -> list[str] | None:
    """The column's distinct non-null values as text, if the profile kept all of them."""
    top = column.get("top_values")
    if top is None:
        return None
    values = [t["value"] for t in top if t["value"] is not None]
    return values if len(values) == column.get("distinct_count") else None


def as_text(value: Any) -> str:
    """A suite value as the profile writes values (``true``, ``42``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def moment(value: Any, like: datetime | date | None = None) -> datetime:
    """A date, datetime or ISO text as a datetime comparable with ``like`` (same zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if ("T" in value or " " in value) else date.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    zone = like.tzinfo if isinstance(like, datetime) else None
    if value.tzinfo is None and zone is not None:
        value = value.replace(tzinfo=zone)
    elif value.tzinfo is not None and zone is None:
        value = value.replace(tzinfo=None)
    return value


def _nullable(value: Any, c: ColumnProfile, rows: int) -> bool | None:
    return value is False and int(c.get("null_count") or 0) > 0


def _max_null_fraction(value: Any, c: ColumnProfile, rows: int) -> bool | None:
    fraction = c.get("null_fraction")
    return None if fraction is None else fraction > value


def _max_null_count(value: Any, c: ColumnProfile, rows: int) -> bool | None:
    return int(c.get("null_count") or 0) > value


def _unique(value: Any, c: ColumnProfile, rows: int) -> bool | None:
    distinct = None if c.get("distinct_approximate") else c.get("distinct_count")
    if value is not True or distinct is None:
        return None if value is True else False
    return bool(distinct < rows - int(c.get("null_count") or 0))


def _bound(low: bool) -> Judge:
    def judge(value: Any, c: ColumnProfile, rows: int) -> bool | None:
        seen = c.get("min" if low else "max")
        if seen is None or isinstance(seen, str) != isinstance(value, date):
            return None  # no values, or a date bound on a number column (or the reverse)
        if isinstance(seen, str):
            observed = moment(seen)
            bound = moment(value, like=observed)
            return observed < bound if low else observed > bound
        return bool(seen < value if low else seen > value)

    return judge


def _in_set(value: Any, c: ColumnProfile, rows: int) -> bool | None:
    values = observed_values(c)
    if values is None:
        return None
    allowed = {as_text(v) for v in value}
    return any(v not in allowed for v in values)


def _length(low: bool) -> Judge:
    def judge(value: Any, c: ColumnProfile, rows: int) -> bool | None:
        seen = c.get("length_min" if low else "length_max")
        if seen is None:
            return None
        return bool(seen < value if low else seen > value)

    return judge


_JUDGES: dict[str, Judge] = {
    "nullable": _nullable,
    "max_null_fraction": _max_null_fraction,
    "max_null_count": _max_null_count,
    "unique": _unique,
    "min": _bound(low=True),
    "max": _bound(low=False),
    "in_set": _in_set,
    "min_length": _length(low=True),
    "max_length": _length(low=False),
}

REPLAYED = tuple(_JUDGES)
"""The column rules a profile can replay, in the order proposals are made."""
