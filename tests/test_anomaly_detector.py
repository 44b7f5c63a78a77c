"""The history-based anomaly detector and the suite model of an ``anomalies:`` entry.

Most tests replay generated daily series (``stewardgate.detectors.series``) night by night,
as the gate would have judged them, feeding each verdict's ``anomalous`` mark back into the
history. The series have Student-t noise, so they contain surprises nobody planted; the
tests that count false alarms say which rate they allow and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from stewardgate.detectors import series as S
from stewardgate.detectors.anomaly import (
    SHIFT_RUNS,
    Point,
    Verdict,
    judge,
    lookback_runs,
    replay,
)
from stewardgate.suite.anomaly_rules import AnomalyRule

ROW_COUNT = AnomalyRule(metric="row_count")
PLAIN = AnomalyRule(metric="row_count", seasonality="none")
WEEKLY = AnomalyRule(metric="row_count", seasonality="day_of_week")


def day(i: int) -> date:
    return S.START + timedelta(days=i)


def alerts(series: S.Series, rule: AnomalyRule) -> set[date]:
    verdicts = replay(series.pairs(), rule)
    return {d for d, v in zip(series.days, verdicts) if v.level in ("warn", "error")}


def alternating(n: int = 28, low: float = 990.0, high: float = 1010.0) -> list[Point]:
    """``n`` runs from day 0 alternating ``high``, ``low``: median 1,000 and MAD 10 by default."""
    return [Point(day(i), low if i % 2 else high) for i in range(n)]


# --- the suite model ------------------------------------------------------------------------


def test_rule_defaults() -> None:
    rule = AnomalyRule(metric="null_fraction", columns=["email"])
    assert (rule.direction, rule.warn_at, rule.error_at) == ("both", 3.5, 5.0)
    assert (rule.window, rule.min_history, rule.seasonality) == (28, 7, "auto")
    assert rule.min_abs_change is None and rule.min_rel_change is None
    assert rule.targets() == ["email"] and ROW_COUNT.targets() == [None]
    assert hash(rule) == hash(AnomalyRule(metric="null_fraction", columns=["email"]))


@pytest.mark.parametrize(
    ("given", "where", "message"),
    [
        ({"metric": "row_cnt"}, "metric", "unknown metric 'row_cnt' (did you mean 'row_count'?)"),
        (
            {"metric": "row_count", "columns": ["a"]},
            "columns",
            "row_count is measured on the whole dataset: remove columns",
        ),
        (
            {"metric": "null_fraction"},
            "columns",
            "null_fraction is measured per column: list the columns to watch (columns: [...])",
        ),
        ({"metric": "mean", "columns": ["a", "a"]}, "columns", "a column is listed twice"),
        (
            {"metric": "row_count", "warn_at": 6},
            "error_at",
            "error_at (5.0) must be greater than warn_at (6.0)",
        ),
        (
            {"metric": "row_count", "window": 5},
            "min_history",
            "min_history (7) cannot exceed window (5)",
        ),
        ({"metric": "row_count", "window": 2, "min_history": 2}, "window", None),
        (
            {"metric": "row_count", "seasonality": "weekly"},
            "seasonality",
            "Input should be 'auto', 'none' or 'day_of_week'",
        ),
        (
            {"metric": "row_count", "seasonality": "day_of_week", "window": 10},
            "seasonality",
            "window (10) is too short for seasonality: day_of_week (at least 14 runs, two weeks "
            "of daily runs; or seasonality: none)",
        ),
        ({"metric": "row_count", "direction": "sideways"}, "direction", None),
        ({"metric": "row_count", "severity": "warn"}, "severity", "Extra inputs are not permitted"),
    ],
)
def test_rule_errors_point_at_the_key(given: dict[str, Any], where: str, message: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        AnomalyRule(**given)
    errors = {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}
    assert where in errors
    if message is not None:
        assert errors[where] == message


def test_every_rule_field_is_described_in_the_json_schema() -> None:
    schema = AnomalyRule.model_json_schema()
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["metric"]
    assert all(field.get("description") for field in schema["properties"].values())
    assert "row_count" in schema["properties"]["metric"]["enum"]


# --- one judgement --------------------------------------------------------------------------


def test_the_reason_reads_as_a_sentence() -> None:
    verdict = judge(alternating(), Point(day(28), 512.0), ROW_COUNT)
    assert verdict.level == "error"
    assert verdict.reason == (
        "row_count 512 is 49% below the median 1,000 of the last 28 runs (robust z -32.0, error at 5)"
    )
    assert (verdict.median, verdict.mad, verdict.n) == (1000.0, 10.0, 28)
    assert (verdict.window_start, verdict.window_end) == (day(0), day(27))
    assert verdict.threshold == 5.0 and verdict.anomalous


def test_an_ordinary_value_is_ok_and_the_band_includes_materiality() -> None:
    verdict = judge(alternating(), Point(day(28), 1012.0), ROW_COUNT)
    assert verdict.level == "ok" and not verdict.anomalous
    assert verdict.reason == (
        "row_count 1,012 is 1.2% above the median 1,000 of the last 28 runs (robust z +0.8, warn at 3.5)"
    )
    # the warn band is +-3.5 x 15.2; a row count must also move 10% to count
    assert (verdict.expected_low, verdict.expected_high) == (900.0, 1100.0)
    assert verdict.threshold == 3.5


def test_direction_silences_the_other_way_but_still_marks_the_point() -> None:
    up_only = AnomalyRule(metric="row_count", direction="up")
    verdict = judge(alternating(), Point(day(28), 512.0), up_only)
    assert verdict.level == "ok" and verdict.anomalous  # kept out of later baselines
    assert verdict.reason.endswith("(robust z -32.0); only rises are checked")
    down_only = AnomalyRule(metric="row_count", direction="down")
    assert judge(alternating(), Point(day(28), 512.0), down_only).level == "error"
    assert judge(alternating(), Point(day(28), 1600.0), down_only).level == "ok"


def test_the_rule_can_set_its_own_materiality() -> None:
    lenient = AnomalyRule(metric="row_count", min_rel_change=0.6)
    verdict = judge(alternating(), Point(day(28), 512.0), lenient)
    assert verdict.level == "ok"
    assert verdict.reason.endswith("less than the change of 600 that counts as material")
    score_only = AnomalyRule(metric="row_count", min_rel_change=0)
    assert judge(alternating(), Point(day(28), 1070.0), score_only).level == "warn"
    assert judge(alternating(), Point(day(28), 1070.0), ROW_COUNT).level == "ok"  # 7% < 10%
    absolute = AnomalyRule(metric="row_count", min_abs_change=500)
    assert judge(alternating(), Point(day(28), 512.0), absolute).level == "ok"


def test_null_fraction_must_move_a_full_point() -> None:
    history = [Point(p.as_of, p.value / 100_000) for p in alternating()]  # 0.0099 / 0.0101
    rule = AnomalyRule(metric="null_fraction", columns=["email"])
    small = judge(history, Point(day(28), 0.018), rule, label="null_fraction of email")
    assert small.level == "ok" and small.score is not None and small.score > 5
    big = judge(history, Point(day(28), 0.05), rule, label="null_fraction of email")
    assert big.reason == (
        "null_fraction of email 0.05 is 4.0 points above the median 0.01 of the last 28 runs "
        "(robust z +40.0, error at 5)"
    )


def test_only_earlier_runs_count_in_any_order() -> None:
    history = alternating() + [Point(day(28), 5.0), Point(day(40), 0.0)]
    shuffled = list(reversed(history))
    verdict = judge(shuffled, Point(day(28), 1000.0), ROW_COUNT)
    assert verdict.level == "ok" and verdict.n == 28 and verdict.window_end == day(27)


def test_a_value_that_is_not_a_number_fails_closed() -> None:
    verdict = judge(alternating(), Point(day(28), float("nan")), ROW_COUNT)
    assert verdict.level == "error"
    assert verdict.reason == "row_count is not a number (nan): cannot judge it"


def test_a_verdict_serialises_to_json_details_with_its_history() -> None:
    history = alternating()
    details = judge(history, Point(day(28), 512.0), ROW_COUNT).to_details(history[-2:])
    assert details["window_start"] == "2024-01-01" and details["level"] == "error"
    assert details["band"] == {"low": 900.0, "high": 1100.0}
    assert details["series"] == [
        {"as_of": "2024-01-27", "value": 1010.0, "anomalous": False},
        {"as_of": "2024-01-28", "value": 990.0, "anomalous": False},
    ]
    json.dumps(details, allow_nan=False)


@dataclass(frozen=True)
class StoredPoint:
    """Shaped like the history store's rows: judge takes anything with these attributes."""

    as_of: date
    value: float
    anomalous: bool
    run_id: str


