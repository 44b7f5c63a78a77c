"""The trust sheet's rules in words: every column rule reads as a consumer would say it."""

from __future__ import annotations

from stewardgate.governance.trust_columns import column_rules
from stewardgate.suite.models import ColumnSpec


def test_every_column_rule_in_words() -> None:
    spec = ColumnSpec.model_validate({
        "type": "string", "nullable": False, "max_null_fraction": 0.02, "max_null_count": 1000, "unique": True,
        "in_set": ["a", "b"], "regex": "^[a-z]$", "min_length": 1, "max_length": {"value": 20, "severity": "warn"},
    })  # fmt: skip
    assert column_rules("code", spec) == (
        "code is never null",
        "at most 2.00% of code is null",
        "at most 1,000 null values in code",
        "code is unique",
        "code is one of: a, b",
        "code matches the pattern ^[a-z]$",
        "code is at least 1 characters long",
        "code is at most 20 characters long (warning)",
    )


def test_bounds_and_a_column_severity() -> None:
    spec = ColumnSpec.model_validate({"type": "float64", "min": 0, "max": 10000, "severity": "warn"})
    assert column_rules("amount", spec) == ("amount >= 0 (warning)", "amount <= 10,000 (warning)")
