"""Datasets in S3 object storage: ``path: s3://bucket/orders/*.parquet``.

An ``s3://`` path is an object, a glob (``*``, ``?``, ``[...]``; ``**`` crosses ``/``) or a
folder (hive-partitioned or not), as for local files. The objects are listed here, through
obstore (the Python binding of the Rust ``object_store`` crate, the one polars reads with), so
the fingerprint has each object's size, ETag and last-modified time; polars then reads exactly
the listed objects with the same options (``storage_options``, ``credential_provider=None``:
listing and reading find credentials the same way, never through boto3).

Credentials and the endpoint come from ``[tool.stewardgate.s3]`` (which names the environment
variables holding the keys) or the standard AWS variables; a suite carries none
(:func:`stewardgate.object_urls.path_problem`). No message shows a key: :meth:`S3Access.scrub`. obstore is imported
only when an S3 dataset is opened.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from stewardgate.errors import DatasetError, first_line
from stewardgate.object_urls import SCHEME
from stewardgate.redact import scrub

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings

_MAGIC = re.compile(r"[*?\[]")
_HIVE_PART = re.compile(r"^[^=/]+=[^/]*$")
_SECRET_OPTIONS = ("aws_secret_access_key", "aws_session_token", "aws_access_key_id")
_CONNECT = ("error sending request", "connection refused", "dns error", "timed out", "connect error")
_DENIED = ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403 Forbidden", "401 Unauthorized")


@dataclass(frozen=True)
class S3Access:
    """How to reach S3: the options polars and obstore both take. Never printed (``repr``
    hides them); :meth:`scrub` removes the keys from any text quoted from a client."""

    options: tuple[tuple[str, str], ...] = field(repr=False)

    @property
    def storage_options(self) -> dict[str, str]:
        return dict(self.options)

    @property
    def endpoint(self) -> str:
        return self.storage_options.get("aws_endpoint_url", "AWS")

    def scrub(self, text: str) -> str:
        secrets = [v for k, v in self.options if k in _SECRET_OPTIONS and v]
        return scrub(text, sorted(secrets, key=len, reverse=True))


def s3_access(settings: S3Settings | None, environ: Mapping[str, str]) -> S3Access:
    """The options from the settings and the standard AWS variables (the settings win).

    Raises:
        DatasetError: a variable the settings name is not set.
    """
    from stewardgate.s3_settings import S3Settings

    s = settings or S3Settings()
    named = (("aws_access_key_id", "access_key_id_env", "AWS_ACCESS_KEY_ID"),
             ("aws_secret_access_key", "secret_access_key_env", "AWS_SECRET_ACCESS_KEY"),
             ("aws_session_token", "session_token_env", "AWS_SESSION_TOKEN"))  # fmt: skip
    options: dict[str, str] = {}
    for option, setting, standard in named:
        variable = getattr(s, setting)
        value = environ.get(variable or standard, "")
        if variable is not None and not value:
            raise DatasetError(f"tool.stewardgate.s3.{setting}: the environment variable {variable} is not set")
        if value:
            options[option] = value
    endpoint = s.endpoint_url or environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL")
    region = s.region or environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if endpoint:
        options["aws_endpoint_url"] = endpoint
        if endpoint.startswith("http://"):
            options["aws_allow_http"] = "true"
    if region:
        options["aws_region"] = region
    return S3Access(tuple(sorted(options.items())))


class ObjectURL(str):
    """An object's ``s3://`` URL where a local :class:`~pathlib.Path` would stand (``str`` and ``.name``)."""

    @property
    def name(self) -> str:
        return self.rpartition("/")[2]


@dataclass(frozen=True)
class StoredObject:
    """One object as listed: its URL, size, ETag and last-modified time (ns since the epoch)."""

    url: str
    key: str
    size: int
    etag: str
    modified_ns: int

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.key).suffix


@dataclass(frozen=True)
class ObjectListing:
    """An S3 dataset's objects, how to reach them, and the hive root (a URL) if any."""

    access: S3Access
    objects: tuple[StoredObject, ...]
    hive_prefix: str | None

    def partition_of(self, url: str) -> str:
        """The hive partition (``order_date=2026-11-27``) or object name holding ``url``."""
        if self.hive_prefix is not None and url.startswith(self.hive_prefix + "/"):
            folder = url[len(self.hive_prefix) + 1 :].rpartition("/")[0]
            if folder:
                return folder
        return url.rpartition("/")[2]


def list_objects(url: str, *, access: S3Access, keep: Callable[[str], bool]) -> ObjectListing:
    """The objects ``url`` names: one object, a glob's matches, or a folder's data objects.

    ``keep(suffix)``: whether a folder's object is data (as for a local folder). Hidden
    objects (a name part starting with ``.``; in folders also ``_``: ``_SUCCESS``) stay out.

    Raises:
        DatasetError: no such bucket, access denied, endpoint unreachable, nothing matches.
    """
    bucket, _, key = url[len(SCHEME) :].partition("/")
    magic = _MAGIC.search(key)
    if magic is not None:
        prefix = key[: magic.start()].rpartition("/")[0]
        pattern = _glob_regex(key)
        listed = _list(bucket, prefix + "/" if prefix else "", url, access)
        found = [o for o in listed if pattern.fullmatch(o.key) and not _hidden(o.key[len(prefix) :], ".")]
        if not found:
            raise DatasetError(f"{url}: the pattern matches no objects")
        return ObjectListing(access, tuple(sorted(found, key=_by_key)), None)
    exact = _head(bucket, key, url, access) if key and not key.endswith("/") else None
    if exact is not None:
        return ObjectListing(access, (exact,), None)
    folder = key.rstrip("/") + "/" if key.strip("/") else ""
    listed = _list(bucket, folder, url, access)
    inside = [o for o in listed if o.key.startswith(folder) and not _hidden(o.key[len(folder) :], "._")]
    if not inside:
        raise DatasetError(f"{url}: no such object or folder")
    found = [o for o in inside if keep(o.suffix)]
    if not found:
        raise DatasetError(f"{url}: the folder holds no data files")
    parts = (part for o in found for part in o.key[len(folder) :].split("/")[:-1])
    hive = url.rstrip("/") if any(_HIVE_PART.match(p) for p in parts) else None
    return ObjectListing(access, tuple(sorted(found, key=_by_key)), hive)


