"""ODCS quality rules as suite rules: library metrics, GX expectations in custom rules, the rest listed.

Library metrics with an equivalent are mapped: ``nullValues``, ``missingValues``,
``invalidValues``, ``duplicateValues`` and ``rowCount`` (ODCS 3.1+ ``metric``, and the 3.0
``rule`` names ``nullCheck``, ``validValues``, ``duplicateCount``, ``rowCount``). A 3.0 rule
without an operator means "none allowed", as the 3.0 standard defines it; a 3.1 metric must
name one. ``invalidValues`` without ``validValues`` or ``pattern`` checks the property's
``enum`` (v3.2). A ``custom`` rule for Great Expectations holding a plain expectation is that
expectation. Each function adds to a :class:`SuiteBuilder` and returns findings for what it
could not carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stewardgate.importers import Finding
from stewardgate.importers.native import SuiteBuilder

SEVERITIES = {"error": "error", "critical": "error", "high": "error", "warning": "warn", "warn": "warn",
              "medium": "warn", "info": "info", "low": "info"}  # fmt: skip
METRICS = {
    "nullValues": "nullValues", "nullCheck": "nullValues", "nullCount": "nullValues",
    "missingValues": "missingValues", "invalidValues": "invalidValues", "validValues": "invalidValues",
    "duplicateValues": "duplicateValues", "duplicateCount": "duplicateValues", "rowCount": "rowCount",
}  # fmt: skip
OPERATORS = {
    "mustBe": "eq", "mustNotBe": "ne", "mustBeGreaterThan": "gt", "mustBeGreaterOrEqualTo": "ge",
    "mustBeGreaterThanOrEqualTo": "ge", "mustBeLessThan": "lt", "mustBeLessOrEqualTo": "le",
    "mustBeLessThanOrEqualTo": "le", "mustBeBetween": "between", "mustNotBeBetween": "not_between",
}  # fmt: skip
QUALITY_TYPES = ("library", "sql", "custom", "text")
_IMPLIED_NONE = ("nullValues", "invalidValues", "duplicateValues", "missingValues")
_GX_ENGINES = frozenset({"greatexpectations", "gx"})
_GX_SEVERITY = {"error": "critical", "warn": "warning", "info": "info"}


@dataclass(frozen=True)
class RuleContext:
    """What a rule may refer to: every name of every property (to its column), the property's enum."""

    columns: dict[str, str]
    enum: list[Any] | None = None


SQL_REASON = (
    "a SQL rule is a query in the data source's own dialect; suites run no SQL "
    "(see docs/importing.md, 'SQL rules and unexpected_rows_expectation')"
)


def add_quality(
    builder: SuiteBuilder,
    rule: Any,
    where: str,
    column: str | None,
    columns: dict[str, str],
    enum: list[Any] | None = None,
) -> list[Finding]:
    """One ODCS quality rule (property-level when ``column`` is set, else schema-level).

    ``columns`` maps every name a rule may use for a property (name, physicalName) to its
    column; ``enum`` holds the property's enum values (v3.2), if it has any.
    """
    if not isinstance(rule, dict):
        return [Finding(where, f"not a quality rule: {rule!r}")]
    kind = str(rule.get("type") or "library")
    if kind not in QUALITY_TYPES:
        return [Finding(where, f"quality type '{kind}' is not an ODCS quality type ({', '.join(QUALITY_TYPES)})")]
    if kind == "sql":
        return [Finding(where, SQL_REASON)]
    if kind == "custom":
        return _custom(builder, rule, where, column)
    if kind == "text":
        return [Finding(where, "a text rule is prose, not a check")]
    name = rule.get("metric") or rule.get("rule")
    if not name:
        return [Finding(where, f"a library rule names no metric ({', '.join(dict.fromkeys(METRICS.values()))})")]
    metric = METRICS.get(str(name))
    if metric is None:
        return [
            Finding(
                where, f"library metric '{name}' has no equivalent ({', '.join(dict.fromkeys(METRICS.values()))} map)"
            )
        ]
    op = _operator(rule)
    if op is None and "metric" not in rule and metric in _IMPLIED_NONE and not any(k in rule for k in OPERATORS):
        op = ("eq", 0)  # ODCS 3.0: a rule without an operator allows no failing row
    severity = SEVERITIES.get(str(rule.get("severity") or "error").lower(), "error")
    handler = {"nullValues": _nulls, "missingValues": _missing, "invalidValues": _invalid,
               "duplicateValues": _duplicates, "rowCount": _row_count}[metric]  # fmt: skip
    return handler(builder, rule, op, severity, where, column, RuleContext(columns, enum))


