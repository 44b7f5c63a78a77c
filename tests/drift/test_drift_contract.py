"""``breaking``: contract differences between two suite versions, from both perspectives."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stewardgate.drift.contract import compare_suites
from stewardgate.suite.models import Suite

BASE: dict[str, Any] = {
    "version": 1,
    "dataset": {"name": "orders", "path": "orders.parquet"},
    "stewardship": {"owner": "sales@example.com", "steward": "jane@example.com",
                    "classification": "confidential", "retention": {"period": "400d"}},
    "columns": {
        "order_id": {"type": "int64", "nullable": False, "unique": True},
        "email": {"type": "string", "pii": "email", "classification": "restricted", "regex": "^[^@]+@[^@]+$"},
        "amount": {"type": "float32", "min": 0, "max": 10000},
        "status": {"type": "string", "in_set": ["placed", "shipped"], "max_null_fraction": 0.01},
    },
}  # fmt: skip


def _findings(change: Any) -> dict[str, tuple[Any, Any, bool, bool]]:
    """rule -> (old, new, breaks the consumer, breaks the producer) after ``change(new)``."""
    new = copy.deepcopy(BASE)
    change(new)
    found = compare_suites(Suite.model_validate(BASE), Suite.model_validate(new))
    return {f"{f.path} {f.rule}": (f.old, f.new, f.breaks("consumer"), f.breaks("producer")) for f in found}


def _set(path: str, value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            doc = doc[key]
        if value is None:
            doc.pop(last, None)
        else:
            doc[last] = value

    return change


def test_the_same_suite_has_no_findings() -> None:
    assert _findings(lambda doc: None) == {}


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("columns.email", None, {"columns.email column_removed": ("declared", "absent", True, False)}),
        ("columns.coupon", {"type": "string"}, {"columns.coupon column_added": ("absent", "declared", False, True)}),
        ("columns.coupon", {"required": False}, {"columns.coupon column_added": ("absent", "declared", False, False)}),
        ("columns.order_id.type", "int32", {"columns.order_id.type type_narrowed": ("int64", "int32", True, True)}),
        ("columns.amount.type", "float64", {"columns.amount.type type_widened": ("float32", "float64", False, False)}),
        ("columns.amount.type", "string", {"columns.amount.type type_changed": ("float32", "string", True, True)}),
        ("columns.order_id.nullable", True, {"columns.order_id.nullable nullable_loosened": (False, True, True, False)}),
        ("columns.amount.nullable", False, {"columns.amount.nullable nullable_tightened": (True, False, False, True)}),
        ("columns.order_id.unique", None, {"columns.order_id.unique unique_loosened": (True, False, True, False)}),
        ("columns.amount.min", -100, {"columns.amount.min min_loosened": (0, -100, True, False)}),
        ("columns.amount.min", 10, {"columns.amount.min min_tightened": (0, 10, False, True)}),
        ("columns.amount.max", None, {"columns.amount.max max_loosened": (10000, None, True, False)}),
        ("columns.amount.max", 500, {"columns.amount.max max_tightened": (10000, 500, False, True)}),
        ("columns.status.in_set", ["placed", "shipped", "lost"],
         {"columns.status.in_set in_set_loosened": (["placed", "shipped"], ["lost", "placed", "shipped"], True, False)}),
        ("columns.status.in_set", ["placed"], {"columns.status.in_set in_set_tightened": (["placed", "shipped"], ["placed"], False, True)}),
        ("columns.status.in_set", ["placed", "lost"],
         {"columns.status.in_set in_set_changed": (["placed", "shipped"], ["lost", "placed"], True, True)}),
        ("columns.status.max_null_fraction", 0.2, {"columns.status.max_null_fraction max_null_fraction_loosened": (0.01, 0.2, True, False)}),
        ("columns.email.regex", ".*", {"columns.email.regex regex_changed": ("^[^@]+@[^@]+$", ".*", True, True)}),
        ("columns.email.pii", None, {"columns.email.pii pii_removed": ("email", None, True, False)}),
        ("columns.email.classification", "internal",
         {"columns.email.classification classification_lowered": ("restricted", "internal", True, False)}),
        ("stewardship.classification", "public",
         {"stewardship.classification classification_lowered": ("confidential", "public", True, False)}),
        ("stewardship.classification", "restricted",
         {"stewardship.classification classification_raised": ("confidential", "restricted", False, True)}),
        ("stewardship.retention", {"period": "7y"},
         {"stewardship.retention.period retention_lengthened": ("400d", "7y", True, False)}),
        ("stewardship.retention", None, {"stewardship.retention.period retention_removed": ("400d", None, True, False)}),
        ("stewardship.retention", {"period": "90d"},
         {"stewardship.retention.period retention_shortened": ("400d", "90d", False, True)}),
    ],
)  # fmt: skip
def test_each_finding_and_who_it_breaks(path: str, value: Any, expected: dict[str, Any]) -> None:
    assert _findings(_set(path, value)) == expected


def test_retention_of_data_without_pii_is_only_noted() -> None:
    old = copy.deepcopy(BASE)
    old["columns"]["email"].pop("pii")
    new = copy.deepcopy(old)
    new["stewardship"]["retention"] = {"period": "10y"}
    (found,) = compare_suites(Suite.model_validate(old), Suite.model_validate(new))
    assert (found.rule, found.direction, found.breaks("consumer"), found.breaks("producer")) == (
        "retention_lengthened", "noted", False, False)  # fmt: skip
