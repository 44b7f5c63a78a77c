"""Running suites on S3 datasets (objects, globs, hive folders; Parquet, CSV, NDJSON) end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

ORDERS = pl.DataFrame(
    {"order_id": [1, 2, 3, 4], "amount": [10.0, 20.5, None, 7.25], "status": ["new", "paid", "paid", "new"]}
)


def _suite(folder: Path, path: str, *, name: str = "orders", columns: dict[str, Any] | None = None) -> Path:
    cols = columns or {"order_id": {"nullable": False, "unique": True}, "amount": {"nullable": False}}
    lines = ["version: 1", f"dataset: {{name: {name}, path: '{path}'}}",
             "stewardship: {owner: owner@example.com, steward: steward@example.com}", "columns:"]  # fmt: skip
    lines += [f"  {col}: {json.dumps(spec)}" for col, spec in cols.items()]
    suite = folder / f"{name}.yml"
    suite.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return suite


def _run(cli: Callable[..., Any], folder: Path, env: dict[str, str], *suites: Path) -> tuple[int, dict[str, Any], str]:
    code, _, stderr = cli("run", *suites, "--json", "run.json", cwd=folder, env=env)
    report = json.loads((folder / "run.json").read_text()) if (folder / "run.json").exists() else {}
    return code, report, stderr


def _checks(report: dict[str, Any], dataset: str) -> dict[str, tuple[str, Any]]:
    ds = next(d for d in report["datasets"] if d["dataset"] == dataset)
    return {c["check_id"]: (c["status"], c["failing_count"]) for c in ds["results"]}


def test_a_parquet_object_is_listed_read_and_fingerprinted(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "orders/2026-11-27.parquet", ORDERS)
    code, report, stderr = _run(cli, tmp_path, s3_env, _suite(tmp_path, f"s3://{bucket}/orders/2026-11-27.parquet"))
    checks = _checks(report, "orders")
    assert code == 1, stderr  # amount has a null: the gate fails on the data, not on reading it
    assert checks["orders.columns.amount.nullable"] == ("failed", 1)
    assert checks["orders.columns.order_id.unique"] == ("passed", 0)
    ds = report["datasets"][0]
    files = ds["data"]["files"]
    assert [f["path"] for f in files] == [f"s3://{bucket}/orders/2026-11-27.parquet"]
    assert files[0]["size"] > 0 and files[0]["mtime_ns"] > 0
    assert ds["data"]["path"] == f"s3://{bucket}/orders/2026-11-27.parquet"


@pytest.mark.parametrize("suffix", [".csv", ".ndjson", ".parquet"])
def test_a_glob_reads_every_matching_object_of_each_format(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    put(bucket, f"orders/a{suffix}", ORDERS.head(2))
    put(bucket, f"orders/b{suffix}", ORDERS.tail(2))
    put(bucket, "orders/notes.txt", b"not data")
    put(bucket, f"other/c{suffix}", ORDERS)
    code, report, stderr = _run(cli, tmp_path, s3_env, _suite(tmp_path, f"s3://{bucket}/orders/*{suffix}"))
    assert code == 1, stderr
    assert report["datasets"][0]["row_count"] == 4
    assert _checks(report, "orders")["orders.columns.amount.nullable"] == ("failed", 1)
    assert [f["path"] for f in report["datasets"][0]["data"]["files"]] == [
        f"s3://{bucket}/orders/a{suffix}",
        f"s3://{bucket}/orders/b{suffix}",
    ]


def test_a_hive_folder_gives_its_partition_columns_and_skips_markers(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    clean = ORDERS.with_columns(pl.col("amount").fill_null(1.0))
    put(bucket, "events/day=2026-11-26/part-0.parquet", clean)
    put(bucket, "events/day=2026-11-27/part-0.parquet", clean.with_columns(pl.col("order_id") + 10))
    put(bucket, "events/_SUCCESS", b"")
    put(bucket, "events/.part-0.parquet.crc", b"crc")
    cols = {"order_id": {"unique": True}, "day": {"nullable": False}}
    code, report, stderr = _run(cli, tmp_path, s3_env, _suite(tmp_path, f"s3://{bucket}/events", columns=cols))
    checks = _checks(report, "orders")
    assert code == 0, [c for c in report["datasets"][0]["results"] if c["status"] not in ("passed", "skipped")]
    ds = report["datasets"][0]
    assert ds["row_count"] == 8
    assert checks["orders.columns.day.required"] == ("passed", None)  # the partition folders' column
    assert checks["orders.columns.day.nullable"] == ("passed", 0)
    assert len(ds["data"]["files"]) == 2


def test_as_of_in_an_s3_path_names_the_day(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "orders/order_date=2026-11-27/part-0.parquet", ORDERS)
    put(bucket, "orders/order_date=2026-11-26/part-0.parquet", ORDERS.head(1))
    code, report, stderr = _run(cli, tmp_path, s3_env, _suite(tmp_path, f"s3://{bucket}/orders/order_date={{as_of}}"))
    assert code == 1, stderr
    assert report["datasets"][0]["row_count"] == 4


def test_settings_name_the_key_variables_and_no_output_shows_a_key(
    cli: Any, bucket: str, put: Any, endpoint: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    key_id, secret = s3_env["AWS_ACCESS_KEY_ID"], s3_env["AWS_SECRET_ACCESS_KEY"]
    put(bucket, "orders/o.parquet", ORDERS)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.stewardgate.s3]\nendpoint_url = "{endpoint}"\nregion = "us-east-1"\n'
        'access_key_id_env = "LAKE_KEY_ID"\nsecret_access_key_env = "LAKE_SECRET"\n',
        encoding="utf-8",
    )
    env = {"LAKE_KEY_ID": key_id, "LAKE_SECRET": secret}  # and no AWS_* variable at all
    code, stdout, stderr = cli("run", _suite(tmp_path, f"s3://{bucket}/orders/o.parquet"), "--json", "run.json",
                               "--markdown", "run.md", cwd=tmp_path, env=env)  # fmt: skip
    assert code == 1, stderr
    written = [stdout, stderr, *(p.read_bytes().decode("utf-8", "replace") for p in tmp_path.rglob("*") if p.is_file())]
    assert any("orders.columns.amount.nullable" in text for text in written)
    assert not any(secret in text or key_id in text for text in written)


def test_a_variable_the_settings_name_but_is_not_set_is_a_dataset_error(
    cli: Any, bucket: str, put: Any, endpoint: str, tmp_path: Path
) -> None:
    put(bucket, "orders/o.parquet", ORDERS)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.stewardgate.s3]\nendpoint_url = "{endpoint}"\n'
        'access_key_id_env = "LAKE_KEY_ID"\nsecret_access_key_env = "LAKE_SECRET"\n',
        encoding="utf-8",
    )
    code, stdout, stderr = cli(
        "run", _suite(tmp_path, f"s3://{bucket}/orders/o.parquet"), cwd=tmp_path, env={"LAKE_SECRET": "x"}
    )
    assert code == 2
    assert "tool.stewardgate.s3.access_key_id_env: the environment variable LAKE_KEY_ID is not set" in stdout + stderr


def test_init_drafts_a_suite_from_s3_that_runs(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "orders/part-0.csv", ORDERS.head(2))
    put(bucket, "orders/part-1.csv", ORDERS.tail(2))
    url = f"s3://{bucket}/orders/*.csv"
    code, _, stderr = cli("init", url, "-o", "orders.yml", cwd=tmp_path, env=s3_env)
    assert code == 0, stderr
    assert "drafted orders: 4 rows, 3 columns -> orders.yml" in stderr
    text = (tmp_path / "orders.yml").read_text()
    assert f"path: {url}" in text and "2 csv files" in text
    filled = text.replace("<FILL IN: owner e-mail or @handle>", "owner@example.com")
    (tmp_path / "orders.yml").write_text(filled.replace("<FILL IN: steward e-mail or @handle>", "steward@example.com"))
    code, stdout, stderr = cli("run", "orders.yml", "--no-history", cwd=tmp_path, env=s3_env)
    assert code in (0, 1) and "ERROR" not in stdout, stdout + stderr


def test_the_fingerprint_changes_with_the_object_even_at_the_same_size_and_second(
    bucket: str, put: Any, endpoint: str, s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from stewardgate.datasets.resolve import resolve
    from stewardgate.datasets.scan import fingerprint
    from stewardgate.s3_settings import S3Settings

    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    settings = S3Settings(endpoint_url=endpoint)
    url = f"s3://{bucket}/orders/o.csv"
    put(bucket, "orders/o.csv", b"id\n1\n2\n")
    first = fingerprint(resolve(url, base=tmp_path, fmt=None, s3=settings))
    put(bucket, "orders/o.csv", b"id\n3\n4\n")  # same size; moto's times have whole seconds
    second = fingerprint(resolve(url, base=tmp_path, fmt=None, s3=settings))
    assert [(f.path, f.size) for f in first.files] == [(f.path, f.size) for f in second.files] == [(url, 7)]
    assert first.sha256 != second.sha256
    assert fingerprint(resolve(url, base=tmp_path, fmt=None, s3=settings)) == second  # and stable while unchanged


def test_an_empty_object_is_refused(cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path) -> None:
    put(bucket, "orders/o.csv", b"")
    code, stdout, stderr = cli(
        "run", _suite(tmp_path, f"s3://{bucket}/orders/o.csv"), "--no-history", cwd=tmp_path, env=s3_env
    )
    assert code == 2
    assert f"orders: s3://{bucket}/orders/o.csv: the object is empty" in stdout + stderr


def test_runs_on_s3_keep_history_that_the_next_run_reads(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    import sqlite3

    suite = _suite(tmp_path, f"s3://{bucket}/orders/order_date={{as_of}}/")
    for day, rows in (("2026-11-25", 4), ("2026-11-26", 4), ("2026-11-27", 2)):
        put(
            bucket,
            f"orders/order_date={day}/part-0.parquet",
            ORDERS.head(rows).with_columns(pl.col("amount").fill_null(1.0)),
        )
        code, stdout, stderr = cli("run", suite, "--as-of", day, cwd=tmp_path, env=s3_env)
        assert code == 0, stdout + stderr
    with sqlite3.connect(tmp_path / ".stewardgate" / "history.db") as db:
        runs = db.execute("select as_of, row_count, data_sha256 is not null from sg_runs order by as_of").fetchall()
    assert runs == [("2026-11-25", 4, 1), ("2026-11-26", 4, 1), ("2026-11-27", 2, 1)]
    code, stdout, stderr = cli(
        "history", "orders", "--metric", "row_count", "--format", "json", cwd=tmp_path, env=s3_env
    )
    assert code == 0, stderr
    assert [point["value"] for point in json.loads(stdout)["series"]] == [4, 4, 2]


def test_diff_compares_two_s3_datasets_reached_through_the_settings(
    cli: Any, bucket: str, put: Any, endpoint: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "orders/old.parquet", ORDERS)
    put(bucket, "orders/new.parquet", ORDERS.drop("status"))
    (tmp_path / "pyproject.toml").write_text(f'[tool.stewardgate.s3]\nendpoint_url = "{endpoint}"\n', encoding="utf-8")
    env = {k: v for k, v in s3_env.items() if k != "AWS_ENDPOINT_URL"}  # the endpoint only in the settings
    code, stdout, stderr = cli("diff", f"s3://{bucket}/orders/old.parquet", f"s3://{bucket}/orders/new.parquet",
                               cwd=tmp_path, env=env)  # fmt: skip
    assert code == 1, stdout + stderr  # a removed column is a breaking change
    assert "status" in stdout and "ERROR" not in stdout


@pytest.mark.usefixtures("workers_at_once")
def test_s3_datasets_are_judged_in_parallel_workers(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "a/o.parquet", ORDERS)
    put(bucket, "b/o.csv", ORDERS)
    suites = [
        _suite(tmp_path, f"s3://{bucket}/a/o.parquet", name="a"),
        _suite(tmp_path, f"s3://{bucket}/b/o.csv", name="b"),
    ]
    code, report, stderr = _run(cli, tmp_path, {**s3_env, "STEWARDGATE_PARALLEL": "2"}, *suites)
    assert code == 1, stderr
    assert {d["dataset"]: (d["row_count"], _checks(report, d["dataset"])[f"{d['dataset']}.columns.amount.nullable"])
            for d in report["datasets"]} == {"a": (4, ("failed", 1)), "b": (4, ("failed", 1))}  # fmt: skip
