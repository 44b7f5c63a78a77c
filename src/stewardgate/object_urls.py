"""Storage URLs in a suite's ``dataset.path``, as text: which are S3, which name another store, and
which carry credentials. Pure text, at the bottom of the house, so the suite model can refuse a bad
path without loading the S3 reader (:mod:`stewardgate.datasets.s3`)."""

from __future__ import annotations

import re

SCHEME = "s3://"
_URL_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_CREDENTIAL_QUERY = re.compile(
    r"[?&](x-amz-[a-z-]+|awsaccesskeyid|signature|access_key(_id)?|secret(_access_key)?|session_token|token)=",
    re.IGNORECASE,
)


def is_object_url(text: str) -> bool:
    """An ``s3://`` path."""
    return text.startswith(SCHEME)


def other_scheme(text: str) -> str | None:
    """The scheme of a URL that is not ``s3://`` (``gs``, ``abfss``, ``https``): polars reads
    no other store here (``dataset_roots`` and the loopback-only tests guard S3 alone)."""
    match = _URL_SCHEME.match(text)
    return match["scheme"] if match is not None and match["scheme"] != "s3" else None


def path_problem(text: str) -> str | None:
    """What is wrong with a suite's ``dataset.path`` as a storage URL, or None. Credentials
    in any URL are refused (they belong in the environment, named by ``[tool.stewardgate.s3]``);
    an ``s3://`` path needs a valid bucket name."""
    match = _URL_SCHEME.match(text)
    if match is None:
        return None
    host = text[len(match[0]) :].partition("/")[0]
    if "@" in host or _CREDENTIAL_QUERY.search(text):
        return (
            "credentials do not belong in a suite; [tool.stewardgate.s3] names the environment variables "
            "that hold them (or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        )
    if match["scheme"] == "s3" and not _BUCKET.match(host):
        return f"'{host}' is not an S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-')"
    return None
