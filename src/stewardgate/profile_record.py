"""The metric profile as a typed record: what one run measured, as the store keeps it (JSON).

The profile is computed in the run's one pass (:mod:`stewardgate.engines.profile`, whose
docstring says what each figure means), judged by the anomaly and drift detectors, replayed by
drafting, stored per run and shown on the trust sheet. These types are its one description for
all of them; they are annotations only (a profile is a plain dict at run time, read back from
JSON unchanged), and they import nothing, so any layer may name them.
"""

from __future__ import annotations

from typing import Any, Required, TypedDict

MetricKey = tuple[str, str | None]
"""A metric of a dataset, as the store keeps it in a series: ``(metric, column)``, the column
None for a table-level metric (``("row_count", None)``, ``("null_fraction", "email")``)."""

Measure = Any
"""A measured figure: a number, ``None`` when there are no values to describe, or (``min``/``max``
of dates and datetimes) an ISO string."""


class TopValue(TypedDict):
    """One of a low-cardinality column's most frequent values, as text (null as ``None``)."""

    value: str | None
    count: int


class ColumnProfile(TypedDict, total=False):
    """One column's figures; which keys are present depends on its kind (number, text, time).

    Keys are typed; a statistic whose value is a number, ``None`` (no values to describe) or,
    for dates and datetimes, an ISO string is ``Any`` (:data:`Measure`): readers check what they
    got (``drift.judge`` and ``drafting`` do), and the store gives back what JSON holds.
    """

    dtype: Required[str]
    null_count: Required[int]
    null_fraction: Required[Measure]
    distinct_count: Measure
    distinct_approximate: bool
    # numbers (min and max are ISO strings for dates and datetimes)
    min: Measure
    max: Measure
    mean: Measure
    std: Measure
    nan_count: int
    zero_count: int
    negative_count: int
    p01: Measure
    p25: Measure
    p50: Measure
    p75: Measure
    p99: Measure
    quantiles: Measure
    """p0..p100, 101 numbers, or None."""
    # text
    length_min: Measure
    length_mean: Measure
    length_max: Measure
    # dates and datetimes
    freshness_seconds: Measure
    # low-cardinality text, boolean and integer columns
    top_values: list[TopValue]


class Profile(TypedDict, total=False):
    """A dataset's profile: its row count and its columns' figures, with how they were estimated."""

    row_count: Required[int]
    columns: Required[dict[str, ColumnProfile]]
    quantile_sample_step: int
    """Quantiles came from every n-th row (absent: from every row)."""
    quantile_method: str
    quantile_accuracy: int
    distinct_rsd: float
    """Spark's estimates: ``percentile_approx`` and its accuracy, ``approx_count_distinct``'s error."""
