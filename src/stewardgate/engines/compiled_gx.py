"""Compiled polars equivalents of the most used Great Expectations expectations.

With ``engine: auto`` these expectations run as aggregates inside the one-pass polars query,
with GX's semantics (verified against GX itself by the differential tests in ``tests/gx``):
missing values (null, and NaN as pandas sees it) are left out of map expectations; ``mostly``
is the share of non-missing values that must be as expected; between-bounds honour
``strict_min`` / ``strict_max``; a datetime bound given as a date or an ISO string meets the
column's zone. Their results go through the same shaping as GX's (:mod:`gx_outcome`), so a
report cannot tell which engine ran them. Everything else, and every entry with
``engine: gx``, runs in GX.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from stewardgate.engines.applicability import bound_for, members_for
from stewardgate.engines.outcome import Outcome
from stewardgate.engines.side import SideQuery, repeated_values
from stewardgate.errors import first_line
from stewardgate.planning import PlannedCheck

if TYPE_CHECKING:
    import polars as pl

ENGINE = "polars"

Mask = Callable[[Any, Any, dict[str, Any]], Any]


def _between(col: Any, dtype: Any, a: dict[str, Any]) -> Any:
    low, high = _bound(a.get("min_value"), dtype), _bound(a.get("max_value"), dtype)
    bad = None
    if low is not None:
        bad = (col <= low) if a.get("strict_min") else (col < low)
    if high is not None:
        above = (col >= high) if a.get("strict_max") else (col > high)
        bad = above if bad is None else (bad | above)
    return bad


def _lengths(col: Any, dtype: Any, a: dict[str, Any]) -> Any:
    import polars as pl

    return _between(col.cast(pl.String).str.len_chars(), None, a)


def _in_set(col: Any, dtype: Any, a: dict[str, Any]) -> Any:
    import polars as pl

    members = members_for(list(a.get("value_set") or []), dtype)
    if dtype.is_integer():
        members = [m for m in members if not isinstance(m, float) or m.is_integer()]
    return ~col.is_in(pl.Series(members, strict=False).cast(dtype, strict=False).implode())


def _regex(col: Any, dtype: Any, a: dict[str, Any]) -> Any:
    import polars as pl

    return col.cast(pl.String).str.contains(a["regex"])


MAP_MASKS: dict[str, Mask] = {
    "expect_column_values_to_be_between": _between,
    "expect_column_value_lengths_to_be_between": _lengths,
    "expect_column_value_lengths_to_equal": lambda c, t, a: _lengths(
        c, t, {"min_value": a["value"], "max_value": a["value"]}
    ),
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_not_be_in_set": lambda c, t, a: ~_in_set(c, t, a),
    "expect_column_values_to_match_regex": lambda c, t, a: ~_regex(c, t, a),
    "expect_column_values_to_not_match_regex": _regex,
}
UNIQUE = "expect_column_values_to_be_unique"
"""Not a row mask (marking repeated rows needs the whole column): a side query, see ``side``."""
NULL_MAPS = ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null")
AGGREGATES: dict[str, Callable[[Any], Any]] = {
    "expect_column_mean_to_be_between": lambda c: c.mean(),
    "expect_column_median_to_be_between": lambda c: c.median(),
    "expect_column_min_to_be_between": lambda c: c.min(),
    "expect_column_max_to_be_between": lambda c: c.max(),
    "expect_column_sum_to_be_between": lambda c: c.sum(),
}
TABLE = (
    "expect_table_row_count_to_be_between", "expect_table_row_count_to_equal",
    "expect_table_column_count_to_be_between", "expect_table_column_count_to_equal",
    "expect_column_to_exist", "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list",
)  # fmt: skip


@dataclass(frozen=True)
class ExpectationQuery:
    """Aggregates of the compiled expectations, by output-name prefix, and their masks."""

    checks: dict[str, PlannedCheck]
    exprs: list[pl.Expr]
    masks: dict[str, pl.Expr]
    errored: dict[str, str]
    side: dict[str, SideQuery]
    """Side queries by output-name prefix (``expect_column_values_to_be_unique``)."""


def compile_expectations(planned: list[PlannedCheck], schema: dict[str, Any]) -> ExpectationQuery:
    """The aggregates of every compiled expectation whose columns exist (others are judged later)."""
    import polars as pl

    empty = pl.DataFrame(schema=schema)
    checks: dict[str, PlannedCheck] = {}
    exprs, masks, errored, side = [], {}, {}, {}
    for p in planned:
        if p.section != "expectations" or p.engine != ENGINE or p.check in TABLE:
            continue
        column = p.args.get("column")
        if column not in schema:
            continue
        name = f"__gx_{len(checks)}"
        try:
            mine, mask = _exprs(p, name, pl.col(column), schema[column])
            empty.select(mine)  # resolve types without data: a check that cannot run errors alone
            if p.check == UNIQUE:
                side[name] = repeated_values(column, nan_is_missing=schema[column].is_float())
                side[name].build(empty.lazy()).collect()
        except Exception as exc:  # polars raises several types here; each means "cannot run"
            errored[p.check_id] = first_line(exc)
            continue
        checks[name] = p
        exprs += mine
        if mask is not None:
            masks[p.check_id] = mask
    return ExpectationQuery(checks=checks, exprs=exprs, masks=masks, errored=errored, side=side)


def _exprs(p: PlannedCheck, name: str, raw: Any, dtype: Any) -> tuple[list[Any], Any]:
    import polars as pl

    if p.check in AGGREGATES and not (dtype.is_numeric() or dtype.is_temporal() or dtype == pl.Boolean):
        raise ValueError(f"{p.check} needs a numeric, boolean or temporal column, not {dtype}")  # GX errors too
    col = _present(raw, dtype)
    missing = col.is_null()
    if p.check in AGGREGATES:
        return [AGGREGATES[p.check](col).alias(f"{name}:observed")], None
    if p.check not in MAP_MASKS:  # null maps, and unique (its unexpected rows come from a side query)
        return [missing.sum().alias(f"{name}:missing")], None
    bad = (~missing) & MAP_MASKS[p.check](col, dtype, p.args).fill_null(False)
    return [missing.sum().alias(f"{name}:missing"), bad.sum().alias(f"{name}:unexpected")], bad


def _present(col: Any, dtype: Any) -> Any:
    """pandas sees NaN as missing: so does GX, so do we here."""
    return col.fill_nan(None) if dtype.is_float() else col


def _bound(value: Any, dtype: Any) -> Any:
    if value is None or dtype is None:
        return value
    if isinstance(value, str) and dtype.is_temporal():
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return bound_for(value, dtype)
    return value


def outcomes(
    query: ExpectationQuery, row: dict[str, Any], row_count: int, planned: list[PlannedCheck],
    schema: dict[str, Any], samples: dict[str, list[str]], hidden: Callable[[PlannedCheck], bool],
) -> dict[str, Outcome]:  # fmt: skip
    """GX-shaped results for every compiled expectation, turned into outcomes like GX's."""
    from stewardgate.engines.gx_outcome import outcome_of

    out = {}
    by_id = {p.check_id: name for name, p in query.checks.items()}
    for p in planned:
        if p.section != "expectations" or p.engine != ENGINE:
            continue
        if p.check_id in query.errored:
            out[p.check_id] = Outcome(ok=False, errored=f"polars cannot evaluate it: {query.errored[p.check_id]}")
            continue
        result = _gx_shaped(p, by_id.get(p.check_id), row, row_count, schema, samples.get(p.check_id, []))
        out[p.check_id] = outcome_of(p, result, hidden=hidden(p))
    return out


