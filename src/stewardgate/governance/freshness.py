"""The freshness limits: the newest value's age, a value in every period, the as-of day's data by a time.

Each limit is judged at the run's as-of time (:func:`now_of`: the end of the as-of date, midnight
UTC after it, as the profile's ``freshness_seconds``; the clock only when the run names no as-of
date). What it needs from the data are figures of the run's one pass (:func:`freshness_figures`:
the newest value, and one row count per period), spelled by each reader; without a column, the
newest time comes from metadata (:mod:`.freshness_sources`). Every result says which source it read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from stewardgate.engines.figures import Figure
from stewardgate.engines.outcome import MASK, Outcome
from stewardgate.errors import DatasetError
from stewardgate.planning.freshness import newest_words, source_words
from stewardgate.suite.durations import parse_duration
from stewardgate.suite.freshness_model import parse_time_of_day

if TYPE_CHECKING:
    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite

NEWEST, TODAY, PERIOD = "fresh:newest", "fresh:today", "fresh:period:"
CHECKS = ("max_age", "every", "available_by")
MAX_LISTED = 20


def now_of(as_of: date, moment: datetime | None) -> datetime:
    """The as-of time: the run's moment, else the end of the as-of date (midnight UTC after it)."""
    if moment is not None:
        return moment.astimezone(UTC)
    return datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)


def column_problem(column: str, schema: dict[str, Any]) -> str | None:
    """Why ``column`` cannot carry a freshness limit (missing, not a date or datetime), or None."""
    import polars as pl

    if column not in schema:
        from stewardgate.wording import suggest

        return f"column '{column}' is not in the data{suggest(column, list(schema))}"
    dtype = schema[column]
    if not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
        return f"column '{column}' is {dtype} in the data; a freshness column must be a date or datetime"
    return None


def check_usable(loaded: LoadedSuite, schema: dict[str, Any]) -> None:
    """A freshness column missing or of the wrong type, or a source the dataset cannot have: a
    located :class:`DatasetError` (exit 2), before the pass."""
    import polars as pl

    spec = loaded.suite.freshness
    if spec is None:
        return
    if spec.column is not None:
        problem = column_problem(spec.column, schema)
        if problem is None and spec.every is not None and schema[spec.column] == pl.Date:
            if parse_duration(spec.every) % timedelta(days=1):
                problem = f"column '{spec.column}' is a date; every {spec.every} is not a whole number of days"
        if problem is not None:
            raise DatasetError(f"{loaded.where('freshness', 'column')}: {problem}")
        return
    table = loaded.suite.dataset.is_table
    if not isinstance(spec.source, str) and not table:
        raise DatasetError(f"{loaded.where('freshness', 'source')}: {{table, column}} reads another table on the "
                           "dataset's connection: a SQL dataset only (a file dataset: modified or stamp)")  # fmt: skip
    if spec.source in ("modified", "stamp") and table:
        raise DatasetError(f"{loaded.where('freshness', 'source')}: a SQL table has no file modification time or "
                           "stamp: name a column, or {table, column} (e.g. a load log)")  # fmt: skip


def freshness_figures(p: PlannedCheck, schema: dict[str, Any], now: datetime, where: str | None = None) -> list[Figure]:
    """The figures one freshness check needs from the run's one pass (none for file metadata);
    ``where``: the location of ``freshness.source`` (a reader names it when the table is not there)."""
    column = p.args.get("column")
    source = p.args.get("source")
    if column is None:
        if isinstance(source, dict) and p.check in ("max_age", "available_by"):
            return [Figure(NEWEST, "max_of_table", source["column"], table=source["table"], where=where)]
        return []
    if column not in schema or column_problem(column, schema) is not None:
        return []  # refused before the pass (check_usable); judged errored if it comes here
    is_date = _is_date(schema[column])
    if p.check == "max_age":  # values after the as-of time are not yet there at it (a backfill's past date)
        return [Figure(NEWEST, "max", column, end=now.date() if is_date else now)]
    if p.check == "every":
        return [Figure(f"{PERIOD}{i}", "count_between", column, start=s, end=e)
                for i, (s, e) in enumerate(_bounds(periods(p, now), is_date))]  # fmt: skip
    start, end = today_of(p, now)
    ((s, e),) = _bounds([(start, end)], is_date)
    if not is_date:  # the day's rows there at the as-of time (a backfill's past date has later ones)
        e = min(e, now)
    return [Figure(TODAY, "count_between", column, start=s, end=e)]


