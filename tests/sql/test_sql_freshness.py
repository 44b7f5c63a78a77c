"""Freshness limits on a table: the figures pushed down into the one aggregate query (and a load
log's column as the metadata fallback), judged as on a file, on every database (PostgreSQL and
MariaDB fail when unreachable, never skip)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from tests.sql.sql_databases import URL_ENV, Database

SETTINGS = f'[tool.stewardgate.connections.db]\nurl_env = "{URL_ENV}"\n'
START = datetime(2026, 11, 19, tzinfo=UTC)


def _events() -> pl.DataFrame:
    stamps = [START + timedelta(hours=h) for h in range(24 * 7) if (START + timedelta(hours=h)).day != 22]
    return pl.DataFrame({
        "id": list(range(len(stamps))),
        "ts": pl.Series(stamps, dtype=pl.Datetime("us", "UTC")),
        "day": [t.date() for t in stamps],
    })  # fmt: skip


def _run(cli: Any, folder: Path, db: Database, as_of: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    code, out, err = cli("run", "suite.yml", "--as-of", as_of, "--no-history", "--json", "run.json", cwd=folder,
                         env={URL_ENV: db.url})  # fmt: skip
    if code == 2:
        return code, {}, err
    (ds,) = json.loads((folder / "run.json").read_text(encoding="utf-8"))["datasets"]
    return code, {r["check_id"]: r for r in ds["results"] if ".freshness." in r["check_id"]}, out


def test_freshness_limits_on_a_table_match_the_file_semantics(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    limits = {"column": "ts", "max_age": "26h", "every": "1d", "available_by": "06:00Z"}
    table_suite(database, _events(), top={"freshness": limits})
    code, results, out = _run(cli, tmp_path, database, "2026-11-25")
    assert code == 1, out
    assert results["t.freshness.max_age"]["message"] == (
        "newest ts 2026-11-25 23:00Z is 1h old at 2026-11-26 00:00Z (at most 26h)"
    )
    assert results["t.freshness.every"]["status"] == "failed"
    assert results["t.freshness.every"]["details"]["missing"] == ["2026-11-22"]
    assert results["t.freshness.available_by"]["message"] == (
        "24 rows of 2026-11-25 on ts, due by 06:00Z (as of 2026-11-26 00:00Z)"
    )
    code, results, out = _run(cli, tmp_path, database, "2026-11-27")
    assert results["t.freshness.max_age"]["status"] == "failed"
    assert results["t.freshness.available_by"]["message"].startswith("late: no rows of 2026-11-27 on ts")


def test_a_date_column_and_a_load_log_table_as_the_source(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _events(), top={"freshness": {"column": "day", "every": "1d", "window": "3d"}})
    code, results, out = _run(cli, tmp_path, database, "2026-11-25")
    assert (code, results["t.freshness.every"]["status"]) == (0, "passed"), out
    loads = database.load(pl.DataFrame({
        "loaded_at": pl.Series([datetime(2026, 11, 24, 5, tzinfo=UTC), datetime(2026, 11, 25, 4, tzinfo=UTC)],
                               dtype=pl.Datetime("us", "UTC")),
    }), "loads")  # fmt: skip
    source = {"table": loads, "column": "loaded_at"}
    table_suite(database, _events(), table="t2",
                top={"freshness": {"source": source, "max_age": "1d", "available_by": "06:00Z"}})  # fmt: skip
    code, results, out = _run(cli, tmp_path, database, "2026-11-25")
    assert code == 0, out
    assert results["t.freshness.max_age"]["message"] == (
        f"newest {loads}.loaded_at 2026-11-25 04:00Z is 20h old at 2026-11-26 00:00Z (at most 1d)"
    )
    assert results["t.freshness.max_age"]["details"]["source"] == f"the newest {loads}.loaded_at"
    code, results, out = _run(cli, tmp_path, database, "2026-11-26")
    assert code == 1, out
    assert results["t.freshness.available_by"]["message"] == (
        f"late: the newest {loads}.loaded_at is 2026-11-25 04:00Z, before 2026-11-26; due by 06:00Z "
        "(as of 2026-11-27 00:00Z)"
    )


def test_a_table_without_the_column_or_with_a_file_source_is_a_located_input_error(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table_suite(database, _events(), top={"freshness": {"column": "loaded", "max_age": "1d"}})
    code, _, err = _run(cli, tmp_path, database, "2026-11-25")
    assert code == 2
    assert "suite.yml:4:" in err and "freshness.column: column 'loaded' is not in the data" in err
    table_suite(database, _events(), table="t2", top={"freshness": {"source": "modified", "max_age": "1d"}})
    code, _, err = _run(cli, tmp_path, database, "2026-11-25")
    assert code == 2
    assert "freshness.source: a SQL table has no file modification time or stamp" in err


def test_a_load_log_that_is_not_there_or_not_temporal_is_a_located_input_error(
    database: Database, table_suite: Callable[..., Path], tmp_path: Path, cli: Any
) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    table = database.load(_events(), "t")
    for source, problem in (
        ({"table": database.qualified("nope"), "column": "ts"},
         f"table '{database.qualified('nope')}' does not exist (or this connection may not see it)"),
        ({"table": table, "column": "id"}, f"column 'id' of '{table}' is "),
    ):  # fmt: skip
        suite = table_suite(database, pl.DataFrame({"x": [1]}), table=f"s{len(problem)}",
                            top={"freshness": {"source": source, "max_age": "1d"}})  # fmt: skip
        code, _, err = _run(cli, tmp_path, database, "2026-11-25")
        line = suite.read_text(encoding="utf-8").splitlines()[3]
        assert code == 2
        assert f"suite.yml:4:{line.index('{', line.index('source')) + 1}: freshness.source: {problem}" in err
