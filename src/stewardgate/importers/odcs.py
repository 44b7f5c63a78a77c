"""``stewardgate import odcs``: an ODCS v3.x data contract as one suite per schema object.

Columns use the property's ``physicalName`` (the name in the data) when it has one. Owners and
stewards come from the ``team`` members whose role says so (``owner``, ``steward``), active
members only: one whose ``dateOut`` has passed (or whose ``dateIn`` is still ahead) is ignored.
The dataset's classification is its most sensitive column's. ``retention`` in
``slaProperties`` becomes the stewardship retention of the table its ``element`` names (of
every table when it names none); an element naming a table that is not in the contract is a
dangling reference, reported, never a crash. Dates stay strings while the contract is read.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.errors import InputError
from stewardgate.importers import Finding, ImportedSuite, ImportResult
from stewardgate.importers.gx import PLACEHOLDER_OWNER, PLACEHOLDER_STEWARD, dataset_name_of
from stewardgate.importers.native import SuiteBuilder
from stewardgate.importers.odcs_rules import CLASSIFICATIONS, add_property, add_quality, is_date_text
from stewardgate.importers.render import render_suite

DEFAULT_TEMPLATE = "{name}.parquet"
_CONTACT = re.compile(r"\A(?:[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|@?[A-Za-z0-9][A-Za-z0-9._/-]*)\Z")  # as in suite.models
_UNITS = {"d": "d", "day": "d", "days": "d", "w": "w", "week": "w", "weeks": "w", "m": "mo", "mo": "mo",
          "month": "mo", "months": "mo", "y": "y", "yr": "y", "year": "y", "years": "y"}  # fmt: skip
_FRESHNESS = ("latency", "frequency", "freshness")


def load_contract(path: Path) -> dict[str, Any]:
    """Read an ODCS YAML file, keeping dates as the strings they are written as."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        doc = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        what = " ".join(s for s in (exc.context, exc.problem) if s) or "invalid YAML"
        raise InputError(f"{where}: invalid YAML: {what}") from exc
    except YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(doc, dict):
        raise InputError(f"{path}: an ODCS contract is a mapping of keys")
    version = str(doc.get("apiVersion", ""))
    if not version.startswith("v3"):
        raise InputError(f"{path}: not an ODCS v3 contract (apiVersion: {version or 'missing'})")
    return doc


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    class StringDates(SafeConstructor):
        """The safe constructor, except that timestamps stay strings."""

    StringDates.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = StringDates
    return yaml


def import_odcs(path: Path, *, dataset_template: str = DEFAULT_TEMPLATE, as_of: date | None = None) -> ImportResult:
    """Read and convert an ODCS contract (raises InputError if it is not one)."""
    try:
        dataset_template.format(name="n", physical_name="p")
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"dataset template '{dataset_template}': use {{name}} and {{physical_name}} only ({exc!r})") from None
    return convert_odcs(load_contract(path), source=str(path), dataset_template=dataset_template, as_of=as_of)


def convert_odcs(
    doc: dict[str, Any], *, source: str, dataset_template: str = DEFAULT_TEMPLATE, as_of: date | None = None
) -> ImportResult:
    """One suite per schema object of an already loaded contract."""
    today = as_of or date.today()
    objects = [o for o in (doc.get("schema") or []) if isinstance(o, dict)]
    findings: list[Finding] = []
    people = _stewards(doc.get("team"), today, findings)
    tables = {key: o for o in objects for key in (o.get("name"), o.get("physicalName")) if key}
    retention = _sla(doc, tables, findings)
    suites, names = [], set()
    for i, obj in enumerate(objects):
        suite_findings: list[Finding] = []
        data = _suite(obj, i, people, retention.get(id(obj), retention.get(0)), tables, dataset_template, suite_findings)
        name = data["dataset"]["name"]
        while name in names:
            name += "_"
        names.add(name)
        data["dataset"]["name"] = name
        findings.extend(suite_findings)
        text = render_suite(data, source=Path(source).name, tool="odcs", findings=[*suite_findings, *_shared(findings)])
        suites.append(ImportedSuite(f"{name}.yml", text, data))
    if not objects:
        findings.append(Finding("schema", "the contract has no schema objects; no suite was written"))
    return ImportResult(source=source, suites=tuple(suites), findings=tuple(findings))


def _shared(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.where.startswith(("team", "slaProperties"))]


def _suite(
    obj: dict[str, Any], i: int, people: dict[str, str], retention: dict[str, Any] | None,
    tables: dict[str, Any], template: str, findings: list[Finding],
) -> dict[str, Any]:  # fmt: skip
    builder = SuiteBuilder()
    label = f"schema[{i}] {obj.get('name', '?')}"
    props = [p for p in (obj.get("properties") or []) if isinstance(p, dict)]
    keys = sorted((p for p in props if p.get("primaryKey") is True), key=lambda p: p.get("primaryKeyPosition") or 0)
    columns = [_column_name(p) for p in props]
    aliases = {str(p.get(k)): c for p, c in zip(props, columns) for k in ("name", "physicalName") if p.get(k)}
    for j, prop in enumerate(props):
        where = f"{label}.properties[{j}] {columns[j]}"
        findings.extend(add_property(builder, columns[j], prop, where, composite_key=len(keys) > 1))
        for k, rule in enumerate(prop.get("quality") or []):
            findings.extend(add_quality(builder, rule, f"{where}.quality[{k}]", columns[j], aliases))
        findings.extend(_relationships(prop.get("relationships"), f"{where}.relationships", tables))
    if len(keys) > 1:
        key_columns = [_column_name(p) for p in keys]
        for p in builder.add_expectation("expect_compound_columns_to_be_unique", {"column_list": key_columns}):
            findings.append(Finding(f"{label} primary key", p))
    for k, rule in enumerate(obj.get("quality") or []):
        findings.extend(add_quality(builder, rule, f"{label}.quality[{k}]", None, aliases))
    findings.extend(_relationships(obj.get("relationships"), f"{label}.relationships", tables))
    name = dataset_name_of(str(obj.get("name") or f"schema_{i}"))
    physical = str(obj.get("physicalName") or obj.get("name") or name)
    dataset = {"name": name, "path": template.format(name=name, physical_name=physical)}
    stewardship = _stewardship(obj, builder, people, retention, aliases, label, findings)
    return builder.suite(dataset, stewardship)


