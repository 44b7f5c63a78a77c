"""How an anomaly verdict is worded for a steward: the change, the baseline, the thresholds."""

from __future__ import annotations

from stewardgate.detectors.run_window import FRACTION_METRICS, WEEKDAYS, Expectation, RunWindow
from stewardgate.suite.anomaly_rules import AnomalyRule


def reason_text(
    name: str,
    value: float,
    z: float,
    side: int,
    watched: bool,
    rule: AnomalyRule,
    baseline: RunWindow,
    expected: Expectation,
    minimum: float,
) -> str:
    """Why a value got its level, in a steward's words (``minimum``: the material change)."""
    what = f"{name} {fmt(value)} is {change_text(value, expected.center, rule.metric)}"
    against = f"the median {fmt(expected.center)} of {runs_text(baseline, expected, rule)}"
    if watched:
        level_at = ("error", rule.error_at) if abs(z) >= rule.error_at else ("warn", rule.warn_at)
        return f"{what} {against} (robust z {z:+.1f}, {level_at[0]} at {level_at[1]:g})"
    if side != 0:
        return f"{what} {against} (robust z {z:+.1f}); only {watched_text(rule)} are checked"
    if abs(z) >= rule.warn_at:
        minimum_text = fmt(minimum)
        return f"{what} {against} (robust z {z:+.1f}), less than the change of {minimum_text} that counts as material"
    return f"{what} {against} (robust z {z:+.1f}, warn at {rule.warn_at:g})"


def runs_text(baseline: RunWindow, expected: Expectation, rule: AnomalyRule) -> str:
    n = len(expected.used)
    weekday = ""
    if rule.seasonality == "day_of_week":
        weekday = f"{WEEKDAYS[expected.used[-1].as_of.weekday()]} "
    text = f"the last {n} {weekday}runs"
    text += baseline.note
    if baseline.shift_since is not None:
        text += f", re-levelled after the shift on {baseline.shift_since}"
    return text


def watched_text(rule: AnomalyRule) -> str:
    return "rises" if rule.direction == "up" else "drops"


def change_text(value: float, center: float, metric: str) -> str:
    delta = value - center
    if delta == 0:
        return "equal to"
    way = "above" if delta > 0 else "below"
    if metric in FRACTION_METRICS:
        return f"{abs(delta) * 100:.1f} points {way}"
    if center == 0:
        return f"{fmt(abs(delta))} {way}"
    pct = abs(delta) / abs(center) * 100
    return f"{pct:.1f}% {way}" if pct < 10 else f"{pct:,.0f}% {way}"


def fmt(x: float) -> str:
    """A number as a steward reads it: 1,003 / 12.35 / 0.0523."""
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"
