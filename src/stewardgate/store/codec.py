"""Converting values to and from what the store's portable columns hold.

JSON is stored as text; times are stored in UTC (a naive time is taken to be UTC already,
and SQLite, which keeps no zone, hands back naive UTC times); a NaN metric is stored as NULL
and read back as NaN.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stewardgate.results import DatasetRun, from_json_data, to_json_data


def to_json(value: Any) -> str | None:
    """JSON text for a JSON-ready value; None stays SQL NULL."""
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def from_json(text: str | None) -> Any:
    """The value that :func:`to_json` stored."""
    return None if text is None else json.loads(text)


def to_db_time(moment: datetime) -> datetime:
    """``moment`` as an aware UTC time (a naive one is taken to be UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def from_db_time(moment: datetime) -> datetime:
    """A time read back from the store, as an aware UTC time."""
    return to_db_time(moment)


def to_db_float(value: float) -> float | None:
    """A metric value for the store: NaN becomes NULL (SQLite cannot keep NaN)."""
    number = float(value)
    return None if math.isnan(number) else number


def from_db_float(value: float | None) -> float:
    """A metric value read back: NULL is NaN."""
    return math.nan if value is None else float(value)


def dump_run(run: DatasetRun) -> dict[str, Any]:
    """The dataset run as JSON-ready data (the same shape as in the run record)."""
    return to_json_data(run)


def load_run(data: dict[str, Any]) -> DatasetRun:
    """A dataset run read back from :func:`dump_run`'s data."""
    return from_json_data(DatasetRun, data)


@dataclass(frozen=True)
class RunRecord:
    """A dataset run encoded once for the store: its JSON-ready ``data`` (the results rows are
    read from it) and the ``text`` stored as its record, which its audit entry's
    ``record_sha256`` digests. A 500-column run's record is ~870 KB of JSON: encoding it once
    per write, not once for the audit entry and twice for the rows, saves ~30 ms a run."""

    data: dict[str, Any]
    text: str


def run_record(run: DatasetRun) -> RunRecord:
    """``run`` encoded as it is stored (:class:`RunRecord`)."""
    data = dump_run(run)
    return RunRecord(data, str(to_json(data)))


def pack_record(text: str) -> bytes:
    """The record text as stored since version 3 (``sg_runs.record_zlib``): zlib, level 6.

    A run record is mostly its profile and its results, repeated keys and names: a 500-column
    run's ~870 KB of JSON packs to ~50 KB (the store benchmark's integer columns) or 187 KB
    (the wide benchmark's random floats, whose 101 quantiles a column do not repeat; 19 ms;
    level 1 took 6 ms for 227 KB, a fifth more store per run). zlib is in the standard library
    on every platform (zstd would need a dependency for a few percent less)."""
    import zlib

    return zlib.compress(text.encode("utf-8"), 6)


def stored_record(record: str | None, record_zlib: bytes | None) -> str:
    """The record text of an ``sg_runs`` row: unpacked from ``record_zlib``, or the ``record``
    text of a row written before version 3; ``''`` once the record was pruned."""
    if record_zlib is None:
        return record or ""
    import zlib

    return zlib.decompress(bytes(record_zlib)).decode("utf-8")


def record_sha256(text: str) -> str:
    """SHA-256 (hex) of a stored record's text."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
