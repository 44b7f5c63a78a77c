"""Conformance: stewardgate gives GX's own verdicts on GX's own test definitions.

For each of the most used expectation types, every pandas case of GX's test definitions
(``gx-test-definitions/`` of the corpora, see ``conftest.py``) runs through stewardgate (a suite
run by ``run_paths``: compiled polars where it can, GX on numpy-backed pandas otherwise) and
through GX 1.x directly on ``pandas.DataFrame(data)``: the same verdict (success, or an error GX
could not compute) and the same unexpected count. Where our static validation rejects a case,
GX must reject it too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conformance.gx_definitions import cases_for, definition_files
from tests.gx.gx_parity import run_set

pytestmark = pytest.mark.conformance

# The 25 most used expectations (and a few close relatives), in rough order of use.
MOST_USED = (
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set", "expect_column_values_to_match_regex",
    "expect_column_values_to_be_unique", "expect_table_row_count_to_be_between",
    "expect_table_column_count_to_equal", "expect_column_to_exist",
    "expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
    "expect_column_values_to_be_of_type", "expect_column_value_lengths_to_be_between",
    "expect_column_mean_to_be_between", "expect_column_median_to_be_between",
    "expect_column_min_to_be_between", "expect_column_max_to_be_between",
    "expect_column_sum_to_be_between", "expect_column_proportion_of_unique_values_to_be_between",
    "expect_compound_columns_to_be_unique", "expect_column_pair_values_a_to_be_greater_than_b",
    "expect_column_most_common_value_to_be_in_set", "expect_column_values_to_be_increasing",
    "expect_column_values_to_not_be_in_set", "expect_column_value_lengths_to_equal",
    "expect_table_row_count_to_equal", "expect_table_column_count_to_be_between",
    "expect_column_values_to_be_null", "expect_column_values_to_be_in_type_list",
    "expect_column_distinct_values_to_be_in_set", "expect_column_unique_value_count_to_be_between",
    "expect_column_stdev_to_be_between", "expect_column_values_to_not_match_regex",
    "expect_column_pair_values_to_be_equal", "expect_column_values_to_be_decreasing",
)  # fmt: skip


@pytest.mark.parametrize("kind", MOST_USED)
def test_gx_definition_cases_give_the_same_verdict(
    kind: str, gx_definitions: Path, tmp_path: Path, suite_writer: Callable[..., Path]
) -> None:
    assert kind in definition_files(gx_definitions), f"no GX test definitions for {kind}"
    ran = 0
    for n, ds in enumerate(cases_for(gx_definitions, kind)):
        ran += run_set(kind, ds.data, [c.kwargs for c in ds.cases], tmp_path / f"set{n}", suite_writer)
    assert ran >= 2, f"{kind}: only {ran} case(s) could run"
