"""The suite model of ``reconcile:`` (agreement with a source of truth) and ``references:``.

::

    reconcile:
      - name: crm                                   # the check ids' segment (default: the other dataset's name)
        against: {dataset: customers}               # another suite's dataset, by name ...
        # against: {path: ../exports/crm.parquet}   # ... a file, glob or folder (relative to this suite) ...
        # against: {connection: warehouse, table: crm.customers}   # ... or a table
        key: customer_id                            # one column or a list, the same names on both sides
        row_count: {max_difference: 10, max_fraction: 0.001}
        keys: {missing: true, extra: true}
        aggregates:
          - {function: sum, column: amount, max_fraction: 0.0001}
          - {function: sum, column: amount, by: order_ts, per: day}
        rows: {columns: [amount, status]}

A column's ``references: customers.id`` asks that every (non-null) value of the column is a
value of ``id`` in dataset ``customers`` (referential integrity, the key check of one column).
This module imports no engine library (validation stays fast).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from stewardgate.object_urls import path_problem

DATASET_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
SEGMENT = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]*\Z")
FUNCTIONS = ("sum", "mean", "min", "max", "count")
"""Aggregates compared: ``count`` counts the column's non-null values (``row_count`` counts rows)."""

Severity = Literal["info", "warn", "error"]
Tolerance = Annotated[float, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Against(_Strict):
    """The other dataset: exactly one of ``dataset``, ``path`` (a file) or ``connection`` + ``table``."""

    dataset: str | None = Field(default=None, description="Another suite's dataset, by its name (a suite of the run).")
    path: str | None = Field(default=None, description="A file, glob or folder, relative to this suite (or s3://).")
    format: Literal["parquet", "csv", "ndjson", "ipc"] | None = Field(
        default=None, description="With path: inferred from the extension when omitted."
    )
    connection: str | None = Field(default=None, description="A table: the connection's name in the settings.")
    table: str | None = Field(default=None, description="With connection: schema.table or table.")
    filter: str | None = Field(default=None, description="With connection: a boolean SQL expression ({as_of} bound).")

    @field_validator("dataset")
    @classmethod
    def _dataset(cls, v: str | None) -> str | None:
        if v is not None and not DATASET_NAME.match(v):
            raise ValueError("a dataset name starts with a letter or digit and holds only letters, digits, _ . -")
        return v

    @field_validator("path")
    @classmethod
    def _path(cls, v: str | None) -> str | None:
        problem = path_problem(v) if v is not None else None
        if problem is not None:
            raise ValueError(problem)
        return v

    @field_validator("filter")
    @classmethod
    def _filter(cls, v: str | None) -> str | None:
        if v is not None:
            from stewardgate.suite.sql_filter import filter_problem

            problem = filter_problem(v)
            if problem:
                raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _one(self) -> Against:
        kinds = [k for k in ("dataset", "path", "connection") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of dataset (a suite's dataset), path (a file) or connection and table")
        if self.connection is not None and self.table is None:
            raise ValueError("connection needs table: the table's name, as schema.table or table")
        if self.connection is None and (self.table is not None or self.filter is not None):
            raise ValueError("table and filter need connection (a SQL table)")
        if self.path is None and self.format is not None:
            raise ValueError("format goes with path (a file)")
        return self

    @property
    def label(self) -> str:
        """How messages name it: the dataset, the path, or connection:table."""
        return self.dataset or self.path or f"{self.connection}:{self.table}"

    @property
    def default_name(self) -> str:
        """The check ids' segment when the reconciliation names none."""
        raw = self.dataset or (self.table or "").rpartition(".")[2] or re.split(r"[/\\]", self.path or "")[-1]
        stem = raw.split(".")[0] if self.path else raw
        return re.sub(r"[^A-Za-z0-9_-]", "_", stem) or "against"


class Bounds(_Strict):
    """How far two figures may differ: each bound given must hold (none given: they must be equal)."""

    max_difference: Tolerance | None = Field(default=None, description="Largest absolute difference allowed.")
    max_fraction: Tolerance | None = Field(
        default=None, description="Largest difference as a fraction of the other dataset's figure (0.01: 1%)."
    )
    severity: Severity | None = Field(default=None, description="Overrides the reconciliation's severity.")


class RowCount(Bounds):
    """The two row counts agree within the bounds."""


class Keys(_Strict):
    """Key coverage both ways."""

    missing: bool = Field(default=True, description="Keys of the other dataset that this one lacks fail.")
    extra: bool = Field(default=True, description="Keys of this dataset that the other does not have fail.")
    severity: Severity | None = None


class Aggregate(Bounds):
    """One aggregate of a column, equal within the bounds, overall or per group."""

    function: Literal["sum", "mean", "min", "max", "count"] = Field(description="sum | mean | min | max | count.")
    column: str = Field(description="The column, of the same name on both sides.")
    by: str | None = Field(default=None, description="Compare per group of this column (on both sides).")
    per: Literal["day"] | None = Field(default=None, description="With by: a date/datetime column grouped by day.")

    @model_validator(mode="after")
    def _per(self) -> Aggregate:
        if self.per is not None and self.by is None:
            raise ValueError("per needs by: the date or datetime column to group by")
        return self

    @property
    def segment(self) -> str:
        """Its part of the check id: ``sum.amount`` or ``sum.amount.by.order_ts``."""
        return f"{self.function}.{self.column}" + (f".by.{self.by}" if self.by else "")


class Rows(_Strict):
    """A row-level comparison of chosen columns, joined by key."""

    columns: list[str] = Field(min_length=1, description="Columns compared value by value (nulls equal nulls).")
    severity: Severity | None = None


class Reconciliation(_Strict):
    """One comparison with another dataset (a source of truth)."""

    name: str | None = Field(default=None, description="Segment of the check ids (default: from against).")
    against: Against
    key: str | list[str] | None = Field(default=None, description="Key column(s); needed by keys and rows.")
    row_count: RowCount | None = None
    keys: Keys | None = None
    aggregates: list[Aggregate] = Field(default_factory=list)
    rows: Rows | None = None
    severity: Severity | None = Field(default=None, description="Default severity of its checks (error).")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and not SEGMENT.match(v):
            raise ValueError("a name starts with a letter or digit and holds only letters, digits, _ -")
        return v

    @field_validator("key")
    @classmethod
    def _key(cls, v: str | list[str] | None) -> str | list[str] | None:
        if isinstance(v, list) and (not v or len(set(v)) != len(v)):
            raise ValueError("key: one or more distinct column names")
        return v

    @model_validator(mode="after")
    def _checks(self) -> Reconciliation:
        if self.row_count is None and self.keys is None and not self.aggregates and self.rows is None:
            raise ValueError("declares nothing to compare: give row_count, keys, aggregates or rows")
        if (self.keys is not None or self.rows is not None) and self.key is None:
            raise ValueError("keys and rows compare by key: give key (a column or a list)")
        if self.keys is not None and not (self.keys.missing or self.keys.extra):
            raise ValueError("keys: missing and extra are both false, so nothing would be checked")
        segments = [a.segment for a in self.aggregates]
        repeated = sorted({s for s in segments if segments.count(s) > 1})
        if repeated:
            raise ValueError(f"aggregates: {repeated[0]} is declared more than once")
        if self.rows is not None and self.key is not None:
            overlap = set(self.key_columns) & set(self.rows.columns)
            if overlap:
                raise ValueError(f"rows.columns: {sorted(overlap)[0]} is the key; compare other columns")
        return self

    @property
    def key_columns(self) -> list[str]:
        return [] if self.key is None else [self.key] if isinstance(self.key, str) else list(self.key)

    @property
    def id_name(self) -> str:
        return self.name or self.against.default_name


def _distinct_names(v: list[Reconciliation]) -> list[Reconciliation]:
    names = [r.id_name for r in v]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"two reconciliations are named {repeated[0]!r}: give each its own name")
    return v


ReconcileList = Annotated[list[Reconciliation], AfterValidator(_distinct_names)]


def parse_reference(v: str) -> tuple[str, str]:
    """``customers.id`` -> (``customers``, ``id``): the dataset, then the column (after the last dot)."""
    dataset, dot, column = v.rpartition(".")
    if not dot or not column or not DATASET_NAME.match(dataset):
        raise ValueError(f"{v!r}: write the referenced column as dataset.column (e.g. customers.id)")
    return dataset, column