def periods(p: PlannedCheck, now: datetime) -> list[tuple[datetime, datetime]]:
    """The complete periods of the window before ``now``, oldest first: whole days end at the
    start of the as-of time's UTC day, hours at the start of its hour."""
    every, window = parse_duration(p.args["every"]), parse_duration(p.args["window"])
    step = timedelta(days=1) if every % timedelta(days=1) == timedelta(0) else timedelta(hours=1)
    anchor = datetime.min.replace(tzinfo=UTC) + ((now - datetime.min.replace(tzinfo=UTC)) // step) * step
    n = window // every
    return [(anchor - k * every, anchor - (k - 1) * every) for k in range(n, 0, -1)]


def today_of(p: PlannedCheck, now: datetime) -> tuple[datetime, datetime]:
    """The as-of day in the zone of ``available_by``: its start and the next day's start."""
    _, zone = parse_time_of_day(p.args["available_by"])
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), time(0), tzinfo=zone)
    if local == start:  # the end of the as-of date is midnight: the day that just ended
        start -= timedelta(days=1)
    return start, start + timedelta(days=1)


def _bounds(spans: list[tuple[datetime, datetime]], is_date: bool) -> list[tuple[Any, Any]]:
    """Spans as a date column compares them (local dates) or as instants in UTC."""
    if is_date:
        return [(s.date(), e.date()) for s, e in spans]
    return [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in spans]


def _is_date(dtype: Any) -> bool:
    import polars as pl

    return bool(dtype == pl.Date)


def judge_freshness(
    p: PlannedCheck, loaded: LoadedSuite, scanned: ScannedDataset, extra: dict[str, Any], *, now: datetime,
    masked: set[str],
) -> Outcome:  # fmt: skip
    """The outcome of one freshness limit, from the pass's figures or the dataset's metadata."""
    column = p.args.get("column")
    if column is not None:
        problem = column_problem(column, scanned.schema)
        if problem is not None:
            return Outcome(ok=False, errored=f"{loaded.where('freshness', 'column')}: {problem}")
    shown_now = _when(now)
    if p.check == "every":
        return _judge_every(p, extra, now)
    if p.check == "available_by":
        return _judge_available(p, scanned, extra, now, masked)
    newest, said, raw = _newest(p, scanned, extra)
    limit = parse_duration(p.args["max_age"])
    details = {"source": said, "as_of_time": shown_now, "max_age": p.args["max_age"]}
    if newest is None:
        return Outcome(ok=False, details={**details, "newest": None},
                       message=f"no value to judge: {said} has none (at most {p.args['max_age']} old, as of {shown_now})")  # fmt: skip
    age = max(now - newest, timedelta(0))  # a date of the as-of day counts as its end: not older than now
    shown = MASK if column in masked else raw
    details.update(newest=shown, age_seconds=int(age.total_seconds()))
    words = f"{newest_words(p.args).removeprefix('the ')} {shown} is {_span(age)} old at {shown_now}"
    if age <= limit:
        return Outcome(ok=True, observed=_hours(age), details=details, message=f"{words} (at most {p.args['max_age']})")
    return Outcome(ok=False, observed=_hours(age), details=details,
                   message=f"stale: {words}, older than the limit of {p.args['max_age']}")  # fmt: skip


