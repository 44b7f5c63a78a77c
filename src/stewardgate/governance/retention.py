"""The retention check: rows older than the retention period, measured from the as-of date.

The count of expired rows and the oldest value are two aggregates of the run's one pass over
the data (:func:`retention_figures`). Only when rows are expired and the data has several files
does a second, targeted query find which partitions (or files) hold them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate.engines.figures import Figure
from stewardgate.engines.outcome import MASK, Outcome
from stewardgate.suite.periods import parse_period
from stewardgate.wording import share as share_of

if TYPE_CHECKING:
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.planning import PlannedCheck

COUNT, OLDEST = "gov:retention:expired", "gov:retention:oldest"
FILE_COLUMN = "__sg_file"
MAX_LISTED = 20


def cutoff_of(p: PlannedCheck, as_of: date) -> date:
    """The first day that is still kept: rows dated before it are expired."""
    return parse_period(p.args["period"]).before(as_of)


def usable(p: PlannedCheck, schema: dict[str, Any]) -> str | None:
    """Why the retention column cannot be measured, or None when it can."""
    import polars as pl

    column = p.args.get("column")
    if column is None:
        return None
    if column not in schema:
        return f"column '{column}' is not in the data (it has: {', '.join(schema)})"
    dtype = schema[column]
    if not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
        return f"column '{column}' is {dtype} in the data; the retention column must be a date or datetime"
    return None


def retention_figures(p: PlannedCheck, schema: dict[str, Any], as_of: date) -> list[Figure]:
    """The two figures the retention check needs from the run's one pass (or none)."""
    if p.args.get("column") is None or usable(p, schema) is not None:
        return []
    column = p.args["column"]
    return [Figure(COUNT, "count_before", column, cutoff_of(p, as_of)), Figure(OLDEST, "min", column)]


def _expired(p: PlannedCheck, schema: dict[str, Any], as_of: date) -> pl.Expr:
    import polars as pl

    column = p.args["column"]
    day = pl.col(column) if schema[column] == pl.Date else pl.col(column).dt.date()
    return day < pl.lit(cutoff_of(p, as_of))


def judge_retention(
    p: PlannedCheck, scanned: ScannedDataset, extra: dict[str, Any], *, row_count: int, as_of: date,
    masked: set[str],
) -> Outcome:  # fmt: skip
    """The outcome of the retention check (with a column) from the one-pass aggregates."""
    column, period = p.args["column"], p.args["period"]
    problem = usable(p, scanned.schema)
    if problem is not None:
        return Outcome(ok=False, errored=problem)
    cutoff = cutoff_of(p, as_of)
    expired, oldest = int(extra.get(COUNT) or 0), extra.get(OLDEST)
    shown = MASK if column in masked else _text(oldest)
    details: dict[str, Any] = {"period": period, "column": column, "as_of": as_of.isoformat(),
                               "cutoff": cutoff.isoformat(), "oldest": shown}  # fmt: skip
    if expired == 0:
        return Outcome(ok=True, failing=0, observed=0, details=details,
                       message=f"no rows older than {period} on {column} (kept from {cutoff}, as of {as_of}); oldest {shown}")  # fmt: skip
    parts = _partitions(p, scanned, as_of) if len(scanned.resolved.sources) > 1 else []
    details["partitions"] = [{"partition": name, "rows": n} for name, n in parts]
    share = f" ({share_of(expired, row_count)})" if row_count else ""
    where = ""
    if parts:
        listed = ", ".join(f"{name} ({n:,} rows)" for name, n in parts[:MAX_LISTED])
        more = f" and {len(parts) - MAX_LISTED} more" if len(parts) > MAX_LISTED else ""
        where = f"; in {len(parts)} partition{'s' if len(parts) != 1 else ''}: {listed}{more}"
    return Outcome(
        ok=False, failing=expired, observed=expired, details=details,
        message=(f"{expired:,} of {row_count:,} rows{share} are older than {period} on {column} "
                 f"(before {cutoff}, as of {as_of}); oldest {shown}{where}"),
    )  # fmt: skip


def _partitions(p: PlannedCheck, scanned: ScannedDataset, as_of: date) -> list[tuple[str, int]]:
    """Which partitions (hive folders, else files) hold expired rows: a targeted second query."""
    import polars as pl

    frame = _with_file_paths(scanned)
    if frame is None:
        return []
    counts = (
        frame.filter(_expired(p, scanned.schema, as_of)).group_by(FILE_COLUMN).agg(pl.len().alias("n"))
        .collect(engine="streaming")
    )  # fmt: skip
    by_label: dict[str, int] = {}
    for file, n in counts.iter_rows():
        remote = scanned.resolved.remote
        label = remote.partition_of(file) if remote is not None else _label(Path(file), scanned.resolved.hive_root)
        by_label[label] = by_label.get(label, 0) + int(n)
    return sorted(by_label.items())


def _with_file_paths(scanned: ScannedDataset) -> pl.LazyFrame | None:
    import polars as pl

    from stewardgate.datasets.scan import SCHEMA_ROWS

    resolved = scanned.resolved
    files, options = resolved.sources, resolved.read_options
    if resolved.format == "parquet":
        return pl.scan_parquet(files, hive_partitioning=resolved.partitioned, include_file_paths=FILE_COLUMN, **options)
    if resolved.format == "ipc":
        return pl.scan_ipc(files, include_file_paths=FILE_COLUMN, **options)
    if resolved.format == "ndjson":
        return pl.scan_ndjson(files, infer_schema_length=SCHEMA_ROWS, include_file_paths=FILE_COLUMN, **options)
    return None  # CSV: its reading options live in the scanner; the files are not listed


def _label(file: Path, hive_root: Path | None) -> str:
    if hive_root is not None:
        folder = file.parent.relative_to(hive_root)
        return str(folder) if str(folder) != "." else file.name
    return file.name


def _text(value: Any) -> str:
    if value is None:
        return "none (no non-null values)"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)
