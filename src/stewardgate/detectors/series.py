"""Realistic daily metric series with planted anomalies, for tests and backtests of detectors.

A :class:`Series` is what a nightly job would have recorded for one metric: a value per day
with a slow trend, a weekly rhythm, day-to-day noise with fat tails (Student-t), and
planted :class:`Event` records: holidays, outages, duplicate loads, level shifts, on known days.
``planted`` lists the nights a good detector should flag: the event day for one-day events,
the first ``SHIFT_RUNS`` nights of a level shift (after that it is the new normal).

Everything is drawn from ``numpy.random.default_rng(seed)``, so a seed is a fixed series::

    series = daily_counts(7, events=[Event(date(2024, 3, 4), "holiday", 0.3)])
    verdicts = replay(series.pairs(), AnomalyRule(metric="row_count"))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from stewardgate.detectors.anomaly import SHIFT_RUNS

EventKind = Literal["holiday", "outage", "spike", "shift"]

START = date(2024, 1, 1)
"""Day 0 of generated series (a Monday)."""

BUSINESS_WEEK: tuple[float, ...] = (1.05, 1.08, 1.06, 1.04, 0.97, 0.42, 0.38)
"""Weekday factors, Monday first: a busy week and quiet weekends (weekend ~40%)."""


@dataclass(frozen=True)
class Event:
    """Something that happened to the data on ``day``: its value is multiplied by ``factor``.

    ``holiday``, ``outage`` and ``spike`` (a duplicated load) last one day; a ``shift`` lasts
    from ``day`` to the end of the series.
    """

    day: date
    kind: EventKind
    factor: float


@dataclass(frozen=True)
class Series:
    """One metric's generated daily values and the nights a detector should flag."""

    name: str
    days: tuple[date, ...]
    values: tuple[float, ...]
    events: tuple[Event, ...]
    planted: frozenset[date]

    def pairs(self) -> list[tuple[date, float]]:
        """``(day, value)`` pairs, oldest first, as :func:`replay` takes them."""
        return list(zip(self.days, self.values))


def daily_counts(
    seed: int,
    *,
    days: int = 200,
    level: float = 10_000.0,
    trend: float = 0.0005,
    noise: float = 0.04,
    weekly: Sequence[float] | None = None,
    events: Sequence[Event] = (),
) -> Series:
    """A row count: ``level`` growing by ``trend`` a day, times weekday factors and noise.

    ``noise`` is the day-to-day relative standard deviation (Student-t, 5 degrees of freedom,
    so big surprises happen more often than a normal law would say).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    base = level * (1 + trend) ** t * _weekly(weekly, days)
    values = np.round(base * _events(events, days) * np.exp(_fat_noise(rng, noise, days)))
    return _series("row_count", days, values, events)


def null_fractions(
    seed: int,
    *,
    days: int = 200,
    rows: int = 20_000,
    fraction: float = 0.02,
    wobble: float = 0.1,
    events: Sequence[Event] = (),
) -> Series:
    """A null fraction: ``rows`` rows a night, each null with a chance near ``fraction``.

    ``wobble`` is the relative day-to-day variation of the chance itself (sources differ from
    day to day), on top of the binomial noise of counting.
    """
    rng = np.random.default_rng(seed)
    chance = fraction * np.exp(_fat_noise(rng, wobble, days)) * _events(events, days)
    values = rng.binomial(rows, np.clip(chance, 0.0, 1.0)) / rows
    return _series("null_fraction", days, values, events)


def column_means(
    seed: int,
    *,
    days: int = 200,
    level: float = 52.0,
    noise: float = 0.015,
    events: Sequence[Event] = (),
) -> Series:
    """A column mean (say, an order amount): a stable level with small fat-tailed noise."""
    rng = np.random.default_rng(seed)
    values = level * _events(events, days) * np.exp(_fat_noise(rng, noise, days))
    return _series("mean", days, values, events)


def near_constant(
    seed: int,
    *,
    days: int = 200,
    level: int = 42,
    flip: float = 0.05,
    events: Sequence[Event] = (),
) -> Series:
    """A distinct count that barely moves: ``level``, one more or one fewer on ``flip`` of days."""
    rng = np.random.default_rng(seed)
    steps = rng.choice([-1, 0, 1], size=days, p=[flip / 2, 1 - flip, flip / 2])
    values = np.round((level + steps) * _events(events, days))
    return _series("distinct_count", days, values, events)


def random_events(
    seed: int,
    *,
    days: int = 200,
    count: int = 4,
    warmup: int = 35,
    gap: int = 14,
    kinds: Sequence[EventKind] = ("holiday", "outage", "spike", "shift"),
) -> tuple[Event, ...]:
    """``count`` events on random days after ``warmup``, each in its own stretch of ``gap`` days
    (in the first half of it, so two events are at least ``gap`` / 2 days apart).

    At most one of them is a level shift (a second shift could undo the first, and a return
    to the earlier level is no anomaly).

    Factors are clear-cut (holiday 0.25-0.45, outage 0-0.1, spike 1.8-2.5, shift 0.5-0.65 or
    1.5-1.8): planted anomalies a steward would want to hear about.
    """
    rng = np.random.default_rng(seed + 1_000_003)
    slots = np.arange(warmup, days - 5, gap)
    chosen = sorted(rng.choice(slots, size=min(count, len(slots)), replace=False))
    out: list[Event] = []
    for offset in chosen:
        allowed = [k for k in kinds if k != "shift" or all(e.kind != "shift" for e in out)]
        if not allowed:
            break
        kind = allowed[int(rng.integers(len(allowed)))]
        day = START + timedelta(days=int(offset + rng.integers(0, gap // 2)))
        out.append(Event(day, kind, _factor(rng, kind)))
    return tuple(out)


def _factor(rng: np.random.Generator, kind: EventKind) -> float:
    if kind == "holiday":
        return float(rng.uniform(0.25, 0.45))
    if kind == "outage":
        return float(rng.uniform(0.0, 0.1))
    if kind == "spike":
        return float(rng.uniform(1.8, 2.5))
    up = bool(rng.integers(2))
    return float(rng.uniform(1.5, 1.8) if up else rng.uniform(0.5, 0.65))


def _fat_noise(rng: np.random.Generator, sd: float, days: int) -> npt.NDArray[Any]:
    """Student-t (5 df) noise scaled to standard deviation ``sd``."""
    return rng.standard_t(5, size=days) * sd * np.sqrt(3 / 5)


def _weekly(weekly: Sequence[float] | None, days: int) -> npt.NDArray[Any]:
    if weekly is None:
        return np.ones(days)
    return np.array([weekly[(START + timedelta(days=i)).weekday()] for i in range(days)])


def _events(events: Sequence[Event], days: int) -> npt.NDArray[Any]:
    factors = np.ones(days)
    for event in events:
        i = (event.day - START).days
        if event.kind == "shift":
            factors[i:] *= event.factor
        else:
            factors[i] *= event.factor
    return factors


def _planted(events: Sequence[Event]) -> frozenset[date]:
    nights = {e.day for e in events if e.kind != "shift"}
    for e in events:
        if e.kind == "shift":
            nights |= {e.day + timedelta(days=i) for i in range(SHIFT_RUNS)}
    return frozenset(nights)


def _series(name: str, days: int, values: npt.NDArray[Any], events: Sequence[Event]) -> Series:
    stamp = tuple(START + timedelta(days=i) for i in range(days))
    return Series(name, stamp, tuple(float(v) for v in values), tuple(events), _planted(events))
