"""The suite format, version 1: pydantic models that are the single source of its rules.

The loader validates YAML against these models, the JSON Schema (``stewardgate schema``) is
generated from them, and the engines read them. Every model forbids unknown keys. A column
rule is written either as its value (``min: 0``) or with its own severity
(``min: {value: 0, severity: warn}``); both load into :class:`Rule`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    field_validator,
    model_serializer,
    model_validator,
)  # fmt: skip

from stewardgate.levels import CLASSIFICATIONS, RISK_TIERS, Classification, RiskTier
from stewardgate.object_urls import path_problem
from stewardgate.suite.access_model import AccessSpec
from stewardgate.suite.anomaly_rules import AnomalyRule
from stewardgate.suite.drift_model import DriftSpec
from stewardgate.suite.freshness_model import Freshness
from stewardgate.suite.governance_model import CONTACT, GovernanceField, Waiver
from stewardgate.suite.lineage_model import Lineage, check_use_names
from stewardgate.suite.periods import PERIOD_HELP, Period, parse_period
from stewardgate.suite.reconcile_model import ReconcileList, parse_reference

T = TypeVar("T")

ColumnType = Literal[
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "string", "bool", "date", "datetime", "duration",
    "decimal", "categorical", "integer", "number",
]  # fmt: skip
PiiKind = Literal["email", "phone", "name", "address", "national_id", "card", "iban", "ip", "other"]
COLUMN_TYPES: tuple[str, ...] = get_args(ColumnType)
PII_KINDS: tuple[str, ...] = get_args(PiiKind)
SeverityName = Literal["info", "warn", "error"]
EngineName = Literal["auto", "pandera", "gx", "spark"]

_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]*\Z")


def regex_problem(pattern: str) -> str | None:
    """Why polars' (Rust) regex engine rejects ``pattern``, or None if it accepts it."""
    import polars as pl

    try:
        pl.select(pl.lit("").str.contains(pattern))
    except Exception as exc:  # polars reports bad patterns as ComputeError (type varies by version)
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        said = [ln.removeprefix("error:").strip() for ln in lines if ln.startswith("error:")]
        return (said or lines or [type(exc).__name__])[0]
    return None


class StrictModel(BaseModel):
    """Base of every suite model: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Rule(StrictModel, Generic[T]):
    """A column rule's value with an optional severity of its own."""

    value: T
    severity: SeverityName | None = Field(
        default=None, description="Overrides the column's and the suite's severity for this rule."
    )
    engine: Literal["auto", "pandera"] | None = Field(
        default=None, description="Overrides the suite's engine for this rule: auto or pandera."
    )


def _as_rule(raw: Any) -> Any:
    return raw if isinstance(raw, dict) else {"value": raw}


def _rule(inner: Any) -> Any:
    """The annotation for a rule: written ``key: VALUE`` or ``key: {value: VALUE, severity: S}``."""
    return Annotated[Rule[inner], BeforeValidator(_as_rule, json_schema_input_type=inner | Rule[inner])]


def _one_of(kinds: tuple[type, ...], words: str) -> Any:
    """A union checked by one validator, so one wrong value gives one error (not one per member)."""

    def check(value: Any) -> Any:
        if isinstance(value, bool) and bool not in kinds:
            raise ValueError(f"expected {words}, got {value!r}")
        if not isinstance(value, kinds):
            raise ValueError(f"expected {words}, got {value!r}")
        return value

    return check


Bound = Annotated[
    Any,
    PlainValidator(_one_of((int, float, date), "a number, a date or a datetime"),
                   json_schema_input_type=int | float | date | datetime),
]  # fmt: skip
Fraction = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
SetMember = Annotated[
    Any,
    PlainValidator(_one_of((str, int, float, bool), "a string, a number or a boolean"),
                   json_schema_input_type=str | int | float | bool),
]  # fmt: skip


class CsvOptions(StrictModel):
    """How to read a CSV dataset."""

    delimiter: str = Field(default=",", min_length=1, max_length=1, description="One character.")
    header: bool = Field(default=True, description="Whether the first line holds column names.")
    encoding: str = Field(default="utf-8", description="Text encoding, e.g. utf-8 or latin-1.")
    null_values: list[str] = Field(default_factory=list, description="Strings read as null.")


DataFormat = Literal["parquet", "csv", "ndjson", "ipc", "table", "delta"]
"""A dataset's ``format``: the file formats polars reads, and what Spark reads (``table``, ``delta``)."""