def test_judge_takes_stored_points_and_says_how_far_back_it_looks() -> None:
    stored = [StoredPoint(p.as_of, p.value, p.anomalous, f"run-{i}") for i, p in enumerate(alternating())]
    assert judge(stored, Point(day(28), 512.0), ROW_COUNT).level == "error"
    assert lookback_runs(PLAIN) == 28
    assert lookback_runs(WEEKLY) == 196
    assert lookback_runs(ROW_COUNT) == 196  # auto may find a weekly rhythm


# --- cold start -----------------------------------------------------------------------------


@pytest.mark.parametrize("earlier", range(7))
@pytest.mark.parametrize("value", [0.0, 1.0, 1e12])
def test_cold_start_is_learning_and_never_fails(earlier: int, value: float) -> None:
    verdict = judge(alternating(earlier), Point(day(earlier), value), ROW_COUNT)
    assert verdict.level == "learning" and not verdict.anomalous
    assert verdict.reason == f"learning: {earlier} of 7 runs; row_count is not judged yet"
    assert verdict.n == earlier


def test_replay_learns_for_min_history_nights_then_judges() -> None:
    levels = [v.level for v in replay(S.daily_counts(0, noise=0.01).pairs()[:10], ROW_COUNT)]
    assert levels == ["learning"] * 7 + ["ok"] * 3


