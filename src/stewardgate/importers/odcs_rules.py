"""ODCS property and quality-rule mapping: types, keys, options and library rules to suite rules.

Each function adds to a :class:`SuiteBuilder` and returns findings for what it could not carry.
ODCS ``required: true`` means "no nulls" (``nullable: false``); ``unique`` and single-column
primary keys mean ``unique: true``; a composite primary key becomes
``expect_compound_columns_to_be_unique``. Library quality rules with an equivalent are mapped:
``nullValues``, ``missingValues``, ``invalidValues``, ``duplicateValues`` and ``rowCount``
(ODCS 3.1 ``metric``, and the 3.0 ``rule`` names).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from stewardgate.importers import Finding
from stewardgate.importers.native import SuiteBuilder

CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
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
_INT_PHYSICAL = {"tinyint": "int8", "smallint": "int16", "int": "int32", "integer": "int32", "bigint": "int64", "long": "int64"}
_FORMATS = {"i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16",
            "u32": "uint32", "u64": "uint64", "f32": "float32", "f64": "float64"}  # fmt: skip
_UNMAPPED_OPTIONS = ("minItems", "maxItems", "uniqueItems", "required", "maxProperties", "minProperties")


def column_type(prop: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(suite type, why none)`` from logicalType, physicalType and the format option."""
    logical = str(prop.get("logicalType") or "").lower()
    physical = re.sub(r"\(.*", "", str(prop.get("physicalType") or "")).strip().lower()
    fmt = str((prop.get("logicalTypeOptions") or {}).get("format") or "").lower()
    if logical == "string":
        return "string", None
    if logical == "date":
        return "date", None
    if logical in ("timestamp", "datetime"):
        return "datetime", None
    if logical == "boolean":
        return "bool", None
    if logical == "integer":
        return _FORMATS.get(fmt) or _INT_PHYSICAL.get(physical, "int64"), None
    if logical == "number":
        if physical in ("decimal", "numeric"):
            return "decimal", None
        if physical in _INT_PHYSICAL:
            return _INT_PHYSICAL[physical], None
        return _FORMATS.get(fmt) or ("float32" if physical == "real" else "float64"), None
    if not logical:
        return None, None
    return None, f"logical type '{logical}' has no column type equivalent; the column is declared without a type"


def add_property(builder: SuiteBuilder, column: str, prop: dict[str, Any], where: str, composite_key: bool) -> list[Finding]:
    """The column's type, keys, options, classification and description."""
    findings: list[Finding] = []
    spec = builder.column(column)
    kind, why = column_type(prop)
    if kind:
        spec["type"] = kind
    elif why:
        findings.append(Finding(where, why))
    if prop.get("required") is True or prop.get("primaryKey") is True:
        builder.add_rule(column, "nullable", False)
    if prop.get("unique") is True or (prop.get("primaryKey") is True and not composite_key):
        builder.add_rule(column, "unique", True)
    findings.extend(_classification(spec, prop, where))
    if isinstance(prop.get("description"), str) and prop["description"].strip():
        spec["description"] = " ".join(prop["description"].split())
    findings.extend(_options(builder, column, kind, prop.get("logicalTypeOptions") or {}, where))
    return findings


def _classification(spec: dict[str, Any], prop: dict[str, Any], where: str) -> list[Finding]:
    value = prop.get("classification")
    if value is None:
        return []
    if str(value).lower() in CLASSIFICATIONS:
        spec["classification"] = str(value).lower()
        return []
    return [Finding(where, f"classification '{value}' has no equivalent ({', '.join(CLASSIFICATIONS)})")]


def _options(builder: SuiteBuilder, column: str, kind: str | None, options: dict[str, Any], where: str) -> list[Finding]:
    findings = []
    for key, rule in (("minLength", "min_length"), ("maxLength", "max_length")):
        if isinstance(options.get(key), int):
            builder.add_rule(column, rule, options[key])
    if isinstance(options.get("pattern"), str):
        findings += _problems(where, builder.add("expect_column_values_to_match_regex", {"column": column, "regex": options["pattern"]}))
    for key, rule in (("minimum", "min"), ("maximum", "max")):
        if key in options:
            bound = typed_bound(options[key], kind)
            if bound is None:
                findings.append(Finding(f"{where} {key}", f"{options[key]!r} is not a bound for {_a(kind)} column"))
            else:
                builder.add_rule(column, rule, bound)
    for key, side in (("exclusiveMinimum", "min"), ("exclusiveMaximum", "max")):
        if key in options:
            findings += _exclusive(builder, column, kind, key, side, options[key], where)
    if "format" in options and str(options["format"]).lower() not in _FORMATS:
        temporal = kind in ("date", "datetime")
        why = "describes a text form; the column is typed" if temporal else "has no equivalent"
        findings.append(Finding(f"{where} format", f"format '{options['format']}' {why}", lost=not temporal))
    if options.get("timezone") is True:
        findings.append(Finding(f"{where} timezone", "the type 'datetime' accepts naive and zoned timestamps alike", lost=False))
    findings += [Finding(f"{where} {k}", "no equivalent for this option") for k in _UNMAPPED_OPTIONS if k in options]
    return findings


