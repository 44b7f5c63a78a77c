"""ODCS property mapping: types, keys, enum and logicalTypeOptions to column rules.

Each function adds to a :class:`SuiteBuilder`, records in ``builder.converted`` the label of
each constraint it carried (see :mod:`stewardgate.importers.odcs_inventory`) and returns
findings for what it could not carry: every key and option it does not map is listed.
ODCS ``required: true`` means "no nulls" (``nullable: false``); ``unique`` and single-column
primary keys mean ``unique: true``; a composite primary key becomes
``expect_compound_columns_to_be_unique``; a v3.2 ``enum`` becomes ``in_set``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from stewardgate.importers import Finding
from stewardgate.importers.native import SuiteBuilder
from stewardgate.importers.odcs_inventory import declared
from stewardgate.levels import CLASSIFICATIONS

_INT_PHYSICAL = {
    "tinyint": "int8",
    "smallint": "int16",
    "int": "int32",
    "integer": "int32",
    "bigint": "int64",
    "long": "int64",
}
_FORMATS = {"i8": "int8", "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16",
            "u32": "uint32", "u64": "uint64", "f32": "float32", "f64": "float64"}  # fmt: skip
_MAPPED_OPTIONS = frozenset({"minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
                             "exclusiveMaximum", "format", "timezone", "defaultTimezone"})  # fmt: skip
_NESTED = {"properties": "the nested properties of an object column", "items": "the items of an array column"}


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


def add_property(
    builder: SuiteBuilder, column: str, prop: dict[str, Any], where: str, composite_key: bool
) -> list[Finding]:
    """The column's type, keys, enum, options, classification and description."""
    findings: list[Finding] = []
    spec = builder.column(column)
    kind, why = column_type(prop)
    if kind:
        spec["type"] = kind
        builder.converted.append(f"{where}.logicalType")
    elif why:
        findings.append(Finding(f"{where}.logicalType", why))
    if prop.get("required") is True or prop.get("primaryKey") is True:
        builder.add_rule(column, "nullable", False)
    if prop.get("unique") is True or (prop.get("primaryKey") is True and not composite_key):
        builder.add_rule(column, "unique", True)
    builder.converted.extend(f"{where}.{k}" for k in ("required", "unique") if prop.get(k) is True)
    if prop.get("primaryKey") is True and not composite_key:  # a composite key is recorded with its expectation
        builder.converted.append(f"{where}.primaryKey")
    findings.extend(_classification(builder, spec, prop, where))
    if isinstance(prop.get("description"), str) and prop["description"].strip():
        spec["description"] = " ".join(prop["description"].split())
    findings.extend(_enum(builder, column, prop.get("enum"), f"{where}.enum"))
    findings.extend(_options(builder, column, kind, prop.get("logicalTypeOptions") or {}, where))
    findings.extend(
        Finding(f"{where}.{k}", f"{text} are not checked (a suite checks top-level columns)")
        for k, text in _NESTED.items()
        if prop.get(k)
    )
    findings.extend(
        _other_keys(
            prop,
            where,
            {"logicalType", "required", "unique", "primaryKey", "classification", "enum", "semanticType", *_NESTED},
        )
    )
    if prop.get("semanticType") not in (None, "column", "dimension"):
        findings.append(
            Finding(
                f"{where}.semanticType",
                f"semanticType '{prop['semanticType']}' is not one of column, dimension, measure",
            )
        )
    elif prop.get("semanticType"):
        builder.converted.append(f"{where}.semanticType")
    return findings


def enum_values(prop: dict[str, Any]) -> list[Any] | None:
    """The allowed values of a v3.2 ``enum`` (objects with ``value``; plain values are read too)."""
    enum = prop.get("enum")
    if not isinstance(enum, list) or not enum:
        return None
    return [item.get("value") if isinstance(item, dict) else item for item in enum]


def _enum(builder: SuiteBuilder, column: str, enum: Any, where: str) -> list[Finding]:
    if not enum:
        return []
    values = enum_values({"enum": enum})
    if values is None or any(v is None or isinstance(v, (dict, list)) for v in values):
        return [Finding(where, "an enum is a list of objects with a plain 'value' each")]
    problems = builder.add("expect_column_values_to_be_in_set", {"column": column, "value_set": values})
    if not problems:
        builder.converted.append(where)
    return _problems(where, problems)