def test_weekday_seasonality_learns_each_weekday_until_it_has_four_runs() -> None:
    verdict = judge(alternating(21), Point(day(21), 1000.0), WEEKLY)  # day 21 is a Monday
    assert verdict.level == "learning"
    assert verdict.reason == (
        "learning: 3 of 4 Monday runs (day_of_week seasonality compares a run with the same "
        "weekday); row_count is not judged yet"
    )
    assert judge(alternating(28), Point(day(28), 1000.0), WEEKLY).level == "ok"


# --- realistic series -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("rule", "weekly"), [(ROW_COUNT, None), (WEEKLY, S.BUSINESS_WEEK)], ids=["plain", "weekly"])
def test_planted_anomalies_are_flagged_and_hardly_anything_else(
    rule: AnomalyRule, weekly: tuple[float, ...] | None
) -> None:
    """30 series of 200 nights, each with 4 random holidays, outages, duplicate loads or a
    level shift. Every planted night must alert. With 1.5% noise a 10% move is a 6-7 sd
    event, so alerts nobody planted are rare (3 and 2 of ~5,700 nights were measured);
    at most 5 are allowed."""
    missed: list[date] = []
    unplanted: list[date] = []
    for seed in range(30):
        series = S.daily_counts(seed, noise=0.015, weekly=weekly, events=S.random_events(seed))
        flagged = alerts(series, rule)
        missed += sorted(series.planted - flagged)
        unplanted += sorted(flagged - series.planted)
    assert missed == []
    assert len(unplanted) <= 5


@pytest.mark.parametrize(
    ("make", "rule"),
    [
        (S.null_fractions, AnomalyRule(metric="null_fraction", columns=["email"])),
        (S.column_means, AnomalyRule(metric="mean", columns=["amount"])),
    ],
    ids=["null_fraction", "mean"],
)
def test_planted_spikes_in_column_metrics_are_flagged(make: Any, rule: AnomalyRule) -> None:
    for seed in range(10):
        series = make(seed, events=S.random_events(seed, kinds=("spike",)))
        assert series.planted <= alerts(series, rule)


