"""Column-contract rules: what each ``columns.<name>.<rule>`` in a suite checks, each rule whole.

A :class:`ColumnRule` is the one definition of a rule: its documentation (``stewardgate checks``
and docs/checks.md), how it runs (``kind``), its failing condition (lowered to polars or Spark by
:mod:`stewardgate.engines.conditions`), its pandera check (the engine of record), the words of a
passing and a failing result, the words a consumer reads on the trust sheet, and which way a
change of its value goes for ``stewardgate breaking``. Everything else (the planner, the engines,
the result wording, the breaking-change comparison, drafting) reads these objects; a test
(tests/test_rule_registry.py) holds them, the suite model's ``ColumnSpec`` and ``tests/cases/``
together. pandera and polars are imported only when a check is built, never when the registry
is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stewardgate.checks.registry import CheckType, add
from stewardgate.wording import fraction_text, grouped, percent
from stewardgate.wording import share as share_of

KINDS = ("presence", "dtype", "flag", "row", "aggregate")
"""``presence`` and ``dtype`` are judged on the schema; ``flag`` rules are pandera Column options
(nullable, unique); ``row`` rules fail single rows; ``aggregate`` rules compare a count with a limit."""
CHANGES = ("type", "flag", "lower", "upper", "set", "pattern")
"""How ``stewardgate breaking`` compares two values of a rule: a flag loosens when it stops asking
anything; a lower bound loosens when it drops, an upper bound when it rises; a set loosens when
members are added; a new pattern is a change; a type is compared as a column type."""
OPERANDS = ("value", "bound", "members")
"""How a rule's value meets the column before it is compared: as written, as a bound in the
column's zone, or as set members of the column's number kind (``engines.applicability``)."""

Sentence = Callable[[str, Any, Any, "int | None"], str]
"""``(quoted column, value, outcome, row count) -> words`` for rules whose result is not a row count."""


@dataclass(frozen=True, kw_only=True)
class ColumnRule(CheckType):
    """One column rule, whole (see the module docstring); registered as its own check type."""

    kind: str = "row"
    expected: Callable[[Any], Any] = lambda v: v
    change: str = "flag"
    condition: str | None = None
    """The failing condition's kind (``engines.conditions.KINDS``); None: judged on the schema or by a group-by."""
    operand: str = "value"
    passing: str = ""
    """A passing result's words; ``{value}`` is the rule's value (rules with a ``sentence`` need none)."""
    failing: str = ""
    """What the failing rows do, after ``N of M rows (x%)``."""
    sentence: Sentence | None = None
    build: Callable[[Any, Any], Any] | None = None
    """``(pandera.polars, value) -> pandera Check`` for row and aggregate rules."""
    reads: Callable[[str, Any], str | None] | None = None
    """The rule as a consumer reads it on the trust sheet (``amount >= 0``); None: not shown."""
    allows: Callable[[Any, Any, Any], Any] | None = None
    """Aggregate rules: ``(value, failing rows, row count) -> passes``, on numbers or on polars
    expressions alike (the compiled pass and the pandera check share it)."""
    measure: Callable[[int, int], Any] | None = None
    """Aggregate rules: ``(failing rows, row count) -> observed`` (the null fraction, the null count)."""
    asks: Callable[[Any], bool] = lambda v: v is not None
    """Whether a written value asks anything (``nullable: true`` and ``unique: false`` do not)."""
    section: str = "columns"

    def active(self, value: Any) -> bool:
        """Whether the rule asks anything of the data with ``value`` (planned, compared by ``breaking``)."""
        return self.asks(value)

    def words(self, column: str, value: Any, outcome: Any, rows: int | None) -> str:
        """The result's sentence (``3 of 5 rows (60.00%) are below 0``, ``no nulls``)."""
        if self.sentence is not None:
            return self.sentence(f"'{column}'" if column else "", value, outcome, rows)
        if outcome.ok:
            return self.passing.format(value=value)
        share = f" ({share_of(outcome.failing, rows)})" if rows else ""
        return f"{outcome.failing:,} of {rows:,} rows{share} {self.failing.format(value=value)}"


