"""One self-contained HTML page for a run, readable offline from a CI artifact.

All CSS and JavaScript are inline and charts are inline SVG, so the file needs nothing from
the network (a Content-Security-Policy in the page forbids loading anything at all). The
page is drawn by the Jinja templates in ``reporters/templates/`` (autoescaped); this module
only prepares what the templates show: each dataset's results worst first, and the
geometry of its charts (an anomaly's trend against its expected band, a drift's bins).

Without JavaScript everything is visible and the status filter still works (it is CSS);
the script adds sorting by column to the checks tables.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import jinja2
from markupsafe import Markup

from stewardgate.reporters.chart_scale import band_segments, formatter, nice_ticks, tick_label
from stewardgate.reporters.markdown import format_fraction, format_value
from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

CHART_HEIGHT = 180
_PLOT_TOP, _PLOT_BOTTOM = 14.0, 150.0
_X_LEFT, _X_RIGHT = 2.0, 98.0
_BIN_ROW = 38


@dataclass(frozen=True)
class Point:
    """One point of a trend: x in percent of the width, y in pixels.

    ``current``: the value this run judged; ``baseline``: whether it was judged against.
    """

    x: float
    y: float
    label: str
    value: float
    anomalous: bool
    current: bool = False
    baseline: bool = True


@dataclass(frozen=True)
class TrendChart:
    """An anomaly's metric history, scaled for a chart ``CHART_HEIGHT`` pixels high.

    ``band_left`` is where the band starts (percent of the width: the baseline window's first
    run); ``partial`` says that some drawn points did not make the baseline (they are faded).
    """

    points: tuple[Point, ...]
    band_top: float | None
    band_bottom: float | None
    median_y: float | None
    details: dict[str, Any]
    band_left: float = 0.0
    partial: bool = False
    segments: tuple[tuple[float, float], ...] = ()
    """Where the band applies, ``(left, width)`` in percent: one weekday's days for a seasonal rule."""
    ticks: tuple[tuple[float, str], ...] = ()
    """The y axis: ``(y pixel, label)`` of a few round values."""
    seasonal: bool = False
    """The band is one weekday's (a seasonal rule): drawn at that weekday's days only."""
    fmt: Any = field(default=format_value, compare=False, repr=False)
    """How this metric's values read (percent for fractions)."""

    @property
    def flagged(self) -> int:
        return sum(p.anomalous for p in self.points)

    @property
    def window(self) -> tuple[str, str] | None:
        """The baseline window (first and last day), from either form of the details."""
        d = self.details
        if d.get("window_start") and d.get("window_end"):
            return str(d["window_start"]), str(d["window_end"])
        window = d.get("window")
        if isinstance(window, list) and window:
            return str(window[0]), str(window[-1])
        return None


@dataclass(frozen=True)
class Bin:
    """One drift bin: its shares, and bar widths in percent of the widest share."""

    label: str
    baseline: float
    current: float
    baseline_width: float
    current_width: float


@dataclass
class DatasetView:
    """What the template shows for one dataset."""

    run: DatasetRun
    anchor: str
    results: list[tuple[str, CheckResult]]
    trends: list[tuple[str, CheckResult, TrendChart]] = field(default_factory=list)
    drifts: list[tuple[str, CheckResult, list[Bin]]] = field(default_factory=list)
    schema_changes: list[tuple[str, CheckResult]] = field(default_factory=list)
    waivers: list[tuple[str, CheckResult]] = field(default_factory=list)
    strips: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def hide_passed(self) -> bool:
        """The page opens on what needs attention (waived or worse): passed checks start hidden,
        one click away. A dataset with nothing to look at shows every check."""
        return any(r.status >= Status.WAIVED for _, r in self.results)

    @property
    def verdict(self) -> str:
        if self.run.error is not None:
            return "unreadable"
        return "passed" if self.run.gate.passed else "failed"

    def shown(self, r: CheckResult, value: Any) -> Any:
        """A result's observed or expected value in its metric's unit (percent for fractions)."""
        if value is None or not (r.check == "anomaly" or r.check.endswith("fraction")):
            return value
        return formatter(r.check_id if r.check == "anomaly" else r.check)(value)

    def row_id(self, check_id: str) -> str:
        """The anchor of a check's row (for links from the gate's blocking list)."""
        for row_id, r in self.results:
            if r.check_id == check_id:
                return row_id
        return ""