def _exclusive(builder: SuiteBuilder, column: str, kind: str | None, key: str, side: str, raw: Any, where: str) -> list[Finding]:
    bound = typed_bound(raw, kind)
    if bound is None:
        return [Finding(f"{where} {key}", f"{raw!r} is not a bound for {_a(kind)} column")]
    args = {"column": column, f"{side}_value": bound, f"strict_{side}": True}
    return _problems(f"{where} {key}", builder.add_expectation("expect_column_values_to_be_between", args))


def _a(kind: str | None) -> str:
    return f"a {kind}" if kind else "an untyped"


def typed_bound(value: Any, kind: str | None) -> Any:
    """An ODCS bound as a suite value: a number, or a date/datetime for temporal columns."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value if kind not in ("date", "datetime", "string") else None
    if isinstance(value, str) and kind in ("date", "datetime"):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return moment.date() if kind == "date" and len(value.strip()) == 10 else moment
    return None


def add_quality(builder: SuiteBuilder, rule: Any, where: str, column: str | None, columns: dict[str, str]) -> list[Finding]:
    """One ODCS quality rule (property-level when ``column`` is set, else schema-level).

    ``columns`` maps every name a rule may use for a property (name, physicalName) to its column.
    """
    if not isinstance(rule, dict):
        return [Finding(where, f"not a quality rule: {rule!r}")]
    kind = str(rule.get("type") or "library")
    if kind == "sql":
        return [Finding(where, "a SQL quality rule needs a database; suites hold no code")]
    if kind == "custom":
        return [Finding(where, f"a custom rule for engine '{rule.get('engine', '?')}' has no equivalent")]
    if kind == "text":
        return [Finding(where, "a text rule is prose, not a check")]
    metric = METRICS.get(str(rule.get("metric") or rule.get("rule") or ""))
    if metric is None:
        return [Finding(where, f"library metric '{rule.get('metric') or rule.get('rule')}' has no equivalent")]
    op = _operator(rule)
    severity = SEVERITIES.get(str(rule.get("severity") or "error").lower(), "error")
    handler = {"nullValues": _nulls, "missingValues": _missing, "invalidValues": _invalid,
               "duplicateValues": _duplicates, "rowCount": _row_count}[metric]  # fmt: skip
    return handler(builder, rule, op, severity, where, column, columns)


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


def _nulls(builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: dict[str, str]) -> list[Finding]:
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


def _missing(builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: dict[str, str]) -> list[Finding]:
    values = (rule.get("arguments") or {}).get("missingValues", [None])
    if column is None or not _none_allowed(op, rule) or not isinstance(values, list):
        return [Finding(where, f"missingValues with {_op_text(op)} has no equivalent (only 'none missing' maps)")]
    builder.add_rule(column, "nullable", False, severity)
    others = [v for v in values if v is not None]
    if others:
        return _problems(where, builder.add_expectation("expect_column_values_to_not_be_in_set", {"column": column, "value_set": others}, severity))
    return []


def _invalid(builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: dict[str, str]) -> list[Finding]:
    args = rule.get("arguments") or {}
    valid = args.get("validValues", rule.get("validValues"))
    pattern = args.get("pattern", rule.get("pattern"))
    if column is None or (valid is None and pattern is None):
        return [Finding(where, "invalidValues needs a property and validValues or pattern")]
    kind, key, value = (
        ("expect_column_values_to_be_in_set", "value_set", [v for v in valid if v is not None])
        if valid is not None else ("expect_column_values_to_match_regex", "regex", pattern)
    )  # fmt: skip
    if _none_allowed(op, rule):
        return _problems(where, builder.add(kind, {"column": column, key: value}, severity))
    if op is not None and op[0] == "le" and _percent(rule) and isinstance(op[1], (int, float)):
        mostly = round(1 - op[1] / 100, 10)
        found = _problems(where, builder.add_expectation(kind, {"column": column, key: value, "mostly": mostly}, severity))
        caveat = Finding(where, "GX's mostly counts the share among non-null values; ODCS counts among all rows", lost=False)
        return found or [caveat]
    return [Finding(where, f"invalidValues with {_op_text(op)} has no equivalent (none invalid, or <= a percentage)")]


def _duplicates(builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, columns: dict[str, str]) -> list[Finding]:
    named = [column] if column else [str(t) for t in (rule.get("arguments") or {}).get("properties") or []]
    if not named or not _none_allowed(op, rule):
        return [Finding(where, f"duplicateValues with {_op_text(op)} has no equivalent (only 'no duplicates' maps)")]
    missing = [t for t in named if t not in columns]
    if missing:
        return [Finding(where, f"names properties that do not exist: {', '.join(missing)} (dangling reference)")]
    targets = [columns[t] for t in named]
    if len(targets) == 1:
        builder.add_rule(targets[0], "unique", True, severity)
        return []
    return _problems(where, builder.add_expectation("expect_compound_columns_to_be_unique", {"column_list": targets}, severity))


def _row_count(builder: SuiteBuilder, rule: dict[str, Any], op: Any, severity: str, where: str, column: str | None, _: dict[str, str]) -> list[Finding]:
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


def is_date_text(value: Any) -> date | None:
    """``YYYY-MM-DD`` (or a longer ISO timestamp) as a date, else None."""
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None
