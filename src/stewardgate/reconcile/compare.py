"""The comparisons of a reconciliation, on figures the two sides computed (pure but for the key
and row joins, which polars runs streaming over the two sides' lazy frames).

Bounds: ``max_difference`` (absolute) and ``max_fraction`` (of the other dataset's figure); each
one given must hold; with neither, the figures must be equal. Keys are compared as distinct
values with nulls left out (a null key matches nothing); key types must be of one family
(integers, floats, decimals, text, dates, datetimes, booleans), else the check errors.
"""

from __future__ import annotations

from typing import Any

import polars as pl

MISSING = object()
"""A group the side does not have."""


def within(here: Any, there: Any, max_difference: float | None, max_fraction: float | None) -> bool:
    """Whether two figures agree: numbers within the bounds, anything else (dates, text) equal."""
    if here is None or there is None or not (_numeric(here) and _numeric(there)):
        return bool(here == there)
    diff = abs(float(here) - float(there))
    if max_difference is None and max_fraction is None:
        return here == there
    ok = max_difference is None or diff <= max_difference
    return ok and (max_fraction is None or diff <= max_fraction * abs(float(there)))


def difference(here: Any, there: Any) -> float | None:
    """``here - there`` when both are numbers, else None."""
    return float(here) - float(there) if _numeric(here) and _numeric(there) else None


def _numeric(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def family(dtype: Any) -> str:
    """A key type's family: keys of one family compare (cast to one type), of two never."""
    if dtype.is_integer() or (isinstance(dtype, pl.Decimal) and dtype.scale == 0):
        return "integer"
    if isinstance(dtype, pl.Decimal):
        return "decimal"
    if dtype.is_float():
        return "float"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "text"
    if isinstance(dtype, pl.Datetime):
        return f"datetime ({dtype.time_zone})" if dtype.time_zone else "datetime"
    return {pl.Date: "date", pl.Boolean: "boolean", pl.Time: "time", pl.Duration: "duration"}.get(
        dtype.base_type(), str(dtype)
    )


COMMON = {"integer": pl.Int64, "text": pl.String, "float": pl.Float64, "decimal": pl.Float64}
NUMBERS = ("integer", "float", "decimal")


def _alike(a: str, b: str, numbers_alike: bool) -> bool:
    return a == b or (numbers_alike and a in NUMBERS and b in NUMBERS)


def type_problem(
    pairs: list[tuple[str, Any, str, Any]], there: str, *, numbers_alike: bool = False
) -> str | None:  # fmt: skip
    """Why columns ``(name here, dtype, name there, dtype)`` cannot be compared, or None. Keys
    must be of one family; compared values and aggregates (``numbers_alike``) may mix integers,
    floats and decimals."""
    for a, ta, b, tb in pairs:
        if not _alike(family(ta), family(tb), numbers_alike):
            return (f"column {a} is {family(ta)} ({ta}) here and {b} is {family(tb)} ({tb}) in {there}: "
                    "they cannot be compared (cast one side, e.g. in a view)")  # fmt: skip
    return None


def targets(pairs: list[tuple[str, Any, str, Any]]) -> dict[str, Any]:
    """The one type each compared column is cast to on both sides (by its name here): the
    family's (integers as Int64, text as String), numbers of two families as Float64."""
    out = {}
    for a, ta, _, tb in pairs:
        fa, fb = family(ta), family(tb)
        if fa == fb and fa in COMMON:
            out[a] = COMMON[fa]
        elif fa != fb and fa in NUMBERS and fb in NUMBERS:
            out[a] = pl.Float64
    return out


def aligned(frame: pl.LazyFrame, casts: dict[str, Any]) -> pl.LazyFrame:
    """The frame with each column of ``casts`` cast to its type, so joins compare values, not types."""
    return frame.with_columns([pl.col(n).cast(t) for n, t in casts.items()]) if casts else frame


def key_gap(
    left: pl.LazyFrame, right: pl.LazyFrame, names: list[str], samples: int
) -> tuple[int, list[tuple[Any, ...]]]:
    """Distinct keys of ``left`` that ``right`` lacks: how many, and the first ``samples`` in key order.

    One streaming anti-join; only the keys that differ are made distinct and sorted."""
    gap = left.join(right, on=names, how="anti").unique()
    found = pl.collect_all(
        [gap.select(pl.len()), gap.sort(names).head(samples)], engine="streaming"
    )  # fmt: skip
    return int(found[0].item()), found[1].rows()


def row_gap(
    here: pl.LazyFrame, there: pl.LazyFrame, key: list[str], columns: list[str], samples: int
) -> tuple[int, int, list[dict[str, Any]]]:  # fmt: skip
    """Rows matched by key whose ``columns`` differ (nulls equal nulls): the matched rows, the
    distinct keys that differ, and the first ``samples`` differing rows (key order) with both
    sides' values. A key repeated on a side matches each of its rows."""
    other = there.rename({c: f"{c}__there" for c in columns})
    joined = here.join(other, on=key, how="inner")
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__there")) for c in columns])
    bad = joined.filter(differs)
    found = pl.collect_all(
        [joined.select(pl.len()), bad.select(key).unique().select(pl.len()), bad.sort(key).head(samples)],
        engine="streaming",
    )  # fmt: skip
    return int(found[0].item()), int(found[1].item()), found[2].to_dicts()


def group_gaps(
    here: dict[Any, Any], there: dict[Any, Any], max_difference: float | None, max_fraction: float | None
) -> list[tuple[Any, Any, Any]]:  # fmt: skip
    """Groups whose figures disagree (or that one side lacks): ``(group, here, there)`` by group."""
    out = []
    for g in sorted(set(here) | set(there), key=lambda v: (v is None, str(v))):
        a, b = here.get(g, MISSING), there.get(g, MISSING)
        if a is MISSING or b is MISSING or not within(a, b, max_difference, max_fraction):
            out.append((g, a, b))
    return out
