"""Which expectations have a native column rule with the same meaning, and the suite they build.

A GX expectation becomes a ``columns:`` rule only when the rule checks exactly the same thing:
no ``mostly`` below 1 (except not-null, whose ``mostly`` is a null-fraction limit), no strict
bounds, no row condition, no metadata that a rule cannot carry, plain values, and a regular
expression the polars (Rust) engine reads as Python's ``re`` does. Everything else stays an
expectation and still runs, in GX.
"""

from __future__ import annotations

import re
from typing import Any

from stewardgate.expectations.validate import check_entry

_PLAIN_KEYS = frozenset({"column", "mostly"})
# Python-only regex syntax: look-around, back-references, conditionals, possessive/atomic groups.
_PYTHON_ONLY = re.compile(r"\(\?[=!<]|\(\?P=|\\[1-9]|\\Z|\(\?\(|\(\?>|[*+?}]\+")


class SuiteBuilder:
    """Collects columns and expectations; a rule already set on a column is never overwritten."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, Any]] = {}
        self.expectations: list[dict[str, Any]] = []
        self.converted: list[str] = []  # labels of the source constraints carried into the suite

    def column(self, name: str) -> dict[str, Any]:
        return self.columns.setdefault(name, {})

    def add_rule(self, column: str, rule: str, value: Any, severity: str = "error") -> bool:
        """Set ``columns.<column>.<rule>``; False (and nothing set) if the rule is already taken."""
        spec = self.column(column)
        if rule in spec:
            return False
        spec[rule] = _stored(value, severity)
        return True

    def add_expectation(self, kind: str, args: dict[str, Any], severity: str = "error") -> list[str]:
        """Append an expectation entry; returns the validation problems (empty: it was added)."""
        entry_args = {**args, **({"severity": severity} if severity != "error" else {})}
        problems = [
            ": ".join([".".join(map(str, p.path[1:])), p.message]).lstrip(": ") for p in check_entry({kind: entry_args})
        ]
        if not problems:
            self.expectations.append({kind: entry_args})
        return problems

    def add(self, kind: str, args: dict[str, Any], severity: str = "error") -> list[str]:
        """Native rules when they mean the same and are free on the column, else an expectation."""
        rules = native_rules(kind, args)
        spec = self.columns.get(args["column"], {}) if rules else {}
        if rules and all(spec.get(r) == _stored(v, severity) for r, v in rules.items()):
            return []  # the column already holds exactly these rules
        if rules and not any(r in spec for r in rules):
            for rule, value in rules.items():
                self.add_rule(args["column"], rule, value, severity)
            return []
        return self.add_expectation(kind, args, severity)

    def suite(
        self, dataset: dict[str, Any], stewardship: dict[str, Any], sections: dict[str, Any] | None = None
    ) -> dict[str, Any]:  # fmt: skip
        """The suite as plain data (undeclared columns allowed: the source did not forbid them);
        ``sections``: further top-level sections (``freshness``).

        Raises InputError when what the user passed (a dataset name, an owner) makes it invalid.
        """
        data: dict[str, Any] = {"version": 1, "dataset": dataset, "stewardship": stewardship}
        data["columns"] = self.columns
        data["schema"] = {"extra_columns": "allow"}
        if self.expectations:
            data["expectations"] = self.expectations
        data.update(sections or {})
        _check_suite(data)
        return data


def _stored(value: Any, severity: str) -> Any:
    return value if severity == "error" else {"value": value, "severity": severity}


def _check_suite(data: dict[str, Any]) -> None:
    from pydantic import ValidationError

    from stewardgate.errors import InputError
    from stewardgate.suite.models import Suite

    try:
        Suite.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-"))
        raise InputError(
            f"the suite would not be valid: {where}: {str(first['msg']).removeprefix('Value error, ')}"
        ) from None


def native_rules(kind: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """The column rules that mean exactly what the expectation means, or None."""
    single = native_rule(kind, args)
    if single is not None:
        return {single[0]: single[1]}
    return native_bounds(kind, args)


def native_rule(kind: str, args: dict[str, Any]) -> tuple[str, Any] | None:
    """``(rule, value)`` of the column rule that means exactly the same as the expectation, or None."""
    if not isinstance(args.get("column"), str):
        return None
    mostly = args.get("mostly", 1)
    extra = set(args) - _PLAIN_KEYS
    if kind == "expect_column_values_to_not_be_null" and not extra:
        return ("nullable", False) if mostly == 1 else ("max_null_fraction", round(1 - float(mostly), 10))
    if mostly != 1:
        return None
    if kind == "expect_column_values_to_be_unique" and not extra:
        return ("unique", True)
    if kind == "expect_column_to_exist" and not extra:
        return ("required", True)
    if kind == "expect_column_values_to_be_in_set" and extra == {"value_set"}:
        values = args["value_set"]
        kinds = {_scalar_kind(v) for v in values} if isinstance(values, list) else {"other"}
        if values and len(kinds) == 1 and "other" not in kinds:
            return ("in_set", list(values))
    if kind == "expect_column_values_to_match_regex" and extra == {"regex"}:
        if isinstance(args["regex"], str) and not _PYTHON_ONLY.search(args["regex"]):
            return ("regex", args["regex"])
    return None


def native_bounds(kind: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """``{min: .., max: ..}`` rules for a between expectation on numbers, or None."""
    names = {
        "expect_column_values_to_be_between": ("min", "max"),
        "expect_column_value_lengths_to_be_between": ("min_length", "max_length"),
    }
    if kind not in names or args.get("mostly", 1) != 1 or args.get("strict_min") or args.get("strict_max"):
        return None
    if set(args) - {"column", "mostly", "min_value", "max_value", "strict_min", "strict_max"}:
        return None
    low, high = args.get("min_value"), args.get("max_value")
    numbers = [v for v in (low, high) if v is not None]
    if not numbers or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers):
        return None
    if kind == "expect_column_value_lengths_to_be_between" and not all(isinstance(v, int) for v in numbers):
        return None
    lo, hi = names[kind]
    return {k: v for k, v in ((lo, low), (hi, high)) if v is not None}


def _scalar_kind(value: Any) -> str | None:
    """One kind per set: the compiled check casts the set to the column's type."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "other"
