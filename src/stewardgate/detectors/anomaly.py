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
   positive, so quiet weekends get a proportionally smaller spread). With ``auto`` (the
   default) the same-weekday baseline is used when :func:`~stewardgate.detectors.seasonality.
   weekly_rhythm` finds a weekly rhythm in the last 8 weeks (the reason says so), else the
   plain one; runs marked anomalous before the rhythm was known are let back in when they
   would leave a weekday without a baseline.
2. **Score**: robust z = (value - median) / spread. The spread is the larger of 1.4826 x MAD
   and Rousseeuw-Croux's Qn (the MAD alone, from 28 runs, is too unsteady: it raised ~7x
   more false alarms on Gaussian noise), widened by sqrt(1 + pi / 2n) for the uncertainty of
   the median itself. When both are 0 (most runs equal) 1.2533 x the mean absolute
   deviation is used, and the spread is never below 1% of the median (nor half a unit for
   counts, 0.001 for fractions), so a constant series does not alert on a one-unit move.
   The spread is then widened to the metric's own volatility (``baseline.volatility``: the
   root mean square of recent deviations capped at 5 robust sd; weekly baselines count the
   anomalous runs of the last 13 weeks too), so a metric that often bursts gets a wider
   band while one broken night cannot blow it open. Scores are capped at +-1000.
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
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from statistics import median
from typing import Any, Literal, Protocol

from stewardgate.detectors.run_window import (
    COUNT_METRICS,
    FRACTION_METRICS,
    SAME_WEEKDAY_RUNS,
    WEEKDAYS,
    Expectation,
    Point,
    RunWindow,
    weeks_used,
)
from stewardgate.detectors.seasonality import weekly_rhythm
from stewardgate.detectors.wording import change_text, fmt, reason_text
from stewardgate.suite.anomaly_rules import AnomalyRule

__all__ = ["SHIFT_RUNS", "Point", "PointLike", "Verdict", "judge", "lookback_runs", "replay"]

Level = Literal["ok", "warn", "error", "learning"]

SHIFT_RUNS = 3
"""Alerts on the same side, agreeing on one new level, after which that level is the normal."""

