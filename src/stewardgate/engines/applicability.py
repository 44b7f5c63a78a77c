"""Which planned column checks can run on this data, and why not — one rule for every engine.

A column that is missing skips all its checks but ``required`` (which fails); a column that is
absent and ``required: false`` skips them all; a column whose type is not the declared one skips
its value rules (they would compare values of the wrong kind) but keeps nullability, null
thresholds and uniqueness.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from stewardgate.checks.column_rules import RULES
from stewardgate.engines import dtypes
from stewardgate.planning import PlannedCheck


def skip_reasons(planned: list[PlannedCheck], schema: Mapping[str, Any]) -> dict[str, str]:
    """``check_id -> reason`` for every planned column check that cannot run on ``schema``."""
    declared_type = {p.column: p.value for p in planned if p.check == "type"}
    required = {p.column for p in planned if p.check == "required"}
    reasons = {}
    for p in planned:
        if p.section != "columns" or p.check == "required":
            continue
        actual = schema.get(p.column)  # type: ignore[arg-type]  # a column check names its column
        if actual is None:
            reasons[p.check_id] = "column is missing" if p.column in required else "column is absent (required: false)"
        elif RULES[p.check].kind == "row" and p.column in declared_type:
            expected = declared_type[p.column]
            assert isinstance(expected, str)  # a type check's value is the declared type name
            if not dtypes.matches(expected, actual):
                reasons[p.check_id] = f"column type is {dtypes.display(actual)}, not {expected}"
    return reasons


def bound_for(value: Any, actual: Any) -> Any:
    """A bound made comparable with the column: dates and datetimes meet the column's zone.

    A date on a datetime column is midnight in the column's zone; a naive datetime on a zoned
    column is read in the column's zone; a zoned datetime on a naive column is converted to UTC
    and made naive (naive columns are taken to hold UTC).
    """
    import polars as pl

    if not isinstance(value, date) or actual.base_type() != pl.Datetime:
        return value
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(actual.time_zone) if actual.time_zone else None
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    if zone is None:
        return value.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return value


def members_for(values: list[Any], actual: Any) -> list[Any]:
    """Set members made comparable with the column: numbers become floats on float columns."""
    if actual.is_float():
        return [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in values]
    return values


def as_text(col: Any, actual: Any) -> Any:
    """String rules read categorical and enum columns as their string values."""
    return col if not dtypes.is_string(actual) or actual == _string() else col.cast(_string())


def _string() -> Any:
    import polars as pl

    return pl.String