def _clean_series(seed: int) -> list[tuple[S.Series, AnomalyRule]]:
    """A row count, a null fraction and a mean with seed-drawn noise levels and trends."""
    rng = np.random.default_rng(seed)
    counts = S.daily_counts(seed, noise=float(rng.uniform(0.02, 0.08)), trend=float(rng.uniform(-0.001, 0.002)))
    nulls = S.null_fractions(seed, fraction=float(rng.uniform(0.005, 0.05)))
    means = S.column_means(seed, noise=float(rng.uniform(0.005, 0.03)))
    return [
        (counts, ROW_COUNT),
        (nulls, AnomalyRule(metric="null_fraction", columns=["email"])),
        (means, AnomalyRule(metric="mean", columns=["amount"])),
    ]


def _alert_rates(verdicts: list[Verdict]) -> tuple[float, float]:
    judged = [v for v in verdicts if v.level != "learning"]
    alerted = sum(v.level in ("warn", "error") for v in judged)
    failed = sum(v.level == "error" for v in judged)
    return 100 * alerted / len(judged), 100 * failed / len(judged)


@pytest.mark.slow
def test_false_alarms_on_clean_series_with_the_defaults() -> None:
    """50 seeds x 200 nights x 3 metrics, no planted anomalies, default rules.

    The noise is Student-t with 5 degrees of freedom: even a detector that knew the true
    spread would see a 3.5-sd-robust move on ~0.6% of nights (on Gaussian noise the same
    replay gives ~0.06 alerts per 100 runs). Measured: 0.57 alerts per 100 runs, 0.15 of
    them errors (0.59 and 0.18 before the volatility band and auto seasonality). Allowed: 1.2
    and 0.4, twice that, so a change that doubles false alarms fails this test.
    """
    verdicts = [
        v for seed in range(50) for series, rule in _clean_series(seed)
        for v in replay(series.pairs(), rule)
    ]  # fmt: skip
    alerted, failed = _alert_rates(verdicts)
    assert alerted < 1.2
    assert failed < 0.4


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rule", "allowed"), [(WEEKLY, (1.0, 0.3)), (ROW_COUNT, (1.5, 0.7))], ids=["day_of_week", "auto"]
)
def test_false_alarms_on_weekly_series_with_weekday_seasonality(
    rule: AnomalyRule, allowed: tuple[float, float]
) -> None:
    """50 seeds x 200 nights of a row count with quiet weekends and 4% Student-t noise.
    Measured with day_of_week: 0.50 alerts per 100 runs (0.13 errors); with the default,
    auto, 0.98 (0.45): the rhythm is found from the fifth week, and the weekends of weeks 2-4
    are judged plainly before that. Allowed: about twice the measured rates."""
    verdicts = [
        v for seed in range(50)
        for v in replay(S.daily_counts(seed, weekly=S.BUSINESS_WEEK).pairs(), rule)
    ]  # fmt: skip
    alerted, failed = _alert_rates(verdicts)
    assert alerted < allowed[0]
    assert failed < allowed[1]


def test_weekday_seasonality_removes_weekend_false_alarms() -> None:
    """The same series, judged both ways: a plain z-score calls the quiet weekends anomalous;
    comparing with the same weekday does not (its one alert is a weekday noise surprise,
    as expected at ~0.5 per 100 runs). The default, ``auto``, finds the rhythm itself."""
    series = S.daily_counts(3, noise=0.02, weekly=S.BUSINESS_WEEK)
    plain = alerts(series, PLAIN)
    seasonal = alerts(series, WEEKLY)
    auto = alerts(series, ROW_COUNT)
    assert len(plain) >= 20  # 29: a plain rule's volatility band now takes in some weekends
    assert all(d.weekday() >= 5 for d in plain)
    assert not any(d.weekday() >= 5 for d in seasonal)
    assert len(seasonal) <= 2
    assert len(auto) <= 3 and sum(d.weekday() >= 5 for d in auto) <= 1  # weeks 2-4: not found yet


