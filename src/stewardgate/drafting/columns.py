"""One column's drafted contract: each rule with the evidence it rests on.

:func:`draft_column` turns a column's profile entry (and, for text, a head sample) into
:class:`Drafted` rules in suite order. What it drafts, and when:

=====================  ======================================================================
rule                   drafted when
=====================  ======================================================================
``type``               the data's type has a suite type (lists, structs, binary have none)
``nullable: false``    the column has no null at all
``max_null_fraction``  it has nulls (not all): the Wilson upper bound, never the fraction seen
``unique: true``       every value is distinct, none is null, and the column looks like a key
``min`` / ``max``      numbers, dates, datetimes: the range widened by a margin (``bounds``)
``in_set``             a text column with at most 20 distinct values, each seen at least twice
                       on average (the profile lists them all: exact, not sampled)
``pii``                a personal-data detector fires on the sampled values
``classification``     with ``pii``: ``restricted`` for national ids, cards and IBANs,
                       ``confidential`` for e-mail addresses, phone numbers and IP addresses
=====================  ======================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from stewardgate.drafting import bounds, keys
from stewardgate.profile_record import ColumnProfile
from stewardgate.suite.models import COLUMN_TYPES

IN_SET_MAX = 20
PII_CLASSIFICATION = {
    "email": "confidential", "phone": "confidential", "ip": "confidential",
    "national_id": "restricted", "card": "restricted", "iban": "restricted",
}  # fmt: skip
PII_WORDS = {
    "email": "e-mail addresses", "phone": "phone numbers", "ip": "IP addresses",
    "national_id": "national id numbers", "card": "payment card numbers", "iban": "IBANs",
}  # fmt: skip
_INT_LIMITS = {
    "Int8": (-(2**7), 2**7 - 1), "Int16": (-(2**15), 2**15 - 1), "Int32": (-(2**31), 2**31 - 1),
    "Int64": (-(2**63), 2**63 - 1), "UInt8": (0, 2**8 - 1), "UInt16": (0, 2**16 - 1),
    "UInt32": (0, 2**32 - 1), "UInt64": (0, 2**64 - 1),
}  # fmt: skip


@dataclass(frozen=True)
class Drafted:
    """One drafted rule: ``key: value  # evidence``."""

    key: str
    value: Any
    evidence: str


@dataclass(frozen=True)
class DraftedColumn:
    """A column's drafted rules, notes for the steward, and what the rest of the suite needs."""

    name: str
    rules: list[Drafted] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_like: bool = False


@dataclass(frozen=True)
class PiiFinding:
    """What a personal-data detector found in a column's sample."""

    kind: str
    matched: int
    checked: int


def draft_column(
    name: str, dtype: Any, column: ColumnProfile, row_count: int, *,
    sample: Sequence[str | None] | None, pii: PiiFinding | None, sample_note: str,
) -> DraftedColumn:  # fmt: skip
    """The drafted rules of one column, in suite order."""
    from stewardgate.engines.dtypes import display

    rules: list[Drafted] = []
    notes: list[str] = []
    suite_type = suite_type_of(dtype)
    if suite_type is None:
        notes.append(f"{name}: {dtype} has no suite type; only its nulls are checked")
    else:
        physical = display(dtype) if "(" in str(dtype) else str(dtype)
        rules.append(Drafted("type", suite_type, f"{physical} in the data"))
    rules += _nulls(column, row_count)
    reason = None if pii else keys.key_reason(name, column, row_count, sample)
    unique = keys.unique_evidence(column, row_count)
    if reason and unique:
        rules.append(Drafted("unique", True, f"{unique}; {reason}"))
    rules += _range(name, column, notes)
    if pii is None:
        rules += _in_set(column, row_count)
    else:
        words = PII_WORDS.get(pii.kind, pii.kind)
        rules.append(Drafted("pii", pii.kind, f"{pii.matched:,} of {pii.checked:,} {sample_note} look like {words}"))
        level = PII_CLASSIFICATION.get(pii.kind, "confidential")
        rules.append(Drafted("classification", level, f"holds personal data ({pii.kind}); samples are masked"))
    return DraftedColumn(name, rules, notes, key_like=reason is not None)


def suite_type_of(dtype: Any) -> str | None:
    """The suite type name of a polars dtype, or None when the suite format has none."""
    from stewardgate.engines.dtypes import matches

    return next((t for t in COLUMN_TYPES if matches(t, dtype)), None)


def _nulls(column: ColumnProfile, rows: int) -> list[Drafted]:
    nulls = int(column.get("null_count") or 0)
    if rows == 0:
        return []
    if nulls == 0:
        return [Drafted("nullable", False, f"0 nulls in {rows:,} rows")]
    bound = bounds.null_fraction_bound(nulls, rows)
    if bound is None:
        return []
    seen = f"{_plural(nulls, 'null')} in {rows:,} rows ({nulls / rows:.2%})"
    return [Drafted("max_null_fraction", bound, f"{seen}; upper bound with headroom (Wilson, z=3)")]


def _range(name: str, column: ColumnProfile, notes: list[str]) -> list[Drafted]:
    low, high = column.get("min"), column.get("max")
    if low is None or high is None:
        return []
    if "freshness_seconds" in column:
        return _date_range(low, high)
    dtype = str(column.get("dtype"))
    integer = dtype in _INT_LIMITS
    lo, hi = bounds.numeric_bounds(low, high, integer=integer, limits=_INT_LIMITS.get(dtype))
    out: list[Drafted] = []
    if lo is not None:
        out.append(Drafted("min", lo, f"smallest value {_num(low)}; margin of 10% of the range"))
    elif low == 0:
        notes.append(f"{name}: no min drafted: the smallest value is 0 (add min: 0 if it can never be negative)")
    nans = int(column.get("nan_count") or 0)
    if nans:
        notes.append(f"{name}: no max drafted: {_plural(nans, 'NaN value')} (NaN is above every bound)")
    elif hi is not None:
        out.append(Drafted("max", hi, f"largest value {_num(high)}; margin of 10% of the range"))
    return out


def _date_range(low: str, high: str) -> list[Drafted]:
    first, last = _moment(low), _moment(high)
    lo, hi = bounds.date_bounds(first, last)
    return [
        Drafted("min", lo, f"oldest {first.isoformat()[:10]}; a year of margin"),
        Drafted("max", hi, f"newest {last.isoformat()[:10]}; a year of margin (move it as newer data arrives)"),
    ]


def _in_set(column: ColumnProfile, rows: int) -> list[Drafted]:
    top = column.get("top_values")
    dtype = str(column.get("dtype"))
    if top is None or not (dtype == "String" or dtype.startswith(("Categorical", "Enum"))):
        return []
    values = [t["value"] for t in top if t["value"] is not None]
    distinct = column.get("distinct_count") or 0
    non_null = rows - int(column.get("null_count") or 0)
    if not values or len(values) != distinct or distinct > IN_SET_MAX or non_null < 2 * distinct:
        return []
    return [Drafted("in_set", sorted(values), f"{distinct} distinct values in {rows:,} rows, all listed")]


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _moment(iso: str) -> date:
    return datetime.fromisoformat(iso) if "T" in iso or " " in iso else date.fromisoformat(iso)


def _num(x: float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"
