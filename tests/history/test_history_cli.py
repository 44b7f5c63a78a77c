"""Nightly use through the CLI: backfill, then run; history, backtest; parallel runs; PostgreSQL."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

REPO = Path(__file__).parent.parent.parent
NIGHTLY = REPO / "examples" / "nightly"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


@pytest.mark.slow
def test_backfill_then_run_catches_the_planted_incidents(cli: Callable[..., Any], store_url: str) -> None:
    code, out, err = cli("backfill", NIGHTLY, "--from", "2026-09-01", "--to", "2026-10-21", "--store", store_url)
    lines = out.splitlines()
    assert len(lines) == 52, err  # one line per night, then the summary
    assert lines[-1] == "51 nights, 1 failed (2026-10-14 orders_daily)"
    flagged = [line for line in lines if "anomalies:" in line]
    assert flagged == ["2026-10-14  orders_daily  gate FAILED  anomalies: orders_daily.anomalies.row_count"]
    assert code == 1  # the outage night failed its gate
    code, out, err = cli("run", NIGHTLY, "--as-of", "2026-10-22", "--store", store_url, "--quiet")
    assert code == 1, err
    assert "FAIL   orders_daily.anomalies.email.null_fraction" in out
    assert "row_count" not in out  # the row count that night is normal


def test_cold_start_is_learning_and_never_fails(cli: Callable[..., Any], store_url: str) -> None:
    code, out, _ = cli("run", NIGHTLY, "--as-of", "2026-09-03", "--store", store_url, "--verbose")
    assert code == 0
    assert "SKIP   orders_daily.anomalies.row_count" in out
    assert "learning: 0 of 7" in out


@pytest.mark.slow
def test_history_and_backtest_read_what_the_runs_stored(cli: Callable[..., Any], store_url: str) -> None:
    cli("backfill", NIGHTLY, "--from", "2026-09-01", "--to", "2026-10-22", "--store", store_url)
    code, out, _ = cli(
        "history",
        "orders_daily",
        "--metric",
        "null_fraction",
        "--column",
        "email",
        "--format",
        "json",
        "--store",
        store_url,
    )
    assert code == 0
    series = json.loads(out)["series"]
    assert len(series) == 52
    assert [p["as_of"] for p in series if p["anomalous"]] == ["2026-10-22"]
    code, out, _ = cli(
        "backtest", NIGHTLY / "orders_daily.yml", "--from", "2026-10-01", "--to", "2026-10-22", "--store", store_url
    )
    assert code == 0
    assert "orders_daily.anomalies.row_count: 1 of 22 runs would alert" in out
    assert "2026-10-14  ERROR" in out
    assert "orders_daily.anomalies.email.null_fraction: 1 of 22 runs would alert" in out
    # the two figures of docs/anomalies.md's evaluation, for this stored history
    assert out.splitlines()[-2:] == [
        "nights that would alert: 2 of 22 (2026-10-14, 2026-10-22)",
        "mean/std z > 3 over the last 14 runs, same history: 1 of 22 (2026-10-22)",
    ]


def test_a_rerun_of_a_day_replaces_its_values_in_the_baseline(cli: Callable[..., Any], store_url: str) -> None:
    for _ in range(2):
        code, _, err = cli("run", NIGHTLY, "--as-of", "2026-09-01", "--store", store_url)
        assert code == 0, err
    code, out, _ = cli("history", "orders_daily", "--format", "json", "--store", store_url)
    assert [p["as_of"] for p in json.loads(out)["series"]] == ["2026-09-01"]


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.usefixtures("workers_at_once")
def test_parallel_runs_judge_each_dataset_and_exit_with_the_worst(
    cli: Callable[..., Any], tmp_path: Path, store_url: str
) -> None:
    suites = tmp_path / "suites"
    shutil.copytree(REPO / "suites", suites, ignore=shutil.ignore_patterns("*.json"))
    for name in ("orders", "customers", "events"):
        text = (suites / f"{name}.yml").read_text().replace("../sample_data/", f"{REPO}/sample_data/")
        (suites / f"{name}.yml").write_text(text)
    broken = (suites / "events.yml").read_text().replace(f"{REPO}/sample_data/events", "/nonexistent/events")
    (suites / "events.yml").write_text(broken)
    code, out, err = cli("run", suites, "--parallel", "2", "--store", store_url)
    assert code == 2
    assert "error: events: /nonexistent/events: no such file or folder" in err
    assert "gate: FAILED (1 of 3 datasets blocked: events; exit 2)" in out
    assert (
        "customers: 40 passed, 1 skipped -> gate PASSED" in out and "orders: 47 passed, 1 skipped -> gate PASSED" in out
    )
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select dataset, status from sg_runs order by dataset")).all()
    assert [tuple(r) for r in rows] == [
        ("customers", "passed"),
        ("events", "errored"),
        ("orders", "passed"),
    ]  # a skip outranks no pass


@pytest.fixture
def pg_store(pg_schema: str) -> str:
    """A store URL on a fresh PostgreSQL schema (the shared ``pg_schema`` fixture)."""
    return f"{PG_URL}?options=-csearch_path%3D{pg_schema}"


@pytest.mark.postgres
def test_the_nightly_flow_on_postgresql(cli: Callable[..., Any], pg_store: str) -> None:
    code, out, err = cli("backfill", NIGHTLY, "--from", "2026-09-01", "--to", "2026-10-21", "--store", pg_store)
    assert "2026-10-14  orders_daily  gate FAILED  anomalies: orders_daily.anomalies.row_count" in out, err
    code, out, err = cli("run", NIGHTLY, "--as-of", "2026-10-22", "--store", pg_store, "--quiet")
    assert code == 1, err
    assert "orders_daily.anomalies.email.null_fraction" in out


def test_an_unreachable_store_is_exit_2_without_the_password(cli: Callable[..., Any]) -> None:
    code, out, err = cli(
        "run", NIGHTLY, "--as-of", "2026-09-01", "--store", "postgresql://steward:s3cret@127.0.0.1:1/test"
    )
    assert code == 2
    assert "s3cret" not in out + err
    assert "Traceback" not in err
    assert err.startswith("error: ")


def test_every_command_finds_the_default_store_in_the_working_folder(cli: Callable[..., Any], tmp_path: Path) -> None:
    """The README's sequence with no --store: backfill writes the store that history, report and catalog read."""
    code, _, err = cli("backfill", NIGHTLY, "--from", "2026-10-01", "--to", "2026-10-03", cwd=tmp_path)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [".stewardgate"]
    assert not (REPO / "examples" / ".stewardgate").exists()
    code, out, err = cli("history", "orders_daily", "--metric", "null_fraction", "--column", "email", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert [line.split()[0] for line in out.splitlines()[-3:]] == ["2026-10-01", "2026-10-02", "2026-10-03"]
    code, out, err = cli("report", "--dataset", "orders_daily", "--html", "r.html", cwd=tmp_path)
    assert (code, err) == (0, ""), out
    code, out, err = cli("catalog", "--format", "csv", cwd=tmp_path)
    assert code == 0 and "orders_daily" in out, err