def _null_check(allows: Callable[[Any, Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A pandera check comparing the column's null count with the rule's limit (one aggregate)."""

    def build(pa: Any, value: Any) -> Any:
        import polars as pl

        def check(data: Any) -> Any:
            return data.lazyframe.select(allows(value, pl.col(data.key).null_count(), pl.len()))

        return pa.Check(check, name="null_threshold")

    return build


def _fraction_allows(value: Any, failing: Any, rows: Any) -> Any:
    return failing <= value * rows


def _count_allows(value: Any, failing: Any, rows: Any) -> Any:
    return failing <= value


def _text_check(name: str, test: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A pandera check on a column's text; categorical and enum columns are read as strings."""

    def build(pa: Any, value: Any) -> Any:
        import polars as pl

        def check(data: Any) -> Any:
            return data.lazyframe.select(test(pl.col(data.key).cast(pl.String), value))

        return pa.Check(check, name=name)

    return build


_REQUIRED_DOC = """The column must be present (a missing field). Default: true.

    Why: a dropped column breaks every consumer that reads it.

    ```yaml
    columns:
      discount: {type: float64, required: false}   # may be absent; its rules are then skipped
    ```
    """

_TYPE_DOC = """The column has the declared logical type.

    Families match any width-specific physical type: `datetime` matches any time unit and
    time zone, `decimal` any precision and scale, `categorical` polars Categorical or Enum,
    `integer` any integer width (signed or unsigned), `number` any integer, float or decimal.
    Types: int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 string bool date
    datetime duration decimal categorical integer number. When the type differs, the column's
    value rules are skipped (they would compare values of the wrong kind).

    Use `number` when how the data is written should not matter: a CSV reader infers a column
    of whole numbers (`10, 25, 40`) as int64 and the same column with one `12.5` as float64;
    `type: float64` fails the first, `type: number` accepts both and keeps its value rules.

    ```yaml
    columns:
      amount: {type: float64}
      price:  {type: number, min: 0}
    ```
    """

_NULLABLE_DOC = """`nullable: false`: no value may be null. Counts the null rows.

    ```yaml
    columns:
      order_id: {type: int64, nullable: false}
    ```
    """

_UNIQUE_DOC = """`unique: true`: no non-null value may appear twice. Counts the rows holding a repeated value.

    ```yaml
    columns:
      order_id: {unique: true}
    ```
    """

_MAX_NULL_FRACTION_DOC = """The share of null rows must not exceed this fraction (0 to 1).

    ```yaml
    columns:
      email: {max_null_fraction: 0.02}
    ```
    """

_MAX_NULL_COUNT_DOC = """The number of null rows must not exceed this count.

    ```yaml
    columns:
      email: {max_null_count: 100}
    ```
    """

_MIN_DOC = """Every non-null value must be >= this bound (a number, a date or a datetime).

    ```yaml
    columns:
      amount: {min: 0}
      order_ts: {min: 2020-01-01}
    ```
    """

_MAX_DOC = """Every non-null value must be <= this bound (a number, a date or a datetime).

    ```yaml
    columns:
      quantity: {max: {value: 1000, severity: warn}}
    ```
    """

_IN_SET_DOC = """Every non-null value must be one of the listed values.

    ```yaml
    columns:
      status: {in_set: [placed, shipped, delivered, returned]}
    ```
    """

_REGEX_DOC = """Every non-null string must contain a match of the pattern (anchor with ^ and $ for a full match).

    The pattern uses the Rust regex dialect of polars: no look-around or back-references.

    ```yaml
    columns:
      email: {regex: "^[^@]+@[^@]+$"}
    ```
    """

_MIN_LENGTH_DOC = """Every non-null string must have at least this many characters.

    ```yaml
    columns:
      country: {min_length: 2}
    ```
    """

_MAX_LENGTH_DOC = """Every non-null string must have at most this many characters.

    ```yaml
    columns:
      country: {max_length: 2}
    ```
    """


RULES: dict[str, ColumnRule] = {
    r.name: r
    for r in (
        ColumnRule(
            name="required", kind="presence", engine="pandera",
            asks=lambda v: v is True,
            doc=_REQUIRED_DOC, expected=lambda v: "present", change="flag",
            sentence=lambda col, v, o, rows: f"column {col} is present" if o.ok else f"column {col} is missing",
        ),
        ColumnRule(
            name="type", kind="dtype", engine="pandera",
            doc=_TYPE_DOC, expected=lambda v: v, change="type",
            sentence=lambda col, v, o, rows: f"column {col} is {o.observed}" if o.ok else f"column {col} is {o.observed}, expected {v}",
        ),
        ColumnRule(
            name="nullable", kind="flag", engine="auto | pandera",
            asks=lambda v: v is False,
            doc=_NULLABLE_DOC, expected=lambda v: "no nulls", change="flag",
            condition="null",
            passing="no nulls", failing="are null",
            reads=lambda n, v: None if v else f"{n} is never null",
        ),
        ColumnRule(
            name="unique", kind="flag", engine="auto | pandera",
            asks=lambda v: v is True,
            doc=_UNIQUE_DOC, expected=lambda v: "no repeated values", change="flag",
            passing="all non-null values distinct", failing="hold a repeated value",
            reads=lambda n, v: f"{n} is unique" if v else None,
        ),
        ColumnRule(
            name="max_null_fraction", kind="aggregate", engine="auto | pandera",
            doc=_MAX_NULL_FRACTION_DOC, expected=lambda v: f"<= {v}", change="upper",
            condition="null",
            sentence=lambda col, v, o, rows: f"null fraction {fraction_text(o.observed)} ({o.failing:,} of {rows:,} rows), allowed <= {v:.2%}",
            build=_null_check(_fraction_allows), allows=_fraction_allows,
            measure=lambda n, rows: round(n / rows if rows else 0.0, 6),
            reads=lambda n, v: f"at most {percent(v)} of {n} is null",
        ),
        ColumnRule(
            name="max_null_count", kind="aggregate", engine="auto | pandera",
            doc=_MAX_NULL_COUNT_DOC, expected=lambda v: f"<= {v}", change="upper",
            condition="null",
            sentence=lambda col, v, o, rows: f"{o.failing:,} null rows, allowed <= {v:,}",
            build=_null_check(_count_allows), allows=_count_allows, measure=lambda n, rows: n,
            reads=lambda n, v: f"at most {grouped(v)} null values in {n}",
        ),
        ColumnRule(
            name="min", kind="row", engine="auto | pandera",
            doc=_MIN_DOC, expected=lambda v: f">= {v}", change="lower",
            condition="below", operand="bound",
            passing="all non-null values >= {value}", failing="are below {value}",
            build=lambda pa, v: pa.Check.ge(v),
            reads=lambda n, v: f"{n} >= {grouped(v)}",
        ),
        ColumnRule(
            name="max", kind="row", engine="auto | pandera",
            doc=_MAX_DOC, expected=lambda v: f"<= {v}", change="upper",
            condition="above", operand="bound",
            passing="all non-null values <= {value}", failing="are above {value}",
            build=lambda pa, v: pa.Check.le(v),
            reads=lambda n, v: f"{n} <= {grouped(v)}",
        ),
        ColumnRule(
            name="in_set", kind="row", engine="auto | pandera",
            doc=_IN_SET_DOC, expected=lambda v: list(v), change="set",
            condition="not_in", operand="members",
            passing="all non-null values in the allowed set", failing="are not in the allowed set",
            build=lambda pa, v: pa.Check.isin(list(v)),
            reads=lambda n, v: f"{n} is one of: {', '.join(map(str, v))}",
        ),
        ColumnRule(
            name="regex", kind="row", engine="auto | pandera",
            doc=_REGEX_DOC, expected=lambda v: v, change="pattern",
            condition="no_match",
            passing="all non-null values match /{value}/", failing="do not match /{value}/",
            build=_text_check("regex", lambda c, v: c.str.contains(v)),
            reads=lambda n, v: f"{n} matches the pattern {v}",
        ),
        ColumnRule(
            name="min_length", kind="row", engine="auto | pandera",
            doc=_MIN_LENGTH_DOC, expected=lambda v: f">= {v} chars", change="lower",
            condition="shorter",
            passing="all non-null values have >= {value} characters", failing="are shorter than {value} characters",
            build=_text_check("min_length", lambda c, v: c.str.len_chars() >= v),
            reads=lambda n, v: f"{n} is at least {grouped(v)} characters long",
        ),
        ColumnRule(
            name="max_length", kind="row", engine="auto | pandera",
            doc=_MAX_LENGTH_DOC, expected=lambda v: f"<= {v} chars", change="upper",
            condition="longer",
            passing="all non-null values have <= {value} characters", failing="are longer than {value} characters",
            build=_text_check("max_length", lambda c, v: c.str.len_chars() <= v),
            reads=lambda n, v: f"{n} is at most {grouped(v)} characters long",
        ),
    )
}  # fmt: skip
"""Every column rule by name, in the order the planner plans them (and results are listed)."""

for _rule in RULES.values():
    add(_rule)
