"""Differential test on the sample orders data: stewardgate and GX directly give the same verdicts.

The same data through stewardgate (a suite run by ``run_paths``: polars scan, the columns the
expectations name, compiled polars or numpy-backed pandas) and through GX on
``pandas.read_parquet`` give the same verdict and, for map expectations, the same unexpected
count. The same comparison over GX's own test definitions is a conformance test
(``tests/conformance/test_gx_definitions.py``, needs the corpora).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from tests.gx.gx_parity import comparable, gx_verdicts, our_verdicts

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "bad" / "orders.parquet"
SAMPLE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_values_to_not_be_null", {"column": "email"}),
    ("expect_column_values_to_not_be_null", {"column": "discount", "mostly": 0.7}),
    ("expect_column_values_to_be_between", {"column": "amount", "min_value": 0, "max_value": 10000}),
    ("expect_column_values_to_be_between", {"column": "quantity", "min_value": 1, "max_value": 1000, "mostly": 0.99}),
    ("expect_column_values_to_be_in_set", {"column": "status", "value_set": ["placed", "shipped", "delivered", "returned"]}),
    ("expect_column_values_to_match_regex", {"column": "email", "regex": r"^[^@\s]+@[^@\s]+\.[a-z]+$"}),
    ("expect_column_values_to_be_unique", {"column": "order_id"}),
    ("expect_table_row_count_to_be_between", {"min_value": 1000, "max_value": 5000}),
    ("expect_table_column_count_to_equal", {"value": 9}),
    ("expect_column_to_exist", {"column": "discount"}),
    ("expect_table_columns_to_match_set", {"column_set": ["order_id", "email", "amount"], "exact_match": False}),
    ("expect_table_columns_to_match_ordered_list", {"column_list": ["order_id", "customer_id", "email"]}),
    ("expect_column_values_to_be_of_type", {"column": "amount", "type_": "float64"}),
    ("expect_column_value_lengths_to_be_between", {"column": "country", "min_value": 2, "max_value": 2}),
    ("expect_column_mean_to_be_between", {"column": "amount", "min_value": 0, "max_value": 200}),
    ("expect_column_median_to_be_between", {"column": "quantity", "min_value": 1, "max_value": 10}),
    ("expect_column_min_to_be_between", {"column": "amount", "min_value": 0}),
    ("expect_column_max_to_be_between", {"column": "quantity", "max_value": 1000}),
    ("expect_column_sum_to_be_between", {"column": "quantity", "min_value": 0}),
    ("expect_column_proportion_of_unique_values_to_be_between", {"column": "customer_id", "min_value": 0.1}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["order_id", "customer_id"]}),
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "amount", "column_B": "discount", "ignore_row_if": "either_value_is_missing"}),
    ("expect_column_most_common_value_to_be_in_set", {"column": "country", "value_set": ["US", "GB"]}),
    ("expect_column_values_to_be_increasing", {"column": "order_id"}),
    ("expect_column_values_to_not_be_in_set", {"column": "status", "value_set": ["cancelled", "unknown"]}),
    ("expect_column_value_lengths_to_equal", {"column": "country", "value": 2}),
    ("expect_column_values_to_be_in_type_list", {"column": "status", "type_list": ["str", "object", "string"]}),
    ("expect_column_unique_value_count_to_be_between", {"column": "status", "min_value": 3, "max_value": 6}),
]  # fmt: skip


def test_sample_orders_give_the_same_verdict_as_gx_on_pandas_read_parquet(
    tmp_path: Path, suite_writer: Callable[..., Path]
) -> None:
    suite = suite_writer(
        tmp_path, name="orders", path=str(SAMPLE), top={"expectations": [{k: a} for k, a in SAMPLE_CASES]}
    )
    ours = our_verdicts(suite, SAMPLE_CASES)
    theirs = gx_verdicts(pd.read_parquet(SAMPLE), SAMPLE_CASES)
    assert comparable(ours, SAMPLE_CASES) == comparable(theirs, SAMPLE_CASES)
    assert {v[0] for v in ours} >= {"passed", "failed"}  # the cases are not all of one kind
