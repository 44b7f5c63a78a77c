"""From a suite's ``dataset.path`` to the concrete files to read, their format and layout."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.s3 import ObjectListing
from stewardgate.errors import DatasetError
from stewardgate.object_urls import is_object_url, other_scheme
from stewardgate.walk import folder_files, glob_files

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings

FORMATS_BY_SUFFIX = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv", ".tsv": "csv",
    ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".ipc": "ipc", ".arrow": "ipc", ".feather": "ipc",
}  # fmt: skip
_HIVE_PART = re.compile(r"^[^=/]+=[^/]*$")


@dataclass(frozen=True)
class ResolvedDataset:
    """What to read: the files, their format, and the root of a hive layout if any.

    A dataset in S3 has no local ``files``: its objects are in ``remote`` (see datasets/s3.py).
    """

    display: str
    files: tuple[Path, ...]
    format: str
    hive_root: Path | None
    remote: ObjectListing | None = None

    @property
    def sources(self) -> list[str]:
        """What polars reads: the files' paths, or the objects' URLs."""
        if self.remote is not None:
            return [o.url for o in self.remote.objects]
        return [str(f) for f in self.files]

    @property
    def read_options(self) -> dict[str, Any]:
        """Keyword arguments for polars' scan and read functions (S3: how to reach the bucket)."""
        if self.remote is None:
            return {}
        return {"storage_options": self.remote.access.storage_options, "credential_provider": None}

    @property
    def partitioned(self) -> bool:
        """A hive layout: its ``key=value`` folders are columns."""
        return self.hive_root is not None or (self.remote is not None and self.remote.hive_prefix is not None)


def resolve(
    path_text: str, *, base: Path, fmt: str | None, roots: tuple[Path, ...] = (), s3: S3Settings | None = None
) -> ResolvedDataset:
    """Resolve ``path_text`` (relative to ``base``): a file, a glob or a (hive) folder, local
    or in S3 (``s3://``; ``s3``: the ``[tool.stewardgate.s3]`` settings).

    ``roots`` (the ``dataset_roots`` setting): when given, every file, symbolic links
    followed, must lie under one of them, and no dataset is read from S3.
    """
    if is_object_url(path_text):
        return _resolve_objects(path_text, fmt=fmt, roots=roots, s3=s3)
    if (scheme := other_scheme(path_text)) is not None:
        raise DatasetError(
            f"{path_text}: {scheme}:// is not a storage stewardgate reads (allowed: a local path, or s3://bucket/key)"
        )
    target = Path(os.path.normpath(base / path_text))
    display = str(target)
    if glob.has_magic(path_text):
        files = tuple(glob_files(target, error=DatasetError))
        if not files:
            raise DatasetError(f"{display}: the pattern matches no files")
        hive_root = None
    elif target.is_dir():
        files = tuple(folder_files(target, error=DatasetError, skip=_hidden))
        files = tuple(p for p in files if p.suffix in FORMATS_BY_SUFFIX or fmt is not None)
        if not files:
            raise DatasetError(f"{display}: the folder holds no data files")
        hive_root = (
            target if any(_HIVE_PART.match(part) for f in files for part in f.relative_to(target).parts[:-1]) else None
        )
    elif target.is_file():
        files, hive_root = (target,), None
    else:
        raise DatasetError(f"{display}: no such file or folder")
    _confine(files, roots)
    fmt = _format([f.suffix for f in files], fmt, display)
    return ResolvedDataset(display=display, files=files, format=fmt, hive_root=hive_root)


def _resolve_objects(url: str, *, fmt: str | None, roots: tuple[Path, ...], s3: S3Settings | None) -> ResolvedDataset:
    from stewardgate.datasets.s3 import list_objects, s3_access

    if roots:
        raise DatasetError(
            f"{url}: outside the folders datasets may be read from (dataset_roots: {', '.join(map(str, roots))}); "
            "with dataset_roots set, no dataset is read from S3"
        )
    keep = (lambda suffix: True) if fmt is not None else (lambda suffix: suffix in FORMATS_BY_SUFFIX)
    listing = list_objects(url, access=s3_access(s3, os.environ), keep=keep)
    found = _format([o.suffix for o in listing.objects], fmt, url)
    return ResolvedDataset(display=url, files=(), format=found, hive_root=None, remote=listing)


def _confine(files: tuple[Path, ...], roots: tuple[Path, ...]) -> None:
    """Every file inside one of ``roots`` (real paths: a symbolic link cannot lead out)."""
    if not roots:
        return
    real_roots = [os.path.realpath(r) for r in roots]
    for f in files:
        real = os.path.realpath(f)
        if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots):
            shown = f"{f} (which is {real})" if real != str(f) and real != os.path.abspath(f) else str(f)
            raise DatasetError(
                f"{shown}: outside the folders datasets may be read from (dataset_roots: {', '.join(map(str, roots))})"
            )


def _hidden(name: str) -> bool:
    """Markers and checksums (``_SUCCESS``, ``.part-0.crc``) and folders holding them."""
    return name.startswith((".", "_"))


def _format(suffixes: list[str], fmt: str | None, display: str) -> str:
    if fmt is not None:
        return fmt
    found = {FORMATS_BY_SUFFIX.get(s.lower()) for s in suffixes}
    if None in found or len(found) != 1:
        suffixes = sorted({s or "(none)" for s in suffixes})
        raise DatasetError(
            f"{display}: cannot tell the format from the file extension ({', '.join(suffixes)}); "
            f"set dataset.format to one of: parquet, csv, ndjson, ipc"
        )
    return found.pop()  # type: ignore[return-value]