def test_auto_seasonality_says_when_it_found_a_weekly_rhythm() -> None:
    weekly = S.daily_counts(3, noise=0.02, weekly=S.BUSINESS_WEEK).pairs()
    verdict = replay(weekly[:120], ROW_COUNT)[-1]
    assert verdict.seasonality == "day_of_week"
    assert f"of the last 4 {weekly[119][0]:%A} runs, as the history has a weekly rhythm (robust z " in verdict.reason
    flat = replay(S.daily_counts(3, noise=0.02).pairs()[:120], ROW_COUNT)[-1]
    assert flat.seasonality == "none" and "weekly rhythm" not in flat.reason


@pytest.mark.slow
def test_auto_seasonality_finds_no_rhythm_in_plain_noise() -> None:
    """50 seeds of 200 nights without a weekly rhythm (Student-t noise): judged plainly on
    nearly every night; 50 seeds with quiet weekends: weekly on every night after week 9."""
    plain = [v.seasonality for seed in range(50) for v in replay(S.daily_counts(seed).pairs(), ROW_COUNT)[60:]]
    assert plain.count("day_of_week") / len(plain) < 0.01
    weekly = [
        v.seasonality for seed in range(50)
        for v in replay(S.daily_counts(seed, weekly=S.BUSINESS_WEEK).pairs(), ROW_COUNT)[63:]
    ]  # fmt: skip
    assert set(weekly) == {"day_of_week"}


def test_a_metric_that_often_bursts_gets_a_wider_band_than_a_steady_one() -> None:
    """Two null fractions around 1%: one steady, one that jumps to 4-6% every other week
    for two nights (a storm); the band of the bursty one is wider, and the same 15-point
    jump is an error on both."""
    steady = S.null_fractions(8, fraction=0.01).pairs()[:120]
    bursty = [(d, v + (0.04 if (i % 14) in (3, 4) else 0.0)) for i, (d, v) in enumerate(steady)]
    rule = AnomalyRule(metric="null_fraction", columns=["email"])
    tonight = Point(steady[-1][0] + timedelta(days=1), 0.16)
    calm = judge([Point(d, v) for d, v in steady], tonight, rule)
    wild = judge([Point(d, v) for d, v in bursty], tonight, rule)
    assert wild.scale is not None and calm.scale is not None and wild.scale > 2 * calm.scale
    assert calm.level == wild.level == "error"


@pytest.mark.parametrize("factor", [0.55, 1.6])
@pytest.mark.parametrize(("rule", "weekly"), [(ROW_COUNT, None), (WEEKLY, S.BUSINESS_WEEK)], ids=["plain", "weekly"])
def test_a_level_shift_alerts_on_its_first_nights_then_becomes_normal(
    factor: float, rule: AnomalyRule, weekly: tuple[float, ...] | None
) -> None:
    shift = S.Event(day(100), "shift", factor)
    series = S.daily_counts(1, noise=0.015, weekly=weekly, events=[shift])
    verdicts = replay(series.pairs(), rule)
    flagged = [d for d, v in zip(series.days, verdicts) if v.level in ("warn", "error")]
    assert flagged == [day(100 + i) for i in range(SHIFT_RUNS)]
    assert verdicts[100 + SHIFT_RUNS].shift_since == day(100)
    assert "re-levelled after the shift on 2024-04-10" in verdicts[100 + SHIFT_RUNS].reason


def test_a_return_to_the_level_before_a_shift_is_not_an_alert() -> None:
    events = [S.Event(day(100), "shift", 0.5), S.Event(day(112), "shift", 2.0)]
    series = S.daily_counts(2, noise=0.015, events=events)
    verdicts = replay(series.pairs(), ROW_COUNT)
    assert alerts(series, ROW_COUNT) == {day(100), day(101), day(102)}
    assert "is back to the level before the shift on 2024-04-10" in verdicts[112].reason


def test_a_holiday_alerts_once_and_does_not_poison_the_baseline() -> None:
    """Compared with the same series without the holiday, the holiday adds its own night to
    the alerts and nothing else (this seed has a noise surprise on day 122 either way)."""
    quiet = S.daily_counts(4, noise=0.02)
    series = S.daily_counts(4, noise=0.02, events=[S.Event(day(100), "holiday", 0.3)])
    assert alerts(series, ROW_COUNT) == alerts(quiet, ROW_COUNT) | {day(100)}
    verdicts = replay(series.pairs(), ROW_COUNT)
    assert verdicts[100].level == "error" and verdicts[100].anomalous
    before, after = verdicts[99].median, verdicts[101].median
    assert before is not None and after == pytest.approx(before, rel=0.01)


