"""Thresholds with headroom: what a drafted rule allows, so that tomorrow's data still passes.

A rule drafted from one observation must not sit on that observation (Deequ's suggestions do,
and fail the next day). So:

- a null fraction gets the **Wilson upper bound** of the observed fraction at ``z = 3`` (about
  99.7% confidence that the true rate lies below it), rounded up to two significant digits;
- a numeric range is widened by **10% of its span** on both sides (10% of the value when all
  values are equal), rounded outwards to a round number; data that is all positive keeps a
  floor of 0;
- a date range is widened by **a year** on both sides (or 10% of its span when that is more),
  rounded outwards to the first of a month.

Every bound returned is strictly outside the observed range, so it never equals the observed
minimum, maximum or mean. A bound that cannot be strictly wider (an unsigned column at 0, a
column at the edge of its type) is left out (``None``).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

WILSON_Z = 3.0
RANGE_MARGIN = 0.10
DATE_MARGIN = timedelta(days=365)


def wilson_upper(k: int, n: int, z: float = WILSON_Z) -> float:
    """The upper end of the Wilson score interval of ``k`` successes in ``n`` trials."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = k / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return min(1.0, (centre + half) / (1 + z2 / n))


def round_up(x: float, digits: int = 2) -> float:
    """``x`` rounded up to ``digits`` significant digits (0.0192 -> 0.02, 0.2281 -> 0.23)."""
    if x <= 0:
        return 0.0
    places = digits - 1 - math.floor(math.log10(x))
    scaled = math.ceil(round(x * 10**places, 9))
    return round(scaled / 10**places, max(places, 0))


def null_fraction_bound(null_count: int, rows: int) -> float | None:
    """A ``max_null_fraction`` with headroom over ``null_count`` of ``rows``, or None.

    None when there is nothing to bound (no rows) or no useful bound below 1 (nearly all null).
    The result is always strictly greater than the observed fraction.
    """
    if rows <= 0:
        return None
    bound = round_up(wilson_upper(null_count, rows))
    if bound >= 1 or bound <= null_count / rows:
        return None
    return bound


def worst_null_fraction_bound(counts: list[tuple[int, int]]) -> float | None:
    """The largest :func:`null_fraction_bound` over ``(null_count, rows)`` pairs (runs)."""
    bounds = [null_fraction_bound(k, n) for k, n in counts if n > 0]
    if not bounds or any(b is None for b in bounds):
        return None
    return max(b for b in bounds if b is not None)


def numeric_bounds(
    low: float, high: float, *, integer: bool, limits: tuple[float, float] | None = None
) -> tuple[float | int | None, float | int | None]:
    """``(min, max)`` strictly outside ``[low, high]``, widened by a margin and rounded.

    ``limits``: the column type's own range (an unsigned or narrow integer); a bound that
    would leave it is pulled back, and dropped if it would then touch the observed range.
    A floor of 0 is kept for data whose smallest value is positive; when the smallest value
    *is* 0, no lower bound is drafted (it would equal the observed minimum).
    """
    span = high - low
    margin = RANGE_MARGIN * span if span > 0 else max(RANGE_MARGIN * abs(high), 0.0)
    if integer:
        margin = max(margin, 1.0)
    if margin == 0:
        margin = 1.0
    step = 10 ** math.floor(math.log10(margin))
    places = max(0, -math.floor(math.log10(step)))
    lower = round(math.floor((low - margin) / step) * step, places)
    upper = round(math.ceil((high + margin) / step) * step, places)
    if low > 0 > lower:
        lower = 0
    lo: float | int | None = lower if lower < low and low != 0 else None
    hi: float | int | None = upper if upper > high else None
    if limits is not None:
        lo = None if lo is None or max(lo, limits[0]) >= low else max(lo, limits[0])
        hi = None if hi is None or min(hi, limits[1]) <= high else min(hi, limits[1])
    if integer:
        lo = None if lo is None else int(lo)
        hi = None if hi is None else int(hi)
    return lo, hi


def date_bounds(low: date, high: date) -> tuple[date, date]:
    """``(min, max)`` dates strictly outside ``[low, high]`` with a year's margin.

    For a datetime column a date bound means its midnight, so the upper bound is always after
    the day of ``high`` and a time on that day stays inside.
    """
    low_day = low.date() if isinstance(low, datetime) else low
    high_day = high.date() if isinstance(high, datetime) else high
    margin = max(DATE_MARGIN, (high_day - low_day) * RANGE_MARGIN)
    start = low_day - margin
    end = high_day + margin
    lower = date(start.year, start.month, 1)
    upper = date(end.year + (end.month == 12), end.month % 12 + 1, 1)
    return lower, upper


def length_bounds(low: int, high: int) -> tuple[int | None, int]:
    """``(min_length, max_length)`` strictly outside the observed lengths (``None``: no floor)."""
    margin = max(1, math.ceil(RANGE_MARGIN * (high - low)))
    lower = low - margin
    return (lower if lower >= 0 else None), high + margin
