"""Reading back what a dataset carries: the stewardship stamp of each of its files.

``inspect_dataset`` reads only Parquet footers and sidecar files, never data. Files that
carry the same stamp are grouped, so a partitioned folder stamped at once reads as one stamp.
In S3 the same is read from the objects (footers through polars, ``<key>.stewardship.json``
sidecar objects); stewardgate never writes a stamp there (see governance/stamp.py).
A SQL table carries its stamp in its comment (``inspect_table``, governance/table_stamp.py);
a comment that is not a stamp (no JSON object naming the stamp format) is no stamp.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.resolve import ResolvedDataset, resolve
from stewardgate.datasets.s3 import ObjectURL, StoredObject, read_object
from stewardgate.errors import DatasetError, first_line
from stewardgate.governance.stamp import SIDECAR_SUFFIX, STAMP_FORMAT, STAMP_KEY, STAMP_VERSION, sidecar_path

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings


class TableName(str):
    """A table's name (``connection:table``) where a file's path would stand (``str`` and ``.name``)."""

    @property
    def name(self) -> str:
        return str(self)


Where = Path | ObjectURL | TableName
"""What carries a stamp: a local file, an S3 object, or a SQL table (its comment)."""


@dataclass(frozen=True)
class FileStamp:
    """One file's stamp (None if it carries none), why it is unreadable, and its other keys."""

    path: Where
    stamp: dict[str, Any] | None
    problem: str | None = None
    other_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class StampGroup:
    """Files that carry the same stamp."""

    stamp: dict[str, Any]
    files: tuple[Where, ...]


@dataclass(frozen=True)
class Inspection:
    """What a dataset carries: stamp groups, unstamped files, unreadable stamps."""

    display: str
    format: str
    files: tuple[FileStamp, ...]
    groups: tuple[StampGroup, ...] = field(default=())
    note: str | None = None  # a table's: a comment that is not a stamp, or why it can have none

    @property
    def unstamped(self) -> tuple[Where, ...]:
        return tuple(f.path for f in self.files if f.stamp is None and f.problem is None)

    @property
    def unreadable(self) -> tuple[FileStamp, ...]:
        return tuple(f for f in self.files if f.problem is not None)


def parse_stamp(text: str | bytes) -> dict[str, Any]:
    """A stamp document from its JSON text; ValueError saying what is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != STAMP_FORMAT:
        raise ValueError(f"not a {STAMP_FORMAT} document")
    version = data.get("version")
    if version != STAMP_VERSION:
        raise ValueError(f"stamp version {version!r}; this stewardgate reads version {STAMP_VERSION}")
    if not isinstance(data.get("stewardship"), dict):
        raise ValueError("the stamp has no stewardship mapping")
    return data


def read_file_stamp(path: Path, fmt: str) -> FileStamp:
    """The stamp ``path`` carries: its Parquet footer, or its sidecar for other formats."""
    if fmt == "parquet":
        kv = _footer(path)
        others = tuple(sorted(k for k in kv if k != STAMP_KEY))
        raw: str | bytes | None = kv.get(STAMP_KEY)
    else:
        others, sidecar = (), sidecar_path(path)
        try:
            raw = sidecar.read_bytes() if sidecar.is_file() else None
        except OSError as exc:
            return FileStamp(path, None, f"cannot read {sidecar.name}: {exc.strerror}")
    return _parsed(path, raw, others)


def read_object_stamp(obj: StoredObject, resolved: ResolvedDataset) -> FileStamp:
    """The stamp an S3 object carries: its Parquet footer, or its sidecar object."""
    import polars as pl

    path, others = ObjectURL(obj.url), tuple[str, ...]()
    if resolved.format == "parquet":
        try:
            kv = pl.read_parquet_metadata(obj.url, **resolved.read_options)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise DatasetError(f"{obj.url}: not a readable Parquet file: {first_line(exc)}") from exc
        others = tuple(sorted(k for k in kv if k != STAMP_KEY))
        raw: str | bytes | None = kv.get(STAMP_KEY)
    else:
        assert resolved.remote is not None
        raw = read_object(obj.url + SIDECAR_SUFFIX, resolved.remote.access)
    return _parsed(path, raw, others)


def _parsed(path: Where, raw: str | bytes | None, others: tuple[str, ...]) -> FileStamp:
    if raw is None:
        return FileStamp(path, None, None, others)
    try:
        return FileStamp(path, parse_stamp(raw), None, others)
    except ValueError as exc:
        return FileStamp(path, None, f"unreadable stamp: {exc}", others)


def inspect_resolved(resolved: ResolvedDataset) -> Inspection:
    """Stamps of every file (or S3 object) of an already resolved dataset, grouped."""
    files = tuple(read_file_stamp(f, resolved.format) for f in resolved.files)
    files += tuple(read_object_stamp(o, resolved) for o in (resolved.remote.objects if resolved.remote else ()))
    return Inspection(resolved.display, resolved.format, files, _group(files))


def inspect_dataset(path_text: str, *, base: Path, fmt: str | None = None, s3: S3Settings | None = None) -> Inspection:
    """Resolve a data path (file, glob or folder, local or ``s3://``) and read what its files carry."""
    return inspect_resolved(resolve(path_text, base=base, fmt=fmt, s3=s3))


def is_stamp_text(text: str) -> bool:
    """A table comment meant as a stamp (readable or not): a JSON object naming the stamp format."""
    return text.lstrip().startswith("{") and f'"{STAMP_FORMAT}"' in text


def inspect_table(display: str, comment: str | None, unsupported: str | None = None) -> Inspection:
    """What a table carries in its comment: a stamp, an unreadable stamp, or none (with a note
    quoting a comment that is not a stamp, or saying why the table can carry none)."""
    if unsupported is not None:
        return Inspection(display, "table", (), note=f"{unsupported}: the table can carry no stamp")
    if comment is not None and not is_stamp_text(comment):
        shown = comment if len(comment) <= 60 else comment[:57] + "..."
        note = f"the table's comment is not a stewardgate stamp: {shown!r}"
        return Inspection(display, "table", (FileStamp(TableName(display), None),), note=note)
    files = (_parsed(TableName(display), comment, ()),)
    return Inspection(display, "table", files, _group(files))


def _group(files: tuple[FileStamp, ...]) -> tuple[StampGroup, ...]:
    groups: dict[str, tuple[dict[str, Any], list[Where]]] = {}
    for f in files:
        if f.stamp is not None:
            key = json.dumps(f.stamp, sort_keys=True)
            groups.setdefault(key, (f.stamp, []))[1].append(f.path)
    return tuple(StampGroup(stamp, tuple(paths)) for stamp, paths in groups.values())


def _footer(path: Path) -> dict[str, str]:
    """The footer's key-value metadata, read by polars (pyarrow's import alone cost a run 0.1 s)."""
    import polars as pl

    try:
        return pl.read_parquet_metadata(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = first_line(exc)
        raise DatasetError(f"{path}: not a readable Parquet file: {first}") from exc