SCORE_CAP = 1000.0


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
    ``seasonality`` is how the run was compared: ``day_of_week`` or ``none`` (what ``auto``
    chose), unset while learning.
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
    seasonality: str | None = None

    def to_details(self, series: Sequence[PointLike] = ()) -> dict[str, Any]:
        """JSON-ready evidence for a check result's ``details``: every field, the warn band as
        ``band`` and, if given, the history it was judged on as ``series`` (for the charts)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            out[item.name] = value.isoformat() if isinstance(value, date) else value
        out["band"] = {"low": self.expected_low, "high": self.expected_high}
        out["series"] = [{"as_of": p.as_of.isoformat(), "value": p.value, "anomalous": p.anomalous} for p in series]
        return out


def lookback_runs(rule: AnomalyRule) -> int:
    """How many of the latest earlier runs :func:`judge` may look at: ``window``, or
    ``window`` weeks of daily runs with weekday seasonality (to find the level before a shift
    on every weekday). Older history can be left in the store."""
    return rule.window if rule.seasonality == "none" else 7 * rule.window  # auto may go weekly


def judge(history: Sequence[PointLike], current: Point, rule: AnomalyRule, *, label: str | None = None) -> Verdict:
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
    weekly = rule.seasonality == "auto" and weekly_rhythm(earlier, current.as_of)
    if rule.seasonality == "auto":
        plain = rule.model_copy(update={"seasonality": "none"})
        if weekly:
            by_weekday = rule.model_copy(update={"seasonality": "day_of_week"})
            found = _judged_on(earlier, current, by_weekday, name, WEEKLY_NOTE)
            if found.level == "learning":  # marked anomalous by plain runs before the rhythm was known
                unmarked = [replace(p, anomalous=False) for p in earlier]
                found = _judged_on(unmarked, current, by_weekday, name, WEEKLY_NOTE)
            if found.level != "learning":
                return found
        return _judged_on(earlier, current, plain, name, "")
    return _judged_on(earlier, current, rule, name, "")


WEEKLY_NOTE = ", as the history has a weekly rhythm"


def _judged_on(earlier: list[Point], current: Point, rule: AnomalyRule, name: str, note: str) -> Verdict:
    recent = _recent(earlier, current.as_of, rule)
    searched = _searched(earlier, current.as_of, rule)
    shifted = _find_shift(searched, len(searched) - len(recent), rule)
    baseline = shifted or RunWindow(tuple(_usable(recent)), rule, recent=tuple(searched), note=note)
    expected = baseline.expect(current.as_of)
    if expected is None:
        return _learning(name, current, rule, baseline)
    return replace(_verdict(name, current, rule, baseline, expected), seasonality=rule.seasonality)


def replay(series: Sequence[tuple[date, float]], rule: AnomalyRule, *, label: str | None = None) -> list[Verdict]:
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
    start = day - timedelta(weeks=weeks_used(rule) + 1)
    return [p for p in earlier if p.as_of >= start]


def _searched(earlier: list[Point], day: date, rule: AnomalyRule) -> list[Point]:
    """The runs a level shift is looked for in: for weekday seasonality, ``window`` weeks, so
    the level before a shift is known on every weekday."""
    if rule.seasonality == "none":
        return earlier[-rule.window :]
    start = day - timedelta(weeks=rule.window)
    return [p for p in earlier if p.as_of >= start]


def _usable(points: Sequence[Point]) -> list[Point]:
    return [p for p in points if not p.anomalous]


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


def _score(value: float, expected: Expectation) -> float:
    z = (value - expected.center) / expected.scale
    return max(-SCORE_CAP, min(SCORE_CAP, z))


def _side(value: float, expected: Expectation, rule: AnomalyRule) -> int:
    """+1 or -1 when ``value`` is an anomaly above or below ``expected`` (any direction), else 0."""
    delta = value - expected.center
    if delta == 0 or abs(delta) < _margin(expected.center, rule):
        return 0
    return int(math.copysign(1, delta)) if abs(_score(value, expected)) >= rule.warn_at else 0


def _find_shift(window: list[Point], first: int, rule: AnomalyRule) -> RunWindow | None:
    """A re-levelled baseline if the runs since a shift form a new level, else ``None``.

    A shift may start at any run marked anomalous (from ``first`` on; the latest start is
    tried first). It is accepted when every run since then that was judged normal lies on
    the same side of the runs before the start, and at least ``SHIFT_RUNS`` of the runs
    marked anomalous on that side agree with the re-levelled baseline (the others are
    one-offs at the new level and stay out, as one-offs do anywhere).
    """
    for start in range(len(window) - SHIFT_RUNS, first - 1, -1):
        if window[start].anomalous:
            before = RunWindow(tuple(_usable(window[:start])), rule)
            shifted = _new_level(before, window[start:], rule)
            if shifted is not None:
                return shifted
    return None


def _new_level(before: RunWindow, since: list[Point], rule: AnomalyRule) -> RunWindow | None:
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


def _sign(point: Point, baseline: RunWindow) -> int:
    expected = baseline.expect(point.as_of)
    if expected is None or point.value == expected.center:
        return 0
    return 1 if point.value > expected.center else -1


def _side_of(point: Point, baseline: RunWindow, rule: AnomalyRule) -> int:
    expected = baseline.expect(point.as_of)
    return 0 if expected is None else _side(point.value, expected, rule)


def _relevel(before: RunWindow, members: list[Point], rule: AnomalyRule) -> RunWindow | None:
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
    return RunWindow((*moved, *members), rule, shift_since=since, before_shift=before)


def _verdict(name: str, current: Point, rule: AnomalyRule, baseline: RunWindow, expected: Expectation) -> Verdict:
    z = _score(current.value, expected)
    side = _side(current.value, expected, rule)
    watched = side != 0 and rule.direction in ("both", "up" if side > 0 else "down")
    before = baseline.before_shift
    old = before.expect(current.as_of) if side != 0 and before is not None else None
    if old is not None and _side(current.value, old, rule) == 0:
        reason = (
            f"{name} {fmt(current.value)} is back to the level before the shift on "
            f"{baseline.shift_since}: {change_text(current.value, old.center, rule.metric)} the "
            f"median {fmt(old.center)} of the {len(old.used)} runs before it "
            f"(robust z {_score(current.value, old):+.1f})"
        )
        return _judged("ok", current, old, rule, reason, baseline.shift_since)
    level: Level = "ok"
    if watched:
        level = "error" if abs(z) >= rule.error_at else "warn"
    reason = reason_text(
        name, current.value, z, side, watched, rule, baseline, expected, _margin(expected.center, rule)
    )
    verdict = _judged(level, current, expected, rule, reason, baseline.shift_since)
    return replace(verdict, anomalous=side != 0)


def _judged(
    level: Level,
    current: Point,
    expected: Expectation,
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


def _learning(name: str, current: Point, rule: AnomalyRule, baseline: RunWindow) -> Verdict:
    usable = len(baseline.points[-rule.window :])
    if usable < rule.min_history:
        reason = f"learning: {usable} of {rule.min_history} runs"
    else:
        weekday = current.as_of.weekday()
        same = sum(1 for p in baseline.points if p.as_of.weekday() == weekday)
        reason = (
            f"learning: {same} of {SAME_WEEKDAY_RUNS} {WEEKDAYS[weekday]} runs "
            f"(day_of_week seasonality compares a run with the same weekday)"
        )
    reason += f"; {name} is not judged yet"
    return Verdict(level="learning", value=current.value, reason=reason, threshold=rule.warn_at, n=usable)


def _not_a_number(name: str, current: Point, rule: AnomalyRule) -> Verdict:
    reason = f"{name} is not a number ({current.value}): cannot judge it"
    return Verdict(level="error", value=current.value, reason=reason, threshold=rule.error_at)
