"""A suite's dataset, read by Spark, with its schema in polars dtypes.

Files are found exactly as on the polars path (:func:`stewardgate.datasets.resolve.resolve`: a
file, a glob or a hive-partitioned folder, Spark's marker files left out) and handed to Spark's
own readers. The schema Spark reports is mapped through Arrow to polars dtypes, so type rules,
drift snapshots and stored history read the same on both engines (``Int64``,
``Datetime(us, UTC)``...). Spark has no Categorical or Enum type: such columns read as strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.datasets.resolve import ResolvedDataset, resolve
from stewardgate.datasets.scan import fingerprint
from stewardgate.errors import DatasetError, first_line
from stewardgate.object_urls import is_object_url
from stewardgate.results import DataFingerprint
from stewardgate.suite.models import CsvOptions, DatasetSpec


@dataclass(frozen=True)
class SparkDataset:
    """A dataset opened by Spark: nothing but metadata (and a CSV's inferred schema) read yet."""

    resolved: ResolvedDataset
    frame: Any  # pyspark.sql.DataFrame
    schema: dict[str, Any]  # column name -> polars dtype, in Spark's column order
    fingerprint: DataFingerprint
    metadata: dict[str, str] = field(default_factory=dict)


def open_spark_dataset(
    spark: Any, spec: DatasetSpec, *, base: Path, as_of: date | None = None, roots: tuple[Path, ...] = ()
) -> SparkDataset:
    """Read ``spec`` with Spark, lazily; raise DatasetError on anything unreadable (``roots``:
    see :func:`~stewardgate.datasets.resolve.resolve`; a catalog table has no path to confine)."""
    path = str(spec.path).replace("{as_of}", (as_of or date.today()).isoformat())
    if spec.format in ("table", "delta"):
        return _open_table(spark, spec.format, path, base)
    if is_object_url(path):
        raise DatasetError(
            f"{path}: the spark engine does not read s3:// datasets (Spark needs its own S3 connector and keys); "
            "run it with engine polars"
        )
    resolved = resolve(path, base=base, fmt=spec.format, roots=roots)
    for f in resolved.files:
        if f.stat().st_size == 0:
            raise DatasetError(f"{f}: the file is empty")
    sources = [str(f) for f in resolved.files]
    try:
        frame = _reader(spark, resolved, spec)(sources)
        schema = polars_schema(frame.schema, spark)
    except DatasetError:
        raise
    except Exception as exc:  # Spark raises AnalysisException and Py4J errors while reading
        raise DatasetError(f"{resolved.display}: Spark cannot read the data: {first_line(exc)}") from exc
    return SparkDataset(resolved, frame, schema, fingerprint(resolved), _metadata(resolved))


def guard_job(action: Any, display: str) -> Any:
    """Run a Spark action; a failure to read the data becomes DatasetError naming the dataset."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        return action()
    except (PySparkException, Py4JJavaError) as exc:
        raise DatasetError(f"{display}: Spark cannot read the data: {first_line(exc)}") from exc


def _open_table(spark: Any, fmt: str, path: str, base: Path) -> SparkDataset:
    """A table in the session's catalog, or a Delta table's folder (read by the Delta package)."""
    location = path if fmt == "table" else str(Path(base / path).resolve())
    display = f"table {path}" if fmt == "table" else f"delta {location}"
    try:
        frame = spark.table(path) if fmt == "table" else spark.read.format("delta").load(location)
        schema = polars_schema(frame.schema, spark)
    except Exception as exc:  # AnalysisException: no such table, no Delta package, not a Delta folder
        raise DatasetError(f"{display}: Spark cannot read the data: {first_line(exc)}") from exc
    resolved = ResolvedDataset(display=display, files=(), format=fmt, hive_root=None)
    return SparkDataset(resolved, frame, schema, fingerprint(resolved), {})


def _reader(spark: Any, resolved: ResolvedDataset, spec: DatasetSpec) -> Any:
    read = spark.read
    if resolved.hive_root is not None:
        read = read.option("basePath", str(resolved.hive_root))
    match resolved.format:
        case "parquet":
            return lambda sources: read.parquet(*sources)
        case "ndjson":
            return lambda sources: read.json(sources)
        case "csv":
            opts = spec.csv or CsvOptions()
            read = read.option("header", opts.header).option("sep", opts.delimiter)
            read = read.option("encoding", opts.encoding).option("inferSchema", True)
            if opts.null_values:
                read = read.option("nullValue", opts.null_values[0])
            return lambda sources: _as_polars_infers(read.csv(sources))
    raise DatasetError(f"{resolved.display}: Spark cannot read {resolved.format} files; use Parquet, CSV or NDJSON")


def _as_polars_infers(frame: Any) -> Any:
    """CSV integers as int64, as polars infers them (Spark infers int32 where values fit)."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import IntegerType

    if not any(isinstance(f.dataType, IntegerType) for f in frame.schema.fields):
        return frame
    columns = [
        F.col(f"`{f.name}`").cast("long").alias(f.name) if isinstance(f.dataType, IntegerType) else F.col(f"`{f.name}`")
        for f in frame.schema.fields
    ]  # fmt: skip
    return frame.select(columns)


def polars_schema(spark_schema: Any, spark: Any) -> dict[str, Any]:
    """Spark's schema as polars dtypes, through Arrow (timestamps with a zone read as UTC)."""
    import polars as pl
    from pyspark.sql.pandas.types import to_arrow_schema

    arrow = to_arrow_schema(spark_schema, timezone="UTC", prefers_large_types=True)
    return dict(pl.from_arrow(arrow.empty_table()).schema.items())  # type: ignore[union-attr]


def _metadata(resolved: ResolvedDataset) -> dict[str, str]:
    """A Parquet file's footer metadata (the stewardship stamp), as the polars path reads it."""
    if resolved.format != "parquet" or not resolved.files:
        return {}
    import polars as pl

    try:
        meta = pl.read_parquet_metadata(resolved.files[0])
    except (pl.exceptions.PolarsError, OSError):
        return {}
    return {k: v for k, v in meta.items() if k != "ARROW:schema"}