def _judge_every(p: PlannedCheck, extra: dict[str, Any], now: datetime) -> Outcome:
    spans = periods(p, now)
    daily = parse_duration(p.args["every"]) % timedelta(days=1) == timedelta(0)
    labels = [_period_label(s, e, daily) for s, e in spans]
    counts = [int(extra.get(f"{PERIOD}{i}") or 0) for i in range(len(spans))]
    missing = [label for label, n in zip(labels, counts, strict=True) if n == 0]
    details = {"source": p.args["column"], "every": p.args["every"], "window": p.args["window"],
               "as_of_time": _when(now), "periods": len(spans), "missing": missing}  # fmt: skip
    what = f"every {p.args['every']} of the last {p.args['window']} before {_when(now)} ({labels[0]} … {labels[-1]})"
    if not missing:
        return Outcome(ok=True, failing=0, observed=0, details=details,
                       message=f"{p.args['column']} has values in all {len(spans)} periods: {what}")  # fmt: skip
    listed = ", ".join(missing[:MAX_LISTED]) + (
        f" and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
    )
    return Outcome(ok=False, failing=len(missing), observed=len(missing), details=details,
                   message=f"{len(missing)} of {len(spans)} periods have no {p.args['column']} value: {listed} ({what})")  # fmt: skip


def _judge_available(
    p: PlannedCheck, scanned: ScannedDataset, extra: dict[str, Any], now: datetime, masked: set[str]
) -> Outcome:  # fmt: skip
    due_time, zone = parse_time_of_day(p.args["available_by"])
    start, end = today_of(p, now)
    day = start.date()
    due = datetime.combine(day, due_time, tzinfo=zone)
    said = source_words(p.args)
    details: dict[str, Any] = {"source": said, "day": day.isoformat(), "due": _when(due), "as_of_time": _when(now)}
    if now < due:
        return Outcome(ok=True, details={**details, "due_yet": False},
                       message=f"not due yet: {day}'s data is due by {p.args['available_by']}; as of {_when(now)}")  # fmt: skip
    if "column" in p.args:
        rows = int(extra.get(TODAY) or 0)
        details["rows"] = rows
        if rows:
            return Outcome(ok=True, observed=rows, details=details,
                           message=f"{rows:,} rows of {day} on {said}, due by {p.args['available_by']} (as of {_when(now)})")  # fmt: skip
        return Outcome(ok=False, observed=0, details=details,
                       message=f"late: no rows of {day} on {said} at {_when(now)}; due by {p.args['available_by']}")  # fmt: skip
    newest, said, raw = _newest(p, scanned, extra)
    details["newest"] = raw if newest is not None else None
    if newest is not None and newest >= start:
        return Outcome(ok=True, details=details,
                       message=f"{said} {raw} is on {day}, due by {p.args['available_by']} (as of {_when(now)})")  # fmt: skip
    before = f"is {raw}" if newest is not None else "has no value"
    return Outcome(ok=False, details=details,
                   message=f"late: {said} {before}, before {day}; due by {p.args['available_by']} (as of {_when(now)})")  # fmt: skip


def _newest(p: PlannedCheck, scanned: ScannedDataset, extra: dict[str, Any]) -> tuple[datetime | None, str, str]:
    """The newest time of the data (an instant), the words for where it came from, and the value as shown."""
    from stewardgate.governance.freshness_sources import as_instant, newest_modified, newest_stamp

    said = source_words(p.args)
    source = p.args.get("source")
    if source == "modified":
        instant = newest_modified(scanned.resolved)
    elif source == "stamp":
        instant = newest_stamp(scanned.resolved)
    else:
        value = extra.get(NEWEST)
        instant = as_instant(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            return instant, said, f"{value.isoformat()} (a date: counted as its end)"
    return instant, said, _when(instant) if instant is not None else "none"


def _period_label(start: datetime, end: datetime, daily: bool) -> str:
    if daily and end - start == timedelta(days=1):
        return start.date().isoformat()
    if daily:
        return f"{start.date()}..{(end - timedelta(days=1)).date()}"
    return start.strftime("%Y-%m-%d %H:00Z")


def _when(moment: datetime) -> str:
    text = moment.isoformat(sep=" ", timespec="seconds" if moment.second or moment.microsecond else "minutes")
    return text.replace("+00:00", "Z")


def _span(age: timedelta) -> str:
    """``3d 4h``, ``26h 5min``, ``45min``."""
    minutes = int(age.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}min" if mins else ""]
    return " ".join(x for x in parts if x) or "0min"


def _hours(age: timedelta) -> float:
    return round(age.total_seconds() / 3600, 2)
