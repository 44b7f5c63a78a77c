"""Does a column look like a key? Heuristics on its name, type and shape.

A column is *key-like* when its type can hold an identifier (an integer or a string) and

- its name says so: ``id``, ``order_id``, ``orderId``, ``uuid``, ``customer_key``,
  ``invoice_no``, ``sku`` … (not ``phone_number`` or ``zip_code``: such values repeat); or
- it holds consecutive integers (``1 … 2,000`` in 2,000 rows); or
- its sampled values all look like UUIDs.

``init`` drafts ``unique: true`` only for a key-like column whose values are also all distinct
with no nulls: e-mail addresses or timestamps may happen to be distinct in one file without
being promised to stay so. Key-like columns are also the ones whose null fraction the starter
``anomalies:`` section watches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from stewardgate.profile_record import ColumnProfile

_KEY_NAME = re.compile(
    r"(?:^|[_\-\s.])(?i:id|uuid|guid|key|pk|sku|no|nr)$"  # id, order_id, invoice_no
    r"|[a-z0-9](?:Id|ID|Key|Uuid|UUID|No|Nr)$"  # orderId, customerKey (camelCase)
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
_INTEGER = ("Int8", "Int16", "Int32", "Int64", "Int128", "UInt8", "UInt16", "UInt32", "UInt64")


def key_name(name: str) -> bool:
    """Whether the column's name reads like an identifier's."""
    return _KEY_NAME.search(name) is not None


def key_reason(
    name: str, column: ColumnProfile, row_count: int, sample: Sequence[str | None] | None = None
) -> str | None:
    """Why the column looks like a key (a short phrase for a comment), or None if it does not.

    ``column`` is the column's entry of the metric profile; ``sample`` some of its values
    (strings only), used for the UUID test.
    """
    dtype = str(column.get("dtype", ""))
    integer = dtype in _INTEGER
    if not (integer or dtype == "String"):
        return None
    if key_name(name):
        return "the name looks like a key"
    low, high, distinct = column.get("min"), column.get("max"), _exact_distinct(column)
    if integer and row_count > 1 and distinct == row_count and low is not None and high is not None:
        if high - low + 1 == row_count:
            return "consecutive integers"
    if dtype == "String" and looks_like_uuids(sample):
        return "the values look like UUIDs"
    return None


def looks_like_uuids(sample: Sequence[str | None] | None) -> bool:
    """Whether every non-null sampled value (at least two) is a UUID (with or without dashes)."""
    values = [v for v in sample or () if v is not None]
    return len(values) >= 2 and all(_UUID.match(v) for v in values)


def unique_evidence(column: ColumnProfile, row_count: int) -> str | None:
    """The evidence that every value is distinct and none is null, or None if that is not so."""
    if row_count < 2 or column.get("null_count") != 0 or _exact_distinct(column) != row_count:
        return None
    return f"{row_count:,} distinct values in {row_count:,} rows"


def _exact_distinct(column: ColumnProfile) -> int | None:
    """The distinct count if it was counted, None if it is an estimate (``distinct_approximate``)."""
    return None if column.get("distinct_approximate") else column.get("distinct_count")