def test_an_outage_of_two_nights_alerts_twice_and_recovery_is_quiet() -> None:
    outage = [S.Event(day(100), "outage", 0.0), S.Event(day(101), "outage", 0.0)]
    series = S.daily_counts(5, noise=0.02, events=outage)
    assert alerts(series, ROW_COUNT) == {day(100), day(101)}


def test_an_empty_dataset_is_never_the_new_normal() -> None:
    pairs = S.daily_counts(6, noise=0.02).pairs()[:100] + [(day(100 + i), 0.0) for i in range(8)]
    levels = [v.level for v in replay(pairs, ROW_COUNT)[100:]]
    assert levels == ["error"] * 8


def test_a_near_constant_series_does_not_alert_on_a_one_unit_move() -> None:
    flat = [Point(day(i), 1000.0) for i in range(28)]
    assert judge(flat, Point(day(28), 1001.0), ROW_COUNT).level == "ok"
    assert judge(flat, Point(day(28), 1200.0), ROW_COUNT).level == "error"
    distinct = AnomalyRule(metric="distinct_count", columns=["country"])
    series = S.near_constant(7)
    assert alerts(series, distinct) == set()
    jump = S.near_constant(7, events=[S.Event(day(150), "spike", 50 / 42)])
    assert alerts(jump, distinct) == {day(150)}


def test_a_count_that_was_always_zero_alerts_from_a_few_units() -> None:
    """The spread of a count is at least half a unit, and any change from 0 is material."""
    zeros = [Point(day(i), 0.0) for i in range(28)]
    nulls = AnomalyRule(metric="null_count", columns=["email"])
    assert judge(zeros, Point(day(28), 1.0), nulls).level == "ok"
    assert judge(zeros, Point(day(28), 2.0), nulls).level == "warn"
    assert judge(zeros, Point(day(28), 3.0), nulls).level == "error"


# --- the rules of a run, judged together ----------------------------------------------------


def test_a_runs_rules_read_their_history_at_once_each_within_its_own_window() -> None:
    """judge_anomalies asks the store once for every series, each as far back as its longest
    rule looks; two rules on one series each judge on their own window of it."""
    from stewardgate.engines.anomalies import judge_anomalies
    from stewardgate.planning import PlannedCheck
    from stewardgate.results import Severity

    def planned(i: int, rule: AnomalyRule, column: str | None) -> PlannedCheck:
        return PlannedCheck(check_id=f"orders.anomalies.{i}", check="anomaly", section="anomalies", column=column,
                            value=rule, severity=Severity.ERROR, engine="history", reason="declared", suite_line=1)  # fmt: skip

    short = AnomalyRule(metric="row_count", window=5, min_history=3, seasonality="none")
    long = AnomalyRule(metric="row_count", window=20, min_history=3, seasonality="none")
    nulls = AnomalyRule(metric="null_fraction", columns=["email"], window=10, min_history=3, seasonality="none")
    asked: list[dict[Any, int]] = []

    def history(wanted: dict[Any, int]) -> dict[Any, list[Point]]:
        asked.append(dict(wanted))
        return {key: [Point(day(i), 100.0 + i % 2) for i in range(n)] for key, n in wanted.items()}

    checks = [planned(0, short, None), planned(1, long, None), planned(2, nulls, "email"), planned(3, nulls, "amount")]
    metrics = {("row_count", None): 100.0, ("null_fraction", "email"): 0.01}
    outcome = judge_anomalies(checks, metrics, history, day(40))
    assert asked == [{("row_count", None): 20, ("null_fraction", "email"): 10}]  # amount was not measured
    judged = [(r.details["n"], len(r.details["series"])) for r in outcome.results[:3] if r.details]
    assert judged == [(5, 5), (20, 20), (10, 10)]  # the history each result shows is its own window
    assert outcome.results[3].status.value == "errored"
