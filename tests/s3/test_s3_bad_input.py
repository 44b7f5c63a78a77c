"""S3 paths that cannot be read: a clear error naming the suite and the path, exit 2, nothing
stored for that dataset, and the other datasets of the run still judged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import polars as pl
import pytest

DATA = pl.DataFrame({"id": [1, 2, 3]})


def _suite(folder: Path, name: str, path: str) -> Path:
    suite = folder / f"{name}.yml"
    suite.write_text(
        f"version: 1\ndataset: {{name: {name}, path: '{path}'}}\n"
        "stewardship: {owner: owner@example.com, steward: steward@example.com}\ncolumns:\n  id: {unique: true}\n",
        encoding="utf-8",
    )
    return suite


def _stored(folder: Path) -> dict[str, tuple[Any, ...]]:
    """Per dataset: the run's status, data fingerprint, and how many results and metrics it kept."""
    with sqlite3.connect(folder / ".stewardgate" / "history.db") as db:
        rows = db.execute(
            "select r.dataset, r.status, r.data_sha256, (select count(*) from sg_results x where x.dataset = r.dataset), "
            "(select count(*) from sg_metric_values v join sg_metric_series m on m.id = v.series_id where m.dataset = r.dataset) "
            "from sg_runs r"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def _run_beside_a_local_dataset(
    cli: Any, folder: Path, path: str, env: dict[str, str]
) -> tuple[int, str, dict[str, Any]]:
    DATA.write_parquet(folder / "local.parquet")
    suites = [_suite(folder, "local", "local.parquet"), _suite(folder, "remote", path)]
    code, stdout, stderr = cli("run", *suites, "--json", "run.json", cwd=folder, env=env)
    return code, stdout + stderr, json.loads((folder / "run.json").read_text())


CASES = {
    "missing_bucket": ("s3://sg-no-such-bucket/orders/o.parquet", "the bucket 'sg-no-such-bucket' does not exist"),
    "glob_matches_nothing": ("s3://{bucket}/orders/*.csv", "the pattern matches no objects"),
    "no_such_object": ("s3://{bucket}/orders/missing.parquet", "no such object or folder"),
    "folder_without_data": ("s3://{bucket}/notes", "the folder holds no data files"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_unreadable_s3_path_is_a_dataset_error_and_the_others_are_judged(
    cli: Any, bucket: str, put: Any, s3_env: dict[str, str], tmp_path: Path, case: str
) -> None:
    put(bucket, "orders/o.parquet", DATA)
    put(bucket, "notes/readme.txt", b"text")
    path, problem = CASES[case]
    path = path.format(bucket=bucket)
    code, output, report = _run_beside_a_local_dataset(cli, tmp_path, path, s3_env)
    assert code == 2, output
    assert f"remote: {path}: {problem}" in output
    assert "Traceback" not in output
    by_name = {d["dataset"]: d for d in report["datasets"]}
    assert by_name["local"]["gate"]["passed"] is True and by_name["local"]["row_count"] == 3
    assert by_name["remote"]["results"] == [] and by_name["remote"]["row_count"] is None
    stored = _stored(tmp_path)
    assert stored["remote"] == ("errored", None, 0, 0)  # the failure is recorded, as for a local file; no data
    assert stored["local"][:2] == ("passed", by_name["local"]["data"]["sha256"]) and stored["local"][2] > 0


def test_access_denied_is_a_dataset_error_that_shows_no_key(
    cli: Any, bucket: str, put: Any, endpoint: str, s3_env: dict[str, str], tmp_path: Path
) -> None:
    import urllib.request

    put(bucket, "orders/o.parquet", DATA)
    path = f"s3://{bucket}/orders/o.parquet"

    def authorize_after(count: str) -> None:  # moto checks signatures against its IAM users from then on
        request = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth", data=count.encode(), headers={"Content-Type": "text/plain"}
        )
        urllib.request.urlopen(request, timeout=5)

    authorize_after("0")
    try:
        code, output, report = _run_beside_a_local_dataset(cli, tmp_path, path, s3_env)
    finally:
        authorize_after("inf")
    assert code == 2, output
    assert f"remote: {path}: access denied: check the keys and the bucket's policy (" in output
    assert s3_env["AWS_SECRET_ACCESS_KEY"] not in output and "Traceback" not in output
    assert {d["dataset"]: d["gate"]["passed"] for d in report["datasets"]} == {"local": True, "remote": False}


def test_an_unreachable_endpoint_is_a_dataset_error(cli: Any, s3_env: dict[str, str], tmp_path: Path) -> None:
    env = {**s3_env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens there
    code, output, report = _run_beside_a_local_dataset(cli, tmp_path, "s3://sg-any/orders/o.parquet", env)
    assert code == 2, output
    assert "remote: s3://sg-any/orders/o.parquet: cannot reach the S3 endpoint http://127.0.0.1:9: " in output
    assert {d["dataset"]: d["gate"]["passed"] for d in report["datasets"]} == {"local": True, "remote": False}


@pytest.mark.parametrize(
    "path",
    [
        "s3://AKIAFAKE:fake-secret-in-suite@sg-b/o.parquet",
        "s3://sg-b/o.parquet?X-Amz-Credential=AKIAFAKE&X-Amz-Signature=fake-secret-in-suite",
    ],
)
def test_credentials_in_a_suite_are_refused_where_they_are(cli: Any, tmp_path: Path, path: str) -> None:
    suite = _suite(tmp_path, "remote", path)
    code, stdout, stderr = cli("run", suite, cwd=tmp_path)
    assert code == 2
    assert (
        f"{suite}:2:31: dataset.path: credentials do not belong in a suite; [tool.stewardgate.s3] names the "
        "environment variables that hold them (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    ) in stdout + stderr
    assert "fake-secret-in-suite" not in stdout + stderr


def test_another_storage_scheme_is_refused(cli: Any, tmp_path: Path) -> None:
    DATA.write_parquet(tmp_path / "local.parquet")
    code, stdout, stderr = cli("run", _suite(tmp_path, "local", "local.parquet"), _suite(tmp_path, "gcs", "gs://bucket/o.parquet"),
                               cwd=tmp_path)  # fmt: skip
    assert code == 2
    assert (
        "gcs: gs://bucket/o.parquet: gs:// is not a storage stewardgate reads (allowed: a local path, or s3://bucket/key)"
        in stdout + stderr
    )


def test_with_dataset_roots_no_dataset_is_read_from_s3(cli: Any, s3_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.stewardgate]\ndataset_roots = ["."]\n', encoding="utf-8")
    code, output, _ = _run_beside_a_local_dataset(cli, tmp_path, "s3://sg-any/o.parquet", s3_env)
    assert code == 2
    assert (
        f"remote: s3://sg-any/o.parquet: outside the folders datasets may be read from (dataset_roots: {tmp_path}); with dataset_roots set, no dataset is read from S3"
        in output
    )
