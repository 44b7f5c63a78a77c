"""Reading a dataset for ``init``: open it as a suite would, profile it once, sample its head.

The profile (:mod:`stewardgate.engines.profile`) is one streaming pass over every row: null
counts, ranges and the complete value list of low-cardinality columns are exact. The profile
estimates the distinct count of a high-cardinality column; for the columns that may be keys
(integers, key-like names, UUID-like values) the same pass counts distinct values exactly, since
``unique: true`` must rest on a count, not an estimate. Only the personal-data detectors look at
values one by one, and for them a sample is enough: the first ``sample_rows`` rows of the text
columns (reading a file's head does not read the rest of it). Nothing is written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.resolve import ResolvedDataset, resolve
from stewardgate.datasets.s3 import read_head
from stewardgate.datasets.scan import ScannedDataset, open_dataset
from stewardgate.errors import DatasetError, UsageError, first_line
from stewardgate.object_urls import is_object_url
from stewardgate.profile_record import Profile
from stewardgate.suite.models import CsvOptions, DatasetSpec

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings
    from stewardgate.suite.models import DataFormat

_DELIMITERS = (",", ";", "\t", "|")
_CATEGORIES = 50  # value lists are kept for columns with at most this many distinct values
_BAD_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Source:
    """A dataset as ``init`` sees it: where it is, its profile and a head sample."""

    spec: DatasetSpec
    resolved: ResolvedDataset
    schema: dict[str, Any]
    profile: Profile
    sample: dict[str, list[str | None]]
    sample_rows: int


def read_source(
    dataset: str, *, suite_folder: Path, fmt: DataFormat | None, sample_rows: int, as_of: datetime,
    protect: Path | None = None, name: str | None = None, s3: S3Settings | None = None,
) -> Source:  # fmt: skip
    """Open ``dataset`` (a file, glob or folder, relative to the working folder) and profile it.

    The returned ``spec.path`` is relative to ``suite_folder`` (unless ``dataset`` was given as
    an absolute path), so a suite written there finds the data. ``protect``: the file the suite
    will be written to, checked before any data is read: it must not be one of the data files.
    ``name``: the dataset name (default: from the data's path, :func:`dataset_name`).

    Raises:
        DatasetError: the data cannot be found, opened or read.
        UsageError: ``protect`` is one of the dataset's files.
    """
    folder = Path(os.path.abspath(suite_folder))
    kept = os.path.isabs(dataset) or is_object_url(dataset)
    path = dataset if kept else os.path.relpath(os.path.abspath(dataset), folder)
    resolved = resolve(path, base=folder, fmt=fmt, s3=s3)
    if protect is not None and Path(os.path.abspath(protect)) in {Path(os.path.abspath(f)) for f in resolved.files}:
        raise UsageError(f"{protect} is a file of the dataset; init never writes over data")
    spec = DatasetSpec(name=name or dataset_name(dataset), path=path, format=fmt, csv=_csv_options(resolved))
    scanned = open_dataset(spec, base=folder, s3=s3)
    sample = _head_sample(scanned, sample_rows)
    profile = _profile(scanned, as_of, exact=_key_candidates(scanned.schema, sample))
    return Source(spec, scanned.resolved, scanned.schema, profile, sample, min(sample_rows, profile["row_count"]))


def read_table_source(
    table: str, *, connection: str, connections: Any, sample_rows: int, as_of: datetime, name: str | None = None,
) -> Source:  # fmt: skip
    """Profile a SQL table in its database (one aggregate query and its group-bys, as a run's
    profile, docs/sql.md) and sample its first rows for the personal-data detectors."""
    import polars as pl

    from stewardgate.engines.profile import assemble_profile, high_cardinality_columns, plan_profile
    from stewardgate.readers.sql.execute import execute_in_sql
    from stewardgate.readers.sql.run import HEAD_ROWS, head_frame
    from stewardgate.readers.sql.table import open_table

    spec = DatasetSpec(name=name or dataset_name(table.rsplit(".", 1)[-1]), connection=connection, table=table)
    ds = open_table(spec, suite=Path("init"), connections=connections, as_of=as_of.date())
    try:
        head = head_frame(ds, max(sample_rows, HEAD_ROWS))
        text = [n for n, t in ds.schema.items() if t == pl.String]
        sample = {n: head[n].head(sample_rows).to_list() for n in text}
        high = high_cardinality_columns(head.lazy(), ds.schema, max_categories=_CATEGORIES, polars_engine="in-memory")
        plan = plan_profile(ds.schema, max_categories=_CATEGORIES, high_cardinality=high,
                            exact=frozenset(_key_candidates(ds.schema, sample)), estimate=high)  # fmt: skip
        done = execute_in_sql([], ds, masked=set(), samples=0, profile=plan)
    finally:
        ds.engine.dispose()
    profile = assemble_profile(plan, done.extra, done.frames, done.row_count, as_of=as_of, top_k=_CATEGORIES,
                               estimates=done.estimates or None)  # fmt: skip
    return Source(spec, ds.resolved, ds.schema, profile, sample, min(sample_rows, done.row_count))


def dataset_name(dataset: str) -> str:
    """A dataset name from its path: the file's stem or the folder's name, made valid."""
    parts = [p for p in Path(dataset.rstrip("/\\")).parts if p not in ("", ".", "..")]
    while parts and ("*" in parts[-1] or "?" in parts[-1] or "[" in parts[-1] or "=" in parts[-1] or "{" in parts[-1]):
        parts.pop()
    last = parts[-1] if parts else "dataset"
    stem = last.split(".")[0] if "." in last.lstrip(".") else last
    name = _BAD_NAME.sub("_", stem).strip("_.-")
    return name or "dataset"


def _csv_options(resolved: ResolvedDataset) -> CsvOptions | None:
    """CSV options when the file is not comma-delimited (read from its first line)."""
    if resolved.format != "csv":
        return None
    if resolved.remote is not None:
        head = read_head(resolved.remote.objects[0], resolved.remote.access, 1 << 16)
    else:
        with resolved.files[0].open("rb") as fh:
            head = fh.readline(1 << 16)
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    counts = {d: first.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return CsvOptions(delimiter=best) if best != "," and counts[best] > counts[","] else None


def _key_candidates(schema: dict[str, Any], sample: dict[str, list[str | None]]) -> list[str]:
    """Columns that may be keys: their distinct values are counted exactly, never estimated."""
    import polars as pl

    from stewardgate.drafting.keys import key_name, looks_like_uuids

    return [
        name for name, dtype in schema.items()
        if dtype.is_integer() or (dtype == pl.String and (key_name(name) or looks_like_uuids(sample.get(name))))
    ]  # fmt: skip


def _profile(scanned: ScannedDataset, as_of: datetime, *, exact: list[str]) -> Profile:
    """The metric profile in one streaming pass, with exact distinct counts for ``exact`` columns.

    The profile estimates the distinct count of other high-cardinality columns (HyperLogLog);
    whether every value of a possible key is distinct must be known exactly, so those columns
    are counted exactly (by their repeated values) in the same pass.
    """
    import polars as pl

    from stewardgate.engines.profile import assemble_profile, high_cardinality_columns, plan_profile, sample_step
    from stewardgate.engines.side import collect_with

    schema, lf = scanned.schema, scanned.frame
    try:
        high = high_cardinality_columns(lf, schema, max_categories=_CATEGORIES, polars_engine=scanned.polars_engine)
        plan = plan_profile(
            schema, max_categories=_CATEGORIES, high_cardinality=high, step=sample_step(scanned.known_rows),
            exact=frozenset(exact), estimate=high,
        )  # fmt: skip
        main, frames = collect_with(
            plan.select(lf, pl.len().alias("row_count")), lf, plan.side, polars_engine=scanned.polars_engine
        )
    except Exception as exc:  # polars raises many types while reading; all mean "cannot read"
        first = first_line(exc)
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first}") from exc
    row = main.row(0, named=True)
    return assemble_profile(plan, row, frames, int(row["row_count"]), as_of=as_of, top_k=_CATEGORIES)


def _head_sample(scanned: ScannedDataset, rows: int) -> dict[str, list[str | None]]:
    """The first ``rows`` values of every text column (for the personal-data detectors)."""
    import polars as pl

    text = [n for n, t in scanned.schema.items() if t == pl.String or isinstance(t, (pl.Categorical, pl.Enum))]
    if not text or rows <= 0:
        return {}
    try:
        head = scanned.frame.select([pl.col(n).cast(pl.String) for n in text]).head(rows).collect(engine="streaming")
    except Exception as exc:
        first = first_line(exc)
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first}") from exc
    return {n: head.get_column(n).to_list() for n in text}
