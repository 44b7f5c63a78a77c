"""``seasonality: auto``: does a metric's own history show a weekly rhythm?

Part of :mod:`stewardgate.detectors.anomaly`. The latest ``AUTO_WEEKS`` weeks of runs
are cut into weeks, and each run taken against the median of its own week (as log ratios when
every value is positive, so a quiet weekend at 40% counts the same at any level; and a level
that moves from one week to the next, a trend or a heat wave, is taken out). The median
deviation of each weekday is its profile (Saturday -40%...). When the profile's size (root
mean square over the weekdays) is at least ``AUTO_SIGNIFICANCE`` times the standard error of a
weekday's median (1.2533 x the robust spread of the runs around their weekday's profile, over
the square root of the runs per weekday), the rhythm is real and the rule judges tonight
against the same weekday. Otherwise, and while there are fewer than
``AUTO_PER_WEEKDAY`` runs on some weekday, it judges against the latest runs.

On noise without a rhythm the profile is about one standard error in size, so a rhythm is
not found by chance (see ``tests/test_anomaly_detector.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from statistics import fmean, median

from stewardgate.detectors.run_window import Point, robust_sd

AUTO_WEEKS = 8
AUTO_PER_WEEKDAY = 3
AUTO_SIGNIFICANCE = 4.0
MEDIAN_SE = 1.2533


def weekly_rhythm(points: Sequence[Point], day: date) -> bool:
    """True when the runs of the ``AUTO_WEEKS`` weeks before ``day`` have a weekly rhythm.

    Runs marked anomalous count too (the medians shrug off a real one-off): a weekend judged
    anomalous before the rhythm was known must not hide the rhythm for ever."""
    start = day - timedelta(weeks=AUTO_WEEKS)
    usable = [p for p in points if start <= p.as_of < day]
    positive = all(p.value > 0 for p in usable)
    weeks: dict[int, list[tuple[int, float]]] = {}
    for p in usable:
        value = math.log(p.value) if positive else p.value
        weeks.setdefault((day - p.as_of).days // 7, []).append((p.as_of.weekday(), value))
    groups: dict[int, list[float]] = {}
    for runs in weeks.values():
        if len(runs) >= 4:
            mid = median(v for _, v in runs)
            for weekday, value in runs:
                groups.setdefault(weekday, []).append(value - mid)
    if len(groups) < 2 or min(len(values) for values in groups.values()) < AUTO_PER_WEEKDAY:
        return False
    profile = {weekday: median(values) for weekday, values in groups.items()}
    within = robust_sd([v - profile[weekday] for weekday, values in groups.items() for v in values])[1]
    amplitude = math.sqrt(fmean(m * m for m in profile.values()))
    per_day = min(len(values) for values in groups.values())
    noise = MEDIAN_SE * within / math.sqrt(per_day)
    return amplitude > 0 and amplitude >= AUTO_SIGNIFICANCE * noise
