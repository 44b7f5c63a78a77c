"""Opening a dataset as a polars LazyFrame, with its physical schema, metadata and fingerprint.

Everything that can go wrong while opening data (missing, empty, corrupt, wrong encoding,
wrong delimiter) becomes a :class:`DatasetError` naming the path and the problem. polars and
pyarrow exceptions are translated here, at the boundary.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from stewardgate.datasets.resolve import ResolvedDataset, resolve
from stewardgate.datasets.s3 import read_head
from stewardgate.errors import DatasetError, first_line
from stewardgate.results import DataFingerprint, FileStamp

if TYPE_CHECKING:
    import polars as pl

    from stewardgate.s3_settings import S3Settings
    from stewardgate.suite.models import CsvOptions, DatasetSpec

_SNIFF_BYTES = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


PolarsEngine = Literal["streaming", "in-memory"]
"""polars' collect engine: how a run's queries over a dataset are executed (not the reader, the
semantics of record or the executor of a check, the other meanings of "engine": see
:mod:`stewardgate.planning.check`)."""


def polars_engine_for(*, in_memory: bool, rows: int | None) -> PolarsEngine:
    """In-memory over data held in memory of at most :data:`SMALL_ROWS` rows, else streaming.

    Measured on profiled runs (2 cores): 500 columns x 100,000 rows in memory took 2.7 s on the
    in-memory engine and 4.4-5.3 s streaming (the streaming engine's cost per expression);
    10 columns x 300,000 rows 0.66 s and 0.70 s; x 1M rows 0.72 s and 0.65 s; x 10M rows 3.9 s
    and 2.5-3.2 s.
    """
    return "in-memory" if in_memory and rows is not None and rows <= SMALL_ROWS else "streaming"


@dataclass(frozen=True)
class ScannedDataset:
    """A dataset opened lazily: nothing but footers and a CSV head has been read yet."""

    resolved: ResolvedDataset
    frame: pl.LazyFrame
    schema: dict[str, Any]  # column name -> polars dtype, in file order
    fingerprint: DataFingerprint
    metadata: dict[str, str] = field(default_factory=dict)
    known_rows: int | None = None  # from Parquet footers before any data is read; for text, once parsed
    in_memory: bool = False  # the frame is a DataFrame read once (see read_once), not a scan

    @property
    def polars_engine(self) -> PolarsEngine:
        """The polars engine for queries over :attr:`frame` (see :func:`polars_engine_for`)."""
        return polars_engine_for(in_memory=self.in_memory, rows=self.known_rows)


SPARK_ONLY = ("table", "delta")
"""Dataset formats only the Spark engine reads (a catalog table, a Delta table)."""


def open_dataset(
    spec: DatasetSpec,
    *,
    base: Path,
    as_of: date | None = None,
    roots: tuple[Path, ...] = (),
    s3: S3Settings | None = None,
) -> ScannedDataset:
    """Resolve and open ``spec`` lazily; raise DatasetError on anything unreadable.

    ``{as_of}`` in the path becomes the run's as-of date (``YYYY-MM-DD``): one suite for a
    daily partition, e.g. ``orders/order_date={as_of}``. ``roots`` and ``s3``: see :func:`resolve`.
    """
    path = str(spec.path).replace("{as_of}", (as_of or date.today()).isoformat())
    if spec.format in SPARK_ONLY:
        raise DatasetError(
            f"{path}: a {spec.format} dataset is read by Spark only: run with --engine spark "
            "(or set engine: spark in the suite)"
        )
    resolved = resolve(path, base=base, fmt=spec.format, roots=roots, s3=s3)
    for f in resolved.files:
        if f.stat().st_size == 0:
            raise DatasetError(f"{f}: the file is empty")
    for o in resolved.remote.objects if resolved.remote else ():
        if o.size == 0:
            raise DatasetError(f"{o.url}: the object is empty")
    opener = {"parquet": _parquet, "csv": _csv, "ndjson": _ndjson, "ipc": _ipc}[resolved.format]
    frame, metadata = opener(resolved, spec)
    schema = _collect_schema(frame, resolved)
    rows = _footer_rows(resolved) if resolved.format == "parquet" else None
    return ScannedDataset(resolved, frame, schema, fingerprint(resolved), metadata, rows)


TEXT_FORMATS = ("csv", "ndjson")
"""Formats polars parses from text: every query over a scan of them parses the whole file again."""

IN_MEMORY_BYTES = 1 << 30
"""Data up to this size on disk (all files together) may be read once into memory (see :func:`read_once`)."""

SMALL_ROWS = 400_000
"""A Parquet or IPC dataset of at most this many rows is read once into memory (see :func:`read_once`)."""

MEMORY_BUDGET = 2 << 30
"""A larger Parquet or IPC dataset is read once into memory when its decoded size, estimated
from its first 1,000 rows, is at most this many bytes (see :func:`read_once`)."""


@contextmanager
def read_once(scanned: ScannedDataset, *, profiled: bool = True) -> Iterator[ScannedDataset]:
    """The dataset read once, for a run's several queries over it, when that is cheaper.

    A run's pass is one streaming ``select`` plus side queries (value counts, the quantile
    sample, repeated values), a head sample before it and a targeted pass over failing rows.
    On a scan of a CSV or NDJSON file each of them parses the whole file again (polars shares
    no scan between them): a 300,000-row CSV cost about six parses. Parsed once, every query
    reads columns: into memory when the files hold at most :data:`IN_MEMORY_BYTES`, else
    (bounded memory) into an Arrow IPC file in a private temporary folder (``mkdtemp``: mode
    0700), removed when the ``with`` block ends, whatever happens in it. Its row count becomes
    ``known_rows``, so a CSV's quantiles are sampled as the same data's in Parquet would be.

    A Parquet or IPC dataset is read into memory too when it fits: at most :data:`SMALL_ROWS`
    rows (below twice the profile's quantile sample, the sample holds every row of every
    numeric column anyway) or a decoded size of at most :data:`MEMORY_BUDGET`. Streamed, each
    side query decodes its columns again (a 500-column table paid three decodes; the 10M-row
    benchmark about two, 1.3x the CPU time of a program reading it once). Larger data streams
    as it is, in bounded memory. Without the profile (``profiled=False``: a gate run, no
    history) there are no side queries to speak of, and a Parquet table streams whatever its
    size (measured at 10M rows: read into memory first, the gate run took 1.6x the checks limit
    instead of about 1.0x). A read or parse error is a :class:`DatasetError` naming the data.
    """
    remote = scanned.resolved.remote
    size = sum(f.stat().st_size for f in scanned.resolved.files) + (
        sum(o.size for o in remote.objects) if remote else 0
    )
    text = scanned.resolved.format in TEXT_FORMATS
    if not text and not (profiled and _fits(scanned)):
        yield scanned
        return
    import polars as pl

    if not text or size <= IN_MEMORY_BYTES:  # a table that fits (see _fits), or text up to the limit
        engine: PolarsEngine = "streaming" if text else "in-memory"  # measured fastest for reading each
        frame = _parse(scanned, lambda: scanned.frame.collect(engine=engine)).lazy()
        yield dataclasses.replace(scanned, frame=frame, known_rows=_rows(frame), in_memory=True)
        return
    folder = Path(tempfile.mkdtemp(prefix="stewardgate-parsed-"))
    try:
        path = folder / "data.arrow"
        _parse(scanned, lambda: scanned.frame.sink_ipc(path, engine="streaming"))
        frame = pl.scan_ipc(path)
        yield dataclasses.replace(scanned, frame=frame, known_rows=_rows(frame))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fits(scanned: ScannedDataset) -> bool:
    """Whether a Parquet or IPC dataset is small enough to hold in memory (see :func:`read_once`)."""
    rows = scanned.known_rows
    if rows is None:
        return False
    if rows <= SMALL_ROWS:
        return True
    head = _parse(scanned, lambda: scanned.frame.head(1_000).collect())
    return head.height > 0 and head.estimated_size() / head.height * rows <= MEMORY_BUDGET


def _parse(scanned: ScannedDataset, action: Any) -> Any:
    try:
        return action()
    except Exception as exc:  # polars raises many types while parsing; all mean "cannot read"
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first_line(exc)}") from exc


def _rows(frame: pl.LazyFrame) -> int:
    import polars as pl

    return int(frame.select(pl.len()).collect().item())


def _footer_rows(resolved: ResolvedDataset) -> int:
    """Row count from the Parquet footers (already validated by the opener): no data is read."""
    import polars as pl

    return sum(
        int(pl.scan_parquet(f, **resolved.read_options).select(pl.len()).collect().item()) for f in resolved.sources
    )


def collect(scanned: ScannedDataset, columns: list[str] | None = None) -> pl.DataFrame:
    """Read the data (the named columns only, if given), translating read errors."""
    frame = scanned.frame if columns is None else scanned.frame.select(columns)
    try:
        return frame.collect()
    except Exception as exc:  # polars raises many types while reading; all mean "cannot read"
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first_line(exc)}") from exc


def fingerprint(resolved: ResolvedDataset) -> DataFingerprint:
    """Files with sizes and modification times, and a SHA-256 over them (for S3 objects, as
    listed: size, last-modified time and the ETag, which enters the SHA-256 only)."""
    stamps, lines = [], []
    for f in resolved.files:
        st = f.stat()
        stamps.append(FileStamp(path=str(f), size=st.st_size, mtime_ns=st.st_mtime_ns))
        lines.append(f"{f}|{st.st_size}|{st.st_mtime_ns}")
    for o in resolved.remote.objects if resolved.remote else ():
        stamps.append(FileStamp(path=o.url, size=o.size, mtime_ns=o.modified_ns))
        lines.append(f"{o.url}|{o.size}|{o.modified_ns}|{o.etag}")
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return DataFingerprint(path=resolved.display, format=resolved.format, files=tuple(stamps), sha256=digest)


def _parquet(resolved: ResolvedDataset, spec: DatasetSpec) -> tuple[pl.LazyFrame, dict[str, str]]:
    import polars as pl

    metadata: dict[str, str] = {}
    for i, f in enumerate(resolved.sources):  # footers only (polars: no pyarrow import on a run)
        try:
            meta = pl.read_parquet_metadata(f, **resolved.read_options)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise DatasetError(f"{f}: not a readable Parquet file: {first_line(exc)}") from exc
        if i == 0:
            metadata = {k: v for k, v in meta.items() if k != "ARROW:schema"}
    # The resolved files, not the folder: marker and checksum files (_SUCCESS, .crc) stay out.
    frame = pl.scan_parquet(resolved.sources, hive_partitioning=resolved.partitioned, **resolved.read_options)
    return frame, metadata


def _csv(resolved: ResolvedDataset, spec: DatasetSpec) -> tuple[pl.LazyFrame, dict[str, str]]:
    import polars as pl

    from stewardgate.suite.models import CsvOptions

    opts = spec.csv or CsvOptions()
    for f in resolved.files:
        with f.open("rb") as fh:
            _sniff_csv(str(f), fh.read(_SNIFF_BYTES), opts)
    if resolved.remote is not None:
        for o in resolved.remote.objects:
            _sniff_csv(o.url, read_head(o, resolved.remote.access, _SNIFF_BYTES), opts)
    kwargs: dict[str, Any] = {
        "separator": opts.delimiter,
        "has_header": opts.header,
        "null_values": opts.null_values or None,
        "try_parse_dates": True,
        "infer_schema_length": SCHEMA_ROWS,
    }
    kwargs.update(resolved.read_options)
    if codecs.lookup(opts.encoding).name == "utf-8":

        def scan(**more: Any) -> pl.LazyFrame:
            return pl.scan_csv(resolved.sources, **{**kwargs, **more})

        return scan(schema=_csv_schema(scan, resolved)), {}
    frames = []
    for source in resolved.sources:
        try:
            frames.append(pl.read_csv(source, encoding=opts.encoding, **kwargs))
        except Exception as exc:
            raise DatasetError(f"{source}: cannot read as {opts.encoding} CSV: {first_line(exc)}") from exc
    return pl.concat(frames, how="vertical").lazy(), {}


def _sniff_csv(path: str, head: bytes, opts: CsvOptions) -> None:
    """Catch a wrong encoding or delimiter from the file's head, with a message that says so."""
    try:
        codec = codecs.lookup(opts.encoding)
    except LookupError:
        raise DatasetError(f"{path}: unknown encoding '{opts.encoding}' (dataset.csv.encoding)") from None
    decoder = codec.incrementaldecoder("strict")
    try:
        text = decoder.decode(head, final=len(head) < _SNIFF_BYTES)
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"{path}: not valid {opts.encoding} text at byte {exc.start} ({exc.reason}); "
            f"set dataset.csv.encoding to the file's encoding (e.g. latin-1, cp1252)"
        ) from exc
    first = text.splitlines()[0] if text else ""
    if opts.header:
        _unique_header(path, text, opts.delimiter)
    if opts.delimiter not in first:
        for other in _DELIMITERS:
            if other != opts.delimiter and first.count(other) >= 1:
                shown = "\\t" if other == "\t" else other
                raise DatasetError(
                    f"{path}: the first line has no '{opts.delimiter}' but looks delimited by '{shown}'; "
                    f"set dataset.csv.delimiter: '{shown}'"
                )


