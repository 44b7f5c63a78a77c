"""The run window a metric's value is judged against: earlier runs, their centre and spread.

(Named apart from :class:`stewardgate.drift.baseline.Baseline`, the accepted schema snapshot
that drift compares with: this is the anomaly detector's moving window of stored runs.)

Part of :mod:`stewardgate.detectors.anomaly` (whose docstring explains the method): a
:class:`RunWindow` holds the usable earlier runs of a metric and gives, for a day, the
:class:`Expectation` (median, MAD and the robust spread actually used), plain or by weekday.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from statistics import fmean, median

import numpy as np

from stewardgate.suite.anomaly_rules import AnomalyRule

SAME_WEEKDAY_RUNS = 4
"""Runs on the same weekday needed by ``seasonality: day_of_week``."""

MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533
QN_TO_SIGMA = 2.2219
REL_SPREAD_FLOOR = 0.01

COUNT_METRICS = frozenset({"row_count", "null_count", "distinct_count", "zero_count", "negative_count", "nan_count"})
FRACTION_METRICS = frozenset({"null_fraction"})
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Point:
    """One earlier (or tonight's) value of a metric, and whether it was judged anomalous."""

    as_of: date
    value: float
    anomalous: bool = False


@dataclass(frozen=True)
class Expectation:
    center: float
    mad: float
    scale: float
    used: tuple[Point, ...]


@dataclass(frozen=True)
class RunWindow:
    """Usable earlier runs, oldest first, and what they lead one to expect on a given day."""

    points: tuple[Point, ...]
    rule: AnomalyRule
    shift_since: date | None = None
    before_shift: RunWindow | None = field(default=None, compare=False)
    recent: tuple[Point, ...] = ()
    """Every recent run, anomalous ones included: the metric's own volatility is measured on them."""
    note: str = ""
    """Said after the runs in the reason, e.g. that a weekly rhythm was found."""

    def expect(self, day: date) -> Expectation | None:
        """Centre and spread for a run on ``day``; ``None`` while there is too little history."""
        key = -1 if self.rule.seasonality != "day_of_week" else day.weekday()
        if key not in self._cache:
            self._cache[key] = self._expect(key)
        return self._cache[key]

    @cached_property
    def _cache(self) -> dict[int, Expectation | None]:
        return {}

    def _expect(self, weekday: int) -> Expectation | None:
        recent = self.points[-self.rule.window :]
        if len(recent) < self.rule.min_history:
            return None
        if weekday < 0:
            plain = expect_from(recent, self.rule.metric)
            if not self.recent:
                return plain
            latest = self.recent[-self.rule.window // 2 :]
            volatile = [p.value - plain.center for p in latest if not p.anomalous]
            return replace(plain, scale=max(plain.scale, volatility(volatile, plain.scale)))
        return self._expect_on(weekday)

    def _expect_on(self, weekday: int) -> Expectation | None:
        same = tuple(p for p in self.points if p.as_of.weekday() == weekday)[-weeks_used(self.rule) :]
        if len(same) < SAME_WEEKDAY_RUNS:
            return None
        pooled = self._pooled
        if pooled is None:
            return expect_from(same, self.rule.metric)
        center = median(p.value for p in same)
        factor = abs(center) if self._multiplicative else 1.0
        spread = max(pooled[1], volatility(self._volatile, pooled[1]))
        scale = max(spread * factor, spread_floor(center, self.rule.metric))
        return Expectation(center, pooled[0] * factor, scale, same)

    @cached_property
    def _volatile(self) -> list[float]:
        """Every recent run (anomalous ones too) against the median of the usable runs on its
        weekday, in the units of the pooled spread."""
        if not self.recent:
            return []
        start = self.points[-1].as_of - timedelta(weeks=weeks_used(self.rule) + 1)
        mids: dict[int, float] = {}
        for weekday in range(7):
            values = [p.value for p in self.points if p.as_of > start and p.as_of.weekday() == weekday]
            if values:
                mids[weekday] = median(values)
        out = []
        far = self.points[-1].as_of - timedelta(weeks=VOLATILITY_WEEKS)
        for p in self.recent:
            mid = mids.get(p.as_of.weekday())
            if p.as_of > far and mid is not None:
                out.append(p.value / mid - 1 if self._multiplicative and mid > 0 else p.value - mid)
        return out

    @cached_property
    def _multiplicative(self) -> bool:
        return all(p.value > 0 for p in self.points)

    @cached_property
    def _pooled(self) -> tuple[float, float] | None:
        """MAD and robust sd of recent runs against the median of the *other* runs on their
        weekday (as ratios when all values are positive): the weekly rhythm taken out, and the
        uncertainty of a weekday's median taken in."""
        start = self.points[-1].as_of - timedelta(weeks=weeks_used(self.rule) + 1)
        groups: dict[int, list[float]] = {}
        for p in self.points:
            if p.as_of > start:
                groups.setdefault(p.as_of.weekday(), []).append(p.value)
        residuals: list[float] = []
        for values in groups.values():
            for i, value in enumerate(values):
                others = values[:i] + values[i + 1 :]
                if len(others) >= 2:
                    mid = median(others)
                    residuals.append(value / mid - 1 if self._multiplicative else value - mid)
        return robust_sd(residuals) if len(residuals) >= self.rule.min_history else None


VOLATILITY_WEEKS = 13
"""How far back the seasonal volatility looks: a quarter, so the last holiday or storm is in it."""
VOLATILITY_CAP = 5.0
"""A run's deviation counts towards the volatility up to this many robust sd: a burst widens the
band, one broken night cannot blow it open."""


def volatility(residuals: Sequence[float], sd: float) -> float:
    """The metric's own volatility: the root mean square of recent deviations (anomalous runs
    included), each capped at ``VOLATILITY_CAP`` x the robust ``sd``. Equal to ``sd`` for
    well-behaved noise; wider for a metric whose bursts are part of its normal life."""
    if not residuals or sd <= 0:
        return 0.0
    cap = VOLATILITY_CAP * sd
    return math.sqrt(fmean(min(abs(r), cap) ** 2 for r in residuals))


def expect_from(points: tuple[Point, ...], metric: str) -> Expectation:
    """Median and spread of plain values; the spread is widened by sqrt(1 + pi / 2n) for the
    uncertainty of the median itself."""
    values = [p.value for p in points]
    center = median(values)
    mad, sd = robust_sd(values)
    scale = sd * math.sqrt(1 + math.pi / (2 * len(values)))
    return Expectation(center, mad, max(scale, spread_floor(center, metric)), points)


def robust_sd(values: Sequence[float]) -> tuple[float, float]:
    """The MAD and a robust standard deviation: the larger of 1.4826 x MAD and Qn, or, when
    both are 0 (most values equal), 1.2533 x the mean absolute deviation."""
    mid = median(values)
    sizes = [abs(v - mid) for v in values]
    mad = median(sizes)
    sd = max(MAD_TO_SIGMA * mad, qn(values)) or MEAN_AD_TO_SIGMA * fmean(sizes)
    return mad, sd


def qn(values: Sequence[float]) -> float:
    """Rousseeuw and Croux's Qn scale (no small-sample correction, so slightly wide)."""
    n = len(values)
    if n < 2:
        return 0.0
    x = np.asarray(values, dtype=float)
    gaps = np.abs(x[:, None] - x[None, :])[np.triu_indices(n, 1)]
    h = n // 2 + 1
    k = h * (h - 1) // 2 - 1  # the k-th smallest of the n(n-1)/2 pairwise distances
    return QN_TO_SIGMA * float(np.partition(gaps, k)[k])


def weeks_used(rule: AnomalyRule) -> int:
    """How many same-weekday runs a seasonal baseline uses: 4, or more for a longer window."""
    return max(SAME_WEEKDAY_RUNS, math.ceil(rule.window / 7))


def spread_floor(center: float, metric: str) -> float:
    unit = 0.5 if metric in COUNT_METRICS else 0.001 if metric in FRACTION_METRICS else 1e-12
    return max(REL_SPREAD_FLOOR * abs(center), unit)
