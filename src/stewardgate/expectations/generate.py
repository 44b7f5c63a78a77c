"""Build the expectation catalogue from Great Expectations' own registry (imports GX).

This is the only module of the package that imports GX. It reads every registered
expectation class (its pydantic fields, their JSON Schema and the metrics it needs) and
writes ``catalogue.json`` beside itself, which validation reads without GX. Regenerate after
upgrading GX::

    python -m stewardgate.expectations.generate          # rewrite catalogue.json
    python -m stewardgate.expectations.generate --check  # exit 1 if it is out of date

A test fails while the committed file differs from what the installed GX yields.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

from stewardgate.expectations.catalogue import (
    CATALOGUE_PATH,
    FORBIDDEN_ARGUMENTS,
    PASS_THROUGH_ARGUMENTS,
    ROW_COUNT_EXPECTATIONS,
    SCHEMA_EXPECTATIONS,
)

# Fields every GX expectation inherits; stewardgate decides about them once, for all types.
_BASE_FIELDS = frozenset(
    {"id", "meta", "notes", "result_format", "description", "catch_exceptions", "rendered_content",
     "severity", "windows", "batch_id", "row_condition", "condition_parser", "library_metadata"}
)  # fmt: skip

_NOT_HERE = {
    "unexpected_rows_expectation": "it runs a SQL query (unexpected_rows_query) that GX runs on SQL databases and "
    "Spark only, in their dialect; see docs/importing.md, 'SQL rules and unexpected_rows_expectation'",
    "expect_query_results_to_match_comparison": "it runs SQL queries against a database; suites hold no code",
    "expect_table_row_count_to_equal_other_table": "it compares with another table; a suite checks one dataset",
}
_MIN_OR_MAX_VALIDATORS = frozenset({"check_min_val_or_max_val", "_validate_min_or_max_set"})
_DOMAINS = {"COLUMN": "column", "COLUMN_PAIR": "column_pair", "MULTICOLUMN": "multicolumn", "TABLE": "table"}


def build_catalogue() -> dict[str, Any]:
    """The catalogue as data: every registered expectation type with its arguments."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.expectations.registry import _registered_expectations

    expectations: dict[str, Any] = {}
    unsupported: dict[str, str] = {}
    for name in sorted(_registered_expectations):
        cls = _registered_expectations[name]
        reason = _NOT_HERE.get(name) or _pandas_gap(cls)
        if reason:
            unsupported[name] = reason
            continue
        expectations[name] = _describe(name, cls)
    return {
        "generated_from": f"great_expectations {gx.__version__}",
        "regenerate": "python -m stewardgate.expectations.generate",
        "pass_through_arguments": PASS_THROUGH_ARGUMENTS,
        "forbidden_arguments": FORBIDDEN_ARGUMENTS,
        "expectations": expectations,
        "unsupported": unsupported,
    }


def _describe(name: str, cls: Any) -> dict[str, Any]:
    schema = cls.schema()
    defs = schema.get("definitions", {})
    meta = schema["properties"]["metadata"]["properties"]
    domain = _DOMAINS[str(meta["domain_type"]["const"]).rsplit(".", 1)[-1]]
    required = set(schema.get("required", []))
    order = list(getattr(cls, "args_keys", ()) or ())
    declared = [f for f in schema["properties"] if f not in _BASE_FIELDS and f != "metadata"]
    fields = sorted(declared, key=lambda f: (order.index(f) if f in order else len(order), declared.index(f)))
    arguments = {f: _argument(schema["properties"][f], defs, f in required) for f in fields}
    entry: dict[str, Any] = {
        "class": cls.__name__,
        "domain": domain,
        "kind": _kind(meta["domain_type"].get("description", ""), name),
        "summary": meta.get("short_description", {}).get("const") or _first_sentence(cls.__doc__),
        "arguments": arguments,
    }
    validators = {getattr(v, "__name__", "") for _, v in getattr(cls, "__post_root_validators__", [])}
    if validators & _MIN_OR_MAX_VALIDATORS:
        entry["at_least_one_of"] = [["min_value", "max_value"]]
    return entry


