"""Every schema drift rule on generated data, its severity, and the negatives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from stewardgate.results import Severity, Status

Judged = Callable[..., dict[str, Any]]
SCHEMA_ONLY = {"distribution": None}


def _changes(results: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {cid: (r.status.value, r.severity.value) for cid, r in results.items() if ".drift.schema." in cid}


def test_the_same_data_twice_is_no_drift(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    df = orders()
    results = judged(df, df, {"distribution": {"columns": "all"}})
    assert {r.status for r in results.values()} == {Status.PASSED}
    assert results["orders.drift.schema"].message == (
        "schema matches the dataset old: 5 columns, same names, types and order"
    )


def test_shuffled_rows_are_no_drift(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    df = orders()
    results = judged(df, df.sample(fraction=1.0, shuffle=True, seed=3), {"distribution": {"columns": "all"}})
    assert {r.status for r in results.values()} == {Status.PASSED}
    assert {r.details.get("psi") for r in results.values() if "psi" in r.details} == {0.0}


def test_column_removed_is_an_error(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    results = judged(orders(), orders().drop("email"))
    r = results["orders.drift.schema.email.column_removed"]
    assert (r.status, r.severity) == (Status.FAILED, Severity.ERROR)
    assert r.details["change"] == "column_removed"
    assert (r.details["old"], r.details["new"]) == ("email: String", None)
    assert r.message == "column 'email' (String) was removed (vs dataset old)"
    assert "orders.drift.schema" not in results  # the passing id only when nothing changed


def test_column_added_warns_and_errors_with_extra_columns_error(
    orders: Callable[..., pl.DataFrame], judged: Judged
) -> None:
    new = orders().with_columns(pl.lit("x").alias("coupon"))
    assert _changes(judged(orders(), new)) == {"orders.drift.schema.coupon.column_added": ("warned", "warn")}
    strict = judged(orders(), new, extra_columns="error")
    assert _changes(strict) == {"orders.drift.schema.coupon.column_added": ("failed", "error")}


def test_a_rename_with_alike_values_is_one_finding(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    results = judged(orders(), orders().rename({"amount": "amount_eur", "email": "email_address"}))
    assert _changes(results) == {
        "orders.drift.schema.amount.renamed": ("failed", "error"),
        "orders.drift.schema.email.renamed": ("failed", "error"),
    }
    r = results["orders.drift.schema.amount.renamed"]
    assert (r.details["old"], r.details["new"]) == ("amount", "amount_eur")
    assert r.message.startswith("renamed? column 'amount' is gone and 'amount_eur' is new, both Float64")


def test_removed_and_added_with_unlike_values_are_two_findings(
    orders: Callable[..., pl.DataFrame], judged: Judged
) -> None:
    new = orders().drop("amount").with_columns((pl.col("order_id") * 1000.0).alias("price"))
    assert _changes(judged(orders(), new)) == {
        "orders.drift.schema.amount.column_removed": ("failed", "error"),
        "orders.drift.schema.price.column_added": ("warned", "warn"),
    }


@pytest.mark.parametrize(
    ("cast", "rule", "status"),
    [
        (pl.Int64, "type_widened", "warned"),
        (pl.Int16, "type_narrowed", "failed"),
        (pl.String, "type_changed", "failed"),
    ],
)
def test_type_rules(orders: Callable[..., pl.DataFrame], judged: Judged, cast: Any, rule: str, status: str) -> None:
    new = orders().with_columns(pl.col("quantity").cast(cast))  # Int32 in the baseline
    results = judged(orders(), new, SCHEMA_ONLY)
    assert _changes(results) == {
        f"orders.drift.schema.quantity.{rule}": (status, "error" if status == "failed" else "warn")
    }
    r = results[f"orders.drift.schema.quantity.{rule}"]
    assert (r.expected, r.observed) == ("Int32", str(cast))


def test_nullability_loosened_warns(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    new = orders().with_columns(
        pl.when(pl.col("order_id") % 50 == 0).then(None).otherwise(pl.col("status")).alias("status")
    )
    results = judged(orders(), new, SCHEMA_ONLY)
    assert _changes(results) == {"orders.drift.schema.status.nullability_loosened": ("warned", "warn")}
    assert results["orders.drift.schema.status.nullability_loosened"].message == (
        "column 'status' had no nulls in the baseline (2,000 rows); now 40 of 2,000 rows (2.00%) are null (vs dataset old)"
    )


def test_nulls_in_both_are_not_a_loosening(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    old = orders().with_columns(pl.when(pl.col("order_id") == 1).then(None).otherwise(pl.col("status")).alias("status"))
    new = orders().with_columns(pl.when(pl.col("order_id") < 90).then(None).otherwise(pl.col("status")).alias("status"))
    assert _changes(judged(old, new, SCHEMA_ONLY)) == {}


def test_order_changed_is_info_and_error_when_strict(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    new = orders().select("amount", "order_id", "quantity", "status", "email")
    results = judged(orders(), new)
    assert _changes(results) == {"orders.drift.schema.order_changed": ("info", "info")}
    r = results["orders.drift.schema.order_changed"]
    assert r.column is None
    assert r.details["old"] == "order_id, amount, quantity, status, email"
    assert r.details["new"] == "amount, order_id, quantity, status, email"
    assert _changes(judged(orders(), new, order="strict")) == {"orders.drift.schema.order_changed": ("failed", "error")}


def test_an_added_column_alone_is_not_an_order_change(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    new = orders().select(pl.lit(1).alias("first"), pl.all())
    assert set(_changes(judged(orders(), new))) == {"orders.drift.schema.first.column_added"}


def test_severity_overrides_per_rule(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    new = orders().drop("email").with_columns(pl.lit(1).alias("coupon"))
    spec = {"severity": {"column_removed": "warn", "column_added": "error"}}
    assert _changes(judged(orders(), new, spec)) == {
        "orders.drift.schema.email.column_removed": ("warned", "warn"),
        "orders.drift.schema.coupon.column_added": ("failed", "error"),
    }


def test_schema_drift_can_be_turned_off(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    assert judged(orders(), orders().drop("email"), {"schema": False}) == {}