def _other_keys(prop: dict[str, Any], where: str, mapped: set[str]) -> list[Finding]:
    from stewardgate.importers.odcs_inventory import DESCRIPTIVE_PROPERTY, declared

    unknown = [k for k in prop if k not in DESCRIPTIVE_PROPERTY and k not in mapped and declared(prop[k])]
    return [Finding(f"{where}.{k}", f"unknown property key '{k}' (not in ODCS v3.2); it is not read") for k in unknown]


def _classification(builder: SuiteBuilder, spec: dict[str, Any], prop: dict[str, Any], where: str) -> list[Finding]:
    value = prop.get("classification")
    if value is None:
        return []
    if str(value).lower() in CLASSIFICATIONS:
        spec["classification"] = str(value).lower()
        builder.converted.append(f"{where}.classification")
        return []
    return [
        Finding(f"{where}.classification", f"classification '{value}' has no equivalent ({', '.join(CLASSIFICATIONS)})")
    ]


def _options(
    builder: SuiteBuilder, column: str, kind: str | None, options: dict[str, Any], where: str
) -> list[Finding]:
    findings = []
    for key, rule in (("minLength", "min_length"), ("maxLength", "max_length")):
        if key in options:
            findings += _length(builder, column, key, rule, options[key], where)
    if "pattern" in options:
        findings += accounted(
            builder, f"{where} pattern", _pattern(builder, column, options["pattern"], f"{where} pattern")
        )
    for key, rule in (("minimum", "min"), ("maximum", "max")):
        if key in options:
            bound = typed_bound(options[key], kind)
            if bound is None:
                findings.append(Finding(f"{where} {key}", f"{options[key]!r} is not a bound for {_a(kind)} column"))
            else:
                builder.add_rule(column, rule, bound)
                builder.converted.append(f"{where} {key}")
    for key, side in (("exclusiveMinimum", "min"), ("exclusiveMaximum", "max")):
        if key in options:
            findings += accounted(
                builder, f"{where} {key}", _exclusive(builder, column, kind, key, side, options[key], where)
            )
    findings += _format(builder, kind, options, where)
    for key in ("timezone", "defaultTimezone"):
        if options.get(key) not in (None, False):
            findings.append(
                Finding(f"{where} {key}", "the type 'datetime' accepts naive and zoned timestamps alike", lost=False)
            )
    findings += [
        Finding(f"{where} {k}", "no equivalent for this option")
        for k, v in options.items()
        if k not in _MAPPED_OPTIONS and declared(v)
    ]
    return findings


def _length(builder: SuiteBuilder, column: str, key: str, rule: str, value: Any, where: str) -> list[Finding]:
    if not isinstance(value, int) or isinstance(value, bool):
        return [Finding(f"{where} {key}", f"{value!r} is not a number of characters")]
    builder.add_rule(column, rule, value)
    builder.converted.append(f"{where} {key}")
    return []


def _pattern(builder: SuiteBuilder, column: str, pattern: Any, where: str) -> list[Finding]:
    if not isinstance(pattern, str):
        return [Finding(where, f"{pattern!r} is not a regular expression")]
    return _problems(where, builder.add("expect_column_values_to_match_regex", {"column": column, "regex": pattern}))


def _format(builder: SuiteBuilder, kind: str | None, options: dict[str, Any], where: str) -> list[Finding]:
    if options.get("format") is None:
        return []
    if str(options["format"]).lower() in _FORMATS:
        builder.converted.append(f"{where} format")
        return []
    temporal = kind in ("date", "datetime")
    why = "describes a text form; the column is typed" if temporal else "has no equivalent"
    return [Finding(f"{where} format", f"format '{options['format']}' {why}", lost=not temporal)]


def accounted(builder: SuiteBuilder, label: str, findings: list[Finding]) -> list[Finding]:
    """Record ``label`` as converted unless a finding says it was lost."""
    if not any(f.lost for f in findings):
        builder.converted.append(label)
    return findings


def _exclusive(
    builder: SuiteBuilder, column: str, kind: str | None, key: str, side: str, raw: Any, where: str
) -> list[Finding]:
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


def is_date_text(value: Any) -> date | None:
    """``YYYY-MM-DD`` (or a longer ISO timestamp) as a date, else None."""
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _problems(where: str, problems: list[str]) -> list[Finding]:
    return [Finding(where, p) for p in problems]
