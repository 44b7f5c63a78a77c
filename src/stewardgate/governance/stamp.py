"""Stamping a suite's stewardship into the dataset itself.

Parquet files carry it in the footer's key-value metadata under the key ``stewardgate`` (a
versioned JSON document, :func:`stamp_document`); CSV, NDJSON and Arrow IPC files get a sidecar
``<file>.stewardship.json`` with the same document. Every file of a partitioned folder is
stamped. A dataset in S3 is refused: stamp the files before uploading them (a run reads the
stamps the objects carry: governance/inspect.py). A SQL table is stamped in its comment
(governance/table_stamp.py).

A Parquet file is rewritten row group by row group with pyarrow into a temporary file in the
same folder, which is checked (same Parquet and Arrow schema, same row groups with the same row
counts, every other key-value entry unchanged) and then renamed over the original: a crash at
any point leaves the old file whole. Data values, the schema, the row groups and all other
metadata stay as they were; the file's writer (``created_by``), compression and modification
time may change.

The order makes a kill at any moment safe (``kill -9`` included):

1. stale temporary files of an earlier, killed stamp of these files are removed;
2. every file's stamped version is prepared as a hidden temporary file beside it
   (``.<name>.sgstamp.<random>.tmp``; dataset readers skip hidden files) and checked;
3. the stamp is recorded (``record``: the CLI appends the audit entry and commits it);
4. only then is each temporary file renamed over its original.

A kill before 3 leaves every file as it was and no entry; a kill between 3 and 4 leaves an
entry for a stamp that some files do not carry yet. So there is never a stamped file without
an audit entry, and stamping again removes the leftovers of 2 and finishes the job.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from stewardgate import __version__
from stewardgate.datasets.resolve import resolve
from stewardgate.errors import DatasetError, first_line
from stewardgate.io import new_file_mode
from stewardgate.object_urls import is_object_url
from stewardgate.suite.loader import LoadedSuite

STAMP_KEY = "stewardgate"
STAMP_FORMAT = "stewardgate.stamp"
STAMP_VERSION = 1
SIDECAR_SUFFIX = ".stewardship.json"
TEMP_MARK = ".sgstamp."
"""In the names of a stamp's temporary files (``.<name>.sgstamp.<random>.tmp``)."""

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


def stamp_suite(
    loaded: LoadedSuite, *, at: datetime, as_of: date | None = None, record: Callable[[StampReport], Any] | None = None
) -> StampReport:
    """Stamp the suite's dataset: every file of it, each atomically, in the order above.

    Args:
        record: called with the report once every file is prepared and before any is
            replaced (the audit entry); if it raises, no file is changed.

    Raises:
        DatasetError: the dataset cannot be found or read, or a file cannot be rewritten
            without changing its schema or row groups (it is then left as it was).
    """
    spec = loaded.suite.dataset
    if spec.is_table:
        from stewardgate.governance.checks import TABLE_STAMP

        raise DatasetError(f"{spec.connection}:{spec.table}: {TABLE_STAMP}")
    path = str(spec.path).replace("{as_of}", (as_of or at.date()).isoformat())
    if is_object_url(path):
        raise DatasetError(
            f"{path}: stamp never writes to object storage (a Parquet footer cannot be rewritten in place, "
            "and a sidecar would be a write to the bucket): stamp the files before they are uploaded; "
            "runs read the stamps the objects carry"
        )
    resolved = resolve(path, base=loaded.folder, fmt=spec.format)
    document = stamp_document(loaded, at=at)
    files = [_stamped_file(f, resolved.format) for f in resolved.files]
    remove_stale_temps([f.target for f in files])
    prepared: list[tuple[Path, Path]] = []
    try:
        for f in files:
            prepared.append((_prepare(f, document), f.target))
        report = StampReport(spec.name, resolved.display, resolved.format, document, tuple(files))
        if record is not None:
            record(report)
    except BaseException:
        for tmp, _ in prepared:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, target in prepared:
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    return report


def _stamped_file(f: Path, fmt: str) -> StampedFile:
    return StampedFile(f, "footer", f) if fmt == "parquet" else StampedFile(f, "sidecar", sidecar_path(f))


def _prepare(f: StampedFile, document: dict[str, Any]) -> Path:
    """The stamped version of ``f`` as a checked, synced temporary file beside its target."""
    if f.where == "footer":
        return prepare_parquet_file(f.path, stamp_text(document))
    tmp = _temp_for(f.target)
    try:
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.chmod(stat.S_IMODE(f.target.stat().st_mode) if f.target.exists() else new_file_mode())
        _fsync(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _temp_for(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}", suffix=".tmp", dir=target.parent)
    os.close(fd)
    return Path(name)


def remove_stale_temps(targets: list[Path]) -> list[Path]:
    """Remove the temporary files a killed stamp of ``targets`` left beside them."""
    removed = []
    for target in targets:
        for leftover in target.parent.glob(f".{glob.escape(target.name)}{TEMP_MARK}*.tmp"):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def prepare_parquet_file(path: Path, text: str) -> Path:
    """``path`` rewritten with the stamp into a checked, synced temporary file beside it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise DatasetError(f"{path}: not a readable Parquet file: {first_line(exc)}") from exc
    tmp = _temp_for(path)
    try:
        with source:
            _rewrite(source, path, tmp, text)
        _check_same(path, tmp)
        shutil.copymode(path, tmp)
        _fsync(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


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
        if not a.schema.equals(b.schema) or not old.schema_arrow.remove_metadata().equals(
            new.schema_arrow.remove_metadata()
        ):
            problems.append("the schema would change")
        if [a.row_group(i).num_rows for i in range(a.num_row_groups)] != [
            b.row_group(i).num_rows for i in range(b.num_row_groups)
        ]:
            problems.append("the row groups would change")
        if other_metadata(a.metadata) != other_metadata(b.metadata):
            problems.append("other key-value metadata would change")
    if problems:
        raise DatasetError(
            f"{original}: cannot stamp without changing the file: {'; '.join(problems)}; the file is unchanged"
        )


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
