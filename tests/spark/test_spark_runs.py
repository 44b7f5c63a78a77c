"""End to end on Spark: the sample suites give the polars verdicts, the profile agrees, and a
Spark run's history is read by a later polars run through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date
from pathlib import Path
from typing import Any

import pytest

from stewardgate.engines.spark.session import SparkOptions, parse_conf
from stewardgate.errors import SettingsError
from stewardgate.runner import RunOptions, run_paths

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of suites/ and sample_data/ (runs write their store beside the suites)."""
    root = tmp_path_factory.mktemp("sample")
    for folder in ("suites", "sample_data"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _verdicts(run: Any) -> dict[str, tuple[str, int | None, tuple[str, ...]]]:
    return {r.check_id: (r.status.value, r.failing_count, r.samples) for d in run.datasets for r in d.results}


@pytest.mark.parametrize("suite", ["orders", "customers", "events"])
def test_a_sample_suite_gives_the_same_verdicts_and_profile_on_spark(
    sample: Path, suite: str, on_spark: SparkOptions
) -> None:
    path = [sample / "suites" / f"{suite}.yml"]
    polars = run_paths(path, RunOptions(as_of=AS_OF, use_store=True, store_path=sample / f"{suite}-polars.db"))
    spark = run_paths(path, RunOptions(as_of=AS_OF, use_store=True, store_path=sample / f"{suite}-spark.db",
                                       engine="spark", spark=on_spark))  # fmt: skip
    assert [d.error for d in spark.datasets] == [None]
    assert _verdicts(spark) == _verdicts(polars)
    assert spark.exit_code == polars.exit_code
    (mine,), (theirs,) = spark.datasets, polars.datasets
    assert mine.profile["quantile_method"] == "percentile_approx"  # the approximation is declared
    for column, metrics in theirs.profile["columns"].items():
        for metric, value in metrics.items():
            got = mine.profile["columns"][column].get(metric)
            if metric in ("quantiles", "p01", "p25", "p50", "p75", "p99"):
                continue  # percentile_approx picks data values; compared below, loosely
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-9, abs=1e-9), (column, metric)
            else:
                assert got == value, (column, metric)
        if metrics.get("p50") is not None:
            spread = (metrics["max"] - metrics["min"]) or 1.0
            assert abs(mine.profile["columns"][column]["p50"] - metrics["p50"]) <= 0.01 * spread, column


