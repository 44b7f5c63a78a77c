"""History-based anomaly detection: is tonight's value of a metric out of line with its past?

:func:`judge` compares one run's value of a profile metric (row count, a null fraction, a
mean...) with the same metric in earlier runs and returns a :class:`Verdict` a steward can
read. It is a pure function: the history store supplies the earlier runs (anything shaped
like a :class:`Point`) and keeps each verdict's ``anomalous`` flag with the new point.

How a value is judged (``docs/anomalies.md`` has the long version):

1. **Baseline**: the last ``window`` earlier runs, leaving out runs marked anomalous, so a
   one-off outage or holiday alerts once and does not distort the nights after it. With
   ``seasonality: day_of_week`` the centre is the median of the last 4 (or ``window`` / 7)
   runs on the same weekday, and the spread is pooled over all weekdays, each run measured
   against the median of the other runs on its weekday (as a ratio when all values are
   positive, so quiet weekends get a proportionally smaller spread).
2. **Score**: robust z = (value - median) / spread. The spread is the larger of 1.4826 x MAD
   and Rousseeuw-Croux's Qn (the MAD alone, from 28 runs, is too unsteady: it raised ~7x
   more false alarms on Gaussian noise), widened by sqrt(1 + pi / 2n) for the uncertainty of
   the median itself. When both are 0 (most runs equal) 1.2533 x the mean absolute
   deviation is used, and the spread is never below 1% of the median (nor half a unit for
   counts, 0.001 for fractions), so a constant series does not alert on a one-unit move.
   Scores are capped at +-1000.
3. **Materiality**: the change must also reach the metric's minimum (counts 10% of the
   median, ``null_fraction`` 0.01, anything else 5%), unless the rule sets its own
   ``min_abs_change``/``min_rel_change``.
4. **Level**: ``error`` from ``error_at``, ``warn`` from ``warn_at``, else ``ok``;
   ``direction`` silences moves the rule does not watch (they are still marked anomalous).
5. **Level shifts**: once ``SHIFT_RUNS`` (3) runs have alerted on the same side of the level
   before them, with every run judged normal in between on that side too, and they agree
   with each other, they are the new normal: the earlier runs are re-levelled (scaled by the
   median ratio, or shifted by the median difference when a value is 0 or negative) and
   judged together with the new ones. So a lasting change alerts on its first 3 nights and
   then stops, and a value back at the level before the shift is ok. An empty dataset
   (``row_count`` 0) is never the new normal: it alerts every night.
6. **Cold start**: with fewer than ``min_history`` usable runs (or fewer than 4 on the
   weekday) the verdict is ``learning``, which never fails a gate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cached_property
from statistics import fmean, median
from typing import Any, Literal, Protocol

import numpy as np

from stewardgate.suite.anomaly_rules import AnomalyRule

Level = Literal["ok", "warn", "error", "learning"]

SHIFT_RUNS = 3
"""Alerts on the same side, agreeing on one new level, after which that level is the normal."""

SAME_WEEKDAY_RUNS = 4
"""Runs on the same weekday needed by ``seasonality: day_of_week``."""

MAD_TO_SIGMA = 1.4826
MEAN_AD_TO_SIGMA = 1.2533
QN_TO_SIGMA = 2.2219
REL_SPREAD_FLOOR = 0.01
SCORE_CAP = 1000.0

COUNT_METRICS = frozenset(
    {"row_count", "null_count", "distinct_count", "zero_count", "negative_count", "nan_count"}
)
FRACTION_METRICS = frozenset({"null_fraction"})
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Point:
    """One earlier (or tonight's) value of a metric, and whether it was judged anomalous."""

    as_of: date
    value: float
    anomalous: bool = False


class PointLike(Protocol):
    """Anything with a day, a value and an anomalous mark (e.g. the store's ``SeriesPoint``)."""

    @property
    def as_of(self) -> date: ...

    @property
    def value(self) -> float: ...

    @property
    def anomalous(self) -> bool: ...


@dataclass(frozen=True)
class Verdict:
    """The judgement of one value, with the baseline it was judged against.

    ``expected_low``/``expected_high`` bound the values that would not have warned (the
    warn-level band, widened to the materiality minimum). ``median``, ``mad`` and ``scale``
    (the robust standard deviation actually used) describe the baseline of ``n`` runs from
    ``window_start`` to ``window_end``. ``score`` is the robust z; ``threshold`` the one it
    crossed, else ``warn_at``. ``anomalous`` tells the history store to keep this point out
    of future baselines. ``shift_since`` is set when the baseline is a re-levelled one.
    """

    level: Level
    value: float
    reason: str
    threshold: float
    expected_low: float | None = None
    expected_high: float | None = None
    median: float | None = None
    mad: float | None = None
    scale: float | None = None
    n: int = 0
    window_start: date | None = None
    window_end: date | None = None
    score: float | None = None
    anomalous: bool = False
    shift_since: date | None = None

    def to_details(self, series: Sequence[PointLike] = ()) -> dict[str, Any]:
        """JSON-ready evidence for a check result's ``details``: every field, the warn band as
        ``band`` and, if given, the history it was judged on as ``series`` (for the charts)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            out[item.name] = value.isoformat() if isinstance(value, date) else value
        out["band"] = {"low": self.expected_low, "high": self.expected_high}
        out["series"] = [
            {"as_of": p.as_of.isoformat(), "value": p.value, "anomalous": p.anomalous}
            for p in series
        ]
        return out


@dataclass(frozen=True)
class _Expectation:
    center: float
    mad: float
    scale: float
    used: tuple[Point, ...]


@dataclass(frozen=True)
class _Baseline:
    """Usable earlier runs, oldest first, and what they lead one to expect on a given day."""

    points: tuple[Point, ...]
    rule: AnomalyRule
    shift_since: date | None = None
    before_shift: _Baseline | None = field(default=None, compare=False)

    def expect(self, day: date) -> _Expectation | None:
        """Centre and spread for a run on ``day``; ``None`` while there is too little history."""
        key = -1 if self.rule.seasonality == "none" else day.weekday()
        if key not in self._cache:
            self._cache[key] = self._expect(key)
        return self._cache[key]

    @cached_property
    def _cache(self) -> dict[int, _Expectation | None]:
        return {}

    def _expect(self, weekday: int) -> _Expectation | None:
        recent = self.points[-self.rule.window :]
        if len(recent) < self.rule.min_history:
            return None
        if weekday < 0:
            return _expect_from(recent, self.rule.metric)
        return self._expect_on(weekday)

    def _expect_on(self, weekday: int) -> _Expectation | None:
        same = tuple(p for p in self.points if p.as_of.weekday() == weekday)[-_weeks(self.rule) :]
        if len(same) < SAME_WEEKDAY_RUNS:
            return None
        pooled = self._pooled
        if pooled is None:
            return _expect_from(same, self.rule.metric)
        center = median(p.value for p in same)
        factor = abs(center) if self._multiplicative else 1.0
        scale = max(pooled[1] * factor, _spread_floor(center, self.rule.metric))
        return _Expectation(center, pooled[0] * factor, scale, same)

    @cached_property
    def _multiplicative(self) -> bool:
        return all(p.value > 0 for p in self.points)

    @cached_property
    def _pooled(self) -> tuple[float, float] | None:
        """MAD and robust sd of recent runs against the median of the *other* runs on their
        weekday (as ratios when all values are positive): the weekly rhythm taken out, and the
        uncertainty of a weekday's median taken in."""
        start = self.points[-1].as_of - timedelta(weeks=_weeks(self.rule) + 1)
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
        return _robust_sd(residuals) if len(residuals) >= self.rule.min_history else None


def _expect_from(points: tuple[Point, ...], metric: str) -> _Expectation:
    """Median and spread of plain values; the spread is widened by sqrt(1 + pi / 2n) for the
    uncertainty of the median itself."""
    values = [p.value for p in points]
    center = median(values)
    mad, sd = _robust_sd(values)
    scale = sd * math.sqrt(1 + math.pi / (2 * len(values)))
    return _Expectation(center, mad, max(scale, _spread_floor(center, metric)), points)


def _robust_sd(values: Sequence[float]) -> tuple[float, float]:
    """The MAD and a robust standard deviation: the larger of 1.4826 x MAD and Qn, or, when
    both are 0 (most values equal), 1.2533 x the mean absolute deviation."""
    mid = median(values)
    sizes = [abs(v - mid) for v in values]
    mad = median(sizes)
    sd = max(MAD_TO_SIGMA * mad, _qn(values)) or MEAN_AD_TO_SIGMA * fmean(sizes)
    return mad, sd


def _qn(values: Sequence[float]) -> float:
    """Rousseeuw and Croux's Qn scale (no small-sample correction, so slightly wide)."""
    n = len(values)
    if n < 2:
        return 0.0
    x = np.asarray(values, dtype=float)
    gaps = np.abs(x[:, None] - x[None, :])[np.triu_indices(n, 1)]
    h = n // 2 + 1
    k = h * (h - 1) // 2 - 1  # the k-th smallest of the n(n-1)/2 pairwise distances
    return QN_TO_SIGMA * float(np.partition(gaps, k)[k])


def lookback_runs(rule: AnomalyRule) -> int:
    """How many of the latest earlier runs :func:`judge` may look at: ``window``, or
    ``window`` weeks of daily runs with weekday seasonality (to find the level before a shift
    on every weekday). Older history can be left in the store."""
    return rule.window if rule.seasonality == "none" else 7 * rule.window


def judge(
    history: Sequence[PointLike], current: Point, rule: AnomalyRule, *, label: str | None = None
) -> Verdict:
    """Judge ``current`` against the earlier points of ``history`` under ``rule``.

    Args:
        history: Earlier values of the metric, in any order; points on or after
            ``current.as_of`` and non-finite values are ignored.
        current: Tonight's value.
        rule: The suite's anomaly rule (window, thresholds, direction, seasonality...).
        label: How to name the metric in the reason, e.g. ``"null_fraction of email"``.

    Returns:
        The verdict. A value that is not a finite number is an ``error`` (fail closed).
    """
    name = label or rule.metric
    if not math.isfinite(current.value):
        return _not_a_number(name, current, rule)
    earlier = sorted(
        (
            Point(p.as_of, float(p.value), bool(p.anomalous))
            for p in history
            if p.as_of < current.as_of and math.isfinite(p.value)
        ),
        key=lambda p: p.as_of,
    )
    recent = _recent(earlier, current.as_of, rule)
    searched = _searched(earlier, current.as_of, rule)
    shifted = _find_shift(searched, len(searched) - len(recent), rule)
    baseline = shifted or _Baseline(tuple(_usable(recent)), rule)
    expected = baseline.expect(current.as_of)
    if expected is None:
        return _learning(name, current, rule, baseline)
    return _verdict(name, current, rule, baseline, expected)


def replay(
    series: Sequence[tuple[date, float]], rule: AnomalyRule, *, label: str | None = None
) -> list[Verdict]:
    """Judge a series night by night, as the gate would have, feeding back anomalous marks."""
    history: list[Point] = []
    verdicts: list[Verdict] = []
    for day, value in series:
        verdict = judge(history, Point(day, value), rule, label=label)
        verdicts.append(verdict)
        history.append(Point(day, value, verdict.anomalous))
    return verdicts


def _recent(earlier: list[Point], day: date, rule: AnomalyRule) -> list[Point]:
    """The runs a baseline is made of: the last ``window`` runs, or for weekday seasonality
    the runs of the last weeks used plus one (room for one anomalous run per weekday)."""
    if rule.seasonality == "none":
        return earlier[-rule.window :]
    start = day - timedelta(weeks=_weeks(rule) + 1)
    return [p for p in earlier if p.as_of >= start]


def _searched(earlier: list[Point], day: date, rule: AnomalyRule) -> list[Point]:
    """The runs a level shift is looked for in: for weekday seasonality, ``window`` weeks, so
    the level before a shift is known on every weekday."""
    if rule.seasonality == "none":
        return earlier[-rule.window :]
    start = day - timedelta(weeks=rule.window)
    return [p for p in earlier if p.as_of >= start]


def _weeks(rule: AnomalyRule) -> int:
    """How many same-weekday runs a seasonal baseline uses: 4, or more for a longer window."""
    return max(SAME_WEEKDAY_RUNS, math.ceil(rule.window / 7))


def _usable(points: Sequence[Point]) -> list[Point]:
    return [p for p in points if not p.anomalous]


def _spread_floor(center: float, metric: str) -> float:
    unit = 0.5 if metric in COUNT_METRICS else 0.001 if metric in FRACTION_METRICS else 1e-12
    return max(REL_SPREAD_FLOOR * abs(center), unit)


def _materiality(rule: AnomalyRule) -> tuple[float | None, float | None]:
    """The (absolute, relative) minimum change: the rule's own, else the metric's default."""
    if rule.min_abs_change is not None or rule.min_rel_change is not None:
        return rule.min_abs_change, rule.min_rel_change
    if rule.metric in FRACTION_METRICS:
        return 0.01, None
    return None, 0.10 if rule.metric in COUNT_METRICS else 0.05


def _margin(center: float, rule: AnomalyRule) -> float:
    """The smallest change from ``center`` that counts as material."""
    min_abs, min_rel = _materiality(rule)
    return max(min_abs or 0.0, (min_rel or 0.0) * abs(center))


def _score(value: float, expected: _Expectation) -> float:
    z = (value - expected.center) / expected.scale
    return max(-SCORE_CAP, min(SCORE_CAP, z))


def _side(value: float, expected: _Expectation, rule: AnomalyRule) -> int:
    """+1 or -1 when ``value`` is an anomaly above or below ``expected`` (any direction), else 0."""
    delta = value - expected.center
    if delta == 0 or abs(delta) < _margin(expected.center, rule):
        return 0
    return int(math.copysign(1, delta)) if abs(_score(value, expected)) >= rule.warn_at else 0


def _find_shift(window: list[Point], first: int, rule: AnomalyRule) -> _Baseline | None:
    """A re-levelled baseline if the runs since a shift form a new level, else ``None``.

    A shift may start at any run marked anomalous (from ``first`` on; the latest start is
    tried first). It is accepted when every run since then that was judged normal lies on
    the same side of the runs before the start, and at least ``SHIFT_RUNS`` of the runs
    marked anomalous on that side agree with the re-levelled baseline (the others are
    one-offs at the new level and stay out, as one-offs do anywhere).
    """
    for start in range(len(window) - SHIFT_RUNS, first - 1, -1):
        if window[start].anomalous:
            before = _Baseline(tuple(_usable(window[:start])), rule)
            shifted = _new_level(before, window[start:], rule)
            if shifted is not None:
                return shifted
    return None


def _new_level(before: _Baseline, since: list[Point], rule: AnomalyRule) -> _Baseline | None:
    sides = [_sign(p, before) for p in since]
    side = sides[0]
    if side == 0 or any(s != side for p, s in zip(since, sides) if not p.anomalous):
        return None
    same = [p for p, s in zip(since, sides) if s == side]
    rough = _relevel(before, same, rule)
    if rough is None:
        return None
    fits = [_side_of(p, rough, rule) == 0 for p in same]
    if not all(fit for p, fit in zip(same, fits) if not p.anomalous):
        return None  # a run judged normal does not fit the new level
    agree = [p for p, fit in zip(same, fits) if fit]
    if sum(p.anomalous for p in agree) < SHIFT_RUNS:
        return None
    if rule.metric == "row_count" and all(p.value == 0 for p in agree):
        return None  # an empty dataset is an outage, never the new normal
    return _relevel(before, agree, rule)


def _sign(point: Point, baseline: _Baseline) -> int:
    expected = baseline.expect(point.as_of)
    if expected is None or point.value == expected.center:
        return 0
    return 1 if point.value > expected.center else -1


def _side_of(point: Point, baseline: _Baseline, rule: AnomalyRule) -> int:
    expected = baseline.expect(point.as_of)
    return 0 if expected is None else _side(point.value, expected, rule)


def _relevel(before: _Baseline, members: list[Point], rule: AnomalyRule) -> _Baseline | None:
    """The runs before a shift moved to the new level, followed by the runs since: scaled by
    the median ratio of new to expected values, or shifted by the median difference when a
    value is 0 or negative."""
    pairs: list[tuple[float, float]] = []
    for p in members:
        expected = before.expect(p.as_of)
        if expected is None:
            return None
        pairs.append((p.value, expected.center))
    if all(p.value > 0 for p in (*before.points, *members)):
        ratio = median(v / c for v, c in pairs)
        moved = [Point(p.as_of, p.value * ratio) for p in before.points]
    else:
        offset = median(v - c for v, c in pairs)
        moved = [Point(p.as_of, p.value + offset) for p in before.points]
    since = members[0].as_of
    return _Baseline((*moved, *members), rule, shift_since=since, before_shift=before)


def _verdict(
    name: str, current: Point, rule: AnomalyRule, baseline: _Baseline, expected: _Expectation
) -> Verdict:
    z = _score(current.value, expected)
    side = _side(current.value, expected, rule)
    watched = side != 0 and rule.direction in ("both", "up" if side > 0 else "down")
    before = baseline.before_shift
    old = before.expect(current.as_of) if side != 0 and before is not None else None
    if old is not None and _side(current.value, old, rule) == 0:
        reason = (
            f"{name} {_fmt(current.value)} is back to the level before the shift on "
            f"{baseline.shift_since}: {_change(current.value, old.center, rule.metric)} the "
            f"median {_fmt(old.center)} of the {len(old.used)} runs before it "
            f"(robust z {_score(current.value, old):+.1f})"
        )
        return _judged("ok", current, old, rule, reason, baseline.shift_since)
    level: Level = "ok"
    if watched:
        level = "error" if abs(z) >= rule.error_at else "warn"
    reason = _reason(name, current.value, z, side, watched, rule, baseline, expected)
    verdict = _judged(level, current, expected, rule, reason, baseline.shift_since)
    return replace(verdict, anomalous=side != 0)


def _judged(
    level: Level,
    current: Point,
    expected: _Expectation,
    rule: AnomalyRule,
    reason: str,
    shift_since: date | None,
) -> Verdict:
    margin = max(rule.warn_at * expected.scale, _margin(expected.center, rule))
    return Verdict(
        level=level,
        value=current.value,
        reason=reason,
        threshold=rule.error_at if level == "error" else rule.warn_at,
        expected_low=expected.center - margin,
        expected_high=expected.center + margin,
        median=expected.center,
        mad=expected.mad,
        scale=expected.scale,
        n=len(expected.used),
        window_start=expected.used[0].as_of,
        window_end=expected.used[-1].as_of,
        score=_score(current.value, expected),
        shift_since=shift_since,
    )


def _reason(
    name: str,
    value: float,
    z: float,
    side: int,
    watched: bool,
    rule: AnomalyRule,
    baseline: _Baseline,
    expected: _Expectation,
) -> str:
    what = f"{name} {_fmt(value)} is {_change(value, expected.center, rule.metric)}"
    against = f"the median {_fmt(expected.center)} of {_runs(baseline, expected, rule)}"
    if watched:
        level_at = ("error", rule.error_at) if abs(z) >= rule.error_at else ("warn", rule.warn_at)
        return f"{what} {against} (robust z {z:+.1f}, {level_at[0]} at {level_at[1]:g})"
    if side != 0:
        return f"{what} {against} (robust z {z:+.1f}); only {_watched(rule)} are checked"
    if abs(z) >= rule.warn_at:
        minimum = _fmt(_margin(expected.center, rule))
        return (
            f"{what} {against} (robust z {z:+.1f}), less than the change of {minimum} "
            f"that counts as material"
        )
    return f"{what} {against} (robust z {z:+.1f}, warn at {rule.warn_at:g})"


def _runs(baseline: _Baseline, expected: _Expectation, rule: AnomalyRule) -> str:
    n = len(expected.used)
    weekday = ""
    if rule.seasonality == "day_of_week":
        weekday = f"{_WEEKDAYS[expected.used[-1].as_of.weekday()]} "
    text = f"the last {n} {weekday}runs"
    if baseline.shift_since is not None:
        text += f", re-levelled after the shift on {baseline.shift_since}"
    return text


def _watched(rule: AnomalyRule) -> str:
    return "rises" if rule.direction == "up" else "drops"


def _change(value: float, center: float, metric: str) -> str:
    delta = value - center
    if delta == 0:
        return "equal to"
    way = "above" if delta > 0 else "below"
    if metric in FRACTION_METRICS:
        return f"{abs(delta) * 100:.1f} points {way}"
    if center == 0:
        return f"{_fmt(abs(delta))} {way}"
    pct = abs(delta) / abs(center) * 100
    return f"{pct:.1f}% {way}" if pct < 10 else f"{pct:,.0f}% {way}"


def _fmt(x: float) -> str:
    """A number as a steward reads it: 1,003 / 12.35 / 0.0523."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def _learning(name: str, current: Point, rule: AnomalyRule, baseline: _Baseline) -> Verdict:
    usable = len(baseline.points[-rule.window :])
    if usable < rule.min_history:
        reason = f"learning: {usable} of {rule.min_history} runs"
    else:
        weekday = current.as_of.weekday()
        same = sum(1 for p in baseline.points if p.as_of.weekday() == weekday)
        reason = (
            f"learning: {same} of {SAME_WEEKDAY_RUNS} {_WEEKDAYS[weekday]} runs "
            f"(day_of_week seasonality compares a run with the same weekday)"
        )
    reason += f"; {name} is not judged yet"
    return Verdict(
        level="learning", value=current.value, reason=reason, threshold=rule.warn_at, n=usable
    )


def _not_a_number(name: str, current: Point, rule: AnomalyRule) -> Verdict:
    reason = f"{name} is not a number ({current.value}): cannot judge it"
    return Verdict(level="error", value=current.value, reason=reason, threshold=rule.error_at)
