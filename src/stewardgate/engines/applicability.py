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
        if p.column is None or p.check == "required":
            continue
        actual = schema.get(p.column)
        if actual is None:
            reasons[p.check_id] = "column is missing" if p.column in required else "column is absent (required: false)"
        elif RULES[p.check].kind == "row" and p.column in declared_type:
            expected = declared_type[p.column]
            if not dtypes.matches(expected, actual):
                reasons[p.check_id] = f"column type is {dtypes.display(actual)}, not {expected}"
    return reasons


def bound_for(value: Any, actual: Any) -> Any:
    """A date bound compared with a datetime column becomes midnight in the column's zone."""
    if isinstance(value, date) and not isinstance(value, datetime) and actual.is_temporal():
        import polars as pl

        if actual.base_type() == pl.Datetime:
            from zoneinfo import ZoneInfo

            tz = ZoneInfo(actual.time_zone) if actual.time_zone else None
            return datetime(value.year, value.month, value.day, tzinfo=tz)
    return value