def _first_sentence(doc: str | None) -> str:
    text = " ".join((doc or "").strip().split("\n\n")[0].split())
    return text.split(". ")[0].rstrip(".") + "." if text else ""


def _kind(description: str, name: str) -> str:
    if "Map" in description:
        return "map"
    if "Aggregate" in description:
        return "aggregate"
    if name in SCHEMA_EXPECTATIONS:
        return "schema"
    if name in ROW_COUNT_EXPECTATIONS:
        return "row_count"
    raise RuntimeError(f"{name}: table expectation of unknown kind; classify it in catalogue.py")


def _argument(fragment: dict[str, Any], defs: dict[str, Any], required: bool) -> dict[str, Any]:
    types, enum, items, bounds = _flatten(fragment, defs)
    arg: dict[str, Any] = {"required": required, "types": types}
    if enum:
        arg["enum"] = enum
    if items:
        arg["items"] = items
    arg.update(bounds)
    if "default" in fragment and fragment["default"] is not None:
        arg["default"] = fragment["default"]
    if fragment.get("description"):
        arg["description"] = " ".join(str(fragment["description"]).split())
    return arg


def _flatten(frag: dict[str, Any], defs: dict[str, Any]) -> tuple[list[str], list[Any], list[str], dict[str, Any]]:
    """JSON types of a schema fragment, without GX's ``{"$PARAMETER": ...}`` object alternative."""
    alternatives = _alternatives(frag, defs)
    real = [a for a in alternatives if not _is_parameter_dict(a)] or alternatives
    types: list[str] = []
    enum: list[Any] = []
    items: list[str] = []
    bounds: dict[str, Any] = {}
    for alt in real:
        kind = _type_of(alt)
        if kind not in types:
            types.append(kind)
        enum.extend(v for v in alt.get("enum", []) if v not in enum)
        if kind == "array" and isinstance(alt.get("items"), dict):
            for t in _flatten(alt["items"], defs)[0] if alt["items"] else []:
                if t not in items:
                    items.append(t)
        for key in ("minimum", "maximum", "minItems"):
            if key in alt:
                bounds[key] = alt[key]
    if sum(1 for a in real if a.get("type") == "array") > 1:
        # GX documents alternative array shapes (``value_set``: texts or numbers) but accepts any
        # list at run time; checking items or length here would reject suites GX runs.
        items = []
        bounds.pop("minItems", None)
    return types, enum, items, bounds


def _alternatives(frag: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    if "$ref" in frag:
        return _alternatives(defs[frag["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in frag:
            out: list[dict[str, Any]] = []
            for alt in frag[key]:
                out.extend(_alternatives(alt, defs))
            return out
    return [frag]


def _is_parameter_dict(alt: dict[str, Any]) -> bool:
    return alt.get("type") == "object" and "properties" not in alt


def _type_of(alt: dict[str, Any]) -> str:
    kind = alt.get("type")
    if kind == "string" and alt.get("format") == "date":
        return "date"
    if kind == "string" and alt.get("format") == "date-time":
        return "datetime"
    if kind is None:
        return "any"
    return str(kind)


def _pandas_gap(cls: Any) -> str | None:
    """Why GX cannot run this type on pandas (a metric without a pandas provider), or None."""
    from great_expectations.expectations.registry import _registered_metrics

    names = list(getattr(cls, "metric_dependencies", ()) or ())
    if getattr(cls, "map_metric", None):
        names.append(f"{cls.map_metric}.condition")
    for metric in names:
        entry = _registered_metrics.get(metric)
        if entry is not None and "PandasExecutionEngine" not in entry["providers"]:
            return f"GX has no pandas implementation of its metric '{metric}' (SQL data sources only)"
    return None


def render(catalogue: dict[str, Any]) -> str:
    """The catalogue as the exact text committed in ``catalogue.json``."""
    return json.dumps(catalogue, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(build_catalogue())
    path = Path(CATALOGUE_PATH)
    if "--check" in argv:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            sys.stderr.write(f"{path} is out of date; run: python -m stewardgate.expectations.generate\n")
            return 1
        return 0
    from stewardgate.io import atomic_write_text

    atomic_write_text(path, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
