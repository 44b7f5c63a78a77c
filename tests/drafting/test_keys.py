"""Key-column heuristics: a name, consecutive integers or UUIDs make a key; distinctness alone does not."""

from __future__ import annotations

import uuid

import pytest

from stewardgate.drafting.keys import key_name, key_reason, unique_evidence


@pytest.mark.parametrize(
    "name", ["id", "ID", "order_id", "ORDER_ID", "orderId", "OrderID", "customer-key", "uuid", "sku", "invoice_no"]
)
def test_key_names(name: str) -> None:
    assert key_name(name)


@pytest.mark.parametrize("name", ["email", "video", "paid", "kid", "phone_number", "zip_code", "amount", "identity"])
def test_not_key_names(name: str) -> None:
    assert not key_name(name)


def test_consecutive_integers_are_a_key_whatever_the_name() -> None:
    column = {"dtype": "Int64", "null_count": 0, "distinct_count": 500, "min": 1001, "max": 1500}
    assert key_reason("n", column, 500) == "consecutive integers"
    assert key_reason("n", {**column, "max": 1600}, 500) is None  # distinct, but with gaps


def test_uuid_strings_are_a_key() -> None:
    sample = [str(uuid.UUID(int=i * 7919 + 1)) for i in range(50)]
    column = {"dtype": "String", "null_count": 0, "distinct_count": 50}
    assert key_reason("ref", column, 50, sample) == "the values look like UUIDs"
    assert key_reason("ref", column, 50, [*sample, "not-a-uuid"]) is None


def test_only_integer_or_string_columns_can_be_keys() -> None:
    assert key_reason("event_id", {"dtype": "Float64"}, 10) is None
    assert key_reason("created_id", {"dtype": "Datetime(time_unit='us', time_zone=None)"}, 10) is None


def test_unique_needs_every_value_distinct_and_no_null() -> None:
    assert (
        unique_evidence({"null_count": 0, "distinct_count": 336_776}, 336_776)
        == "336,776 distinct values in 336,776 rows"
    )
    assert unique_evidence({"null_count": 1, "distinct_count": 9}, 10) is None
    assert unique_evidence({"null_count": 0, "distinct_count": 9}, 10) is None
    assert unique_evidence({"null_count": 0, "distinct_count": 1}, 1) is None  # one row proves nothing


def test_an_estimated_distinct_count_proves_nothing() -> None:
    column = {
        "dtype": "Int64",
        "null_count": 0,
        "distinct_count": 500,
        "distinct_approximate": True,
        "min": 1,
        "max": 500,
    }
    assert unique_evidence(column, 500) is None
    assert key_reason("n", column, 500) is None
