"""GX's own per-expectation test cases (``gx-test-definitions/`` of the corpora) as parity cases.

``cases_for(folder, type)`` yields one :class:`DefinitionSet` per dataset of the type's JSON file: the
data and the cases that apply to pandas. Case arguments lose ``result_format`` and
``catch_exceptions`` (they change the shape of GX's answer, not the verdict); cases with a row
condition are left out (suites hold no code). GX 1.24.1's own answer is the reference, not the
file's ``out`` (see the README of the definitions). Reusable by any engine that claims to
evaluate an expectation: run the same data through it and through GX, compare.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DROPPED = ("result_format", "catch_exceptions")
_UNSUPPORTED = ("row_condition", "condition_parser")


@dataclass(frozen=True)
class DefinitionCase:
    title: str
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class DefinitionSet:
    expectation_type: str
    dataset: str
    data: dict[str, list[Any]]
    cases: tuple[DefinitionCase, ...]


def definition_files(folder: Path) -> dict[str, Path]:
    """Expectation type -> its definitions file under ``folder`` (the first one, when a type has several)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*/*.json")):
        kind = json.loads(path.read_text(encoding="utf-8")).get("expectation_type")
        if kind and path.stem == kind:
            found.setdefault(kind, path)
    return found


def cases_for(folder: Path, expectation_type: str) -> Iterator[DefinitionSet]:
    """The datasets and pandas cases of one expectation type."""
    data = json.loads(definition_files(folder)[expectation_type].read_text(encoding="utf-8"))
    for ds in data["datasets"]:
        if "pandas" in (ds.get("suppress_test_for") or []):
            continue
        cases = []
        for t in ds["tests"]:
            if t.get("only_for") and "pandas" not in t["only_for"]:
                continue
            if "pandas" in (t.get("suppress_test_for") or []) or any(k in t["in"] for k in _UNSUPPORTED):
                continue
            cases.append(DefinitionCase(t["title"], {k: v for k, v in t["in"].items() if k not in _DROPPED}))
        if cases:
            yield DefinitionSet(expectation_type, ds.get("dataset_name", "?"), ds["data"], tuple(cases))
