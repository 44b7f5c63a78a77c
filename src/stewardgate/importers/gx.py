"""``stewardgate import gx``: a Great Expectations suite (JSON, 1.x or 0.x) as a stewardgate suite.

1.x suites name themselves ``name`` and their entries ``type``; 0.x suites use
``expectation_suite_name``, ``expectation_type`` and ``evaluation_parameters``. Both convert:
what has a native equivalent with the same meaning becomes a ``columns:`` rule, the rest stays an
expectation (validated against the catalogue, so it runs). GX's severities ``critical``,
``warning`` and ``info`` become ``error``, ``warn`` and ``info``. Execution options
(``result_format``, ``include_config``, ``catch_exceptions``) are dropped: stewardgate sets them.
Whatever cannot be converted is a finding with its reason, and the import is incomplete.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from stewardgate.errors import InputError
from stewardgate.expectations.catalogue import FORBIDDEN_ARGUMENTS
from stewardgate.importers import Finding, ImportedSuite, ImportResult
from stewardgate.importers.native import SuiteBuilder
from stewardgate.importers.render import render_suite

SEVERITIES = {"critical": "error", "warning": "warn", "info": "info"}
PLACEHOLDER_OWNER = "TODO-owner"
PLACEHOLDER_STEWARD = "TODO-steward"
# Types GX renamed in 1.0 (0.x name -> 1.x name).
RENAMED = {
    "expect_multicolumn_values_to_be_unique": "expect_select_column_values_to_be_unique_within_record",
    "expect_column_pair_values_A_to_be_greater_than_B": "expect_column_pair_values_a_to_be_greater_than_b",
}
_EXECUTION_OPTIONS = frozenset({"result_format", "include_config", "catch_exceptions", "output_strftime_format"})
_REMOVED_FLAGS = {
    "parse_strings_as_datetimes": "removed in GX 1.0: values are no longer parsed as datetimes, so the meaning would change",
    "allow_cross_type_comparisons": "removed in GX 1.0: values of different types can no longer be compared",
}
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
# What pandas.read_csv reads as null by default (pandas 2.3, ``keep_default_na``), quoted or not:
# GX's pandas data source reads CSV files with it.
PANDAS_NULL_VALUES = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                      "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")  # fmt: skip


def import_gx(
    path: Path, *, dataset_path: str, name: str | None = None, owner: str | None = None, steward: str | None = None
) -> ImportResult:
    """Read a GX suite JSON file and convert it (raises InputError if it is not one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read file: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON file: {exc}") from exc
    return convert_gx(data, source=str(path), dataset_path=dataset_path, name=name, owner=owner, steward=steward)


def convert_gx(
    data: Any, *, source: str, dataset_path: str, name: str | None = None, owner: str | None = None,
    steward: str | None = None,
) -> ImportResult:  # fmt: skip
    """Convert a GX suite (already parsed JSON) into one stewardgate suite."""
    if not isinstance(data, dict) or not ({"name", "expectation_suite_name"} & set(data)):
        raise InputError(f"{source}: not a Great Expectations suite (no 'name' or 'expectation_suite_name')")
    entries = data.get("expectations", [])
    if not isinstance(entries, list):
        raise InputError(f"{source}: 'expectations' must be a list")
    parameters = {**(data.get("evaluation_parameters") or {}), **(data.get("suite_parameters") or {})}
    builder, findings = SuiteBuilder(), []
    for i, entry in enumerate(entries):
        found = convert_entry(i, entry, parameters, builder)
        findings.extend(found)
        if not any(f.lost for f in found):
            builder.converted.append(f"expectations[{i}] {_kind(entry)}")
    dataset_name = name or dataset_name_of(str(data.get("name") or data.get("expectation_suite_name")))
    stewardship = {"owner": owner or PLACEHOLDER_OWNER, "steward": steward or PLACEHOLDER_STEWARD}
    if not owner or not steward:
        findings.append(
            Finding(
                "stewardship",
                "a GX suite names no owner or steward; placeholders were written (--owner, --steward)",
                lost=False,
            )
        )
    suite = builder.suite(_dataset(dataset_name, dataset_path, findings), stewardship)
    text = render_suite(suite, source=Path(source).name, tool="gx", findings=findings)
    suites = (ImportedSuite(f"{dataset_name}.yml", text, suite),)
    return ImportResult(source=source, suites=suites, findings=tuple(findings), converted=tuple(builder.converted))


def _dataset(name: str, path: str, findings: list[Finding]) -> dict[str, Any]:
    """The dataset section; a CSV is read as GX's pandas source reads it (pandas' null markers)."""
    from stewardgate.datasets.resolve import FORMATS_BY_SUFFIX

    dataset: dict[str, Any] = {"name": name, "path": path}
    if FORMATS_BY_SUFFIX.get(Path(path).suffix.lower()) == "csv":
        dataset["csv"] = {"null_values": list(PANDAS_NULL_VALUES)}
        findings.append(Finding("dataset.csv", "null_values are pandas' default null markers (NA, NULL, N/A, \"\"...), "
                                "so the CSV reads as GX read it with pandas; remove any that are real values", lost=False))  # fmt: skip
    return dataset


def dataset_name_of(text: str) -> str:
    """A valid dataset name from a suite name (``orders.warning`` stays, spaces become ``_``)."""
    cleaned = _NAME_CHARS.sub("_", text).strip("_.-")
    return cleaned or "imported"


def convert_entry(i: int, entry: Any, parameters: dict[str, Any], builder: SuiteBuilder) -> list[Finding]:
    """One GX expectation entry into ``builder``; findings say what could not be converted."""
    if not isinstance(entry, dict):
        return [Finding(f"expectations[{i}]", f"not an expectation object: {entry!r}")]
    kind = _kind(entry)
    where = f"expectations[{i}] {kind}"
    kind = "" if kind == "?" else kind
    findings: list[Finding] = []
    if kind in RENAMED:
        findings.append(Finding(where, f"renamed to {RENAMED[kind]} (GX 1.0)", lost=False))
        kind = RENAMED[kind]
    args, problems = _arguments(entry, parameters, findings, where)
    if problems:
        return [*findings, Finding(where, "; ".join(problems))]
    severity = SEVERITIES.get(str(entry.get("severity") or "critical").lower())
    if severity is None:
        return [*findings, Finding(where, f"unknown GX severity {entry.get('severity')!r} (critical, warning, info)")]
    errors = builder.add(kind, args, severity)
    if errors:
        return [*findings, Finding(where, "; ".join(errors))]
    return findings


def _kind(entry: Any) -> str:
    return str(entry.get("type") or entry.get("expectation_type") or "?") if isinstance(entry, dict) else "?"


def _arguments(
    entry: dict[str, Any], parameters: dict[str, Any], findings: list[Finding], where: str
) -> tuple[dict[str, Any], list[str]]:
    raw = entry.get("kwargs") or {}
    if not isinstance(raw, dict):
        return {}, [f"kwargs must be an object, got {raw!r}"]
    args: dict[str, Any] = {}
    problems = []
    for key, value in raw.items():
        if key in _EXECUTION_OPTIONS:
            continue
        if key in _REMOVED_FLAGS:
            if value:
                problems.append(f"{key}: {_REMOVED_FLAGS[key]}")
            continue
        if key in FORBIDDEN_ARGUMENTS:
            problems.append(f"{key}: {FORBIDDEN_ARGUMENTS[key]}")
            continue
        resolved, problem = _parameter(key, value, parameters, findings, where)
        if problem:
            problems.append(problem)
        else:
            args[key] = resolved
    for key in ("meta", "notes", "description"):
        if entry.get(key):
            args[key] = entry[key]
    if entry.get("row_condition") or entry.get("windows"):
        key = "row_condition" if entry.get("row_condition") else "windows"
        problems.append(f"{key}: {FORBIDDEN_ARGUMENTS[key]}")
    return args, problems


def _parameter(
    key: str, value: Any, parameters: dict[str, Any], findings: list[Finding], where: str
) -> tuple[Any, str | None]:
    """A ``{"$PARAMETER": name}`` value resolved from the suite's own parameters, if it can be."""
    if not (isinstance(value, dict) and "$PARAMETER" in value):
        return value, None
    ref = str(value["$PARAMETER"])
    if ref in parameters:
        findings.append(
            Finding(
                where,
                f"{key}: suite parameter '{ref}' fixed to its value in the suite, {parameters[ref]!r}",
                lost=False,
            )
        )
        return parameters[ref], None
    return None, f"{key}: takes its value from the run-time parameter '{ref}', which a suite cannot supply"
