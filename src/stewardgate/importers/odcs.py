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

from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.errors import InputError
from stewardgate.importers import Finding, ImportedSuite, ImportResult
from stewardgate.importers.gx import PLACEHOLDER_OWNER, PLACEHOLDER_STEWARD, dataset_name_of
from stewardgate.importers.native import SuiteBuilder
from stewardgate.importers.odcs_freshness import FRESHNESS, FreshnessBlock, limit_value, stewardgate_properties
from stewardgate.importers.odcs_inventory import column_of, constraints, object_label, property_label
from stewardgate.importers.odcs_quality import add_quality
from stewardgate.importers.odcs_rules import accounted, add_property, enum_values, is_date_text
from stewardgate.importers.odcs_shape import check_shape, known_keys
from stewardgate.importers.render import render_suite
from stewardgate.levels import CLASSIFICATIONS
from stewardgate.suite.governance_model import CONTACT
from stewardgate.suite.periods import parse_period

DEFAULT_TEMPLATE = "{name}.parquet"
_UNITS = {"d": "d", "day": "d", "days": "d", "w": "w", "week": "w", "weeks": "w", "m": "mo", "mo": "mo",
          "month": "mo", "months": "mo", "y": "y", "yr": "y", "year": "y", "years": "y"}  # fmt: skip
UNMAPPED = "the importer has no mapping for this; it is not checked"


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
    check_shape(doc, path, text)
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
        raise InputError(
            f"dataset template '{dataset_template}': use {{name}} and {{physical_name}} only ({exc!r})"
        ) from None
    return convert_odcs(load_contract(path), source=str(path), dataset_template=dataset_template, as_of=as_of)


def _unaccounted(doc: dict[str, Any], converted: set[str], findings: list[Finding]) -> list[Finding]:
    """A safety net: a declared constraint that no mapping converted or listed is listed here."""
    listed = {f.where for f in findings}
    return [Finding(label, UNMAPPED) for label in constraints(doc) if label not in converted and label not in listed]


def convert_odcs(
    doc: dict[str, Any], *, source: str, dataset_template: str = DEFAULT_TEMPLATE, as_of: date | None = None
) -> ImportResult:
    """One suite per schema object of an already loaded contract."""
    today = as_of or date.today()
    objects = [o for o in (doc.get("schema") or []) if isinstance(o, dict)]
    findings: list[Finding] = known_keys(doc)
    converted: list[str] = []
    people = _stewards(doc.get("team"), today, findings)
    custom, noted = stewardgate_properties(doc.get("customProperties"), "customProperties")
    findings.extend(noted)
    tables = {key: o for o in objects for key in (o.get("name"), o.get("physicalName")) if key}
    fresh: dict[int, FreshnessBlock] = {}
    retention = _sla(doc, tables, findings, converted, fresh)
    built, names = [], set()
    for i, obj in enumerate(objects):
        suite_findings: list[Finding] = []
        builder = SuiteBuilder()
        data = _suite(
            obj,
            i,
            builder,
            people,
            retention.get(id(obj), retention.get(0)),
            tables,
            dataset_template,
            suite_findings,
            fresh.get(id(obj)),
            custom,
        )
        converted.extend(builder.converted)
        name = data["dataset"]["name"]
        while name in names:
            name += "_"
        names.add(name)
        data["dataset"]["name"] = name
        built.append((name, data, suite_findings, object_label(i, obj)))
        findings.extend(suite_findings)
    if not objects:
        findings.append(Finding("schema", "the contract has no schema objects; no suite was written"))
    unmapped = _unaccounted(doc, set(converted), findings)
    findings.extend(unmapped)
    suites = []
    for name, data, own, label in built:
        listed = [*own, *(f for f in unmapped if f.where.startswith(f"{label}.")), *_shared(findings)]
        suites.append(
            ImportedSuite(
                f"{name}.yml", render_suite(data, source=Path(source).name, tool="odcs", findings=listed), data
            )
        )
    return ImportResult(source=source, suites=tuple(suites), findings=tuple(findings), converted=tuple(converted))