class DatasetSpec(StrictModel):
    """Where the data is and how to read it."""

    name: str = Field(description="Dataset name; first part of every check id.")
    path: str | None = Field(
        default=None,
        description="File, glob or hive-partitioned folder, relative to the suite, or in S3 (s3://bucket/key, "
        "the same three kinds); with format "
        "table, a table name in the Spark session's catalog; with format delta, a Delta table's folder. "
        "Not with connection.",
    )
    connection: str | None = Field(
        default=None,
        description="A table in a SQL database: the connection's name in the settings "
        "([tool.stewardgate.connections.NAME]); needs table (docs/sql.md).",
    )
    table: str | None = Field(default=None, description="With connection: the table, as schema.table or table.")
    filter: str | None = Field(
        default=None,
        description="With connection: one boolean SQL expression selecting the rows to check "
        "({as_of} is the run's date, bound as a parameter); no subqueries, statements or other functions.",
    )
    format: DataFormat | None = Field(
        default=None,
        description="Inferred from the file extension when omitted. table and delta are read by "
        "Spark only (engine spark; delta where the Delta Lake package is installed).",
    )
    csv: CsvOptions | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("must start with a letter or digit and hold only letters, digits, _ . -")
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
    def _where(self) -> DatasetSpec:
        if self.connection is None:
            if self.path is None:
                raise ValueError("give path (a file, glob or folder), or connection and table (a SQL table)")
            for key in ("table", "filter"):
                if getattr(self, key) is not None:
                    raise ValueError(f"{key} needs connection (a SQL table); a file dataset has path only")
            return self
        if self.path is not None or self.format is not None or self.csv is not None:
            raise ValueError("a SQL table (connection) has no path, format or csv: give connection and table")
        if self.table is None:
            raise ValueError("connection needs table: the table's name, as schema.table or table")
        return self

    @property
    def is_table(self) -> bool:
        """A table in a SQL database (``connection``), checked in the database (docs/sql.md)."""
        return self.connection is not None


class Retention(StrictModel):
    """How long rows may be kept, measured on ``column`` from the run's as-of date."""

    period: str = Field(description=f"How long rows may be kept: {PERIOD_HELP}.")
    column: str | None = Field(default=None, description="Date/datetime column the age is read from.")

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        parse_period(v)
        return v

    @property
    def parsed(self) -> Period:
        return parse_period(self.period)


class Stewardship(StrictModel):
    """Who answers for the dataset and how it must be handled."""

    owner: str = Field(description="Accountable owner: an e-mail address or a handle.")
    steward: str = Field(description="Day-to-day data steward: an e-mail address or a handle.")
    classification: Classification | None = Field(default=None, description=" < ".join(CLASSIFICATIONS) + ".")
    retention: Retention | None = None
    risk_tier: RiskTier | None = Field(default=None, description=" | ".join(RISK_TIERS) + ".")
    description: str | None = None
    recertify_by: date | None = Field(default=None, description="Date by which to re-certify.")
    known_limitations: list[str] = Field(default_factory=list)
    permitted_uses: list[str] | None = Field(
        default=None,
        description="What the data may be used for (analytics, reporting, retrieval, fine_tuning, "
        "training; settings may define the vocabulary). run --purpose P blocks a dataset not approved for P.",
    )
    personal_data_uses: list[str] | None = Field(
        default=None,
        description="The permitted uses that may see the personal-data columns (pii:); default none.",
    )

    @field_validator("owner", "steward")
    @classmethod
    def _contact(cls, v: str) -> str:
        if not CONTACT.match(v):
            raise ValueError(f"'{v}' is not an e-mail address or a handle")
        return v

    _uses = field_validator("permitted_uses", "personal_data_uses")(check_use_names)

    @model_serializer(mode="wrap")
    def _dump(self, handler: Any) -> Any:
        """Uses appear in records and stamps only when declared (older records and stamps stay alike)."""
        data = handler(self)
        for key in ("permitted_uses", "personal_data_uses"):
            if isinstance(data, dict) and data.get(key) is None:
                data.pop(key, None)
        return data


