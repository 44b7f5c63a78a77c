"""Suite type names and the polars dtypes they accept.

A suite type is a family: ``datetime`` accepts any time unit and zone, ``decimal`` any
precision, ``categorical`` a Categorical or an Enum, ``integer`` any signed or unsigned integer
width, ``number`` any integer, float or decimal (a CSV reader infers ``1, 2, 3`` as Int64 and
``1.5`` as Float64: ``number`` accepts both). :func:`pandera_dtype` picks the exact
dtype pandera must check for: the data's own when it is in the family (so pandera passes it),
else the family's canonical dtype (so pandera fails it and reports what it found).
"""

from __future__ import annotations

from typing import Any


def _table() -> dict[str, tuple[Any, tuple[Any, ...]]]:
    import polars as pl

    exact = {
        "int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64,
        "uint8": pl.UInt8, "uint16": pl.UInt16, "uint32": pl.UInt32, "uint64": pl.UInt64,
        "float32": pl.Float32, "float64": pl.Float64, "string": pl.String,
        "bool": pl.Boolean, "date": pl.Date,
    }  # fmt: skip
    table: dict[str, tuple[Any, tuple[Any, ...]]] = {k: (v, (v,)) for k, v in exact.items()}
    table["datetime"] = (pl.Datetime("us"), (pl.Datetime,))
    table["duration"] = (pl.Duration("us"), (pl.Duration,))
    table["decimal"] = (pl.Decimal(38, 9), (pl.Decimal,))
    table["categorical"] = (pl.Categorical(), (pl.Categorical, pl.Enum))
    integers = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
    table["integer"] = (pl.Int64, integers)
    table["number"] = (pl.Float64, (*integers, pl.Float32, pl.Float64, pl.Decimal))
    return table


def matches(type_name: str, dtype: Any) -> bool:
    """Whether the polars ``dtype`` belongs to the suite type ``type_name``."""
    _, family = _table()[type_name]
    return any(dtype == member or dtype.base_type() == member for member in family)


def pandera_dtype(type_name: str, actual: Any | None) -> Any:
    """The dtype to hand pandera: ``actual`` when it is in the family, else the canonical one."""
    canonical, _ = _table()[type_name]
    if actual is not None and matches(type_name, actual):
        return actual
    return canonical


def is_string(dtype: Any) -> bool:
    import polars as pl

    return bool(dtype == pl.String or dtype.base_type() in (pl.Categorical, pl.Enum))


def display(dtype: Any) -> str:
    """A short, readable dtype name: ``datetime[us, UTC]``, ``decimal[38, 2]``, ``Int64``."""
    import polars as pl

    base = dtype.base_type()
    if base == pl.Datetime:
        zone = f", {dtype.time_zone}" if dtype.time_zone else ""
        return f"datetime[{dtype.time_unit}{zone}]"
    if base == pl.Duration:
        return f"duration[{dtype.time_unit}]"
    if base == pl.Decimal:
        return f"decimal[{dtype.precision}, {dtype.scale}]"
    name = str(base).lower()
    return {"boolean": "bool", "utf8": "string"}.get(name, name)
