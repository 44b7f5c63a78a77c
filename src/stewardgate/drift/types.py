"""Is a type change a widening, a narrowing, or incompatible? Judged on polars dtype names.

A change *widens* when every value of the old type is a value of the new one, without loss:
``Int32 -> Int64``, ``UInt16 -> Int32``, ``Float32 -> Float64``, an integer into a float whose
mantissa holds it (``Int32 -> Float64``, but not ``Int64 -> Float64``), an integer into a
decimal with enough integer digits, a decimal with no fewer integer and fraction digits,
``Date -> Datetime`` (no time zone), ``Categorical``/``Enum -> String``, an ``Enum`` whose
categories grow, ``Null ->`` anything, and lists of widening items. The reverse of a widening
*narrows*; anything else (``String -> Int64``, a time unit or time zone change) is *changed*.
This follows the type-widening rules of table formats such as Delta Lake.
"""

from __future__ import annotations

import re

SAME, WIDENED, NARROWED, CHANGED = "same", "widened", "narrowed", "changed"

_INT = re.compile(r"^(U?)Int(8|16|32|64|128)$")
_FLOAT = re.compile(r"^Float(16|32|64)$")
_DECIMAL = re.compile(r"^Decimal\(precision=(\d+|None), scale=(\d+)\)$")
_ENUM = re.compile(r"^Enum\(categories=\[(.*)\]\)$")
_LIST = re.compile(r"^List\((.*)\)$")
_MANTISSA = {16: 11, 32: 24, 64: 53}
_DIGITS = {(True, 8): 3, (True, 16): 5, (True, 32): 10, (True, 64): 19, (True, 128): 39,
           (False, 8): 3, (False, 16): 5, (False, 32): 10, (False, 64): 20, (False, 128): 39}  # fmt: skip
_MAX_PRECISION = 38


def compare_types(old: str, new: str) -> str:
    """``same``, ``widened``, ``narrowed`` or ``changed`` for a column's dtype names."""
    if old == new:
        return SAME
    if widens(old, new):
        return WIDENED
    if widens(new, old):
        return NARROWED
    return CHANGED


def widens(old: str, new: str) -> bool:
    """Whether every value of ``old`` is, without loss, a value of ``new``."""
    if old == new or old == "Null":
        return True
    old_list, new_list = _LIST.match(old), _LIST.match(new)
    if old_list and new_list:
        return widens(old_list.group(1), new_list.group(1))
    integer = _int(old)
    if integer is not None:
        return _int_widens(integer, new)
    old_float, new_float = _FLOAT.match(old), _FLOAT.match(new)
    if old_float and new_float:
        return int(new_float.group(1)) > int(old_float.group(1))
    old_dec, new_dec = _decimal(old), _decimal(new)
    if old_dec and new_dec:
        return new_dec[1] >= old_dec[1] and new_dec[0] - new_dec[1] >= old_dec[0] - old_dec[1]
    if old == "Date":
        return new.startswith("Datetime(") and new.endswith("time_zone=None)")
    if old == "Categorical" or old.startswith("Enum("):
        return new == "String" or _enum_grows(old, new)
    return False


def _int(name: str) -> tuple[bool, int] | None:
    """``(signed, bits)`` of an integer dtype name, or None."""
    found = _INT.match(name)
    return None if found is None else (found.group(1) == "", int(found.group(2)))


def _int_widens(old: tuple[bool, int], new: str) -> bool:
    signed, bits = old
    other = _int(new)
    if other is not None:
        new_signed, new_bits = other
        return new_bits > bits and (new_signed or not signed)
    as_float = _FLOAT.match(new)
    if as_float:
        return bits - (1 if signed else 0) <= _MANTISSA[int(as_float.group(1))]
    dec = _decimal(new)
    return dec is not None and dec[0] - dec[1] >= _DIGITS[(signed, bits)]


def _decimal(name: str) -> tuple[int, int] | None:
    """``(precision, scale)`` of a decimal dtype name (no precision means the maximum)."""
    found = _DECIMAL.match(name)
    if found is None:
        return None
    precision = _MAX_PRECISION if found.group(1) == "None" else int(found.group(1))
    return precision, int(found.group(2))


def _enum_grows(old: str, new: str) -> bool:
    old_enum, new_enum = _ENUM.match(old), _ENUM.match(new)
    if not (old_enum and new_enum):
        return False
    return set(_items(old_enum.group(1))) <= set(_items(new_enum.group(1)))


def _items(listing: str) -> list[str]:
    return [part.strip().strip("'\"") for part in listing.split(",") if part.strip()]
