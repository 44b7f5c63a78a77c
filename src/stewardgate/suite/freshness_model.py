"""The suite model of ``freshness:``: absolute freshness and delivery limits.

::

    freshness:
      column: ts              # a date or datetime column (a hive partition column counts);
                              # without one, source names a metadata fallback
      max_age: 26h            # the newest value at most this old at the as-of time
      every: 1d               # a value in every period (hours, days, weeks) ...
      window: 7d              # ... of the last 7 days before the as-of time (default: 7 periods)
      available_by: "06:00Z"  # past 06:00 (UTC, or the offset written) the as-of day's data is there
      severity: warn          # of every limit (default error)

Without ``column``, ``source`` says where the newest time comes from: ``modified`` (the newest
file's modification time), ``stamp`` (the newest stewardship stamp's ``stamped_at``) or
``{table: etl.loads, column: loaded_at}`` (the newest value of a column of another table on the
same connection, for SQL datasets). ``every`` needs ``column``. This module imports no engine
library (validation stays fast).
"""

from __future__ import annotations

import re
from datetime import UTC, time, timedelta, timezone, tzinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stewardgate.suite.durations import DURATION_HELP, parse_duration

SeverityName = Literal["info", "warn", "error"]
LIMITS = ("max_age", "every", "available_by")
"""The limits, in plan order; each is its own check ``<dataset>.freshness.<limit>``."""
MAX_PERIODS = 1000
DEFAULT_PERIODS = 7
_TIME = re.compile(r"\A([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?\Z")
_TABLE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*)?\Z")
TIME_HELP = "a time of day HH:MM, optionally with seconds and a UTC offset: 06:00, 06:00Z, 09:00-08:00"


def parse_time_of_day(text: str) -> tuple[time, tzinfo]:
    """``06:00`` (UTC), ``06:00Z``, ``09:00-08:00``, ``09:00:30+0530``: the time and its zone."""
    match = _TIME.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not {TIME_HELP}")
    hour, minute, second, offset = match.groups()
    zone: tzinfo = UTC
    if offset and offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        zone = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return time(int(hour), int(minute), int(second or 0)), zone


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TableSource(_Strict):
    """The newest value of a column of another table on the dataset's connection (a load log)."""

    table: str = Field(description="The table, as schema.table or table.")
    column: str = Field(description="Its date or datetime column; the newest value is the dataset's time.")

    @field_validator("table")
    @classmethod
    def _table(cls, v: str) -> str:
        if not _TABLE.match(v):
            raise ValueError(f"'{v}' is not a table name (schema.table or table: letters, digits, _)")
        return v


Source = Literal["modified", "stamp"] | TableSource


class Freshness(_Strict):
    """Absolute freshness and delivery limits, each its own check, judged at the run's as-of time."""

    column: str | None = Field(default=None, description="The date or datetime column the limits read.")
    source: Source | None = Field(
        default=None,
        description="Without column: modified (the newest file's modification time), stamp (the newest "
        "stewardship stamp's time) or {table, column} (another table's column, SQL datasets).",
    )
    max_age: str | None = Field(default=None, description=f"The newest value at most this old: {DURATION_HELP}.")
    every: str | None = Field(
        default=None, description=f"A value in every period of the window (needs column): {DURATION_HELP}."
    )
    window: str | None = Field(
        default=None, description=f"How far back every period must be present (default 7 periods): {DURATION_HELP}."
    )
    available_by: str | None = Field(
        default=None, description=f"Past this time on the as-of day, that day's data must be there: {TIME_HELP}."
    )
    severity: SeverityName | None = Field(default=None, description="Severity of a failed limit (default error).")

    @field_validator("max_age", "every", "window")
    @classmethod
    def _duration(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v

    @field_validator("available_by")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        if v is not None:
            parse_time_of_day(v)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Freshness:
        if all(getattr(self, k) is None for k in LIMITS):
            raise ValueError("declare at least one limit: max_age, every or available_by")
        if self.column is not None and self.source is not None:
            raise ValueError("give column (the data's own times) or source (a metadata fallback), not both")
        if self.column is None and self.source is None:
            raise ValueError("give column (a date or datetime column), or source: modified, stamp or {table, column}")
        if self.every is None:
            if self.window is not None:
                raise ValueError("window needs every (the period that must be present)")
            return self
        if self.column is None:
            raise ValueError("every needs column: a metadata source has one time, not one per period")
        every, window = parse_duration(self.every), self.window_length
        if window % every:
            raise ValueError(f"window {self.window} is not a whole number of periods of {self.every}")
        if window // every > MAX_PERIODS:
            raise ValueError(
                f"window {self.window} holds {window // every} periods of {self.every}; at most {MAX_PERIODS}"
            )
        if every % timedelta(hours=1):
            raise ValueError(f"every {self.every} is not a whole number of hours")
        return self

    @property
    def window_length(self) -> timedelta:
        """The window every period must be present in (default :data:`DEFAULT_PERIODS` periods)."""
        if self.window is not None:
            return parse_duration(self.window)
        return DEFAULT_PERIODS * parse_duration(self.every or "1d")

    @property
    def declared(self) -> list[str]:
        """The limits written, in plan order."""
        return [k for k in LIMITS if getattr(self, k) is not None]
