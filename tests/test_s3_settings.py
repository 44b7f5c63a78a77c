"""``[tool.stewardgate.s3]`` and the pure parts of the S3 reader: settings errors, the options
built from settings and the AWS variables, secrets never shown, suite paths, key globs.

Nothing here opens a connection (the S3 tests that do run in tests/s3, inside a namespace)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgate.datasets.s3 import ObjectListing, S3Access, _glob_regex, s3_access
from stewardgate.errors import DatasetError, SettingsError
from stewardgate.object_urls import path_problem
from stewardgate.s3_settings import S3Settings
from stewardgate.settings import load_settings


def _settings_error(tmp_path: Path, body: str) -> str:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.stewardgate.s3]\n" + body, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=tmp_path, environ={})
    return str(info.value).replace(str(path), "pyproject.toml")


def test_a_key_value_in_the_settings_is_an_unknown_key_that_points_at_the_variable(tmp_path: Path) -> None:
    assert _settings_error(tmp_path, 'access_key_id = "AKIAFAKE"\n') == (
        "pyproject.toml:2: tool.stewardgate.s3.access_key_id: unknown key (did you mean 'access_key_id_env'? allowed: "
        "access_key_id_env, endpoint_url, region, secret_access_key_env, session_token_env)"
    )


def test_the_key_variables_come_in_pairs_and_are_variable_names(tmp_path: Path) -> None:
    assert _settings_error(tmp_path, 'access_key_id_env = "LAKE_KEY"\n') == (
        "pyproject.toml:1: tool.stewardgate.s3: give both access_key_id_env and secret_access_key_env, or neither"
    )
    assert _settings_error(tmp_path, 'access_key_id_env = "LAKE KEY"\nsecret_access_key_env = "S"\n') == (
        "pyproject.toml:2: tool.stewardgate.s3.access_key_id_env: 'LAKE KEY' is not an environment variable name "
        "(letters, digits and _) (got 'LAKE KEY')"
    )


def test_an_endpoint_is_an_http_url_without_credentials(tmp_path: Path) -> None:
    assert _settings_error(tmp_path, 'endpoint_url = "minio:9000"\n') == (
        "pyproject.toml:2: tool.stewardgate.s3.endpoint_url: 'minio:9000' is not an http:// or https:// URL (got 'minio:9000')"
    )
    message = _settings_error(tmp_path, 'endpoint_url = "https://k:s3cr3t@minio:9000"\n')
    assert message.startswith(
        "pyproject.toml:2: tool.stewardgate.s3.endpoint_url: holds credentials; name the variables"
    )


def test_settings_win_over_the_standard_variables_and_name_where_the_keys_are() -> None:
    environ = {"AWS_ACCESS_KEY_ID": "std-id", "AWS_SECRET_ACCESS_KEY": "std-secret", "AWS_REGION": "eu-west-1",
               "AWS_ENDPOINT_URL": "https://std.example", "LAKE_ID": "lake-id", "LAKE_SECRET": "lake-secret"}  # fmt: skip
    assert s3_access(None, environ).storage_options == {
        "aws_access_key_id": "std-id", "aws_secret_access_key": "std-secret", "aws_region": "eu-west-1",
        "aws_endpoint_url": "https://std.example",
    }  # fmt: skip
    chosen = S3Settings(endpoint_url="http://127.0.0.1:9000", region="us-east-2", access_key_id_env="LAKE_ID",
                        secret_access_key_env="LAKE_SECRET")  # fmt: skip
    assert s3_access(chosen, environ).storage_options == {
        "aws_access_key_id": "lake-id", "aws_secret_access_key": "lake-secret", "aws_region": "us-east-2",
        "aws_endpoint_url": "http://127.0.0.1:9000", "aws_allow_http": "true",
    }  # fmt: skip


def test_a_variable_the_settings_name_must_be_set() -> None:
    chosen = S3Settings(access_key_id_env="LAKE_ID", secret_access_key_env="LAKE_SECRET")
    with pytest.raises(DatasetError) as info:
        s3_access(chosen, {"LAKE_ID": "x", "AWS_SECRET_ACCESS_KEY": "std"})
    assert (
        str(info.value) == "tool.stewardgate.s3.secret_access_key_env: the environment variable LAKE_SECRET is not set"
    )


def test_the_keys_are_never_shown() -> None:
    access = s3_access(
        None,
        {"AWS_ACCESS_KEY_ID": "AKIAFAKE123", "AWS_SECRET_ACCESS_KEY": "s3cr3t-value", "AWS_SESSION_TOKEN": "tok-en"},
    )
    assert "s3cr3t" not in repr(access) and "AKIAFAKE123" not in repr(access)
    listing = ObjectListing(access, (), None)
    assert "s3cr3t" not in repr(listing)
    assert access.scrub("signed with AKIAFAKE123 / s3cr3t-value / tok-en") == "signed with *** / *** / ***"


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("orders/*.parquet", None),
        ("s3://sg-lake/orders/order_date={as_of}/", None),
        ("s3://AKIA:secret@sg-lake/o.parquet", "credentials do not belong in a suite"),
        ("s3://sg-lake/o.parquet?X-Amz-Signature=abc", "credentials do not belong in a suite"),
        ("s3://sg-lake/part-?.parquet", None),  # '?' is a glob here, not a query
        ("https://user:pw@example.com/o.csv", "credentials do not belong in a suite"),
        ("s3://Bad_Bucket/o.parquet", "'Bad_Bucket' is not an S3 bucket name"),
    ],
)
def test_suite_paths(path: str, problem: str | None) -> None:
    found = path_problem(path)
    assert (found if found is None or problem is None else found[: len(problem)]) == problem


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("o/*.parquet", ["o/a.parquet"], ["o/x/a.parquet", "o/a.csv"]),
        ("o/**/*.parquet", ["o/a.parquet", "o/d=1/a.parquet", "o/d=1/h=2/a.parquet"], ["p/a.parquet"]),
        ("o/part-?.csv", ["o/part-1.csv"], ["o/part-10.csv"]),
        ("o/[ab].csv", ["o/a.csv", "o/b.csv"], ["o/c.csv"]),
        ("o/[!ab].csv", ["o/c.csv"], ["o/a.csv"]),
        ("o/a+b(1).csv", ["o/a+b(1).csv"], ["o/aab1.csv"]),
    ],
)
def test_key_globs_follow_local_glob_rules(pattern: str, matches: list[str], misses: list[str]) -> None:
    regex = _glob_regex(pattern)
    assert [k for k in matches + misses if regex.fullmatch(k)] == matches


def test_listing_names_hive_partitions() -> None:
    listing = ObjectListing(S3Access(()), (), "s3://sg-lake/events")
    assert listing.partition_of("s3://sg-lake/events/day=2026-11-27/part-0.parquet") == "day=2026-11-27"
    assert ObjectListing(S3Access(()), (), None).partition_of("s3://sg-lake/o/a.parquet") == "a.parquet"
