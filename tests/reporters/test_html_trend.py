"""The anomaly trend chart on details shaped like the detector's (``Verdict.to_details``).

The detector stores the runs it judged against as ``series`` and the judged value apart
(``value``, ``anomalous``, ``level``), with the baseline as ``window_start``/``window_end``
and ``n``. The chart must add the judged value as the last point, flag it, and show which
points made the baseline (a seasonal rule uses only the same weekday).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

from stewardgate.reporters import html
from stewardgate.results import RunResult, Status

AS_OF = date(2026, 10, 22)  # a Thursday


def _series(days: int, value: Any = lambda i: 100.0 + i % 3) -> list[dict[str, Any]]:
    start = AS_OF - timedelta(days=days)
    return [
        {"as_of": (start + timedelta(days=i)).isoformat(), "value": value(i), "anomalous": False} for i in range(days)
    ]


def _details(series: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    base = {
        "level": "error",
        "value": 180.0,
        "anomalous": True,
        "median": 101.0,
        "mad": 1.0,
        "n": len(series),
        "score": 40.0,
        "threshold": 5.0,
        "window_start": series[0]["as_of"],
        "window_end": series[-1]["as_of"],
        "band": {"low": 95.0, "high": 107.0},
        "series": series,
    }
    return {**base, **kw}


def test_the_judged_value_is_the_last_point_and_flagged() -> None:
    chart = html.trend_chart(_details(_series(28)), as_of=AS_OF.isoformat())
    assert chart is not None
    assert len(chart.points) == 29
    last = chart.points[-1]
    assert (last.label, last.value, last.anomalous, last.current) == ("2026-10-22", 180.0, True, True)
    assert chart.flagged == 1 and not chart.partial
    assert last.y < chart.band_top  # above the band (smaller y is higher up)
    assert all(p.baseline for p in chart.points)
    assert chart.window == (_series(28)[0]["as_of"], "2026-10-21")


def test_a_series_that_already_ends_on_the_day_is_not_extended() -> None:
    series = _series(5) + [{"as_of": AS_OF.isoformat(), "value": 180.0, "anomalous": True}]
    chart = html.trend_chart(_details(series), as_of=AS_OF.isoformat())
    assert chart is not None
    assert len(chart.points) == 6 and chart.points[-1].current


def test_without_a_value_only_the_series_is_drawn() -> None:
    details = _details(_series(3))
    del details["value"]
    chart = html.trend_chart(details, as_of=AS_OF.isoformat())
    assert chart is not None and len(chart.points) == 3 and not chart.points[-1].current


def test_a_seasonal_baseline_marks_the_other_weekdays() -> None:
    """A day_of_week rule: the 4 earlier Thursdays are the baseline; the band starts at them."""
    series = _series(35)
    thursdays = [p["as_of"] for p in series if date.fromisoformat(p["as_of"]).weekday() == 3][-4:]
    details = _details(
        series, n=4, window_start=thursdays[0], window_end=thursdays[-1], level="ok", anomalous=False, value=101.0
    )
    chart = html.trend_chart(details, as_of=AS_OF.isoformat())
    assert chart is not None and chart.partial
    used = [p.label for p in chart.points if p.baseline and not p.current]
    assert used == thursdays
    assert 0 < chart.band_left < next(p.x for p in chart.points if p.label == thursdays[0])


def test_flagged_history_points_stay_flagged_outside_the_baseline() -> None:
    series = _series(10)
    series[2]["anomalous"] = True
    details = _details(series, window_start=series[5]["as_of"], n=5)
    chart = html.trend_chart(details, as_of=AS_OF.isoformat())
    assert chart is not None
    assert chart.points[2].anomalous and chart.points[2].baseline
    assert [p.baseline for p in chart.points[:5]] == [False, False, True, False, False]


def test_an_unidentifiable_baseline_fades_nothing() -> None:
    chart = html.trend_chart(_details(_series(10), n=3), as_of=AS_OF.isoformat())
    assert chart is not None and all(p.baseline for p in chart.points) and not chart.partial


def test_the_page_shows_the_judged_point_and_its_baseline(run: RunResult) -> None:
    orders = run.datasets[1]
    anomaly = next(r for r in orders.results if r.check == "anomaly")
    real = dataclasses.replace(anomaly, details=_details(_series(28)), status=Status.FAILED)
    results = tuple(real if r is anomaly else r for r in orders.results)
    page = html.render(dataclasses.replace(run, as_of=AS_OF, datasets=(dataclasses.replace(orders, results=results),)))
    (trend,) = re.findall(r'<svg class="chart trend.*?</svg>', page, re.DOTALL)
    assert trend.count("<circle") == 29
    assert trend.count('class="pt flagged last"') == 1
    assert '<text class="current flagged"' in trend and ">180<" in trend
    assert "this run 180" in page
    assert "<dt>Window</dt><dd>2026-09-24 → 2026-10-21</dd>" in page


def test_a_seasonal_band_is_drawn_on_its_weekday_only() -> None:
    """The 4 earlier Thursdays and this Thursday get the band; the days between do not."""
    series = _series(35)
    thursdays = [p["as_of"] for p in series if date.fromisoformat(p["as_of"]).weekday() == 3][-4:]
    details = _details(
        series, n=4, window_start=thursdays[0], window_end=thursdays[-1], level="ok", anomalous=False, value=101.0
    )
    chart = html.trend_chart(details, as_of=AS_OF.isoformat())
    assert chart is not None and chart.seasonal
    covered = [p.label for p in chart.points if any(a <= p.x <= a + w for a, w in chart.segments)]
    assert covered == [*thursdays, AS_OF.isoformat()] and len(chart.segments) == 5


def test_a_plain_band_is_one_segment_from_its_window() -> None:
    chart = html.trend_chart(_details(_series(10), window_start=_series(10)[5]["as_of"], n=5), as_of=AS_OF.isoformat())
    assert chart is not None and not chart.seasonal
    assert len(chart.segments) == 1 and chart.segments[0][0] == chart.band_left


def test_fractions_read_as_percent_and_the_axis_has_round_ticks() -> None:
    from stewardgate.reporters.chart_scale import nice_ticks, percent, tick_label

    assert [percent(v) for v in (0.1501, 0.02006, 5.862e-05, 0.0)] == ["15.0%", "2.01%", "0.0059%", "0%"]
    assert nice_ticks(480.0, 1290.0) == [500.0, 750.0, 1000.0, 1250.0]
    assert [tick_label(t, "o.anomalies.email.null_fraction") for t in nice_ticks(-0.01, 0.16)] == [
        "0%",
        "5%",
        "10%",
        "15%",
    ]
    chart = html.trend_chart(_details(_series(10)), as_of=AS_OF.isoformat(), check_id="o.anomalies.email.null_fraction")
    assert chart is not None and chart.fmt(0.02006) == "2.01%" and chart.ticks


def test_a_null_fraction_rule_reads_in_percent() -> None:
    from stewardgate.reporters.chart_scale import formatter

    show = formatter("max_null_fraction")
    assert (show(0.25), show("<= 0.1"), show("at most 3")) == ("25.0%", "<= 10.0%", "at most 3")
