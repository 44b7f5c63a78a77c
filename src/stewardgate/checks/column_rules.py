"""Column-contract rules: what each ``columns.<name>.<rule>`` in a suite checks.

Each rule is registered with its documentation and knows how to become a pandera check (the
engine of record for the column contract) and what it expects, in words. pandera is imported
only when a check is built, never when the registry is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stewardgate.checks.registry import register


@dataclass(frozen=True)
class ColumnRule:
    """How one rule runs: ``flag`` rules are pandera Column options, the rest are Checks."""

    name: str
    kind: str  # "presence" | "dtype" | "flag" | "row" | "aggregate"
    expected: Callable[[Any], Any]
    build: Callable[[Any], Any] | None = None

    def active(self, value: Any) -> bool:
        """Whether the rule asks anything (``nullable: true`` and ``unique: false`` do not)."""
        if self.name == "nullable":
            return value is False
        if self.name in ("unique", "required"):
            return value is True
        return value is not None


def _pa() -> Any:
    from stewardgate.engines import pandera_polars

    return pandera_polars.load()


@register("required", section="columns", engine="pandera")
def _required() -> None:
    """The column must be present (a missing field). Default: true.

    Why: a dropped column breaks every consumer that reads it.

    ```yaml
    columns:
      discount: {type: float64, required: false}   # may be absent; its rules are then skipped
    ```
    """


@register("type", section="columns", engine="pandera")
def _type() -> None:
    """The column has the declared logical type.

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


@register("nullable", section="columns", engine="auto | pandera")
def _nullable() -> None:
    """`nullable: false`: no value may be null. Counts the null rows.

    ```yaml
    columns:
      order_id: {type: int64, nullable: false}
    ```
    """


@register("unique", section="columns", engine="auto | pandera")
def _unique() -> None:
    """`unique: true`: no non-null value may appear twice. Counts the rows holding a repeated value.

    ```yaml
    columns:
      order_id: {unique: true}
    ```
    """


@register("max_null_fraction", section="columns", engine="auto | pandera")
def _max_null_fraction() -> None:
    """The share of null rows must not exceed this fraction (0 to 1).

    ```yaml
    columns:
      email: {max_null_fraction: 0.02}
    ```
    """


@register("max_null_count", section="columns", engine="auto | pandera")
def _max_null_count() -> None:
    """The number of null rows must not exceed this count.

    ```yaml
    columns:
      email: {max_null_count: 100}
    ```
    """


@register("min", section="columns", engine="auto | pandera")
def _min() -> None:
    """Every non-null value must be >= this bound (a number, a date or a datetime).

    ```yaml
    columns:
      amount: {min: 0}
      order_ts: {min: 2020-01-01}
    ```
    """


@register("max", section="columns", engine="auto | pandera")
def _max() -> None:
    """Every non-null value must be <= this bound (a number, a date or a datetime).

    ```yaml
    columns:
      quantity: {max: {value: 1000, severity: warn}}
    ```
    """


@register("in_set", section="columns", engine="auto | pandera")
def _in_set() -> None:
    """Every non-null value must be one of the listed values.

    ```yaml
    columns:
      status: {in_set: [placed, shipped, delivered, returned]}
    ```
    """


@register("regex", section="columns", engine="auto | pandera")
def _regex() -> None:
    """Every non-null string must contain a match of the pattern (anchor with ^ and $ for a full match).

    The pattern uses the Rust regex dialect of polars: no look-around or back-references.

    ```yaml
    columns:
      email: {regex: "^[^@]+@[^@]+$"}
    ```
    """


@register("min_length", section="columns", engine="auto | pandera")
def _min_length() -> None:
    """Every non-null string must have at least this many characters.

    ```yaml
    columns:
      country: {min_length: 2}
    ```
    """


@register("max_length", section="columns", engine="auto | pandera")
def _max_length() -> None:
    """Every non-null string must have at most this many characters.

    ```yaml
    columns:
      country: {max_length: 2}
    ```
    """


def _null_check(limit_of: Callable[[Any, Any], Any]) -> Callable[[Any], Any]:
    def build(value: Any) -> Any:
        import polars as pl

        def check(data: Any) -> Any:
            col = pl.col(data.key)
            return data.lazyframe.select(limit_of(col, value))

        return _pa().Check(check, name="null_threshold")

    return build


RULES: dict[str, ColumnRule] = {
    r.name: r
    for r in (
        ColumnRule("required", "presence", lambda v: "present"),
        ColumnRule("type", "dtype", lambda v: v),
        ColumnRule("nullable", "flag", lambda v: "no nulls"),
        ColumnRule("unique", "flag", lambda v: "no repeated values"),
        ColumnRule(
            "max_null_fraction", "aggregate", lambda v: f"<= {v}",
            _null_check(lambda c, v: c.null_count() <= v * pl_len()),
        ),
        ColumnRule(
            "max_null_count", "aggregate", lambda v: f"<= {v}",
            _null_check(lambda c, v: c.null_count() <= v),
        ),
        ColumnRule("min", "row", lambda v: f">= {v}", lambda v: _pa().Check.ge(v)),
        ColumnRule("max", "row", lambda v: f"<= {v}", lambda v: _pa().Check.le(v)),
        ColumnRule("in_set", "row", lambda v: list(v), lambda v: _pa().Check.isin(list(v))),
        ColumnRule("regex", "row", lambda v: v, lambda v: _text_check("regex", lambda c: c.str.contains(v))),
        ColumnRule("min_length", "row", lambda v: f">= {v} chars",
                   lambda v: _text_check("min_length", lambda c: c.str.len_chars() >= v)),
        ColumnRule("max_length", "row", lambda v: f"<= {v} chars",
                   lambda v: _text_check("max_length", lambda c: c.str.len_chars() <= v)),
    )
}  # fmt: skip


def _text_check(name: str, test: Callable[[Any], Any]) -> Any:
    """A pandera check on a column's text; categorical and enum columns are read as strings."""
    import polars as pl

    def check(data: Any) -> Any:
        return data.lazyframe.select(test(pl.col(data.key).cast(pl.String)))

    return _pa().Check(check, name=name)


def pl_len() -> Any:
    """Row count expression (a function so polars is imported only when a check runs)."""
    import polars as pl

    return pl.len()
