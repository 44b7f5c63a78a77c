"""What an ODCS contract declares that a suite could check: one label per constraint.

The importer must carry every constraint into the suite or list it as not converted; this
module says what the constraints are, independently of how each one is mapped. Keys that only
describe (names, descriptions, tags, links, examples) are not constraints; every other key is,
including keys this module does not know (a newer ODCS version may add checks), so nothing a
contract declares can be dropped without a word. Labels read like the importer's findings::

    schema[0] orders.properties[2] status.enum          a property key
    schema[0] orders.properties[2] status minimum       a logicalTypeOptions key
    schema[0] orders.properties[2] status.quality[0]    a quality rule
    schema[0] orders.quality[1]                         a schema-level rule
    slaProperties[3] retention                          an SLA property
"""

from __future__ import annotations

from typing import Any

# Keys that describe and never constrain the data.
DESCRIPTIVE_TOP = frozenset({
    "apiVersion", "kind", "id", "name", "version", "status", "tenant", "tags", "description", "domain",
    "dataProduct", "servers", "support", "price", "team", "roles", "slaDefaultElement", "customProperties",
    "contractCreatedTs", "authoritativeDefinitions", "schema", "slaProperties", "context",
})  # fmt: skip
DESCRIPTIVE_OBJECT = frozenset({
    "id", "name", "physicalName", "physicalType", "logicalType", "description", "businessName", "tags",
    "authoritativeDefinitions", "customProperties", "dataGranularityDescription", "properties",
    "context", "synonyms",
})  # fmt: skip
DESCRIPTIVE_PROPERTY = frozenset({
    "id", "name", "physicalName", "physicalType", "description", "businessName", "tags", "examples",
    "authoritativeDefinitions", "customProperties", "criticalDataElement", "encryptedName",
    "transformLogic", "transformSourceObjects", "transformDescription", "partitioned",
    "partitionKeyPosition", "primaryKeyPosition", "synonyms", "logicalTypeOptions", "quality",
    "relationships",
})  # fmt: skip


def object_label(i: int, obj: dict[str, Any]) -> str:
    return f"schema[{i}] {obj.get('name', '?')}"


def property_label(object_where: str, j: int, column: str) -> str:
    return f"{object_where}.properties[{j}] {column}"


def column_of(prop: dict[str, Any]) -> str:
    """The column a property describes: its ``physicalName``, else its ``name``."""
    return str(prop.get("physicalName") or prop.get("name") or "?")


def constraints(doc: dict[str, Any]) -> list[str]:
    """Every constraint the contract declares, as labels, in file order."""
    out = [key for key in doc if key not in DESCRIPTIVE_TOP and declared(doc[key])]
    for i, obj in enumerate(_mappings(doc.get("schema"))):
        where = object_label(i, obj)
        for j, prop in enumerate(_mappings(obj.get("properties"))):
            out.extend(property_constraints(property_label(where, j, column_of(prop)), prop))
        out.extend(
            f"{where}.{key}"
            for key in obj
            if key not in DESCRIPTIVE_OBJECT | {"quality", "relationships"} and declared(obj[key])
        )
        out.extend(_listed(where, obj, "quality"))
        out.extend(_listed(where, obj, "relationships"))
    for i, sla in enumerate(_mappings(doc.get("slaProperties"))):
        out.append(f"slaProperties[{i}] {sla.get('property', '?')}")
    return out


def property_constraints(where: str, prop: dict[str, Any]) -> list[str]:
    """Every constraint one property declares."""
    out = [f"{where}.{key}" for key in prop if key not in DESCRIPTIVE_PROPERTY and declared(prop[key])]
    options = prop.get("logicalTypeOptions")
    if isinstance(options, dict):
        out.extend(f"{where} {key}" for key, value in options.items() if declared(value))
    out.extend(_listed(where, prop, "quality"))
    out.extend(_listed(where, prop, "relationships"))
    return out


def _listed(where: str, node: dict[str, Any], key: str) -> list[str]:
    items = node.get(key)
    return [f"{where}.{key}[{k}]" for k in range(len(items))] if isinstance(items, list) else []


def declared(value: Any) -> bool:
    """False for values that declare nothing: absent, false, empty."""
    if value is None or value is False:
        return False
    return not isinstance(value, (str, list, dict)) or bool(value)  # 0 declares a bound


def _mappings(items: Any) -> list[dict[str, Any]]:
    return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []
