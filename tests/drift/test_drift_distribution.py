"""Distribution drift rules on generated data: numeric, categorical, small samples, the share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pytest

from stewardgate.results import Severity, Status

Judged = Callable[..., dict[str, Any]]
ALL = {"distribution": {"columns": "all"}}


def _shift(df: pl.DataFrame, by: float) -> pl.DataFrame:
    return df.with_columns((pl.col("amount") + by).alias("amount"))


def test_a_shifted_numeric_column_fails_and_names_the_bins_that_moved(
    orders: Callable[..., pl.DataFrame], judged: Judged
) -> None:
    results = judged(orders(), _shift(orders(), 15.0), {"distribution": {"columns": ["amount"]}})
    r = results["orders.drift.distribution.amount"]
    assert (r.status, r.severity) == (Status.FAILED, Severity.ERROR)
    assert r.details["method"] == "numeric"
    assert r.details["psi"] > 0.25
    assert r.details["wasserstein"] == pytest.approx(1.0, abs=0.05)  # 15 = one baseline std
    assert len(r.details["bins"]) == 10
    assert {"label", "baseline_share", "current_share"} <= set(r.details["bins"][0])
    assert r.message.startswith("PSI ")
    assert "moved most: > " in r.message  # the top decile took most of the mass
    assert r.expected == {"psi": {"warn": 0.1, "error": 0.25}, "wasserstein": {"warn": None, "error": None}}


def test_a_small_shift_warns(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    r = judged(orders(), _shift(orders(), 5.0), {"distribution": {"columns": ["amount"]}})[
        "orders.drift.distribution.amount"
    ]
    assert 0.1 <= r.details["psi"] < 0.25
    assert (r.status, r.severity) == (Status.WARNED, Severity.WARN)


def test_fresh_data_from_the_same_process_does_not_drift(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    results = judged(orders(seed=1), orders(seed=2), ALL)
    distribution = {cid: r.status for cid, r in results.items() if ".distribution." in cid}
    assert set(distribution) == {f"orders.drift.distribution.{c}" for c in ("order_id", "amount", "quantity", "status")}
    assert set(distribution.values()) == {Status.PASSED}


def test_a_categorical_shift_is_judged_by_psi_and_js(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    rng = np.random.default_rng(5)
    new = orders().with_columns(
        pl.Series("status", rng.choice(["placed", "shipped", "delivered", "lost"], 2000, p=[0.5, 0.2, 0.1, 0.2]))
    )
    r = judged(orders(), new, {"distribution": {"columns": ["status"]}})["orders.drift.distribution.status"]
    assert r.details["method"] == "categorical"
    assert r.status is Status.FAILED
    assert r.details["js"] > 0.2
    labels = [b["label"] for b in r.details["bins"]]
    assert labels == ["delivered", "shipped", "placed", "returned", "lost"]  # baseline order, then new
    assert r.details["bins"][-1]["baseline_share"] == 0.0
    assert "moved most: " in r.message


def test_low_cardinality_integers_are_categories(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    r = judged(orders(), orders(), {"distribution": {"columns": ["quantity"]}})["orders.drift.distribution.quantity"]
    assert r.details["method"] == "categorical"
    assert sorted(b["label"] for b in r.details["bins"]) == ["1", "2", "3", "4", "5"]
    assert r.status is Status.PASSED


@pytest.mark.parametrize("rows", [(150, 2000), (2000, 150)])
def test_under_200_rows_on_either_side_is_skipped_with_the_reason(
    orders: Callable[..., pl.DataFrame], judged: Judged, rows: tuple[int, int]
) -> None:
    results = judged(
        orders(rows[0]), _shift(orders(rows[1]), 50.0), {"distribution": {"columns": ["amount", "status"]}}
    )
    for column in ("amount", "status"):
        r = results[f"orders.drift.distribution.{column}"]
        assert r.status is Status.SKIPPED
        assert r.message == (
            f"skipped: too few rows to judge drift: baseline {rows[0]:,}, current {rows[1]:,} (at least 200 on each side)"
        )


def test_min_rows_is_configurable(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    spec = {"distribution": {"columns": {"amount": {"min_rows": 100}}}}
    assert (
        judged(orders(150), _shift(orders(150), 50.0), spec)["orders.drift.distribution.amount"].status is Status.FAILED
    )


def test_per_column_thresholds_and_severity_cap(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    spec = {"distribution": {"columns": {"amount": {"psi": {"warn": 50.0, "error": 60.0}}, "status": {}}}}
    new = _shift(orders(), 15.0).with_columns(pl.lit("lost").alias("status"))
    results = judged(orders(), new, spec)
    assert results["orders.drift.distribution.amount"].status is Status.PASSED
    assert results["orders.drift.distribution.status"].status is Status.FAILED
    capped = judged(orders(), new, {"distribution": {"columns": {"status": {"severity": "warn"}}}})
    assert (capped["orders.drift.distribution.status"].status, capped["orders.drift.distribution.status"].severity) == (
        Status.WARNED, Severity.WARN)  # fmt: skip


def test_wasserstein_thresholds_when_set(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    """A shift of 0.3 std hardly moves the deciles' PSI but is a clear Wasserstein move."""
    spec = {
        "distribution": {
            "columns": ["amount"],
            "psi": {"warn": 5, "error": 10},
            "wasserstein": {"warn": 0.1, "error": 0.25},
        }
    }
    r = judged(orders(), _shift(orders(), 4.5), spec)["orders.drift.distribution.amount"]
    assert r.details["wasserstein"] == pytest.approx(0.3, abs=0.03)
    assert r.status is Status.FAILED


def test_a_high_cardinality_text_column_is_skipped_with_the_reason(
    orders: Callable[..., pl.DataFrame], judged: Judged
) -> None:
    r = judged(orders(), orders(), {"distribution": {"columns": ["email"]}})["orders.drift.distribution.email"]
    assert r.status is Status.SKIPPED
    assert r.message == (
        "skipped: column 'email' (String) has no distribution in the profile "
        "(numbers and columns of few distinct values have one)"
    )


def test_all_leaves_out_columns_without_a_distribution(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    results = judged(orders(), orders(), ALL)
    assert "orders.drift.distribution.email" not in results


def test_a_named_column_missing_from_the_data_is_skipped(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    results = judged(orders(), orders().drop("amount"), {"distribution": {"columns": ["amount"]}})
    assert results["orders.drift.distribution.amount"].message == "skipped: column 'amount' is not in the data"


def test_the_share_of_drifted_columns(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    spec = {"distribution": {"columns": "all", "share": {"max_fraction": 0.3}}}
    one = judged(orders(), _shift(orders(), 15.0), spec)["orders.drift.share"]
    assert (one.status, one.observed) == (Status.PASSED, 0.25)
    assert one.message == "1 of 4 judged columns drifted (25.00%), allowed <= 30.00%: amount"
    two = judged(orders(), _shift(orders(), 15.0).with_columns(pl.lit("lost").alias("status")), spec)[
        "orders.drift.share"
    ]
    assert (two.status, two.observed) == (Status.FAILED, 0.5)


def test_masked_columns_show_no_category_labels(orders: Callable[..., pl.DataFrame], judged: Judged) -> None:
    new = orders().with_columns(pl.lit("lost").alias("status"))
    r = judged(orders(), new, {"distribution": {"columns": ["status"]}}, masked=frozenset({"status"}))[
        "orders.drift.distribution.status"
    ]
    labels = [b["label"] for b in r.details["bins"]]
    assert labels == ["*** #1", "*** #2", "*** #3", "*** #4", "*** #5"]
    assert not any(word in r.message for word in ("placed", "shipped", "delivered", "returned", "lost"))