def _custom(builder: SuiteBuilder, rule: dict[str, Any], where: str, column: str | None) -> list[Finding]:
    """A custom rule for Great Expectations: each expectation it holds, converted as ``import gx`` does."""
    from stewardgate.importers.gx import convert_entry

    engine = str(rule.get("engine", "?"))
    if engine.lower().replace("-", "").replace("_", "") not in _GX_ENGINES:
        return [
            Finding(
                where, f"a custom rule for engine '{engine}' has no equivalent (only Great Expectations rules convert)"
            )
        ]
    entries, problem = _gx_entries(_implementation(rule))
    if problem:
        return [Finding(where, problem)]
    severity = SEVERITIES.get(str(rule.get("severity") or "").lower())
    findings = []
    for i, entry in enumerate(entries):
        _defaults(entry, column, _GX_SEVERITY[severity] if severity else None)
        prefix = (
            f"implementation[{i}] {entry.get('type') or entry.get('expectation_type')}: " if len(entries) > 1 else ""
        )
        findings += [Finding(where, prefix + f.message, f.lost) for f in convert_entry(i, entry, {}, builder)]
    return findings


def _implementation(rule: dict[str, Any]) -> Any:
    """ODCS ``implementation``; datacontract.com's ``specification``; or the expectation on the rule itself."""
    for key in ("implementation", "specification"):
        if rule.get(key) is not None:
            return rule[key]
    if rule.get("expectation_type"):
        return {
            "expectation_type": rule["expectation_type"],
            "kwargs": rule.get("kwargs") or {},
            "meta": rule.get("meta"),
        }
    return None


