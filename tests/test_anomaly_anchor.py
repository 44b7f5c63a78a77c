"""The mean/std anchor the defaults are measured against (``stewardgate.detectors.anchor``)."""

from __future__ import annotations

from datetime import date, timedelta

from stewardgate.detectors.anchor import anchor_alerts

START = date(2024, 1, 1)


def series(values: list[float]) -> list[tuple[date, float]]:
    return [(START + timedelta(days=i), v) for i, v in enumerate(values)]


def test_the_anchor_alerts_beyond_three_sample_sd_of_the_14_runs_before() -> None:
    calm = [100.0, 102.0] * 7  # mean 101, sample sd 1.04
    assert anchor_alerts(series([*calm, 104.0])) == set()  # z 2.9
    assert anchor_alerts(series([*calm, 104.5])) == {START + timedelta(days=14)}  # z 3.4
    assert anchor_alerts(series(calm[:13] + [500.0])) == set()  # too little history to judge


def test_the_anchor_counts_every_run_so_one_outlier_widens_its_window() -> None:
    calm = [100.0, 102.0] * 7
    values = [*calm, 200.0, 101.0, 104.5]
    assert anchor_alerts(series(values)) == {START + timedelta(days=14)}  # 104.5 no longer alerts


def test_a_constant_window_alerts_on_any_change() -> None:
    assert anchor_alerts(series([51.0] * 14 + [52.0])) == {START + timedelta(days=14)}