def _shared(findings: list[Finding]) -> list[Finding]:
    """Findings about the whole contract, which every suite's header lists."""
    return [f for f in findings if not f.where.startswith("schema[")]


def _suite(
    obj: dict[str, Any], i: int, builder: SuiteBuilder, people: dict[str, str], retention: dict[str, Any] | None,
    tables: dict[str, Any], template: str, findings: list[Finding], fresh: FreshnessBlock | None = None,
    custom: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    label = object_label(i, obj)
    props = [p for p in (obj.get("properties") or []) if isinstance(p, dict)]
    keys = sorted((p for p in props if p.get("primaryKey") is True), key=lambda p: p.get("primaryKeyPosition") or 0)
    aliases = {str(p.get(k)): column_of(p) for p in props for k in ("name", "physicalName") if p.get(k)}
    for j, prop in enumerate(props):
        where = property_label(label, j, column_of(prop))
        if prop.get("semanticType") == "measure":
            findings.extend(_measure(prop, where))
            continue
        findings.extend(add_property(builder, column_of(prop), prop, where, composite_key=len(keys) > 1))
        findings.extend(_pii(builder, column_of(prop), prop, where))
        for k, rule in enumerate(prop.get("quality") or []):
            found = add_quality(builder, rule, f"{where}.quality[{k}]", column_of(prop), aliases, enum_values(prop))
            findings.extend(accounted(builder, f"{where}.quality[{k}]", found))
        findings.extend(
            _relationships(prop.get("relationships"), f"{where}.relationships", tables, builder, column_of(prop))
        )
    if len(keys) > 1:
        findings.extend(_composite_key(builder, label, props, keys))
    for k, rule in enumerate(obj.get("quality") or []):
        findings.extend(
            accounted(
                builder, f"{label}.quality[{k}]", add_quality(builder, rule, f"{label}.quality[{k}]", None, aliases)
            )
        )
    findings.extend(_relationships(obj.get("relationships"), f"{label}.relationships", tables, builder))
    name = dataset_name_of(str(obj.get("name") or f"schema_{i}"))
    physical = str(obj.get("physicalName") or obj.get("name") or name)
    dataset = {"name": name, "path": template.format(name=name, physical_name=physical)}
    stewardship = {**_stewardship(obj, builder, people, retention, aliases, label, findings), **(custom or {})}
    sections = {"freshness": _fresh_section(fresh, aliases, label, findings)} if fresh and fresh.limits else {}
    return builder.suite(dataset, stewardship, {k: v for k, v in sections.items() if v})


def _pii(builder: SuiteBuilder, column: str, prop: dict[str, Any], where: str) -> list[Finding]:
    """A property's ``stewardgate.pii`` custom property (written by ``export odcs``) as its ``pii``."""
    from stewardgate.suite.models import PII_KINDS

    for i, item in enumerate(prop.get("customProperties") or []):
        if isinstance(item, dict) and item.get("property") == "stewardgate.pii":
            if item.get("value") in PII_KINDS:
                builder.column(column)["pii"] = item["value"]
                return []
            return [Finding(f"{where}.customProperties[{i}] stewardgate.pii",
                            f"{item.get('value')!r} is not a pii kind ({', '.join(PII_KINDS)})")]  # fmt: skip
    return []


def _fresh_section(
    fresh: FreshnessBlock, aliases: dict[str, str], label: str, findings: list[Finding]
) -> dict[str, Any] | None:  # fmt: skip
    """The table's ``freshness:``; a column it does not have falls back to the file modification time."""
    section = fresh.section()
    column = section.get("column")
    if column is None or column in aliases:
        return {**section, "column": aliases[column]} if column else section
    findings.append(Finding(f"{label} freshness", f"the SLA names column '{column}', which this table does not have; "
                                                  "max_age and available_by read the file modification time"))  # fmt: skip
    section = {"source": "modified", **{k: v for k, v in section.items() if k not in ("column", "every")}}
    return section if len(section) > 1 else None


def _composite_key(
    builder: SuiteBuilder, label: str, props: list[dict[str, Any]], keys: list[dict[str, Any]]
) -> list[Finding]:
    """A primary key over several properties (by ``primaryKeyPosition``): compound uniqueness."""
    problems = builder.add_expectation(
        "expect_compound_columns_to_be_unique", {"column_list": [column_of(p) for p in keys]}
    )
    wheres = [f"{property_label(label, props.index(p), column_of(p))}.primaryKey" for p in keys]
    builder.converted.extend([] if problems else wheres)
    return [Finding(where, problem) for where in wheres for problem in problems]


def _measure(prop: dict[str, Any], where: str) -> list[Finding]:
    """A v3.2 measure is an aggregate, not a column: everything it declares is listed."""
    from stewardgate.importers.odcs_inventory import property_constraints

    why = "a measure (semanticType: measure) is an aggregate computed by transformLogic, not a column of the data"
    return [Finding(label, why) for label in property_constraints(where, prop)]


def _stewardship(
    obj: dict[str, Any], builder: SuiteBuilder, people: dict[str, str], retention: dict[str, Any] | None,
    aliases: dict[str, str], label: str, findings: list[Finding],
) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {
        "owner": people.get("owner", PLACEHOLDER_OWNER),
        "steward": people.get("steward", PLACEHOLDER_STEWARD),
    }
    levels = [spec["classification"] for spec in builder.columns.values() if "classification" in spec]
    if levels:
        out["classification"] = max(levels, key=CLASSIFICATIONS.index)
    if retention is not None:
        column = retention.get("column")
        if column is not None and column not in aliases:
            findings.append(
                Finding(f"{label} retention", f"the SLA names column '{column}', which this table does not have")
            )
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
        findings.append(
            Finding(
                "team", "the contract names no team members; owner and steward placeholders were written", lost=False
            )
        )
        return {}
    active = [m for m in members if isinstance(m, dict) and _active(m, today)]
    people: dict[str, str] = {}
    for role in ("owner", "steward"):
        match = next((m for m in active if role in str(m.get("role", "")).lower()), None)
        contact = str((match or {}).get("email") or (match or {}).get("username") or "")
        if match is not None and CONTACT.match(contact):
            people[role] = contact
            continue
        listing = (
            ", ".join(f"{m.get('username') or m.get('name') or '?'} ({m.get('role', 'no role')})" for m in active)
            or "none"
        )
        why = (
            f"'{contact}' is not an e-mail address or a handle"
            if match is not None
            else f"no active team member has a role naming '{role}' (active: {listing})"
        )
        findings.append(Finding(f"team {role}", f"{why}; a placeholder was written", lost=False))
    return people


def _active(member: dict[str, Any], today: date) -> bool:
    start, end = is_date_text(member.get("dateIn")), is_date_text(member.get("dateOut"))
    return (start is None or start <= today) and (end is None or end > today)


def _sla(
    doc: dict[str, Any], tables: dict[str, Any], findings: list[Finding], converted: list[str],
    fresh: dict[int, FreshnessBlock],
) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Retention per schema object (key ``id(obj)``; key 0 for all) and the freshness limits (in
    ``fresh``, by ``id(obj)``); everything else reported."""
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
            findings.append(
                Finding(
                    where,
                    f"element '{element}' names '{table}', which is not a schema object of this contract (dangling reference)",
                )
            )
            continue
        if name == "retention":
            period, problem = _period(prop)
            if period is None:
                findings.append(Finding(where, problem))
                continue
            out[id(tables[table]) if table else 0] = {"period": period, **({"column": column} if column else {})}
            converted.append(where)
        elif name in FRESHNESS:
            _freshness(prop, name, where, [tables[table]] if table else list({id(o): o for o in tables.values()}.values()),
                       column, fresh, findings, converted)  # fmt: skip
        elif name == "freshness":
            findings.append(Finding(where, "not an ODCS v3 property: write latency (the newest value's age), frequency "
                                           "or timeOfAvailability"))  # fmt: skip
        else:
            findings.append(Finding(where, "no equivalent in a suite"))
    return out


def _freshness(
    prop: dict[str, Any], name: str, where: str, objects: list[Any], column: str | None,
    fresh: dict[int, FreshnessBlock], findings: list[Finding], converted: list[str],
) -> None:  # fmt: skip
    """One latency, frequency or timeOfAvailability, added to the freshness limits of ``objects``."""
    value, problem = limit_value(name, prop)
    if value is None:
        findings.append(Finding(where, problem))
        return
    found = [fresh.setdefault(id(o), FreshnessBlock()).add(name, value, column, where) for o in objects]
    noted = {(f.where, f.message): f for f in found if f is not None}
    findings.extend(noted.values())
    if any(f is None or not f.lost for f in found):
        converted.append(where)
    for extra in ("valueExt", "scheduler", "schedule"):
        if prop.get(extra) not in (None, ""):
            findings.append(Finding(f"{where}.{extra}", f"{extra} {prop[extra]!r} is not read (the limit is "
                                                        "judged at each run's as-of time)", lost=False))  # fmt: skip


def _split_element(element: Any) -> tuple[str | None, str | None]:
    if not element:
        return None, None
    parts = str(element).split(",")[0].strip().split(".")
    return parts[0], (parts[1] if len(parts) > 1 else None)


def _period(prop: dict[str, Any]) -> tuple[str | None, str]:
    """A suite period from ``value`` and ``unit`` (``3`` ``years``), or an ISO-8601 value (``P1Y``)."""
    value, unit_text = prop.get("value"), str(prop.get("unit") or "")
    unit = _UNITS.get(unit_text.lower())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0 and unit:
        return f"{value}{unit}", ""
    if isinstance(value, str) and not unit_text:
        try:
            parse_period(value)
        except ValueError as exc:
            return None, f"retention {exc}"
        return value.strip(), ""
    written = " ".join(str(x) for x in (value, unit_text) if x not in (None, ""))
    return None, (f"retention '{written}' is not a period: a positive whole value with a unit (days, weeks, months, "
                  f"years), or an ISO-8601 duration such as P1Y")  # fmt: skip


def _relationships(
    rels: Any, where: str, tables: dict[str, Any], builder: SuiteBuilder, column: str | None = None
) -> list[Finding]:  # fmt: skip
    """Single-column foreign keys into another schema object become ``references: dataset.column``
    (a property's own, or a schema-level one from one column); the others are listed as lost."""
    out = []
    for k, rel in enumerate(rels or []):
        label = f"{where}[{k}]"
        reference, why = _reference(rel, tables, column)
        if reference is not None and "references" not in builder.columns.get(reference[0], {}):
            builder.column(reference[0])["references"] = reference[1]
            builder.converted.append(label)
            out.append(
                Finding(label, f"converted to references: {reference[1]} (run the two suites together)", lost=False)
            )
        else:
            out.append(Finding(label, why or "the column already has a reference"))
    return out


def _reference(rel: Any, tables: dict[str, Any], column: str | None) -> tuple[tuple[str, str] | None, str]:
    """(this column, ``dataset.column``) of a one-column foreign key, else None and why not."""
    targets = rel.get("to") if isinstance(rel, dict) else None
    targets = targets if isinstance(targets, list) else [targets]
    names = [str(t).split(".")[0] for t in targets if t]
    dangling = sorted({n for n in names if n not in tables})
    if dangling:
        return None, (f"a relationship to another table has no equivalent (a suite checks one dataset) "
                      f"(dangling reference: no schema object {', '.join(map(repr, dangling))})")  # fmt: skip
    sources = rel.get("from") if column is None else [column]
    sources = sources if isinstance(sources, list) else [sources]
    if len(targets) != 1 or len(sources) != 1 or not sources[0] or str(rel.get("type") or "foreignKey") != "foreignKey":
        return (
            None,
            "a relationship of several columns (or not a foreignKey) has no equivalent (references: is one column)",
        )
    table, _, name = str(targets[0]).rpartition(".")
    props = [p for p in (tables[table].get("properties") or []) if isinstance(p, dict)]
    found = [column_of(p) for p in props if name in (p.get("name"), p.get("physicalName"))]
    if not found:
        return None, f"a relationship to {targets[0]}: schema object {table!r} has no property {name!r}"
    target = dataset_name_of(str(tables[table].get("name") or table))
    return (column or str(sources[0]).rpartition(".")[2], f"{target}.{found[0]}"), ""
