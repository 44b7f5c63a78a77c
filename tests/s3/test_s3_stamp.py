"""Stamps and S3: ``stamp`` never writes to a bucket; runs and ``inspect`` read the stamps that
objects carry (stamped locally before the upload): a Parquet footer or a sidecar object."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

DATA = pl.DataFrame({"id": [1, 2, 3]})


def _suite(folder: Path, path: str, owner: str = "owner@example.com") -> Path:
    suite = folder / "orders.yml"
    suite.write_text(
        f"version: 1\ndataset: {{name: orders, path: '{path}'}}\n"
        f"stewardship: {{owner: {owner}, steward: steward@example.com}}\ncolumns:\n  id: {{unique: true}}\n",
        encoding="utf-8",
    )
    return suite


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_stamp_made_before_the_upload_is_read_from_the_objects(
    cli: Any, bucket: str, put: Any, s3: Any, s3_env: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (DATA.write_parquet if suffix == ".parquet" else DATA.write_csv)(local / f"o{suffix}")
    code, _, stderr = cli("stamp", _suite(local, f"o{suffix}"), cwd=local)
    assert code == 0, stderr
    for f in local.iterdir():
        if f.is_file() and f.name.startswith("o."):
            put(bucket, f"orders/{f.name}", f.read_bytes())  # the data file and, for CSV, its sidecar
    remote = tmp_path / "remote"
    remote.mkdir()
    url = f"s3://{bucket}/orders/o{suffix}"
    code, _, stderr = cli("run", _suite(remote, url), "--json", "run.json", cwd=remote, env=s3_env)
    assert code == 0, stderr
    result = next(
        r
        for r in json.loads((remote / "run.json").read_text())["datasets"][0]["results"]
        if r["check"] == "stamp_match"
    )
    assert (result["status"], result["message"]) == ("passed", "the data's stamp matches the suite (1 file)")
    code, stdout, stderr = cli("run", _suite(remote, url, owner="someone.else@example.com"), cwd=remote, env=s3_env)
    assert code == 1, stderr
    assert "the data names owner 'owner@example.com', the suite 'someone.else@example.com'" in stdout
    code, stdout, stderr = cli("inspect", url, "--format", "json", cwd=remote, env=s3_env)
    assert code == 0, stderr
    found = json.loads(stdout)["files"]
    assert [(f["path"], f["stamp"]["stewardship"]["owner"]) for f in found] == [(url, "owner@example.com")]


def test_stamp_refuses_an_s3_dataset_and_writes_nothing(
    cli: Any, bucket: str, put: Any, s3: Any, s3_env: dict[str, str], tmp_path: Path
) -> None:
    put(bucket, "orders/o.parquet", DATA)
    before = s3.list_objects_v2(Bucket=bucket)["Contents"]
    url = f"s3://{bucket}/orders/o.parquet"
    code, stdout, stderr = cli("stamp", _suite(tmp_path, url), cwd=tmp_path, env=s3_env)
    assert code == 2
    assert stderr == (
        f"error: {url}: stamp never writes to object storage (a Parquet footer cannot be rewritten in place, "
        "and a sidecar would be a write to the bucket): stamp the files before they are uploaded; "
        "runs read the stamps the objects carry\n"
    )
    after = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["ETag"]) for o in after] == [(o["Key"], o["ETag"]) for o in before]
