"""Presence, type and extra-column checks are decided from the schema (``contract.FROM_SCHEMA``);
pandera remains able to decide them. Parity: every shared YAML case that holds such a check
gives the same figures with those checks sent through pandera as with the schema look-up
(``tests/test_cases.py`` runs the look-up on every case; here the same cases run through
pandera), and a run whose contract needs nothing else does not import pandera."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.engines import contract
from tests.test_cases import check_case, load_cases

SCHEMA_LEVEL = [c for c in load_cases() if str(c.id).split(":")[0] in ("required", "type", "extra_columns")]


@pytest.mark.parametrize("engine", ["auto", "pandera"])
@pytest.mark.parametrize("case", SCHEMA_LEVEL)
def test_pandera_decides_the_schema_checks_as_the_schema_look_up_does(
    case: dict[str, Any], engine: str, make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    monkeypatch.setattr(contract, "FROM_SCHEMA", ())
    check_case(case, make_suite, top={"engine": engine})


def test_a_run_with_only_schema_checks_does_not_import_pandera(tmp_path: Path, make_suite: Callable[..., Path]) -> None:
    import polars as pl

    suite = make_suite(
        data=pl.DataFrame({"a": [1, None], "b": ["x", "y"]}),
        columns={"a": {"type": "integer", "nullable": False}, "b": {"in_set": ["x"]}},
        schema={"extra_columns": "error"},
    )  # fmt: skip
    code = (
        "import sys\nfrom datetime import date\nfrom pathlib import Path\nfrom stewardgate.runner import RunOptions, run_paths\n"
        f"run = run_paths([Path({str(suite)!r})], RunOptions(use_store=False, as_of=date(2026, 11, 27)))\n"
        "print(sorted((r.check_id, r.status.value) for r in run.datasets[0].results))\n"
        "print('pandera' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    results, imported = proc.stdout.strip().splitlines()[-2:]
    assert "('t.columns.a.nullable', 'failed')" in results and "('t.columns.a.type', 'passed')" in results
    assert imported == "False"