def _column_name(prop: dict[str, Any]) -> str:
    return str(prop.get("physicalName") or prop.get("name") or "?")


def _stewardship(
    obj: dict[str, Any], builder: SuiteBuilder, people: dict[str, str], retention: dict[str, Any] | None,
    aliases: dict[str, str], label: str, findings: list[Finding],
) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {"owner": people.get("owner", PLACEHOLDER_OWNER), "steward": people.get("steward", PLACEHOLDER_STEWARD)}
    levels = [spec["classification"] for spec in builder.columns.values() if "classification" in spec]
    if levels:
        out["classification"] = max(levels, key=CLASSIFICATIONS.index)
    if retention is not None:
        column = retention.get("column")
        if column is not None and column not in aliases:
            findings.append(Finding(f"{label} retention", f"the SLA names column '{column}', which this table does not have"))
            retention = {"period": retention["period"]}
        elif column is not None:
            retention = {**retention, "column": aliases[column]}
        out["retention"] = retention
    if isinstance(obj.get("description"), str) and obj["description"].strip():
        out["description"] = " ".join(obj["description"].split())
    return out


def _stewards(team: Any, today: date, findings: list[Finding]) -> dict[str, str]:
    """``owner`` and ``steward`` contacts from the active members whose role names them."""
    members = team.get("members") if isinstance(team, dict) else team
    if not members:
        findings.append(Finding("team", "the contract names no team members; owner and steward placeholders were written", lost=False))
        return {}
    active = [m for m in members if isinstance(m, dict) and _active(m, today)]
    people: dict[str, str] = {}
    for role in ("owner", "steward"):
        match = next((m for m in active if role in str(m.get("role", "")).lower()), None)
        contact = str((match or {}).get("email") or (match or {}).get("username") or "")
        if match is not None and _CONTACT.match(contact):
            people[role] = contact
            continue
        listing = ", ".join(f"{m.get('username') or m.get('name') or '?'} ({m.get('role', 'no role')})" for m in active) or "none"
        why = f"'{contact}' is not an e-mail address or a handle" if match is not None else f"no active team member has a role naming '{role}' (active: {listing})"
        findings.append(Finding(f"team {role}", f"{why}; a placeholder was written", lost=False))
    return people


def _active(member: dict[str, Any], today: date) -> bool:
    start, end = is_date_text(member.get("dateIn")), is_date_text(member.get("dateOut"))
    return (start is None or start <= today) and (end is None or end > today)


def _sla(doc: dict[str, Any], tables: dict[str, Any], findings: list[Finding]) -> dict[int, dict[str, Any]]:
    """Retention per schema object (key ``id(obj)``; key 0 for all); everything else reported."""
    out: dict[int, dict[str, Any]] = {}
    default = doc.get("slaDefaultElement")
    for i, prop in enumerate(doc.get("slaProperties") or []):
        if not isinstance(prop, dict):
            continue
        name = str(prop.get("property", "?"))
        where = f"slaProperties[{i}] {name}"
        element = prop.get("element") or default
        table, column = _split_element(element)
        if table is not None and table not in tables:
            findings.append(Finding(where, f"element '{element}' names '{table}', which is not a schema object of this contract (dangling reference)"))
            continue
        if name == "retention":
            period = _period(prop)
            if period is None:
                findings.append(Finding(where, f"retention {prop.get('value')!r} {prop.get('unit', '')} is not a period (days, weeks, months, years)"))
                continue
            out[id(tables[table]) if table else 0] = {"period": period, **({"column": column} if column else {})}
        elif name in _FRESHNESS:
            findings.append(Finding(where, "suites have no freshness limit yet (a freshness_seconds anomaly rule watches change, not a limit)"))
        else:
            findings.append(Finding(where, "no equivalent in a suite"))
    return out


def _split_element(element: Any) -> tuple[str | None, str | None]:
    if not element:
        return None, None
    parts = str(element).split(",")[0].strip().split(".")
    return parts[0], (parts[1] if len(parts) > 1 else None)


def _period(prop: dict[str, Any]) -> str | None:
    value, unit = prop.get("value"), _UNITS.get(str(prop.get("unit", "")).lower())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and unit:
        return f"{value}{unit}"
    return None


def _relationships(rels: Any, where: str, tables: dict[str, Any]) -> list[Finding]:
    out = []
    for k, rel in enumerate(rels or []):
        targets = rel.get("to") if isinstance(rel, dict) else None
        names = [str(t).split(".")[0] for t in (targets if isinstance(targets, list) else [targets]) if t]
        dangling = sorted({n for n in names if n not in tables})
        note = f" (dangling reference: no schema object {', '.join(map(repr, dangling))})" if dangling else ""
        out.append(Finding(f"{where}[{k}]", f"a relationship to another table has no equivalent (a suite checks one dataset){note}"))
    return out
