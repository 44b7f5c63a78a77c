"""Thresholds with headroom: never the observed value, always strictly outside what was seen."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from stewardgate.drafting import bounds


def test_wilson_upper_bound_matches_the_formula() -> None:
    # 20 of 2,000 at z=3: centre (0.01 + 9/4000) / (1 + 9/2000), half-width 3·sqrt(...)
    assert bounds.wilson_upper(20, 2000) == pytest.approx(0.019207, abs=1e-6)
    assert bounds.wilson_upper(0, 100) == pytest.approx(9 / 109)
    assert bounds.wilson_upper(100, 100) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [(20, 2000, 0.02), (400, 2000, 0.23), (105, 2100, 0.067), (1, 5, 0.77), (0, 1000, 0.009)],
)
def test_null_fraction_bound_rounds_the_wilson_bound_up(k: int, n: int, expected: float) -> None:
    assert bounds.null_fraction_bound(k, n) == expected


def test_null_fraction_bound_is_always_above_the_observed_fraction() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        n = rng.randint(1, 200_000)
        k = rng.randint(0, n)
        bound = bounds.null_fraction_bound(k, n)
        if bound is not None:
            assert k / n < bound < 1
        else:
            assert k / n > 0.5  # only a column that is mostly null has no useful bound


def test_no_null_bound_without_rows_or_when_nearly_all_null() -> None:
    assert bounds.null_fraction_bound(0, 0) is None
    assert bounds.null_fraction_bound(99, 100) is None


@pytest.mark.parametrize(
    ("low", "high", "integer", "expected"),
    [
        (2.78, 1890.9, False, (0, 2100)),  # all positive: the floor stays at 0
        (1, 15, True, (0, 17)),
        (20, 88, True, (13, 95)),
        (-12.47, 32.99, False, (-18, 38)),
        (0.0, 0.5, False, (None, 0.55)),  # smallest value 0: no min equal to it
        (5.0, 5.0, False, (4.5, 5.5)),  # constant: 10% of the value
        (1000.0, 1000.2, False, (999.98, 1000.22)),
    ],
)
def test_numeric_bounds_examples(low: float, high: float, integer: bool, expected: tuple[float | None, float]) -> None:
    assert bounds.numeric_bounds(low, high, integer=integer) == expected


def test_numeric_bounds_are_strictly_wider_than_the_observed_range() -> None:
    rng = random.Random(2)
    for _ in range(3000):
        scale = 10 ** rng.randint(-4, 9)
        a, b = sorted(rng.uniform(-scale, scale) for _ in range(2))
        integer = rng.random() < 0.4
        if integer:
            a, b = round(a), round(b)
        if rng.random() < 0.2:
            a = abs(a) if rng.random() < 0.5 else 0
            b = max(a, b)
        lo, hi = bounds.numeric_bounds(a, b, integer=integer)
        assert hi is not None and hi > b
        if lo is None:
            assert a == 0
        else:
            assert lo < a
            assert lo >= 0 or a < 0 or a == 0  # positive data never gets a negative floor
            assert not (a > 0 and lo < 0)


def test_numeric_bounds_respect_the_type_range_or_leave_the_bound_out() -> None:
    assert bounds.numeric_bounds(3, 120, integer=True, limits=(-128, 127)) == (0, 127)
    assert bounds.numeric_bounds(-128, 127, integer=True, limits=(-128, 127)) == (None, None)
    assert bounds.numeric_bounds(0, 250, integer=True, limits=(0, 255)) == (None, 255)
    assert bounds.numeric_bounds(1, 255, integer=True, limits=(0, 255)) == (0, None)


def test_date_bounds_are_a_year_outside_and_round_to_months() -> None:
    assert bounds.date_bounds(date(2020, 1, 7), date(2026, 10, 21)) == (date(2019, 1, 1), date(2027, 11, 1))
    first = datetime(2026, 9, 1, 2, 14, tzinfo=UTC)
    last = datetime(2026, 12, 24, 22, 55, tzinfo=UTC)
    assert bounds.date_bounds(first, last) == (date(2025, 9, 1), date(2028, 1, 1))


def test_date_bounds_are_strictly_outside_even_for_one_day() -> None:
    day = date(2026, 12, 31)
    lo, hi = bounds.date_bounds(day, day)
    assert lo < day < hi


def test_length_bounds() -> None:
    assert bounds.length_bounds(2, 2) == (1, 3)
    assert bounds.length_bounds(0, 40) == (None, 44)