def _scale(value: float, low: float, high: float) -> float:
    """A value's y pixel in the plot (higher values are higher up)."""
    share = 0.5 if high == low else (value - low) / (high - low)
    return round(_PLOT_BOTTOM - share * (_PLOT_BOTTOM - _PLOT_TOP), 1)


def _number(value: Any) -> float | None:
    """A finite JSON number as a float; None for anything else (null, text, NaN, booleans)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _with_current(details: dict[str, Any], as_of: str | None) -> list[dict[str, Any]]:
    """The history ``series`` plus the value this run judged, when the series stops before it.

    The detector stores the runs it judged against (``series``) and the judged value apart
    (``value``, ``anomalous``); a chart needs both. A series that already ends on ``as_of``
    (older records, hand-made ones) is drawn as it is.
    """
    series = [dict(p) for p in details.get("series", []) if _number(p.get("value")) is not None]
    if series and as_of is not None and series[-1].get("as_of") == as_of:
        series[-1]["current"] = True
        return series
    value = _number(details.get("value"))
    if value is None:
        return series
    current = {"as_of": as_of or "this run", "value": value, "anomalous": bool(details.get("anomalous"))}
    return [*series, {**current, "current": True}]


def _baseline_days(series: list[dict[str, Any]], details: dict[str, Any], as_of: str | None) -> set[str] | None:
    """The days whose values made the baseline, when the details identify them; else None.

    The baseline is the ``n`` usable (not anomalous) runs from ``window_start`` to
    ``window_end``; with ``seasonality: day_of_week`` only those on the judged day's weekday.
    """
    start, end, n = details.get("window_start"), details.get("window_end"), details.get("n")
    if not (isinstance(start, str) and isinstance(end, str) and isinstance(n, int)):
        return None
    usable = [str(p["as_of"]) for p in series if start <= str(p.get("as_of")) <= end and not p.get("anomalous")]
    if len(usable) == n:
        return set(usable)
    weekday = _weekday(as_of)
    same = [day for day in usable if weekday is not None and _weekday(day) == weekday]
    return set(same) if len(same) == n else None


def _weekday(day: str | None) -> int | None:
    try:
        return date.fromisoformat(day).weekday() if day else None
    except ValueError:
        return None


def trend_chart(details: dict[str, Any], *, as_of: str | None = None, check_id: str = "") -> TrendChart | None:
    """Chart geometry for an anomaly's ``series`` (plus the judged value) and ``band``.

    Returns None if there is nothing to draw. ``as_of`` is the day the run judged: the
    current value is appended to the history under that label. Points that did not make the
    baseline (before its window, or other weekdays of a seasonal rule; flagged points stay
    marked as flagged) get ``baseline=False`` and the band starts at the baseline window, so
    the chart shows what the value was compared with.
    """
    series = _with_current(details, as_of)
    if not series:
        return None
    band = details.get("band") or {}
    low, high = _number(band.get("low")), _number(band.get("high"))
    values = [float(p["value"]) for p in series]
    median = _number(details.get("median"))
    extent = values + [v for v in (low, high, median) if v is not None]
    pad = (max(extent) - min(extent)) * 0.06 or 1.0
    lo, hi = min(extent) - pad, max(extent) + pad
    step = (_X_RIGHT - _X_LEFT) / max(len(series) - 1, 1)
    left = _X_LEFT if len(series) > 1 else 50.0
    used = _baseline_days(series, details, as_of)
    points = tuple(
        Point(
            round(left + i * step, 2),
            _scale(v, lo, hi),
            str(p.get("as_of", "")),
            v,
            bool(p.get("anomalous")),
            bool(p.get("current")),
            used is None or bool(p.get("current") or p.get("anomalous")) or str(p.get("as_of")) in used,
        )
        for i, (p, v) in enumerate(zip(series, values, strict=True))
    )
    start = details.get("window_start")
    first = next((p.x for p in points if isinstance(start, str) and p.label >= start), None)
    band_left = max(round(first - step / 2, 2), 0.0) if first is not None and first > left else 0.0
    in_band = [p.current or p.label in used for p in points] if used is not None else None
    segments = (
        band_segments([p.x for p in points], in_band, step) if in_band else [(band_left, round(100 - band_left, 2))]
    )
    return TrendChart(
        points=points,
        band_top=_scale(high, lo, hi) if high is not None else None,
        band_bottom=_scale(low, lo, hi) if low is not None else None,
        median_y=_scale(median, lo, hi) if median is not None else None,
        details=details,
        band_left=band_left,
        partial=used is not None and any(not p.baseline for p in points),
        segments=tuple(segments),
        seasonal=used is not None and len(segments) > 1 and len({_weekday(d) for d in used}) == 1,
        ticks=tuple((_scale(t, lo, hi), tick_label(t, check_id)) for t in nice_ticks(lo, hi)),
        fmt=formatter(check_id),
    )


def drift_bins(details: dict[str, Any]) -> list[Bin]:
    """Bar geometry for a drift's ``bins`` (baseline and current share per bin)."""
    raw = [
        (str(b.get("label", "")), _number(b.get("baseline_share")) or 0.0, _number(b.get("current_share")) or 0.0)
        for b in details.get("bins", [])
    ]
    widest = max((max(b, c) for _, b, c in raw), default=0.0) or 1.0
    return [Bin(label, b, c, round(b / widest * 100, 2), round(c / widest * 100, 2)) for label, b, c in raw]


