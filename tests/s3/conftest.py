"""The S3 tests: a moto server on 127.0.0.1, inside a network namespace that has only loopback.

These modules are never collected by a plain ``pytest`` run: ``tests/test_s3_isolated.py``
runs them in a child ``pytest`` under ``unshare --net`` (with ``lo`` up, fake credentials and
``AWS_EC2_METADATA_DISABLED=true``) and asserts that child passed. Inside, the ``namespace``
fixture (autouse) fails every test unless the only network interface is ``lo``, so no
credential lookup can reach an instance-metadata address or any other host.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

IN_NAMESPACE = os.environ.get("STEWARDGATE_S3_NAMESPACE") == "1"
if not IN_NAMESPACE:
    collect_ignore_glob = ["test_*.py"]  # run by tests/test_s3_isolated.py, inside the namespace

FAKE_KEY_ID, FAKE_SECRET = "AKIAFAKEFAKEFAKE0001", "fake-secret-never-shown-0123456789"
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def namespace() -> None:
    """Every S3 test runs where ``lo`` is the only interface (else it fails, never skips)."""
    lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]  # per namespace (sysfs is not)
    interfaces = sorted(line.split(":")[0].strip() for line in lines)
    assert interfaces == ["lo"], f"not in a loopback-only network namespace: interfaces {interfaces}"
    assert os.environ.get("AWS_EC2_METADATA_DISABLED") == "true"


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 (a free port), for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3(endpoint: str) -> Any:
    """A boto3 client of the moto server (test set-up only: stewardgate never uses boto3)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    )


@pytest.fixture
def bucket(s3: Any, request: pytest.FixtureRequest) -> str:
    """A new, empty bucket named for the test."""
    name = "sg-" + request.node.name.lower().replace("_", "-")[:40].strip("-").replace("[", "-").replace("]", "")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def put(s3: Any) -> Callable[[str, str, Any], None]:
    """``put(bucket, key, data)``: a polars DataFrame (written as the key's suffix says) or bytes."""

    def put_object(bucket: str, key: str, data: Any) -> None:
        if not isinstance(data, bytes):
            buf = io.BytesIO()
            {".csv": data.write_csv, ".ndjson": data.write_ndjson}.get(Path(key).suffix, data.write_parquet)(buf)
            data = buf.getvalue()
        s3.put_object(Bucket=bucket, Key=key, Body=data)

    return put_object


@pytest.fixture
def s3_env(endpoint: str) -> dict[str, str]:
    """The CLI's environment: the standard AWS variables, pointing at the moto server."""
    return {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION, "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": FAKE_SECRET}  # fmt: skip
