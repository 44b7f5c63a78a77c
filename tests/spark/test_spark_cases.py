"""Parity: every shared YAML check case (tests/cases) run on Spark gives the polars verdicts.

The cases run through ``run_paths`` with ``engine="spark"``, the call ``run --engine spark``
makes; the expected figures are the same file's. A case Spark cannot represent is listed in
``DIFFERENCES`` with the reason, and the test asserts it still differs (so the list cannot go
stale).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.engines.spark.session import SparkOptions
from tests.test_cases import check_case, load_cases

_CATEGORICAL = "Spark has no categorical type: the column reads as string, so `type: categorical` fails and its value rules are skipped"
_ZONE = "Spark timestamps are instants: a column's zone name is not kept (it reads as UTC), so midnight of a date bound is UTC midnight"
DIFFERENCES: dict[str, str] = {
    "in_set:a categorical column": _CATEGORICAL,
    "max_length:a categorical column is measured on its strings": _CATEGORICAL,
    "min_length:a categorical column is measured on its strings": _CATEGORICAL,
    "regex:a categorical column is matched on its strings": _CATEGORICAL,
    "type:categorical matches Categorical and Enum": _CATEGORICAL,
    "min:a date bound on a Berlin datetime column is midnight in Berlin": _ZONE,
    "min:a date bound on a New York datetime column is midnight in New York": _ZONE,
    "type:datetime matches any unit and time zone": _ZONE + "; units read as microseconds",
    "max:a date bound on a datetime column is midnight, so later that day is above": "Spark reads millisecond timestamps as microseconds: the sample is spelled with 6 decimals",
    "type:naive datetime matches datetime": "Spark cannot read nanosecond Parquet timestamps (PARQUET_TYPE_ILLEGAL): the run errors, naming the file",
    "type:unsigned is not signed": "Spark has no unsigned integers: uint8 reads as int16",
    "type:duration passes": "Spark reads a Parquet duration as int64",
}


@pytest.mark.parametrize("case", load_cases())
def test_case_on_spark(case: dict[str, Any], request: pytest.FixtureRequest, make_suite: Callable[..., Path],
                       on_spark: SparkOptions) -> None:  # fmt: skip
    case_id = request.node.callspec.id
    if case_id in DIFFERENCES:
        with pytest.raises(AssertionError):
            check_case(case, make_suite, top={}, engine="spark", spark=on_spark)
        return
    check_case(case, make_suite, top={}, engine="spark", spark=on_spark)
