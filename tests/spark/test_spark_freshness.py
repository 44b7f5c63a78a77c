"""Freshness limits on Spark: the figures join Spark's one aggregate job and give the polars
verdicts and sentences (passing and failing)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from stewardgate.engines.spark.session import SparkOptions
from stewardgate.runner import RunOptions, run_paths

REPO = Path(__file__).resolve().parents[2]
FRESHNESS = 'freshness: {column: ts, max_age: 26h, every: 1d, available_by: "06:00Z"}\n'


@pytest.mark.parametrize("as_of", [date(2026, 11, 25), date(2026, 11, 27)])
def test_freshness_on_spark_matches_polars(tmp_path: Path, on_spark: SparkOptions, as_of: date) -> None:
    shutil.copytree(REPO / "sample_data" / "events", tmp_path / "sample_data" / "events")
    (tmp_path / "suites").mkdir()
    suite = tmp_path / "suites" / "events.yml"
    suite.write_text((REPO / "suites" / "events.yml").read_text(encoding="utf-8") + FRESHNESS, encoding="utf-8")

    def verdicts(**kw: object) -> dict[str, tuple[str, str]]:
        (ds,) = run_paths([suite], RunOptions(as_of=as_of, use_store=False, **kw)).datasets  # type: ignore[arg-type]
        return {r.check_id: (r.status.value, r.message) for r in ds.results if ".freshness." in r.check_id}

    polars = verdicts()
    assert verdicts(engine="spark", spark=on_spark) == polars
    assert {s for s, _ in polars.values()} == ({"passed"} if as_of.day == 25 else {"failed"})