def _gx_shaped(
    p: PlannedCheck, name: str | None, row: dict[str, Any], rows: int, schema: dict[str, Any], samples: list[str]
) -> Any:
    a = p.args
    if p.check in TABLE:
        ok, observed = _table(p.check, a, rows, list(schema))
        return _result(ok, {"observed_value": observed})
    column = a.get("column")
    if name is None:
        return SimpleNamespace(success=False, result={}, exception_info={"raised_exception": True,
                               "exception_message": f"column '{column}' is not in the data"})  # fmt: skip
    if p.check in AGGREGATES:
        observed = row[f"{name}:observed"]
        ok = observed is not None and _within(observed, a, schema[a["column"]])
        return _result(ok, {"observed_value": observed})
    missing = int(row[f"{name}:missing"])
    if p.check in NULL_MAPS:
        unexpected = missing if p.check.endswith("not_be_null") else rows - missing
        return _result(_mostly(rows - unexpected, rows, a), {
            "element_count": rows, "unexpected_count": unexpected,
            "unexpected_percent": 100 * unexpected / rows if rows else None, "partial_unexpected_list": [],
        })  # fmt: skip
    unexpected, present = int(row[f"{name}:unexpected"]), rows - missing
    return _result(_mostly(present - unexpected, present, a), {
        "element_count": rows, "missing_count": missing, "unexpected_count": unexpected,
        "unexpected_percent": 100 * unexpected / present if present else None,
        "partial_unexpected_list": samples,
    })  # fmt: skip