def read_head(obj: StoredObject, access: S3Access, length: int) -> bytes:
    """The first ``length`` bytes of an object (a CSV's head, to sniff)."""
    bucket, _, key = obj.url[len(SCHEME) :].partition("/")
    store = _store(bucket, access)
    import obstore

    try:
        return bytes(obstore.get_range(store, key, start=0, length=min(length, obj.size)))
    except Exception as exc:  # obstore raises its own tree and OSError; all mean "cannot read"
        raise _translated(exc, obj.url, bucket, access) from None


def read_object(url: str, access: S3Access) -> bytes | None:
    """An object's bytes (a stamp's sidecar), or None when there is no such object."""
    bucket, _, key = url[len(SCHEME) :].partition("/")
    store = _store(bucket, access)
    import obstore
    from obstore.exceptions import NotFoundError

    try:
        return bytes(obstore.get(store, key).bytes())
    except (NotFoundError, FileNotFoundError):
        return None
    except Exception as exc:  # obstore raises its own tree and OSError; all mean "cannot read"
        raise _translated(exc, url, bucket, access) from None


def _list(bucket: str, prefix: str, url: str, access: S3Access) -> list[StoredObject]:
    """The objects under a folder ``prefix`` (object_store lists whole ``/`` parts only)."""
    store = _store(bucket, access)
    import obstore

    try:
        batches = list(obstore.list(store, prefix=prefix or None))
    except Exception as exc:  # obstore raises its own tree and OSError; all mean "cannot list"
        raise _translated(exc, url, bucket, access) from None
    return [_stored(bucket, meta) for batch in batches for meta in batch]


def _head(bucket: str, key: str, url: str, access: S3Access) -> StoredObject | None:
    """The object at ``key``, or None when there is none (it may be a folder)."""
    store = _store(bucket, access)
    import obstore
    from obstore.exceptions import NotFoundError

    try:
        return _stored(bucket, obstore.head(store, key))
    except (NotFoundError, FileNotFoundError):
        return None
    except Exception as exc:  # obstore raises its own tree and OSError; all mean "cannot read"
        raise _translated(exc, url, bucket, access) from None


def _stored(bucket: str, meta: Any) -> StoredObject:
    key = meta["path"]
    return StoredObject(f"{SCHEME}{bucket}/{key}", key, int(meta["size"]), str(meta.get("e_tag") or ""),
                        _ns(meta["last_modified"]))  # fmt: skip


@functools.lru_cache(maxsize=16)
def _store(bucket: str, access: S3Access) -> Any:
    try:
        from obstore.store import S3Store
    except ImportError:
        raise DatasetError(f"s3://{bucket}: reading S3 needs obstore: pip install 'stewardgate[s3]'") from None

    options: Any = access.storage_options  # obstore's TypedDicts take these keys
    allow_http = options.pop("aws_allow_http", "") == "true"
    retry: Any = {"max_retries": 2, "retry_timeout": timedelta(seconds=10)}
    client: Any = {"allow_http": allow_http, "connect_timeout": "5s", "timeout": "60s"}
    return S3Store(bucket, config=options, client_options=client, retry_config=retry)


def _translated(exc: BaseException, url: str, bucket: str, access: S3Access) -> DatasetError:
    text, whole = access.scrub(first_line(exc)), str(exc)
    if "NoSuchBucket" in whole:
        return DatasetError(f"{url}: the bucket '{bucket}' does not exist (at {access.endpoint})")
    if any(mark in whole for mark in _DENIED) or type(exc).__name__ in (
        "PermissionDeniedError",
        "UnauthenticatedError",
    ):
        return DatasetError(f"{url}: access denied: check the keys and the bucket's policy ({text})")
    if any(mark in whole.lower() for mark in _CONNECT):
        return DatasetError(f"{url}: cannot reach the S3 endpoint {access.endpoint}: {text}")
    return DatasetError(f"{url}: cannot list or read the objects: {text}")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A key glob as a regex: ``**`` any keys, ``*`` and ``?`` within one ``/`` part."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):  # zero or more folders, as in a local glob
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] in "*?":
            out.append("[^/]*" if pattern[i] == "*" else "[^/]")
            i += 1
        elif pattern[i] == "[" and (end := pattern.find("]", i + 2)) > 0:
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def _by_key(obj: StoredObject) -> str:
    return obj.key


def _hidden(relative_key: str, marks: str) -> bool:
    return any(part.startswith(tuple(marks)) for part in relative_key.split("/") if part)


def _ns(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000_000 + moment.microsecond * 1000