def _gx_entries(implementation: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The GX expectation entries of an implementation (an object, a list, or YAML/JSON text)."""
    if isinstance(implementation, str):
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            implementation = YAML(typ="safe", pure=True).load(implementation)
        except YAMLError as exc:
            return [], f"the Great Expectations implementation is not YAML or JSON: {' '.join(str(exc).split())}"
    items = implementation if isinstance(implementation, list) else [implementation]
    entries = []
    for item in items:
        if isinstance(item, dict) and len(item) == 1 and str(next(iter(item))).startswith("expect_"):
            ((kind, args),) = item.items()
            item = {"type": kind, "kwargs": args or {}}
        if not isinstance(item, dict) or not (item.get("type") or item.get("expectation_type")):
            return [], ("the Great Expectations implementation is not an expectation "
                        "(an object with 'type' or 'expectation_type' and 'kwargs')")  # fmt: skip
        entries.append(dict(item))
    return entries, None


def _defaults(entry: dict[str, Any], column: str | None, severity: str | None) -> None:
    """A property-level rule applies to its property's column; the ODCS severity wins."""
    from stewardgate.expectations.catalogue import lookup

    kind = lookup(str(entry.get("type") or entry.get("expectation_type")))
    kwargs = entry.get("kwargs") or {}
    if column is not None and kind is not None and kind.domain == "column" and isinstance(kwargs, dict):
        entry["kwargs"] = {"column": column, **kwargs}
    if severity is not None:
        entry["severity"] = severity


def _operator(rule: dict[str, Any]) -> tuple[str, Any] | None:
    found = [(OPERATORS[k], v) for k, v in rule.items() if k in OPERATORS]
    return found[0] if len(found) == 1 else None


def _percent(rule: dict[str, Any]) -> bool:
    return str(rule.get("unit") or "rows").lower() == "percent"


def _none_allowed(op: tuple[str, Any] | None, rule: dict[str, Any]) -> bool:
    """True when the rule allows no failing row at all (= 0, <= 0, < 1 row)."""
    if op is None:
        return False
    name, value = op
    return (name in ("eq", "le") and value == 0) or (name == "lt" and value == 1 and not _percent(rule))


def _nulls(
    builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: RuleContext
) -> list[Finding]:
    if column is None:
        return [Finding(where, "nullValues needs a property (a column)")]
    if _none_allowed(op, rule):
        builder.add_rule(column, "nullable", False, severity)
        return []
    if op is not None and op[0] == "le" and isinstance(op[1], (int, float)):
        if _percent(rule):
            builder.add_rule(column, "max_null_fraction", round(op[1] / 100, 10), severity)
        else:
            builder.add_rule(column, "max_null_count", int(op[1]), severity)
        return []
    if op is not None and op[0] == "lt" and isinstance(op[1], int) and not _percent(rule):
        builder.add_rule(column, "max_null_count", op[1] - 1, severity)
        return []
    return [Finding(where, f"nullValues with {_op_text(op)} has no equivalent (<= a count or a percentage)")]


def _missing(
    builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: RuleContext
) -> list[Finding]:
    values = (rule.get("arguments") or {}).get("missingValues", [None])
    if column is None or not _none_allowed(op, rule) or not isinstance(values, list):
        return [Finding(where, f"missingValues with {_op_text(op)} has no equivalent (only 'none missing' maps)")]
    builder.add_rule(column, "nullable", False, severity)
    others = [v for v in values if v is not None]
    if others:
        return _problems(
            where,
            builder.add_expectation(
                "expect_column_values_to_not_be_in_set", {"column": column, "value_set": others}, severity
            ),
        )
    return []


def _invalid(
    builder: SuiteBuilder,
    rule: dict[str, Any],
    op: Any,
    severity: str,
    where: str,
    column: str | None,
    ctx: RuleContext,
) -> list[Finding]:
    args = rule.get("arguments") or {}
    valid = args.get("validValues", rule.get("validValues"))
    pattern = args.get("pattern", rule.get("pattern"))
    if valid is None and pattern is None:
        valid = ctx.enum  # v3.2: without arguments, the values are the property's enum
    if column is None or (valid is None and pattern is None):
        return [Finding(where, "invalidValues needs a property and validValues, pattern or the property's enum")]
    kind, key, value = (
        ("expect_column_values_to_be_in_set", "value_set", [v for v in valid if v is not None])
        if valid is not None else ("expect_column_values_to_match_regex", "regex", pattern)
    )  # fmt: skip
    if _none_allowed(op, rule):
        return _problems(where, builder.add(kind, {"column": column, key: value}, severity))
    if op is not None and op[0] == "le" and _percent(rule) and isinstance(op[1], (int, float)):
        mostly = round(1 - op[1] / 100, 10)
        found = _problems(
            where, builder.add_expectation(kind, {"column": column, key: value, "mostly": mostly}, severity)
        )
        caveat = Finding(
            where, "GX's mostly counts the share among non-null values; ODCS counts among all rows", lost=False
        )
        return found or [caveat]
    return [Finding(where, f"invalidValues with {_op_text(op)} has no equivalent (none invalid, or <= a percentage)")]


def _duplicates(
    builder: SuiteBuilder,
    rule: dict[str, Any],
    op: Any,
    severity: str,
    where: str,
    column: str | None,
    ctx: RuleContext,
) -> list[Finding]:
    named = [column] if column else [str(t) for t in (rule.get("arguments") or {}).get("properties") or []]
    if not named or not _none_allowed(op, rule):
        return [Finding(where, f"duplicateValues with {_op_text(op)} has no equivalent (only 'no duplicates' maps)")]
    missing = [t for t in named if t not in ctx.columns]
    if missing:
        return [Finding(where, f"names properties that do not exist: {', '.join(missing)} (dangling reference)")]
    targets = [ctx.columns[t] for t in named]
    if len(targets) == 1:
        builder.add_rule(targets[0], "unique", True, severity)
        return []
    return _problems(
        where, builder.add_expectation("expect_compound_columns_to_be_unique", {"column_list": targets}, severity)
    )


def _row_count(
    builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: RuleContext
) -> list[Finding]:
    name, value = op if op is not None else ("?", None)
    bounds: dict[str, Any] | None = {
        "eq": {"value": value}, "ge": {"min_value": value}, "le": {"max_value": value},
        "gt": {"min_value": value + 1} if isinstance(value, int) else None,
        "lt": {"max_value": value - 1} if isinstance(value, int) else None,
        "between": {"min_value": value[0], "max_value": value[1]} if isinstance(value, list) and len(value) == 2 else None,
    }.get(name)  # fmt: skip
    if column is not None or bounds is None or _percent(rule):
        return [Finding(where, f"rowCount with {_op_text(op)} has no equivalent")]
    kind = "expect_table_row_count_to_equal" if name == "eq" else "expect_table_row_count_to_be_between"
    return _problems(where, builder.add_expectation(kind, bounds, severity))


def _op_text(op: tuple[str, Any] | None) -> str:
    return "no single operator" if op is None else f"{op[0]} {op[1]!r}"


def _problems(where: str, problems: list[str]) -> list[Finding]:
    return [Finding(where, p) for p in problems]
