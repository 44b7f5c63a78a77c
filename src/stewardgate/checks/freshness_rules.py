"""Freshness and delivery limits written under ``freshness:``, each its own check
(``<dataset>.freshness.<limit>``), judged by the governance executor at the run's as-of time."""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

_AS_OF = """The as-of time is the end of the run's as-of date (midnight UTC after it: `run --as-of
    2026-11-25` judges at 2026-11-26 00:00Z), or the time `--as-of 2026-11-25T07:30Z` names; only
    a run without an as-of date reads the clock."""

add(
    CheckType(
        "max_age",
        "freshness",
        "governance",
        f"""The newest value must be at most `max_age` old at the as-of time, or the check fails as stale.

    The newest value of `freshness.column` at or before the as-of time (a date or datetime column;
    a date counts as the end of that day, a datetime without a time zone as UTC) is one aggregate of the run's one pass (in
    the database for a SQL table). Without a column, `source` names the metadata it reads:
    `modified` (the newest file's modification time, or S3 object's), `stamp` (the newest
    stewardship stamp's `stamped_at`) or `{{table, column}}` (the newest value of another table's
    column on the same connection, e.g. a load log). The result names the source it read.
    {_AS_OF}

    Why: a gate that passes yesterday's data as today's is the failure freshness limits exist for.

    ```yaml
    freshness: {{column: ts, max_age: 26h}}    # or 2d, 90min, PT26H
    ```

    A column missing from the data, or not a date or datetime, is an input error located at
    `freshness.column` (exit 2).
    """,
    )
)

add(
    CheckType(
        "every",
        "freshness",
        "governance",
        f"""Every period of the window must hold a value (a partition per day, say), or each missing one is named.

    `every` (hours, days or weeks) and `window` (default 7 periods) divide the time before the
    as-of time into complete periods: whole days end at the start of the as-of time's UTC day,
    hours at the start of its hour. Each period's row count is one aggregate of the run's one
    pass; a period with no row of `freshness.column` is missing. A hive partition column (`event_date=...`)
    is a date column like any other. {_AS_OF}

    ```yaml
    freshness: {{column: event_date, every: 1d, window: 14d}}
    ```

    Needs `column` (a metadata source has one time, not one per period). A date column needs
    whole days. At most 1000 periods.
    """,
    )
)

add(
    CheckType(
        "available_by",
        "freshness",
        "governance",
        f"""Past `available_by` on the as-of day, that day's data must be there, or the check fails as late.

    The time is `HH:MM` in UTC, or with an offset (`06:00Z`, `09:00-08:00`, as ODCS writes
    `timeOfAvailability`); the as-of day is the as-of time's date in that zone (at midnight, the
    day that just ended). Before the time the check passes as not due yet. With a column, the
    day's rows are counted in the run's one pass; with a metadata `source`, its time must fall on
    that day. {_AS_OF}

    ```yaml
    freshness: {{column: order_ts, available_by: "06:00Z"}}
    ```
    """,
    )
)
