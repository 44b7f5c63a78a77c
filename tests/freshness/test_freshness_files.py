"""Freshness limits on files, end to end through the CLI, with pinned as-of dates.

The data: one row an hour on 2026-11-19 … 2026-11-25 (UTC) with a date column beside the
timestamp; ``run --as-of 2026-11-25`` judges at 2026-11-26 00:00Z (the end of the as-of date).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

AS_OF = "2026-11-25"
START = datetime(2026, 11, 19, tzinfo=UTC)


def _hourly(skip_day: date | None = None, days: int = 7) -> pl.DataFrame:
    stamps = [START + timedelta(hours=h) for h in range(24 * days)]
    stamps = [t for t in stamps if t.date() != skip_day]
    return pl.DataFrame({
        "id": list(range(len(stamps))),
        "amount": [float(i) for i in range(len(stamps))],
        "ts": pl.Series(stamps, dtype=pl.Datetime("us", "UTC")),
        "day": [t.date() for t in stamps],
    })  # fmt: skip


def _run(cli: Any, folder: Path, *args: str, as_of: str = AS_OF) -> tuple[int, dict[str, Any], str, str]:
    code, out, err = cli("run", "suite.yml", "--as-of", as_of, "--no-history", "--json", "run.json", *args, cwd=folder)
    report = json.loads((folder / "run.json").read_text(encoding="utf-8")) if (folder / "run.json").exists() else {}
    return code, report, out, err


def _results(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (ds,) = report["datasets"]
    return {r["check_id"]: r for r in ds["results"] if ".freshness." in r["check_id"]}


LIMITS = {"column": "ts", "max_age": "26h", "every": "1d", "available_by": "06:00Z"}


def test_fresh_data_passes_every_limit_with_words_naming_the_source(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    make_suite(data=_hourly(), top={"freshness": LIMITS})
    code, report, out, _ = _run(cli, tmp_path)
    results = _results(report)
    assert code == 0, out
    assert {k: r["status"] for k, r in results.items()} == {
        "t.freshness.max_age": "passed", "t.freshness.every": "passed", "t.freshness.available_by": "passed",
    }  # fmt: skip
    assert results["t.freshness.max_age"]["message"] == (
        "newest ts 2026-11-25 23:00Z is 1h old at 2026-11-26 00:00Z (at most 26h)"
    )
    assert results["t.freshness.max_age"]["details"]["source"] == "ts"
    assert results["t.freshness.every"]["message"] == (
        "ts has values in all 7 periods: every 1d of the last 7d before 2026-11-26 00:00Z (2026-11-19 … 2026-11-25)"
    )
    assert results["t.freshness.available_by"]["message"] == (
        "24 rows of 2026-11-25 on ts, due by 06:00Z (as of 2026-11-26 00:00Z)"
    )


def test_the_same_data_two_days_later_is_stale_late_and_missing_two_days(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    make_suite(data=_hourly(), top={"freshness": LIMITS})
    code, report, out, _ = _run(cli, tmp_path, as_of="2026-11-27")
    results = _results(report)
    assert code == 1, out
    assert results["t.freshness.max_age"]["status"] == "failed"
    assert results["t.freshness.max_age"]["message"] == (
        "stale: newest ts 2026-11-25 23:00Z is 2d 1h old at 2026-11-28 00:00Z, older than the limit of 26h"
    )
    assert results["t.freshness.every"]["message"] == (
        "2 of 7 periods have no ts value: 2026-11-26, 2026-11-27 "
        "(every 1d of the last 7d before 2026-11-28 00:00Z (2026-11-21 … 2026-11-27))"
    )
    assert results["t.freshness.every"]["failing_count"] == 2
    assert results["t.freshness.available_by"]["message"] == (
        "late: no rows of 2026-11-27 on ts at 2026-11-28 00:00Z; due by 06:00Z"
    )


def test_a_missing_partition_day_is_named_on_a_hive_date_column(
    tmp_path: Path, suite_writer: Callable[..., Path], cli: Any
) -> None:  # fmt: skip
    frame = _hourly(skip_day=date(2026, 11, 22))
    for (day,), part in frame.group_by("day"):
        folder = tmp_path / "events" / f"day={day}"
        folder.mkdir(parents=True)
        part.drop("day").write_parquet(folder / "part-0.parquet")
    suite_writer(tmp_path, path="events", top={"freshness": {"column": "day", "every": "1d", "window": "7d"}})
    code, report, out, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.every"]
    assert code == 1, out
    assert result["status"] == "failed"
    assert result["details"]["missing"] == ["2026-11-22"]
    assert result["message"].startswith("1 of 7 periods have no day value: 2026-11-22 ")


def test_hourly_periods_and_a_date_counted_as_the_end_of_its_day(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    frame = _hourly().filter(pl.col("ts") < datetime(2026, 11, 25, 21, tzinfo=UTC))  # the last 3 hours missing
    make_suite(data=frame, top={"freshness": {"column": "ts", "every": "1h", "window": "6h"}})
    _, report, _, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.every"]
    assert result["details"]["missing"] == ["2026-11-25 21:00Z", "2026-11-25 22:00Z", "2026-11-25 23:00Z"]
    (tmp_path / "run.json").unlink()
    make_suite(data=frame, top={"freshness": {"column": "day", "max_age": "1h"}})
    _, report, _, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.max_age"]
    assert result["status"] == "passed"
    assert result["message"] == (
        "newest day 2026-11-25 (a date: counted as its end) is 0min old at 2026-11-26 00:00Z (at most 1h)"
    )


def test_available_by_in_an_offset_zone_is_not_due_before_its_time(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    # 2026-11-26 00:00Z is 2026-11-25 16:00 at -08:00: 23:00-08:00 is not due yet, 09:00-08:00 is.
    frame = _hourly().filter(pl.col("ts") < datetime(2026, 11, 25, 8, tzinfo=UTC))  # nothing of the 25th at -08:00
    make_suite(data=frame, top={"freshness": {"column": "ts", "available_by": "23:00-08:00"}})
    code, report, out, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.available_by"]
    assert (code, result["status"]) == (0, "passed"), out
    assert result["message"] == ("not due yet: 2026-11-25's data is due by 23:00-08:00; as of 2026-11-26 00:00Z")
    (tmp_path / "run.json").unlink()
    make_suite(data=frame, top={"freshness": {"column": "ts", "available_by": "09:00-08:00"}})
    code, report, out, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.available_by"]
    assert (code, result["status"]) == (1, "failed"), out
    assert result["message"] == "late: no rows of 2026-11-25 on ts at 2026-11-26 00:00Z; due by 09:00-08:00"


def test_a_file_without_a_time_column_falls_back_to_its_modification_time(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    make_suite(data=_hourly().drop("ts", "day"), top={"freshness": {"source": "modified", "max_age": "1d"}})
    written = datetime(2026, 11, 25, 10, tzinfo=UTC).timestamp()
    os.utime(tmp_path / "data.parquet", (written, written))
    code, report, out, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.max_age"]
    assert code == 0, out
    assert result["message"] == (
        "newest file modification time 2026-11-25 10:00Z is 14h old at 2026-11-26 00:00Z (at most 1d)"
    )
    assert result["details"]["source"] == "the newest file modification time"
    code, report, _, _ = _run(cli, tmp_path, as_of="2026-11-27")
    assert (code, _results(report)["t.freshness.max_age"]["status"]) == (1, "failed")


def test_the_stamp_time_is_a_fallback_too(make_suite: Callable[..., Path], tmp_path: Path, cli: Any) -> None:
    from stewardgate.governance.stamp import stamp_suite
    from stewardgate.suite.loader import load_suite

    suite = make_suite(data=_hourly().drop("ts", "day"), top={"freshness": {"source": "stamp", "max_age": "12h"}})
    code, report, _, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.max_age"]
    assert (code, result["status"]) == (1, "failed")  # no stamp yet: nothing to judge, never passed
    assert result["message"].startswith("no value to judge: the newest stewardship stamp's time has none")
    stamp_suite(load_suite(suite), at=datetime(2026, 11, 25, 18, 30, tzinfo=UTC))
    code, report, _, _ = _run(cli, tmp_path)
    result = _results(report)["t.freshness.max_age"]
    assert (code, result["status"]) == (0, "passed")
    assert result["details"]["newest"] == "2026-11-25 18:30Z"


def test_a_freshness_failure_is_waivable_stored_in_every_report_and_the_plan(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    waiver = {"check": "freshness.max_age", "reason": "late upstream", "approved_by": "jane@example.com",
              "expires": date(2026, 12, 31)}  # fmt: skip
    make_suite(data=_hourly(), top={"freshness": {"column": "ts", "max_age": "26h"}, "waivers": [waiver]})
    store = f"sqlite:///{tmp_path / 'history.db'}"
    code, out, err = cli("run", "suite.yml", "--as-of", "2026-11-27", "--store", store, "--json", "run.json",
                         "--junit", "run.xml", "--html", "run.html", "--markdown", "run.md", cwd=tmp_path)  # fmt: skip
    assert code == 0, out + err
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert _results(report)["t.freshness.max_age"]["status"] == "waived"
    for name, written in (("run.xml", "t.freshness.max_age"), ("run.md", "t.freshness.max_age"),
                          ("run.html", "freshness.<wbr>max_age")):  # fmt: skip
        assert written in (tmp_path / name).read_text(encoding="utf-8"), name
    code, out, err = cli("audit", "verify", "--store", store, cwd=tmp_path)
    assert code == 0, out + err
    code, out, _ = cli("plan", "suite.yml", cwd=tmp_path)
    assert code == 0
    assert "t.freshness.max_age" in out and "freshness: the newest ts at most 26h old at the as-of time" in out


@pytest.mark.parametrize(
    ("freshness", "message"),
    [
        ({"column": "tss", "max_age": "1d"},
         "suite.yml:4:{col}: freshness.column: column 'tss' is not in the data (did you mean 'ts'? allowed: id, amount, ts, day)"),
        ({"column": "amount", "max_age": "1d"},
         "suite.yml:4:{col}: freshness.column: column 'amount' is Float64 in the data; a freshness column must be a date or datetime"),
        ({"column": "day", "every": "6h"},
         "suite.yml:4:{col}: freshness.column: column 'day' is a date; every 6h is not a whole number of days"),
    ],
)  # fmt: skip
def test_a_column_the_data_cannot_carry_is_a_located_input_error(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any, freshness: dict[str, str], message: str
) -> None:  # fmt: skip
    suite = make_suite(data=_hourly(), top={"freshness": freshness})
    code, out, err = cli("run", "suite.yml", "--as-of", AS_OF, "--no-history", cwd=tmp_path)
    line = suite.read_text(encoding="utf-8").splitlines()[3]
    expected = message.format(col=line.index(f'"{freshness["column"]}"') + 1)
    assert code == 2, out
    assert err.strip() == f"error: t: {expected}"
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    ("freshness", "problem"),
    [
        ({"column": "ts", "max_age": "26 hours"},
         "freshness.max_age: '26 hours' is not a duration (a duration like 26h, 90min, 2d, 1w or ISO-8601 PT26H / P1DT2H (no months or years))"),
        ({"column": "ts", "every": "1mo"},
         "freshness.every: '1mo' is not a duration (a duration like 26h, 90min, 2d, 1w or ISO-8601 PT26H / P1DT2H (no months or years))"),
        ({"column": "ts", "available_by": "25:00"},
         "freshness.available_by: '25:00' is not a time of day HH:MM, optionally with seconds and a UTC offset: 06:00, 06:00Z, 09:00-08:00"),
        ({"source": "modified", "every": "1d"},
         "freshness: every needs column: a metadata source has one time, not one per period"),
        ({"column": "ts"}, "freshness: declare at least one limit: max_age, every or available_by"),
        ({"column": "ts", "every": "1d", "window": "36h"}, "freshness: window 36h is not a whole number of periods of 1d"),
    ],
)  # fmt: skip
def test_a_limit_that_does_not_parse_is_a_suite_error(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any, freshness: dict[str, str], problem: str
) -> None:  # fmt: skip
    make_suite(data=_hourly(), top={"freshness": freshness})
    code, out, err = cli("run", "suite.yml", "--as-of", AS_OF, "--no-history", "--json", "run.json", cwd=tmp_path)
    assert code == 2
    assert problem in err
    assert err.splitlines()[0].startswith("suite.yml:4:")
    assert not (tmp_path / "run.json").exists()  # nothing half-written


def test_the_plan_lists_exactly_the_checks_the_run_reports(make_suite: Callable[..., Path], tmp_path: Path) -> None:
    from stewardgate.planning import plan_suite
    from stewardgate.runner import RunOptions, run_paths
    from stewardgate.suite.loader import load_suite

    suite = make_suite(data=_hourly(), top={"freshness": LIMITS})
    planned = [p.check_id for p in plan_suite(load_suite(suite)) if p.when is None]
    (dataset,) = run_paths([suite], RunOptions(as_of=date(2026, 11, 25), use_store=False)).datasets
    assert [r.check_id for r in dataset.results] == planned
    assert [p for p in planned if ".freshness." in p] == [
        "t.freshness.max_age", "t.freshness.every", "t.freshness.available_by",
    ]  # fmt: skip


def test_an_as_of_time_of_day_decides_whether_data_is_due_and_hides_later_rows(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    make_suite(data=_hourly(), top={"freshness": {"column": "ts", "max_age": "2h", "available_by": "06:00Z"}})
    _, report, _, _ = _run(cli, tmp_path, as_of="2026-11-25T05:30Z")
    results = _results(report)
    assert results["t.freshness.available_by"]["message"] == (
        "not due yet: 2026-11-25's data is due by 06:00Z; as of 2026-11-25 05:30Z"
    )
    assert results["t.freshness.max_age"]["message"] == (  # the rows after 05:30 are not there yet at 05:30
        "newest ts 2026-11-25 05:00Z is 30min old at 2026-11-25 05:30Z (at most 2h)"
    )
    _, report, _, _ = _run(cli, tmp_path, as_of="2026-11-25T07:30:00+01:00")  # 06:30Z: due, and there
    assert _results(report)["t.freshness.available_by"]["message"] == (
        "7 rows of 2026-11-25 on ts, due by 06:00Z (as of 2026-11-25 06:30Z)"
    )
    code, _, err = cli("run", "suite.yml", "--as-of", "2026-11-25T25:00", "--no-history", cwd=tmp_path)
    assert code == 2
    assert "Invalid value for '--as-of': '2026-11-25T25:00' does not match the formats" in err
