"""The suite model of one ``anomalies:`` entry: which profile metric to watch, and how closely.

An anomaly rule compares tonight's value of a profile metric with its own recent history
(see ``stewardgate.detectors.anomaly`` and ``docs/anomalies.md``)::

    anomalies:
      - {metric: row_count}
      - {metric: null_fraction, columns: [email, phone], direction: up}
      - {metric: row_count, seasonality: none, min_rel_change: 0.2}

How much a failing rule matters (its severity) is set by the suite's gate policy, not here.
This module imports no engine library, so validating a suite stays fast.
"""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

DATASET_METRICS: frozenset[str] = frozenset({"row_count"})
"""Metrics of the whole dataset: a rule on one of these takes no ``columns``."""

COLUMN_METRICS: frozenset[str] = frozenset(
    {
        "null_count", "null_fraction", "distinct_count",
        "min", "max", "mean", "std", "zero_count", "negative_count", "nan_count",
        "p01", "p25", "p50", "p75", "p99",
        "length_min", "length_mean", "length_max",
        "freshness_seconds",
    }
)  # fmt: skip
"""Per-column metrics of the profile (``stewardgate.engines.profile``)."""

KNOWN_METRICS: frozenset[str] = DATASET_METRICS | COLUMN_METRICS

MIN_WEEKLY_WINDOW = 14
"""The shortest ``window`` for ``seasonality: day_of_week``: two weeks of daily runs."""


class AnomalyRule(BaseModel):
    """Watch one profile metric for values that break from its recent history.

    A rule with ``columns`` is one check per column. Tonight's value is compared with the
    median of the last ``window`` runs (of the same weekday when the history has a weekly
    rhythm), in robust standard deviations widened to the metric's own past volatility; it
    warns beyond ``warn_at`` and fails beyond ``error_at``, but only if the change is also
    material.
    Until ``min_history`` earlier runs exist the rule is *learning* and never fails.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(
        description=(
            "The profile metric to watch: row_count (whole dataset) or a column metric such as "
            "null_fraction, null_count, distinct_count, mean, min, max, std, p01, p25, p50, "
            "p75, p99, freshness_seconds, length_mean."
        ),
        json_schema_extra={"enum": [m for m in sorted(KNOWN_METRICS)]},
    )
    columns: tuple[str, ...] | None = Field(
        default=None,
        validate_default=True,
        description=("Columns to watch, one check each. Required for column metrics; not allowed for row_count."),
    )
    direction: Literal["up", "down", "both"] = Field(
        default="both",
        description="Which moves alert: 'up' (rises only), 'down' (drops only) or 'both'.",
    )
    min_abs_change: float | None = Field(
        default=None,
        ge=0,
        description=(
            "Smallest absolute change from the median that may alert. Setting this or "
            "min_rel_change replaces the metric's default materiality (10% for counts, "
            "0.01 for null_fraction, 5% otherwise)."
        ),
    )
    min_rel_change: float | None = Field(
        default=None,
        ge=0,
        description=(
            "Smallest change from the median, as a fraction of the median (0.2 = 20%), that "
            "may alert. Set to 0 (and leave min_abs_change unset) to alert on score alone."
        ),
    )
    warn_at: float = Field(
        default=3.5,
        gt=0,
        description="Robust z-score (distance from the median in robust standard deviations) at which the rule warns.",
    )
    error_at: float = Field(
        default=5.0,
        gt=0,
        validate_default=True,
        description="Robust z-score at which the rule fails; must be greater than warn_at.",
    )
    window: int = Field(
        default=28,
        ge=3,
        description="How many of the latest earlier runs form the baseline.",
    )
    min_history: int = Field(
        default=7,
        ge=3,
        validate_default=True,
        description="Usable earlier runs needed before the rule judges; until then it is "
        "learning and never fails. At most window.",
    )
    seasonality: Literal["auto", "none", "day_of_week"] = Field(
        default="auto",
        validate_default=True,
        description="'auto' (default) compares a run with earlier runs on the same weekday when "
        "the history shows a weekly rhythm (e.g. quiet weekends), else with the latest runs; "
        "'day_of_week' always compares with the same weekday (needs 4 such runs and a window "
        f"of at least {MIN_WEEKLY_WINDOW} runs); 'none' never does.",
    )

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in KNOWN_METRICS:
            close = difflib.get_close_matches(metric, sorted(KNOWN_METRICS), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "see the list of profile metrics"
            raise PydanticCustomError(
                "unknown_metric",
                "unknown metric '{metric}' ({hint})",
                {"metric": metric, "hint": hint},
            )
        return metric

    @field_validator("columns")
    @classmethod
    def _columns_fit_metric(cls, columns: tuple[str, ...] | None, info: ValidationInfo) -> tuple[str, ...] | None:
        metric = info.data.get("metric")
        if metric is None:
            return columns
        if metric in DATASET_METRICS and columns is not None:
            raise PydanticCustomError(
                "columns_not_allowed",
                "{metric} is measured on the whole dataset: remove columns",
                {"metric": metric},
            )
        if metric in COLUMN_METRICS and not columns:
            raise PydanticCustomError(
                "columns_required",
                "{metric} is measured per column: list the columns to watch (columns: [...])",
                {"metric": metric},
            )
        if columns is not None and len(set(columns)) != len(columns):
            raise PydanticCustomError("duplicate_columns", "a column is listed twice")
        return columns

    @field_validator("error_at")
    @classmethod
    def _error_beyond_warn(cls, error_at: float, info: ValidationInfo) -> float:
        warn_at = info.data.get("warn_at")
        if warn_at is not None and error_at <= warn_at:
            raise PydanticCustomError(
                "error_at_not_above_warn_at",
                "error_at ({error_at}) must be greater than warn_at ({warn_at})",
                {"error_at": error_at, "warn_at": warn_at},
            )
        return error_at

    @field_validator("min_history")
    @classmethod
    def _history_fits_window(cls, min_history: int, info: ValidationInfo) -> int:
        window = info.data.get("window")
        if window is not None and min_history > window:
            raise PydanticCustomError(
                "min_history_above_window",
                "min_history ({min_history}) cannot exceed window ({window})",
                {"min_history": min_history, "window": window},
            )
        return min_history

    @field_validator("seasonality")
    @classmethod
    def _window_fits_seasonality(cls, seasonality: str, info: ValidationInfo) -> str:
        window = info.data.get("window")
        if seasonality == "day_of_week" and window is not None and window < MIN_WEEKLY_WINDOW:
            raise PydanticCustomError(
                "window_too_short_for_seasonality",
                "window ({window}) is too short for seasonality: day_of_week (at least {least} "
                "runs, two weeks of daily runs; or seasonality: none)",
                {"window": window, "least": MIN_WEEKLY_WINDOW},
            )
        return seasonality

    def targets(self) -> list[str | None]:
        """The columns this rule makes one check each for; ``[None]`` for a dataset metric."""
        return [None] if self.columns is None else list(self.columns)
