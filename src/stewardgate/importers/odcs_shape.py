"""Is this an ODCS v3 contract the importer can read? Version, nameless properties, unknown keys.

An ODCS v2 contract (``dataset``/``datasetName``/``quantumName``, no or a ``v2`` apiVersion)
is refused with a hint to upgrade it; a property that names no column, or an entry that is not
a mapping, is refused at its line. Keys that are neither descriptive nor mapped are listed as
not read, and a version newer than the newest one read (v3.2) says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stewardgate.errors import InputError, Problem
from stewardgate.importers import Finding
from stewardgate.importers.odcs_inventory import DESCRIPTIVE_OBJECT, DESCRIPTIVE_TOP, declared, object_label

NEWEST = (3, 2)
_V2_KEYS = ("dataset", "datasetName", "quantumName")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)")


def check_shape(doc: dict[str, Any], path: Path, text: str) -> None:
    """Raise InputError unless ``doc`` is an ODCS v3 contract whose lists are lists and whose
    properties name their columns; every problem is listed with its line."""
    version = str(doc.get("apiVersion") or "")
    if not version.startswith("v3"):
        raise InputError(f"{path}: {_not_v3(doc, version)}")
    problems = list(_shape_problems(doc))
    if problems:
        from stewardgate.suite.yamlpos import load_located

        located = load_located(text)
        lines = [str(Problem(str(path), *located.position(key), ".".join(map(str, key)), why)) for key, why in problems]
        raise InputError("\n".join(lines))


def _not_v3(doc: dict[str, Any], version: str) -> str:
    found = [k for k in _V2_KEYS if k in doc]
    if found or version.startswith("v2"):
        evidence = ", ".join(f"'{k}'" for k in found) or f"apiVersion {version}"
        return (f"this looks like an ODCS v2 contract ({evidence}); stewardgate reads ODCS v3: upgrade it to v3 "
                "first (v3 renamed dataset to schema, table to name, columns to properties and column to name)")  # fmt: skip
    if not version:
        return "not an ODCS v3 contract: apiVersion is missing (an ODCS v3 contract starts with 'apiVersion: v3.x.x' and 'kind: DataContract')"
    return f"not an ODCS v3 contract (apiVersion: {version})"


Key = tuple[str | int, ...]


def _shape_problems(doc: dict[str, Any]) -> list[tuple[Key, str]]:
    out = _lists(doc, ("schema", "slaProperties"), ())
    objects = doc.get("schema")
    for i, obj in enumerate(objects if isinstance(objects, list) else []):
        if not isinstance(obj, dict):
            out.append((("schema", i), f"a schema object is a mapping with name and properties, got {obj!r}"))
            continue
        out += _lists(obj, ("properties", "quality", "relationships"), ("schema", i))
        props = obj.get("properties")
        for j, prop in enumerate(props if isinstance(props, list) else []):
            key: Key = ("schema", i, "properties", j)
            if not isinstance(prop, dict):
                out.append((key, f"a property is a mapping with name and logicalType, got {prop!r}"))
            elif not (prop.get("name") or prop.get("physicalName")):
                out.append((key, "a property needs a name or a physicalName (the column it describes); it has neither"))
            else:
                out += _lists(prop, ("quality", "relationships"), key)
    return out


def _lists(node: dict[str, Any], keys: tuple[str, ...], at: Key) -> list[tuple[Key, str]]:
    """Keys that ODCS v3 defines as lists but hold something else (e.g. properties keyed by name)."""
    return [
        ((*at, k), f"must be a list (ODCS v3), got {_kind(node[k])}")
        for k in keys
        if node.get(k) is not None and not isinstance(node[k], list)
    ]


def _kind(value: Any) -> str:
    return "a mapping" if isinstance(value, dict) else repr(value)


def known_keys(doc: dict[str, Any]) -> list[Finding]:
    """Findings for keys the importer does not read, and for a version newer than it knows."""
    findings = []
    match = _VERSION.match(str(doc.get("apiVersion")))
    if match and (int(match.group(1)), int(match.group(2))) > NEWEST:
        findings.append(Finding("apiVersion", f"{doc['apiVersion']} is newer than v3.2, the newest version read; "
                                              "keys v3.2 does not have are listed", lost=False))  # fmt: skip
    findings += [_unknown(key, key) for key in doc if key not in DESCRIPTIVE_TOP and declared(doc[key])]
    for i, obj in enumerate(o for o in (doc.get("schema") or []) if isinstance(o, dict)):
        mapped = DESCRIPTIVE_OBJECT | {"quality", "relationships"}
        findings += [
            _unknown(f"{object_label(i, obj)}.{key}", key) for key in obj if key not in mapped and declared(obj[key])
        ]
    return findings


def _unknown(where: str, key: str) -> Finding:
    return Finding(where, f"unknown key '{key}' (not in ODCS v3.2); it is not read")