def in_words(value: Any) -> str:
    """A value as words: a mapping of options reads ``sample size: 10,000; ignore columns: none``."""
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_word(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list | tuple) and any(isinstance(v, dict) for v in value):
        return " | ".join(in_words(v) for v in value)
    return format_value(value)


def _word(value: Any) -> str:
    return "none" if value in (None, [], {}, ()) else in_words(value)


def _dataset_view(
    index: int, dataset: DatasetRun, as_of: str | None = None, strips: dict[str, list[tuple[str, str]]] | None = None,
) -> DatasetView:  # fmt: skip
    anchor = f"ds-{index}"
    ordered = sorted(dataset.results, key=lambda r: r.status.rank, reverse=True)
    view = DatasetView(dataset, anchor, [(f"{anchor}-c{i}", r) for i, r in enumerate(ordered)], strips=strips or {})
    for row_id, r in view.results:
        chart = trend_chart(r.details, as_of=as_of, check_id=r.check_id) if "series" in r.details else None
        if chart is not None:
            view.trends.append((row_id, r, chart))
        if r.details.get("bins"):
            view.drifts.append((row_id, r, drift_bins(r.details)))
        if "change" in r.details:
            view.schema_changes.append((row_id, r))
        if r.status is Status.WAIVED and isinstance(r.details.get("waiver"), dict):
            view.waivers.append((row_id, r))
    return view


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _seconds(start: datetime, end: datetime) -> str:
    seconds = max((end - start).total_seconds(), 0.0)
    return f"{seconds:.2f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("stewardgate.reporters", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(value=in_words, pct=format_fraction, time=_format_time)
    env.globals.update(statuses=[s.value for s in Status], duration=_seconds)
    return env


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(
    run: RunResult, *, title: str | None = None, strips: dict[str, dict[str, list[tuple[str, str]]]] | None = None,
) -> str:  # fmt: skip
    """The run as one self-contained HTML page.

    Args:
        run: the run to report.
        title: the page title; defaults to ``stewardgate report <as_of>``.
        strips: per dataset, each check's statuses over the last stored runs, oldest first
            (:func:`stewardgate.history_view.check_strips`): drawn beside each check.
    """
    env = _environment()
    script = env.get_template("report.js").render()
    return env.get_template("report.html.j2").render(
        run=run,
        title=title or f"stewardgate report {run.as_of.isoformat()}",
        datasets=[
            _dataset_view(i, d, run.as_of.isoformat(), (strips or {}).get(d.dataset))
            for i, d in enumerate(run.datasets)
        ],
        style=Markup(env.get_template("report.css").render()),
        script=Markup(script),
        script_hash=_csp_hash(script),
        chart_height=CHART_HEIGHT,
        bin_row=_BIN_ROW,
    )