def _unique_header(path: str, text: str, delimiter: str) -> None:
    """polars renames a repeated header name (``id``, ``id_duplicated_0``) and the suite's
    rules for ``id`` would judge only the first: refuse it, as for Parquet."""
    names = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    for name, count in Counter(names).items():
        if count > 1:
            where = ", ".join(str(i + 1) for i, n in enumerate(names) if n == name)
            raise DatasetError(
                f"{path}: the header names column '{name}' {count} times (columns {where}); column names must be unique"
            )


def _ndjson(resolved: ResolvedDataset, spec: DatasetSpec) -> tuple[pl.LazyFrame, dict[str, str]]:
    import polars as pl

    return _inferred_once(
        lambda schema: pl.scan_ndjson(
            resolved.sources, infer_schema_length=SCHEMA_ROWS, schema=schema, **resolved.read_options
        ),
        resolved,
    ), {}


SCHEMA_ROWS = 10_000
"""The rows of a CSV or NDJSON file whose values decide the column types."""

DATE_SNIFF_ROWS = 1_000
"""The rows of a CSV file in which polars looks for dates (see :func:`_csv_schema`)."""


def _csv_schema(scan: Callable[..., pl.LazyFrame], resolved: ResolvedDataset) -> dict[str, Any]:
    """The schema polars infers from the first 10,000 rows of a CSV file, dates parsed, found
    in a fraction of the time polars itself takes for it.

    polars' inference with ``try_parse_dates`` tries date patterns on every value of every text
    column: 0.3 s for 10,000 rows of the 10-column benchmark file, longer than parsing all its
    300,000 rows. So the types come from the 10,000 rows without date parsing (8 ms), and only
    the text columns polars reads as dates in the first :data:`DATE_SNIFF_ROWS` rows become
    dates, once the first 10,000 rows are seen to parse with those types. If they do not, the
    schema is polars' own inference over the 10,000 rows with dates, as before. What differs
    from it: a text column whose first 1,000 rows are all empty and whose dates start later
    stays text (polars' default looks at 100 rows).
    """
    import polars as pl

    plain = _collect_schema(scan(try_parse_dates=False), resolved)
    text = [n for n, t in plain.items() if t == pl.String]
    if not text:
        return plain
    dated = _collect_schema(scan(infer_schema_length=DATE_SNIFF_ROWS), resolved)
    temporal = {n: dated[n] for n in text if n in dated and dated[n].is_temporal()}
    if not temporal:
        return plain
    schema = {**plain, **temporal}
    try:
        scan(schema=schema).head(SCHEMA_ROWS).select(list(temporal)).collect()
    except Exception:  # a later row is not a date of that form: polars' own, slow inference decides
        return _collect_schema(scan(), resolved)
    return schema


def _inferred_once(scan: Any, resolved: ResolvedDataset) -> pl.LazyFrame:
    """A text scan given the schema inferred from its head: without it polars infers the schema
    again on every collect (for 10,000 CSV rows with date parsing, about as long as parsing
    300,000 rows: 0.25 s), once for the schema and once more for each query."""
    return scan(_collect_schema(scan(None), resolved))


def _ipc(resolved: ResolvedDataset, spec: DatasetSpec) -> tuple[pl.LazyFrame, dict[str, str]]:
    import polars as pl

    return pl.scan_ipc(resolved.sources, **resolved.read_options), {}


def _collect_schema(frame: pl.LazyFrame, resolved: ResolvedDataset) -> dict[str, Any]:
    try:
        return dict(frame.collect_schema().items())
    except Exception as exc:  # schema inference reads the files: any failure means unreadable
        raise DatasetError(f"{resolved.display}: cannot read the schema: {first_line(exc)}") from exc


__all__ = [
    "PolarsEngine",
    "ScannedDataset",
    "collect",
    "fingerprint",
    "open_dataset",
    "polars_engine_for",
    "read_once",
    "resolve",
]
