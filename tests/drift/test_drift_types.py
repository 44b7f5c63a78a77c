"""Type changes: widened, narrowed or changed, on polars dtype names."""

from __future__ import annotations

import pytest

from stewardgate.drift.types import CHANGED, NARROWED, SAME, WIDENED, compare_types

DT_US = "Datetime(time_unit='us', time_zone=None)"


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        ("Int64", "Int64", SAME),
        ("Int32", "Int64", WIDENED),
        ("Int8", "Int16", WIDENED),
        ("UInt16", "Int32", WIDENED),
        ("UInt32", "UInt64", WIDENED),
        ("Float32", "Float64", WIDENED),
        ("Int32", "Float64", WIDENED),
        ("Int16", "Float32", WIDENED),
        ("Int32", "Decimal(precision=12, scale=2)", WIDENED),
        ("Decimal(precision=10, scale=2)", "Decimal(precision=12, scale=3)", WIDENED),
        ("Date", DT_US, WIDENED),
        ("Categorical", "String", WIDENED),
        ("Enum(categories=['a', 'b'])", "Enum(categories=['a', 'b', 'c'])", WIDENED),
        ("Null", "String", WIDENED),
        ("List(Int32)", "List(Int64)", WIDENED),
        ("Int64", "Int32", NARROWED),
        ("Float64", "Float32", NARROWED),
        ("String", "Categorical", NARROWED),
        ("Decimal(precision=12, scale=3)", "Decimal(precision=10, scale=2)", NARROWED),
        ("Int64", "Float64", CHANGED),  # 2**53 + 1 has no float64
        ("Int32", "UInt64", CHANGED),  # negative values have no unsigned
        ("String", "Int64", CHANGED),
        (DT_US, "Datetime(time_unit='ns', time_zone=None)", CHANGED),
        (DT_US, "Datetime(time_unit='us', time_zone='UTC')", CHANGED),
        ("Date", "Datetime(time_unit='us', time_zone='UTC')", CHANGED),
        ("Decimal(precision=10, scale=2)", "Decimal(precision=10, scale=4)", CHANGED),
        ("Boolean", "Int8", CHANGED),
    ],
)
def test_type_change_verdicts(old: str, new: str, verdict: str) -> None:
    assert compare_types(old, new) == verdict