def _result(ok: bool, result: dict[str, Any]) -> Any:
    return SimpleNamespace(success=ok, result=result, exception_info={"raised_exception": False})


def _mostly(good: int, total: int, a: dict[str, Any]) -> bool:
    return total == 0 or good / total >= float(a.get("mostly", 1.0))


def _within(observed: Any, a: dict[str, Any], dtype: Any) -> bool:
    low, high = _bound(a.get("min_value"), dtype), _bound(a.get("max_value"), dtype)
    if low is not None and (observed <= low if a.get("strict_min") else observed < low):
        return False
    if high is not None and (observed >= high if a.get("strict_max") else observed > high):
        return False
    return True


def _table(kind: str, a: dict[str, Any], rows: int, columns: list[str]) -> tuple[bool, Any]:
    if kind == "expect_table_row_count_to_be_between":
        return _within(rows, a, None), rows
    if kind == "expect_table_row_count_to_equal":
        return rows == a["value"], rows
    if kind == "expect_table_column_count_to_be_between":
        return _within(len(columns), a, None), len(columns)
    if kind == "expect_table_column_count_to_equal":
        return len(columns) == a["value"], len(columns)
    if kind == "expect_column_to_exist":
        index = a.get("column_index")
        present = a["column"] in columns
        return present and (index is None or columns.index(a["column"]) == index), a["column"] in columns
    if kind == "expect_table_columns_to_match_set":
        if a.get("column_set") is None:  # as GX: nothing to match passes unless it must match exactly
            return a.get("exact_match", True) is False, columns
        wanted = set(a["column_set"])
        ok = wanted == set(columns) if a.get("exact_match", True) is not False else wanted <= set(columns)
        return ok, columns
    if a.get("column_list") is None:
        return True, columns
    return list(a["column_list"]) == columns, columns


def absorb_side(
    query: ExpectationQuery, row: dict[str, Any], frames: dict[str, pl.DataFrame], samples: int
) -> dict[str, list[str]]:  # fmt: skip
    """Put each side query's unexpected count into ``row``; return its samples by check id."""
    from stewardgate.engines.compiled import repeated_outcome

    found = {}
    for name, q in query.side.items():
        o = repeated_outcome(frames[q.key], samples)
        row[f"{name}:unexpected"] = o.failing
        found[query.checks[name].check_id] = o.samples
    return found


def failing(query: ExpectationQuery, row: dict[str, Any]) -> list[str]:
    """Check ids of the compiled map expectations with unexpected values (they get samples)."""
    return [p.check_id for name, p in query.checks.items() if name not in query.side and row.get(f"{name}:unexpected")]
