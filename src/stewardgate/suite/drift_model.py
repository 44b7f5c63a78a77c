"""The suite model of the ``drift:`` section: schema drift and distribution drift settings.

Schema drift is on for every suite (``schema: false`` turns it off); distribution drift runs
for the columns listed under ``distribution.columns``. Both compare the data with the
dataset's *baseline*: the last snapshot accepted in the history store, or a baseline file
committed next to the suite (``baseline: orders.baseline.json``). See ``docs/drift.md``::

    drift:
      baseline: store                     # or a file, relative to the suite
      severity: {column_added: error}     # per schema rule
      distribution:
        columns: [amount, status]         # or: all, or {amount: {psi: {warn: 0.2}}}
        share: {max_fraction: 0.3}        # dataset level: share of drifted columns

This module imports no engine library, so validating a suite stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

SeverityName = Literal["info", "warn", "error"]

SCHEMA_RULES: dict[str, str] = {
    "column_removed": "error",
    "renamed": "error",
    "type_changed": "error",
    "type_narrowed": "error",
    "type_widened": "warn",
    "column_added": "warn",
    "nullability_loosened": "warn",
    "order_changed": "info",
}
"""Every schema drift rule and its default severity (``column_added`` is ``error`` when the
suite says ``schema: {extra_columns: error}``; ``order_changed`` when it says ``order: strict``)."""

SchemaRuleName = Literal[
    "column_removed", "renamed", "type_changed", "type_narrowed", "type_widened",
    "column_added", "nullability_loosened", "order_changed",
]  # fmt: skip

ALL_COLUMNS = "*"
"""The key under ``distribution.columns`` that stands for every column not named on its own."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Thresholds(_Model):
    """When a drift measure warns and when it fails (``null`` turns that level off)."""

    warn: float | None = Field(default=None, ge=0, description="Warn at or above this value.")
    error: float | None = Field(default=None, ge=0, description="Fail at or above this value.")

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.warn is not None and self.error is not None and self.error < self.warn:
            raise PydanticCustomError(
                "error_below_warn",
                "error ({error}) must not be below warn ({warn})",
                {"error": self.error, "warn": self.warn},
            )
        return self


class ColumnDrift(_Model):
    """Distribution drift settings of one column; unset values come from ``distribution``."""

    method: Literal["auto", "numeric", "categorical"] = Field(
        default="auto",
        description="auto: categories for low-cardinality text, boolean and integer columns "
        "(top values in the profile), deciles for other numbers.",
    )
    psi: Thresholds | None = Field(default=None, description="Population stability index.")
    js: Thresholds | None = Field(default=None, description="Jensen-Shannon distance (categories).")
    wasserstein: Thresholds | None = Field(
        default=None, description="Wasserstein distance in baseline standard deviations (numbers)."
    )
    min_rows: int | None = Field(default=None, ge=1, description="Fewer rows on either side: skipped.")
    severity: SeverityName | None = Field(
        default=None, description="The most this column's drift counts as (warn: never fails)."
    )


def _columns(raw: Any) -> Any:
    """``all`` and a list of names are short forms of the mapping."""
    if raw == "all":
        return {ALL_COLUMNS: {}}
    if isinstance(raw, list):
        if len(set(map(str, raw))) != len(raw):
            raise PydanticCustomError("duplicate_columns", "a column is listed twice")
        return {name: {} for name in raw}
    return raw


Columns = Annotated[
    dict[str, ColumnDrift],
    BeforeValidator(_columns, json_schema_input_type=Literal["all"] | list[str] | dict[str, ColumnDrift]),
]


class ShareRule(_Model):
    """Dataset level: fail when too large a share of the judged columns drifted."""

    max_fraction: float = Field(default=0.5, ge=0, le=1, description="Largest allowed share of drifted columns (0..1).")
    severity: SeverityName = Field(default="error", description="Status when the share is exceeded.")


class DistributionDrift(_Model):
    """Which columns are judged for distribution drift, and the default thresholds."""

    columns: Columns = Field(
        description="Columns to judge: a list, 'all', or a mapping of column to its own "
        "settings ('*' stands for every other column)."
    )
    min_rows: int = Field(default=200, ge=1, description="Fewer rows on either side: skipped.")
    psi: Thresholds = Field(default_factory=lambda: Thresholds(warn=0.1, error=0.25))
    js: Thresholds = Field(default_factory=lambda: Thresholds(warn=0.1, error=0.2))
    wasserstein: Thresholds = Field(
        default_factory=Thresholds,
        description="Off by default (reported only); e.g. {warn: 0.1, error: 0.25}.",
    )
    share: ShareRule | None = Field(default=None, description="The dataset-level rule on the share of drifted columns.")


class DriftSpec(_Model):
    """The ``drift:`` section: schema drift (on by default) and distribution drift."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    schema_drift: bool = Field(default=True, alias="schema", description="Compare the schema with the baseline's.")
    baseline: str = Field(
        default="store",
        min_length=1,
        description="'store' (the last accepted snapshot in the history store) or a baseline "
        "file written by `stewardgate baseline export`, relative to the suite.",
    )
    severity: dict[SchemaRuleName, SeverityName] = Field(
        default_factory=dict, description="Severity per schema drift rule, overriding the defaults."
    )
    distribution: DistributionDrift | None = None

    @property
    def baseline_file(self) -> str | None:
        """The committed baseline file, or None for the store."""
        return None if self.baseline == "store" else self.baseline