def test_a_spark_run_writes_history_that_a_polars_run_reads(sample: Path) -> None:
    """Through the CLI, in fresh processes: ``run --engine spark``, then a plain run, then history."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARDGATE_")}
    suite = str(sample / "suites" / "orders.yml")
    store = f"sqlite:///{sample / 'cli-history.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "stewardgate", *args], capture_output=True, text=True,
                              cwd=sample, env=env, timeout=600, check=False)  # fmt: skip

    spark = cli("run", suite, "--engine", "spark", "--spark-master", "local[1]", "--as-of", "2026-11-20",
                "--store", store, "--json", "spark.json", "-q")  # fmt: skip
    assert spark.returncode == 0, spark.stdout + spark.stderr
    # Spark's JVM logging is kept to errors; the JVM's own notice about Spark's vector module stays
    assert [line for line in spark.stderr.splitlines() if "incubator modules" not in line] == []
    polars = cli("run", suite, "--as-of", "2026-11-21", "--store", store, "-q")
    assert polars.returncode == 0, polars.stdout + polars.stderr
    history = cli("history", "orders", "--metric", "row_count", "--store", store, "--format", "json")
    assert history.returncode == 0, history.stderr
    days = [point["as_of"] for point in json.loads(history.stdout)["series"]]
    assert days == ["2026-11-20", "2026-11-21"]
    record = json.loads((sample / "spark.json").read_text(encoding="utf-8"))
    assert {r["engine"] for d in record["datasets"] for r in d["results"] if r["check_id"].endswith(".min")} == {
        "spark"
    }


def test_spark_conf_pairs_are_key_value() -> None:
    assert parse_conf(["spark.driver.memory=4g", "spark.x= y=z"]) == {"spark.driver.memory": "4g", "spark.x": " y=z"}
    with pytest.raises(SettingsError, match=r"--spark-conf 'spark.driver.memory': expected KEY=VALUE"):
        parse_conf(["spark.driver.memory"])


def test_timestamp_bounds_of_expectations_mean_the_same_instant_on_spark(
    make_suite: Any, on_spark: SparkOptions
) -> None:
    from datetime import datetime as dt

    import polars as pl

    df = pl.DataFrame({"ts": [dt(2026, 1, 1, 10, tzinfo=UTC), dt(2026, 1, 2, 23, tzinfo=UTC)]})
    suite = make_suite(data=df, columns={"ts": {}}, top={"expectations": [
        {"expect_column_max_to_be_between": {"column": "ts", "min_value": "2026-01-02T22:00:00+00:00"}},
        {"expect_column_max_to_be_between": {"column": "ts", "max_value": "2026-01-02"}},
        {"expect_column_min_to_be_between": {"column": "ts", "min_value": "2026-01-01T09:00:00"}},
    ]})  # fmt: skip
    polars = run_paths([suite], RunOptions())
    spark = run_paths([suite], RunOptions(engine="spark", spark=on_spark))

    def expectations(run: Any) -> list[tuple[str, Any]]:
        return [(r.status.value, r.observed) for r in run.datasets[0].results if ".expectations." in r.check_id]

    assert [s for s, _ in expectations(spark)] == [s for s, _ in expectations(polars)] == ["passed", "failed", "passed"]
    assert [o for _, o in expectations(spark)] == [o for _, o in expectations(polars)]


def test_a_table_in_the_session_catalog_is_a_dataset_on_spark_only(
    make_suite: Any, spark: Any, on_spark: SparkOptions
) -> None:
    spark.createDataFrame([(1, "a"), (2, None), (2, "b")], "id long, s string").createOrReplaceTempView("sg_orders")
    suite = make_suite(data=None, path="sg_orders", dataset_extra={"format": "table"},
                       columns={"id": {"unique": True, "type": "int64"}, "s": {"nullable": False}})  # fmt: skip
    (spark_run,) = run_paths([suite], RunOptions(engine="spark", spark=on_spark)).datasets
    assert spark_run.error is None
    verdicts = {r.check_id: (r.status.value, r.failing_count) for r in spark_run.results}
    assert verdicts["t.columns.id.unique"] == ("failed", 2)
    assert verdicts["t.columns.s.nullable"] == ("failed", 1)
    assert verdicts["t.columns.id.type"] == ("passed", None)
    (polars_run,) = run_paths([suite], RunOptions()).datasets
    assert polars_run.error == (
        "sg_orders: a table dataset is read by Spark only: run with --engine spark (or set engine: spark in the suite)"
    )


def test_a_missing_table_or_delta_without_its_package_is_a_clear_error(
    make_suite: Any, on_spark: SparkOptions, tmp_path: Path
) -> None:
    suite = make_suite(data=None, path="no_such_table", dataset_extra={"format": "table"}, columns={"id": {}})
    (run,) = run_paths([suite], RunOptions(engine="spark", spark=on_spark)).datasets
    assert run.error is not None and run.error.startswith("table no_such_table: Spark cannot read the data: ")
    assert "TABLE_OR_VIEW_NOT_FOUND" in run.error
    (tmp_path / "lake").mkdir()
    delta = make_suite(
        data=None, path="lake", dataset_extra={"format": "delta"}, columns={"id": {}}, suite_name="d.yml"
    )
    (run,) = run_paths([delta], RunOptions(engine="spark", spark=on_spark)).datasets
    assert run.error is not None and run.error.startswith(f"delta {tmp_path / 'lake'}: Spark cannot read the data: ")
    assert not run.gate.passed


def test_common_expectations_give_the_polars_verdicts_through_gx_on_spark(
    make_suite: Any, on_spark: SparkOptions
) -> None:
    import polars as pl

    df = pl.DataFrame({"id": [1, 2, 2, 4, None], "s": ["a", "b", "x", None, "a"], "amt": [1.5, -2.0, 3.0, None, 9.0]})
    expectations = [
        {"expect_column_values_to_not_be_null": {"column": "id"}},
        {"expect_column_values_to_be_unique": {"column": "id"}},
        {"expect_column_values_to_be_between": {"column": "amt", "min_value": 0, "max_value": 10}},
        {"expect_column_values_to_be_in_set": {"column": "s", "value_set": ["a", "b"]}},
        {"expect_column_values_to_match_regex": {"column": "s", "regex": "^[ab]$"}},
        {"expect_column_mean_to_be_between": {"column": "amt", "min_value": 0, "max_value": 5}},
        {"expect_table_row_count_to_be_between": {"min_value": 1, "max_value": 4}},
        {"expect_table_columns_to_match_set": {"column_set": ["id", "s", "amt"]}},
    ]
    suite = make_suite(data=df, columns={"id": {}, "s": {}, "amt": {}}, top={"expectations": expectations})

    def seen(run: Any) -> list[tuple[str, str, int | None]]:
        return [
            (r.check_id, r.status.value, r.failing_count)
            for r in run.datasets[0].results
            if ".expectations." in r.check_id
        ]

    spark = seen(run_paths([suite], RunOptions(engine="spark", spark=on_spark)))
    assert spark == seen(run_paths([suite], RunOptions()))
    assert [status for _, status, _ in spark] == [
        "failed",
        "failed",
        "failed",
        "failed",
        "failed",
        "passed",
        "failed",
        "passed",
    ]


def test_a_spark_job_that_cannot_read_the_data_names_the_dataset(tmp_path: Path, spark: Any) -> None:
    import polars as pl

    from stewardgate.engines.spark.dataset import open_spark_dataset
    from stewardgate.engines.spark.execute import execute_on_spark
    from stewardgate.errors import DatasetError
    from stewardgate.suite.models import DatasetSpec

    pl.DataFrame({"a": [1, 2]}).write_parquet(tmp_path / "gone.parquet")
    ds = open_spark_dataset(spark, DatasetSpec(name="t", path="gone.parquet"), base=tmp_path)
    (tmp_path / "gone.parquet").unlink()  # gone between opening (metadata) and the job
    with pytest.raises(DatasetError, match=r"^.*gone\.parquet: Spark cannot read the data: .+") as info:
        execute_on_spark([], ds.frame, ds.schema, masked=set(), samples=5, display=ds.resolved.display)
    assert info.value.exit_code == 2


def test_a_rule_spark_cannot_evaluate_errors_alone_and_the_others_still_run(spark: Any) -> None:
    from stewardgate.engines.spark.dataset import polars_schema
    from stewardgate.engines.spark.execute import execute_on_spark
    from stewardgate.planning import PlannedCheck
    from stewardgate.results import Severity

    frame = spark.createDataFrame([(1, (1, "x")), (-2, (2, "y"))], "a long, s struct<i: long, t: string>")

    def rule(column: str) -> PlannedCheck:
        return PlannedCheck(check_id=f"t.columns.{column}.min", check="min", section="columns", column=column,
                            value=0, severity=Severity.ERROR, engine="spark", reason="", suite_line=None)  # fmt: skip

    done = execute_on_spark([rule("s"), rule("a")], frame, polars_schema(frame.schema, spark), masked=set(),
                            samples=5, display="t")  # fmt: skip
    by_id = {r.check_id: r for r in done.results}
    assert by_id["t.columns.s.min"].status.value == "errored"
    assert by_id["t.columns.s.min"].message.startswith("errored: Spark cannot evaluate the check: ")
    assert (by_id["t.columns.a.min"].status.value, by_id["t.columns.a.min"].failing_count) == ("failed", 1)


@pytest.mark.parametrize("suite", ["orders", "customers", "events"])
def test_the_plan_for_spark_is_what_spark_runs(sample: Path, suite: str, on_spark: SparkOptions,
                                               plan_is_the_run: Any) -> None:  # fmt: skip
    """plan --engine spark shows the reader's rewrite (data-level checks on the spark executor)."""
    from stewardgate.planning import plan_suite
    from stewardgate.readers import reader_for
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.loader import load_suite

    loaded = load_suite(sample / "suites" / f"{suite}.yml")
    governance = GovernanceSettings(run_by_default=True)
    planned = plan_suite(loaded, governance, reader_for(loaded, "spark"))
    assert "spark" in {p.engine for p in planned}
    run = run_paths([loaded.path], RunOptions(as_of=AS_OF, governance=governance, engine="spark", spark=on_spark))
    (dataset,) = run.datasets
    assert dataset.error is None
    plan_is_the_run(planned, dataset.results)
