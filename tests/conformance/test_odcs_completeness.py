"""Every constraint of every ODCS example contract is either converted or listed by ``import odcs``:
none is dropped silently, and none was caught only by the importer's safety net."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgate.importers.odcs import UNMAPPED, import_odcs, load_contract
from stewardgate.importers.odcs_inventory import constraints

pytestmark = pytest.mark.conformance


def test_the_odcs_examples_are_there(corpora: Path) -> None:
    assert sorted((corpora / "odcs-examples").glob("*.yaml")), f"no ODCS examples in {corpora / 'odcs-examples'}"


def test_no_constraint_of_an_odcs_example_is_dropped_silently(corpora: Path) -> None:
    dropped = {}
    for path in sorted((corpora / "odcs-examples").glob("*.yaml")):
        result = import_odcs(path)
        listed = {f.where for f in result.findings}
        silent = [c for c in constraints(load_contract(path)) if c not in result.converted and c not in listed]
        silent += [f"{f.where} (safety net)" for f in result.findings if f.message == UNMAPPED]
        if silent:
            dropped[path.name] = silent
    assert dropped == {}
