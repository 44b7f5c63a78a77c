"""Scales for the HTML report's charts: y-axis ticks, values in the metric's own unit, and
where an anomaly's band applies.

Fractions (metrics named ``*_fraction``) read as percent (``2.01%``, not ``0.02006``); other
metrics as plain numbers. A band applies to the runs it was learned from and the run judged:
for a seasonal rule those are one weekday's runs, so the band is drawn at those days only, not
across every day.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from stewardgate.reporters.markdown import format_value
from stewardgate.wording import percent

_BOUND = re.compile(r"^(<=|>=|<|>|==) ?([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$")


def is_fraction(check_id: str) -> bool:
    """Whether the metric an anomaly check judges is a fraction (its name ends in ``fraction``)."""
    return check_id.rsplit(".", 1)[-1].endswith("fraction")


def formatter(check_id: str) -> Callable[[Any], str]:
    """How an anomaly check's values read: percent for fractions, else as everywhere else."""
    if not is_fraction(check_id):
        return format_value

    def show(value: Any) -> str:
        bound = _BOUND.match(value) if isinstance(value, str) else None
        if bound:
            return f"{bound.group(1)} {percent(float(bound.group(2)))}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, list | tuple) and value and all(isinstance(v, int | float) for v in value):
                return " – ".join(percent(float(v)) for v in value)
            return format_value(value)
        return percent(float(value))

    return show


def tick_label(value: float, check_id: str) -> str:
    """A round axis value, as short as it is exact: ``5%``, ``2.5%``, ``1,250``."""
    if is_fraction(check_id):
        return f"{round(value * 100, 10):g}%"
    return format_value(value)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round values (1, 2, 2.5 or 5 times a power of ten) inside ``[low, high]``."""
    span = high - low
    if span <= 0 or not math.isfinite(span):
        return [low]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def band_segments(xs: Sequence[float], in_band: Sequence[bool], step: float) -> list[tuple[float, float]]:
    """``(left, width)`` in percent for each run of consecutive points the band applies to.

    Each point covers half a step on either side; neighbours merge into one segment.
    """
    segments: list[list[float]] = []
    previous = -2
    for i, (x, used) in enumerate(zip(xs, in_band, strict=True)):
        if not used:
            continue
        left, right = max(x - step / 2, 0.0), min(x + step / 2, 100.0)
        if segments and previous == i - 1:
            segments[-1][1] = right
        else:
            segments.append([left, right])
        previous = i
    return [(round(a, 2), round(b - a, 2)) for a, b in segments]
