"""A table's column types, from the database's catalogue, as the polars dtypes files read as.

Type rules, drift snapshots and stored history then read the same whether a dataset is a file
or a table (``Int64``, ``Datetime(us, UTC)``...). A type with no polars counterpart here (JSON,
arrays, geometry...) is an error naming the column: a column the reader cannot type would
otherwise be checked wrongly or not at all.
"""

from __future__ import annotations

from typing import Any


def polars_dtype(sql_type: Any, backend: str) -> Any:
    """The polars dtype of a SQLAlchemy column type reflected from ``backend``; None: unmappable."""
    import polars as pl
    import sqlalchemy as sa

    unsigned = bool(getattr(sql_type, "unsigned", False))
    name = type(sql_type).__name__.upper()
    if isinstance(sql_type, sa.Boolean) or (name == "TINYINT" and getattr(sql_type, "display_width", None) == 1):
        return pl.Boolean  # MariaDB/MySQL: BOOLEAN is TINYINT(1)
    if isinstance(sql_type, sa.Integer):
        if backend == "sqlite":
            return pl.Int64  # SQLite integers are 64-bit whatever the declared name
        bits = (
            8
            if name == "TINYINT"
            else 16
            if isinstance(sql_type, sa.SmallInteger)
            else 64
            if isinstance(sql_type, sa.BigInteger)
            else 32
        )
        if name == "MEDIUMINT":
            bits = 32
        return getattr(pl, f"{'UInt' if unsigned else 'Int'}{bits}")
    if isinstance(sql_type, sa.Float):
        if backend == "sqlite":
            return pl.Float64
        single = name in ("REAL", "FLOAT") and (backend != "postgresql" or name == "REAL")
        return pl.Float32 if single and (getattr(sql_type, "precision", None) or 0) <= 24 else pl.Float64
    if isinstance(sql_type, sa.Numeric):
        precision, scale = sql_type.precision, sql_type.scale
        return pl.Decimal(precision, scale or 0) if precision and precision <= 38 else pl.Float64
    if isinstance(sql_type, sa.DateTime):
        return pl.Datetime("us", "UTC") if getattr(sql_type, "timezone", False) else pl.Datetime("us")
    if isinstance(sql_type, sa.Date):
        return pl.Date
    if isinstance(sql_type, sa.Time):
        return pl.Time
    if isinstance(sql_type, sa.Interval) or name == "INTERVAL":
        return pl.Duration("us")
    if isinstance(sql_type, (sa.String, sa.Enum, sa.Uuid)):
        return pl.String
    if isinstance(sql_type, sa.LargeBinary):
        return pl.Binary
    return None
