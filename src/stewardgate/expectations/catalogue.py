"""The catalogue of supported expectation types, read from ``catalogue.json`` without GX.

``catalogue.json`` is generated from Great Expectations' registry by
:mod:`stewardgate.expectations.generate` and committed; a test keeps it current. Reading it
costs a JSON parse, so validating a suite never imports GX. Per type it holds the GX class,
the domain (``column``, ``column_pair``, ``multicolumn``, ``table``), the kind (``map``,
``aggregate``, ``schema``, ``row_count``), a one-line summary and every argument with its
JSON types, enum, bounds, default and description.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")

# Table expectations that read only column names and types: GX gets a zero-row frame.
SCHEMA_EXPECTATIONS = (
    "expect_column_to_exist", "expect_column_type_to_be", "expect_table_column_count_to_be_between",
    "expect_table_column_count_to_equal", "expect_table_columns_to_match_ordered_list",
    "expect_table_columns_to_match_set",
)  # fmt: skip
# Table expectations that read only the number of rows: GX gets a frame without columns.
ROW_COUNT_EXPECTATIONS = ("expect_table_row_count_to_be_between", "expect_table_row_count_to_equal")

# Arguments every type accepts in a suite and passes to GX unchanged.
PASS_THROUGH_ARGUMENTS = {
    "meta": {"required": False, "types": ["object"], "description": "Free-form metadata, carried to GX."},
    "notes": {
        "required": False,
        "types": ["string", "array"],
        "items": ["string"],
        "description": "Notes for readers.",
    },
    "description": {"required": False, "types": ["string"], "description": "A short description of the expectation."},
}
# GX arguments a suite may not set, and why.
FORBIDDEN_ARGUMENTS = {
    "result_format": "stewardgate sets the result format itself",
    "catch_exceptions": "stewardgate always turns an expectation that GX cannot compute into an errored result",
    "include_config": "stewardgate always keeps the configuration",
    "row_condition": "a pandas row_condition is a Python expression run by DataFrame.query, and suites hold no code",
    "condition_parser": "row conditions are not supported (suites hold no code)",
    "windows": "GX Cloud windows are not supported",
    "id": "the check id is derived from the dataset, the column and the type",
    "batch_id": "the batch is chosen by stewardgate",
    "rendered_content": "rendering is GX Cloud's",
}
_DISTRIBUTION = "a distribution test; expect_column_kl_divergence_to_be_less_than or a drift rule (docs/drift.md) compares distributions"
_FILE = "a file expectation of GX's 0.x dataset API; stewardgate checks files' contents, not the files"
# GX 0.x expectation types that GX 1.0 removed, and what to use instead.
REMOVED_IN_GX1 = {
    "expect_column_bootstrapped_ks_test_p_value_to_be_greater_than": _DISTRIBUTION,
    "expect_column_chisquare_test_p_value_to_be_greater_than": _DISTRIBUTION,
    "expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than": _DISTRIBUTION,
    "expect_column_pair_cramers_phi_value_to_be_less_than": "Cramér's phi between two columns has no replacement",
    "expect_file_line_regex_match_count_to_be_between": _FILE,
    "expect_file_line_regex_match_count_to_equal": _FILE,
    "expect_file_hash_to_equal": _FILE,
    "expect_file_size_to_be_between": _FILE,
    "expect_file_to_exist": _FILE,
    "expect_file_to_have_valid_table_header": _FILE,
    "expect_file_to_be_valid_json": _FILE,
}
SEVERITY_ARGUMENT = {
    "required": False, "types": ["string"], "enum": ["info", "warn", "error"], "default": "error",
    "description": "stewardgate's severity of a failure (not passed to GX).",
}  # fmt: skip
ENGINE_ARGUMENT = {
    "required": False, "types": ["string"], "enum": ["auto", "gx"], "default": "auto",
    "description": "stewardgate's engine for this entry: auto (compiled polars where an "
    "equivalent exists, verified against GX) or gx (not passed to GX).",
}  # fmt: skip
OWN_ARGUMENTS = {"severity": SEVERITY_ARGUMENT, "engine": ENGINE_ARGUMENT}


@dataclass(frozen=True)
class Argument:
    """One argument of an expectation type."""

    name: str
    required: bool
    types: tuple[str, ...]
    enum: tuple[Any, ...] = ()
    items: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    min_items: int | None = None
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class ExpectationType:
    """One supported expectation type, as GX defines it."""

    name: str
    gx_class: str
    domain: str
    kind: str
    summary: str
    arguments: dict[str, Argument]
    at_least_one_of: tuple[tuple[str, ...], ...] = ()

    def allowed(self) -> list[str]:
        """Every key an entry of this type may hold, in the order the docs list them."""
        return [*self.arguments, *OWN_ARGUMENTS, *PASS_THROUGH_ARGUMENTS]


@cache
def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return data


def _argument(name: str, raw: dict[str, Any]) -> Argument:
    return Argument(
        name=name, required=bool(raw.get("required")), types=tuple(raw.get("types", ())),
        enum=tuple(raw.get("enum", ())), items=tuple(raw.get("items", ())),
        minimum=raw.get("minimum"), maximum=raw.get("maximum"), min_items=raw.get("minItems"),
        default=raw.get("default"), description=raw.get("description", ""),
    )  # fmt: skip


@cache
def catalogue() -> dict[str, ExpectationType]:
    """Every supported expectation type by name."""
    out = {}
    for name, raw in _raw()["expectations"].items():
        out[name] = ExpectationType(
            name=name, gx_class=raw["class"], domain=raw["domain"], kind=raw["kind"],
            summary=raw["summary"],
            arguments={a: _argument(a, r) for a, r in raw["arguments"].items()},
            at_least_one_of=tuple(tuple(g) for g in raw.get("at_least_one_of", ())),
        )  # fmt: skip
    return out


def unsupported() -> dict[str, str]:
    """GX expectation types stewardgate cannot run, with the reason."""
    data: dict[str, str] = _raw()["unsupported"]
    return data


def generated_from() -> str:
    """Which GX release the catalogue was generated from, e.g. ``great_expectations 1.24.1``."""
    return str(_raw()["generated_from"])


def lookup(name: str) -> ExpectationType | None:
    """The expectation type ``name``, or None."""
    return catalogue().get(name)


def pass_through_argument(name: str) -> Argument | None:
    raw = PASS_THROUGH_ARGUMENTS.get(name) or OWN_ARGUMENTS.get(name)
    return _argument(name, raw) if raw is not None else None