class ColumnSpec(StrictModel):
    """The contract of one column."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)

    type: ColumnType | None = Field(default=None, description="Expected logical type.")
    required: _rule(bool) = Field(default=True, description="A missing column is a failure.")  # type: ignore[valid-type]
    nullable: _rule(bool) = Field(default=True, description="false: any null fails.")  # type: ignore[valid-type]
    max_null_fraction: _rule(Fraction) | None = None  # type: ignore[valid-type]
    max_null_count: _rule(Count) | None = None  # type: ignore[valid-type]
    unique: _rule(bool) | None = None  # type: ignore[valid-type]
    min: _rule(Bound) | None = None  # type: ignore[valid-type]
    max: _rule(Bound) | None = None  # type: ignore[valid-type]
    in_set: _rule(list[SetMember]) | None = None  # type: ignore[valid-type]
    regex: _rule(str) | None = None  # type: ignore[valid-type]
    min_length: _rule(Count) | None = None  # type: ignore[valid-type]
    max_length: _rule(Count) | None = None  # type: ignore[valid-type]
    classification: Classification | None = None
    pii: PiiKind | None = Field(default=None, description="Kind of personal data held.")
    severity: SeverityName | None = Field(default=None, description="Default severity of its rules.")
    description: str | None = None
    references: str | None = Field(
        default=None,
        description="dataset.column: every non-null value must be a value of that column of that "
        "dataset (another suite's; referential integrity, docs/reconcile.md).",
    )

    @field_validator("references")
    @classmethod
    def _references(cls, v: str | None) -> str | None:
        if v is not None:
            parse_reference(v)
        return v

    @field_validator("regex")
    @classmethod
    def _regex(cls, v: Rule[str] | None) -> Rule[str] | None:
        if v is not None:
            problem = regex_problem(v.value)
            if problem:
                raise ValueError(f"not a valid regular expression for polars (Rust regex syntax): {problem}")
        return v

    @model_validator(mode="after")
    def _bounds(self) -> ColumnSpec:
        for low, high in (("min", "max"), ("min_length", "max_length")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and type(lo.value) is type(hi.value):
                if lo.value > hi.value:
                    raise ValueError(f"{low} ({lo.value}) is greater than {high} ({hi.value})")
        return self


class SchemaPolicy(StrictModel):
    """What to do about columns the suite does not name, column order, and an empty dataset."""

    extra_columns: Literal["error", "warn", "allow"] = "warn"
    order: Literal["ignore", "strict"] = "ignore"
    empty: Literal["error", "warn", "allow"] = Field(
        default="error", description="A dataset with 0 rows: error (default) blocks, warn warns, allow passes."
    )


class GatePolicy(StrictModel):
    # What the suite writes under ``gate:``; the run resolves it, with the risk tier, into a
    # stewardgate.gate.BlockingPolicy. (The docstring is the JSON Schema's description.)
    """When the gate fails."""

    fail_on: Literal["error", "warn"] = Field(
        default="error", description="error: failures block; warn: warnings block too."
    )


class Suite(StrictModel):
    """One suite: one dataset, its stewardship, and the checks it must pass."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    version: Literal[1]
    dataset: DatasetSpec
    stewardship: Stewardship
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    schema_policy: SchemaPolicy = Field(default_factory=SchemaPolicy, alias="schema")
    gate: GatePolicy = Field(default_factory=GatePolicy)
    engine: EngineName = Field(
        default="auto",
        description="Engine of record for data-level checks: auto (the fastest verified engine: "
        "column rules compiled into one polars pass), pandera, gx, or spark (Spark reads and "
        "judges the data; needs the spark extra).",
    )
    # Reserved for later capabilities: loaded, validated as to shape, carried into results.
    expectations: list[dict[str, Any]] = Field(default_factory=list)
    anomalies: list[AnomalyRule] = Field(
        default_factory=list, description="Metrics that must not jump, judged against the run history."
    )
    drift: DriftSpec | None = Field(
        default=None,
        description="Schema drift (on by default once a baseline is accepted) and "
        "distribution drift against a baseline: the store's accepted snapshot or a committed file.",
    )
    governance: GovernanceField = Field(
        default=None,
        description="Governance checks (retention, personal data, completeness, "
        "recertification, stamp match); present turns them on, each can be turned off.",
    )
    freshness: Freshness | None = Field(
        default=None,
        description="Absolute freshness and delivery limits (max_age, every, available_by), each its own "
        "check, judged at the run's as-of time.",
    )
    lineage: Lineage | None = Field(
        default=None,
        description="Upstream datasets (other suites' datasets or external names); a failing "
        "upstream is named in this dataset's report.",
    )
    access: AccessSpec | None = Field(
        default=None,
        description="Who may read and write the dataset, and its personal-data columns; checked against "
        "the database's effective grants or the files' modes (docs/access.md).",
    )
    reconcile: ReconcileList = Field(
        default_factory=list,
        description="Agreement with another dataset (a suite's dataset, a file or a table): row counts, "
        "key coverage, aggregates, row values by key (docs/reconcile.md).",
    )
    waivers: list[Waiver] = Field(
        default_factory=list, description="Approved, expiring exceptions: a matching failure is waived."
    )
    tags: list[str] = Field(default_factory=list, description="Labels that select suites: run --select tag:nightly.")

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if not _NAME.match(t)]
        if bad:
            raise ValueError(
                f"tag {bad[0]!r}: a tag starts with a letter or digit and holds only letters, digits, _ . -"
            )
        return v
