"""Stamping a suite's stewardship into the dataset itself.

Parquet files carry it in the footer's key-value metadata under the key ``stewardgate`` (a
versioned JSON document, :func:`stamp_document`); CSV, NDJSON and Arrow IPC files get a sidecar
``<file>.stewardship.json`` with the same document. Every file of a partitioned folder is
stamped.

A Parquet file is rewritten row group by row group with pyarrow into a temporary file in the
same folder, which is checked (same Parquet and Arrow schema, same row groups with the same row
counts, every other key-value entry unchanged) and then renamed over the original: a crash at
any point leaves the old file whole. Data values, the schema, the row groups and all other
metadata stay as they were; the file's writer (``created_by``), compression and modification
time may change. A partitioned folder is stamped file by file, so a crash half-way leaves some
files stamped and the rest as they were; stamping again finishes the job.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from stewardgate import __version__
from stewardgate.datasets.resolve import resolve
from stewardgate.errors import DatasetError, first_line
from stewardgate.io import atomic_write_text
from stewardgate.suite.loader import LoadedSuite

STAMP_KEY = "stewardgate"
STAMP_FORMAT = "stewardgate.stamp"
STAMP_VERSION = 1
SIDECAR_SUFFIX = ".stewardship.json"

after_row_group: Callable[[int], None] | None = None
"""Test seam, None in production: called after each row group is written to the temporary
file (the crash tests raise or stop the process there)."""


@dataclass(frozen=True)
class StampedFile:
    """One data file that now carries the stamp: in its footer, or in a sidecar file."""

    path: Path
    where: str  # "footer" | "sidecar"
    target: Path  # the file holding the stamp (the data file itself, or its sidecar)


@dataclass(frozen=True)
class StampReport:
    """What ``stamp`` did: the document written and every file that carries it."""

    dataset: str
    display: str
    format: str
    document: dict[str, Any]
    files: tuple[StampedFile, ...]


def sidecar_path(data_file: Path) -> Path:
    """``orders.csv`` -> ``orders.csv.stewardship.json``."""
    return data_file.with_name(data_file.name + SIDECAR_SUFFIX)


def stamp_document(loaded: LoadedSuite, *, at: datetime) -> dict[str, Any]:
    """The versioned JSON document a stamp holds: stewardship, suite hash and time."""
    suite = loaded.suite
    return {
        "format": STAMP_FORMAT,
        "version": STAMP_VERSION,
        "dataset": suite.dataset.name,
        "stewardship": suite.stewardship.model_dump(mode="json"),
        "suite": {"path": str(loaded.path), "sha256": loaded.sha256},
        "stamped_at": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "tool_version": __version__,
    }


def stamp_text(document: dict[str, Any]) -> str:
    """The stamp as stored: canonical JSON (sorted keys, no spaces)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def stamp_suite(loaded: LoadedSuite, *, at: datetime, as_of: date | None = None) -> StampReport:
    """Stamp the suite's dataset: every file of it, each atomically.

    Raises:
        DatasetError: the dataset cannot be found or read, or a file cannot be rewritten
            without changing its schema or row groups (it is then left as it was).
    """
    spec = loaded.suite.dataset
    path = spec.path.replace("{as_of}", (as_of or at.date()).isoformat())
    resolved = resolve(path, base=loaded.folder, fmt=spec.format)
    document = stamp_document(loaded, at=at)
    text = stamp_text(document)
    files = []
    for f in resolved.files:
        if resolved.format == "parquet":
            stamp_parquet_file(f, text)
            files.append(StampedFile(f, "footer", f))
        else:
            sidecar = sidecar_path(f)
            atomic_write_text(sidecar, json.dumps(document, indent=2, sort_keys=True) + "\n")
            files.append(StampedFile(f, "sidecar", sidecar))
    return StampReport(spec.name, resolved.display, resolved.format, document, tuple(files))


def stamp_parquet_file(path: Path, text: str) -> None:
    """Rewrite ``path`` with ``text`` under the footer key ``stewardgate``, atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a readable Parquet file: {first_line(exc)}") from exc
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with source:
            _rewrite(source, path, tmp, text)
        _check_same(path, tmp)
        shutil.copymode(path, tmp)
        _fsync(tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _rewrite(source: Any, path: Path, tmp: Path, text: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = source.metadata
    kv = {k: v for k, v in (meta.metadata or {}).items() if k != b"ARROW:schema"}
    kv[STAMP_KEY.encode()] = text.encode("utf-8")
    schema = source.schema_arrow.with_metadata(kv)
    options = _writer_options(meta)
    try:
        with pq.ParquetWriter(tmp, schema, **options) as writer:
            for i in range(meta.num_row_groups):
                table = source.read_row_group(i).replace_schema_metadata(kv)
                writer.write_table(table, row_group_size=max(table.num_rows, 1))
                if after_row_group is not None:
                    after_row_group(i)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: cannot rewrite the Parquet file: {first_line(exc)}") from exc


def _writer_options(meta: Any) -> dict[str, Any]:
    """Writer settings that keep the file's schema: timestamps, schema storage, codecs."""
    physical = {meta.schema.column(j).physical_type for j in range(meta.num_columns)}
    options: dict[str, Any] = {
        "version": "2.6",
        "store_schema": b"ARROW:schema" in (meta.metadata or {}),
        "use_deprecated_int96_timestamps": "INT96" in physical,
    }
    if meta.num_row_groups:
        group = meta.row_group(0)
        codecs = {group.column(j).path_in_schema: _codec(group.column(j).compression) for j in range(group.num_columns)}
        options["compression"] = next(iter(codecs.values())) if len(set(codecs.values())) == 1 else codecs
    return options


def _codec(name: str) -> str:
    name = name.upper()
    return {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}.get(name, name.lower())


def _check_same(original: Path, rewritten: Path) -> None:
    """Refuse (DatasetError) a rewrite whose schema, row groups or other metadata differ."""
    import pyarrow.parquet as pq

    old, new = pq.ParquetFile(original), pq.ParquetFile(rewritten)
    with old, new:
        a, b = old.metadata, new.metadata
        problems = []
        if not a.schema.equals(b.schema) or not old.schema_arrow.remove_metadata().equals(new.schema_arrow.remove_metadata()):
            problems.append("the schema would change")
        if [a.row_group(i).num_rows for i in range(a.num_row_groups)] != [b.row_group(i).num_rows for i in range(b.num_row_groups)]:
            problems.append("the row groups would change")
        if other_metadata(a.metadata) != other_metadata(b.metadata):
            problems.append("other key-value metadata would change")
    if problems:
        raise DatasetError(f"{original}: cannot stamp without changing the file: {'; '.join(problems)}; the file is unchanged")


def other_metadata(kv: dict[bytes, bytes] | None) -> dict[bytes, bytes]:
    """Footer key-value metadata except the stamp and pyarrow's serialised schema."""
    return {k: v for k, v in (kv or {}).items() if k not in (STAMP_KEY.encode(), b"ARROW:schema")}


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
