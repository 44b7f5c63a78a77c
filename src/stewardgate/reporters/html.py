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
from datetime import UTC, datetime
from typing import Any

import jinja2
from markupsafe import Markup

from stewardgate.reporters.markdown import format_fraction, format_value
from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

CHART_HEIGHT = 180
_PLOT_TOP, _PLOT_BOTTOM = 14.0, 150.0
_X_LEFT, _X_RIGHT = 2.0, 98.0
_BIN_ROW = 38


@dataclass(frozen=True)
class Point:
    """One point of a trend: x in percent of the width, y in pixels."""

    x: float
    y: float
    label: str
    value: float
    anomalous: bool


@dataclass(frozen=True)
class TrendChart:
    """An anomaly's metric history, scaled for a chart ``CHART_HEIGHT`` pixels high."""

    points: tuple[Point, ...]
    band_top: float | None
    band_bottom: float | None
    median_y: float | None
    details: dict[str, Any]

    @property
    def flagged(self) -> int:
        return sum(p.anomalous for p in self.points)


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

    @property
    def verdict(self) -> str:
        if self.run.error is not None:
            return "unreadable"
        return "passed" if self.run.gate.passed else "failed"

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


def trend_chart(details: dict[str, Any]) -> TrendChart | None:
    """Chart geometry for an anomaly's ``series`` and ``band``; None if there is nothing to draw."""
    series = [p for p in details.get("series", []) if _number(p.get("value")) is not None]
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
    points = tuple(
        Point(round(left + i * step, 2), _scale(v, lo, hi), str(p.get("as_of", "")), v,
              bool(p.get("anomalous")))
        for i, (p, v) in enumerate(zip(series, values, strict=True))
    )
    return TrendChart(
        points=points,
        band_top=_scale(high, lo, hi) if high is not None else None,
        band_bottom=_scale(low, lo, hi) if low is not None else None,
        median_y=_scale(median, lo, hi) if median is not None else None,
        details=details,
    )


def drift_bins(details: dict[str, Any]) -> list[Bin]:
    """Bar geometry for a drift's ``bins`` (baseline and current share per bin)."""
    raw = [
        (str(b.get("label", "")), _number(b.get("baseline_share")) or 0.0,
         _number(b.get("current_share")) or 0.0)
        for b in details.get("bins", [])
    ]
    widest = max((max(b, c) for _, b, c in raw), default=0.0) or 1.0
    return [
        Bin(label, b, c, round(b / widest * 100, 2), round(c / widest * 100, 2))
        for label, b, c in raw
    ]


def _dataset_view(index: int, dataset: DatasetRun) -> DatasetView:
    anchor = f"ds-{index}"
    ordered = sorted(dataset.results, key=lambda r: r.status.rank, reverse=True)
    view = DatasetView(dataset, anchor, [(f"{anchor}-c{i}", r) for i, r in enumerate(ordered)])
    for row_id, r in view.results:
        chart = trend_chart(r.details) if "series" in r.details else None
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
    env.filters.update(value=format_value, pct=format_fraction, time=_format_time)
    env.globals.update(statuses=[s.value for s in Status], duration=_seconds)
    return env


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render(run: RunResult, *, title: str | None = None) -> str:
    """The run as one self-contained HTML page.

    Args:
        run: the run to report.
        title: the page title; defaults to ``stewardgate report <as_of>``.
    """
    env = _environment()
    script = env.get_template("report.js").render()
    return env.get_template("report.html.j2").render(
        run=run,
        title=title or f"stewardgate report {run.as_of.isoformat()}",
        datasets=[_dataset_view(i, d) for i, d in enumerate(run.datasets)],
        style=Markup(env.get_template("report.css").render()),
        script=Markup(script),
        script_hash=_csp_hash(script),
        chart_height=CHART_HEIGHT,
        bin_row=_BIN_ROW,
    )
