"""``stewardgate export odcs``: a suite written out as an ODCS v3 data contract.

What ODCS can express is written the way ``import odcs`` reads it back, so that importing the
export gives an equivalent suite (``import odcs --dataset-template '{physical_name}'``: the data
path is the schema object's ``physicalName``):

======================================  ==================================================
suite                                   ODCS
======================================  ==================================================
dataset name, path (or table)           ``schema[0].name``, ``physicalName``
stewardship owner, steward              ``team.members`` with roles ``owner``, ``steward``
stewardship description, limitations    ``schema[0].description``, ``description.limitations``
column type                             ``logicalType`` (+ ``logicalTypeOptions.format``)
nullable, unique (severity error)       ``required``, ``unique``
min, max, min_length, max_length        ``logicalTypeOptions`` (severity error only)
other column rules                      library ``quality`` rules (nullValues, invalidValues,
                                        duplicateValues) with their severity
classification, description             the property's ``classification``, ``description``
expectations                            ``custom`` quality rules for Great Expectations
retention                               ``slaProperties`` ``retention``
freshness max_age, every, available_by  ``latency``, ``frequency``, ``timeOfAvailability``
risk tier, recertify_by, permitted uses ``customProperties`` (``stewardgate.*``; pii per property)
======================================  ==================================================

Everything else (schema policy, gate, engine, anomalies, drift, governance switches, lineage,
waivers, a column's ``required: false``...) has no ODCS form and is listed as a
finding, never dropped silently. :func:`round_trip_losses` names what ``import odcs`` does not
read back.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from stewardgate.importers import Finding

if TYPE_CHECKING:
    from stewardgate.suite.loader import LoadedSuite
    from stewardgate.suite.models import ColumnSpec, Suite

API_VERSION = "v3.1.0"
_INTEGERS = {"int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8", "uint16": "u16",
             "uint32": "u32", "uint64": "u64"}  # fmt: skip
_TYPES = {"string": ("string", None), "date": ("date", None), "datetime": ("timestamp", None),
          "bool": ("boolean", None), "float32": ("number", "f32"), "float64": ("number", "f64"),
          **{k: ("integer", v) for k, v in _INTEGERS.items()}}  # fmt: skip
_GX_SEVERITY = {"error": "error", "warn": "warning", "info": "info"}
_OPTIONS = {"min": "minimum", "max": "maximum", "min_length": "minLength", "max_length": "maxLength"}
_UNITS = {"d": "d", "w": "w", "mo": "months", "y": "y"}
CUSTOM = ("risk_tier", "recertify_by", "known_limitations", "permitted_uses", "personal_data_uses")
UNEXPRESSED = {
    "schema": "the schema policy (extra columns, order, empty)", "gate": "the gate policy",
    "engine": "the engine of record", "anomalies": "anomaly rules (judged against the run history)",
    "drift": "drift baselines", "governance": "the governance switches", "lineage": "upstream datasets",
    "waivers": "waivers", "tags": None,
}  # fmt: skip


class OdcsExport:
    """The contract (plain data, its YAML text) and what ODCS could not express."""

    def __init__(self, contract: dict[str, Any], findings: list[Finding], source: str) -> None:
        self.contract = contract
        self.findings = findings
        self.source = source

    @property
    def text(self) -> str:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
        buffer = io.StringIO()
        yaml.dump(self.contract, buffer)
        lines = [f"# Exported from {self.source} by `stewardgate export odcs`."]
        if self.findings:
            lines.append(f"# NOT EXPRESSED ({len(self.findings)}): ODCS has no form for these parts of the suite:")
            lines.extend(f"#   - {' '.join(f'{f.where}: {f.message}'.split())}" for f in self.findings)
        return "\n".join(lines) + "\n" + buffer.getvalue()


def export_odcs(loaded: LoadedSuite) -> OdcsExport:
    """The suite as an ODCS v3 contract, with a finding for each part ODCS cannot express."""
    suite = loaded.suite
    findings: list[Finding] = []
    name = suite.dataset.name
    properties = [_property(c, spec, findings) for c, spec in suite.columns.items()]
    obj: dict[str, Any] = {"name": name, "physicalName": _physical(suite, findings), "logicalType": "object"}
    obj["physicalType"] = "table" if suite.dataset.is_table else "file"
    if suite.stewardship.description:
        obj["description"] = suite.stewardship.description
    obj["properties"] = properties
    quality = _expectations(suite, findings)
    if quality:
        obj["quality"] = quality
    contract: dict[str, Any] = {
        "apiVersion": API_VERSION, "kind": "DataContract", "id": name, "version": "1.0.0", "status": "active",
        "name": name,
    }  # fmt: skip
    if suite.stewardship.known_limitations:
        contract["description"] = {"limitations": "; ".join(suite.stewardship.known_limitations)}
    if suite.tags:
        contract["tags"] = list(suite.tags)
    contract["schema"] = [obj]
    contract["team"] = {"members": [{"username": suite.stewardship.owner, "role": "owner"},
                                    {"username": suite.stewardship.steward, "role": "steward"}]}  # fmt: skip
    sla = _sla(suite, findings)
    if sla:
        contract["slaProperties"] = sla
    custom = _custom(suite, with_classification=_above_columns(suite))
    if custom:
        contract["customProperties"] = custom
    findings += [
        Finding(key, what or key, lost=True) for key, what in UNEXPRESSED.items()
        if what and key in _written(loaded, key)
    ]  # fmt: skip
    return OdcsExport(contract, findings, str(loaded.path))


def _written(loaded: LoadedSuite, key: str) -> set[str]:
    data = loaded.located.data if isinstance(loaded.located.data, dict) else {}
    return {key} if data.get(key) not in (None, []) else set()


def _physical(suite: Suite, findings: list[Finding]) -> str:
    dataset = suite.dataset
    if dataset.is_table:
        findings.append(Finding("dataset.connection", f"connection '{dataset.connection}' (ODCS servers name hosts, "
                                                      "not stewardgate connections): physicalName holds the table"))  # fmt: skip
        if dataset.filter:
            findings.append(Finding("dataset.filter", "a row filter"))
        return str(dataset.table)
    for key in ("format", "csv"):
        if getattr(dataset, key) is not None:
            findings.append(Finding(f"dataset.{key}", f"the read option {key}"))
    return str(dataset.path)


def _property(column: str, spec: ColumnSpec, findings: list[Finding]) -> dict[str, Any]:
    where = f"columns.{column}"
    prop: dict[str, Any] = {"name": column}
    options: dict[str, Any] = {}
    if spec.type is not None:
        logical = _TYPES.get(spec.type)
        if spec.type == "decimal":
            prop.update(logicalType="number", physicalType="decimal")
        elif logical is None:
            findings.append(Finding(f"{where}.type", f"type {spec.type} has no ODCS logical type"))
        else:
            prop["logicalType"] = logical[0]
            if logical[1]:
                options["format"] = logical[1]
    quality: list[dict[str, Any]] = []
    severity = spec.severity or "error"
    for rule in ("nullable", "unique"):
        value = getattr(spec, rule)
        if value is None or (rule == "nullable" and value.value is True) or (rule == "unique" and not value.value):
            continue
        level = value.severity or severity
        key, metric = ("required", "nullValues") if rule == "nullable" else ("unique", "duplicateValues")
        if level == "error":
            prop[key] = True
        else:
            quality.append({"type": "library", "metric": metric, "mustBe": 0, "severity": _GX_SEVERITY[level]})
    if not spec.required.value:
        findings.append(Finding(f"{where}.required", "a column that may be absent (required: false)"))
    for rule, key in _OPTIONS.items():
        value = getattr(spec, rule)
        if value is None:
            continue
        options[key] = value.value.isoformat() if hasattr(value.value, "isoformat") else value.value
        if (value.severity or severity) != "error":
            findings.append(Finding(f"{where}.{rule}", f"severity {value.severity or severity} (a logicalTypeOptions "
                                                       "bound has none: it is exported as an error)"))  # fmt: skip
    quality += _column_quality(spec, severity)
    if spec.classification:
        prop["classification"] = spec.classification
    if spec.pii:
        prop["customProperties"] = [{"property": "stewardgate.pii", "value": spec.pii}]
    if spec.description:
        prop["description"] = spec.description
    if options:
        prop["logicalTypeOptions"] = options
    if quality:
        prop["quality"] = quality
    return prop


def _column_quality(spec: ColumnSpec, severity: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def level(rule: Any) -> str:
        return _GX_SEVERITY[rule.severity or severity]

    if spec.max_null_fraction is not None:
        out.append({"type": "library", "metric": "nullValues", "mustBeLessOrEqualTo": spec.max_null_fraction.value * 100,
                    "unit": "percent", "severity": level(spec.max_null_fraction)})  # fmt: skip
    if spec.max_null_count is not None:
        out.append({"type": "library", "metric": "nullValues", "mustBeLessOrEqualTo": spec.max_null_count.value,
                    "severity": level(spec.max_null_count)})  # fmt: skip
    if spec.in_set is not None:
        out.append({"type": "library", "metric": "invalidValues", "arguments": {"validValues": list(spec.in_set.value)},
                    "mustBe": 0, "severity": level(spec.in_set)})  # fmt: skip
    if spec.regex is not None:
        out.append({"type": "library", "metric": "invalidValues", "arguments": {"pattern": spec.regex.value},
                    "mustBe": 0, "severity": level(spec.regex)})  # fmt: skip
    return out


def _expectations(suite: Suite, findings: list[Finding]) -> list[dict[str, Any]]:
    out = []
    for entry in suite.expectations:
        ((kind, args),) = entry.items()
        kwargs = {k: _plain(v) for k, v in (args or {}).items() if k != "severity"}
        severity = _GX_SEVERITY[(args or {}).get("severity") or "error"]
        out.append({"type": "custom", "engine": "greatExpectations", "severity": severity,
                    "implementation": {"type": kind, "kwargs": kwargs}})  # fmt: skip
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _sla(suite: Suite, findings: list[Finding]) -> list[dict[str, Any]]:
    from stewardgate.importers.odcs_freshness import FRESHNESS

    name, out = suite.dataset.name, []
    retention = suite.stewardship.retention
    if retention is not None:
        out.append({"property": "retention", **_period(retention.period),
                    **({"element": f"{name}.{retention.column}"} if retention.column else {})})  # fmt: skip
    fresh = suite.freshness
    if fresh is None:
        return out
    element = {"element": f"{name}.{fresh.column}"} if fresh.column else {}
    if fresh.source not in (None, "modified"):
        findings.append(Finding("freshness.source", "a metadata source other than the file modification time"))
    for prop, key in FRESHNESS.items():
        value = getattr(fresh, key)
        if value is None:
            continue
        if key == "available_by":
            out.append({"property": prop, "value": value, **element})
        else:
            out.append({"property": prop, **_duration(value), **element})
    if fresh.window is not None and fresh.window_length != 7 * _length(fresh.every or "1d"):
        findings.append(
            Finding("freshness.window", f"the window {fresh.window} (ODCS frequency has none; 7 periods on import)")
        )
    if fresh.severity not in (None, "error"):
        findings.append(Finding("freshness.severity", f"severity {fresh.severity} of the freshness limits"))
    return out


def _length(text: str) -> Any:
    from stewardgate.suite.durations import parse_duration

    return parse_duration(text)


def _duration(text: str) -> dict[str, Any]:
    from stewardgate.suite.durations import duration_text

    short = duration_text(_length(text))
    for unit in ("min", "d", "h"):
        if short.endswith(unit) and short[: -len(unit)].isdigit():
            return {"value": int(short[: -len(unit)]), "unit": unit}
    return {"value": short}


def _period(text: str) -> dict[str, Any]:
    import re

    short = re.fullmatch(r"(\d+)(d|w|mo|y)", text.strip())
    if short:
        return {"value": int(short.group(1)), "unit": _UNITS[short.group(2)]}
    return {"value": text.strip()}


def _custom(suite: Suite, *, with_classification: bool) -> list[dict[str, Any]]:
    stewardship = suite.stewardship
    out = []
    for key in CUSTOM:
        value = getattr(stewardship, key)
        if value not in (None, [], ""):
            out.append(
                {"property": f"stewardgate.{key}", "value": value.isoformat() if hasattr(value, "isoformat") else value}
            )
    if with_classification:
        out.append({"property": "stewardgate.classification", "value": stewardship.classification})
    return out


def _above_columns(suite: Suite) -> bool:
    """ODCS classifies properties (``import odcs`` takes the most sensitive); a dataset classified
    otherwise is carried as the custom property ``stewardgate.classification``."""
    from stewardgate.levels import most_sensitive

    levels: list[str] = [c.classification for c in suite.columns.values() if c.classification]
    dataset = suite.stewardship.classification
    return dataset is not None and not (levels and most_sensitive(levels) == dataset)


def round_trip_losses(export: OdcsExport) -> list[str]:
    """What ``import odcs`` does not read back: the findings, and the tags (``customProperties``
    ``stewardgate.*`` are read back)."""
    tags = ["tags"] if "tags" in export.contract else []
    return [f.where for f in export.findings] + tags
