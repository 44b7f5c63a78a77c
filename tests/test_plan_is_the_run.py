"""``stewardgate plan`` shows what ``run`` runs: the same planner, the same settings, the same
reader's rewrite (issue 19). The Spark reader's case is in tests/spark/test_spark_runs.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from stewardgate.planning import plan_suite
from stewardgate.readers import reader_for
from stewardgate.runner import RunOptions, run_suite
from stewardgate.settings import GovernanceSettings
from stewardgate.suite.loader import load_suite

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 27)
SUITES = sorted([*REPO.glob("suites/*.yml"), *REPO.glob("examples/failing/*.yml")])


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """suites/, examples/ and sample_data/ copied (runs may write beside them)."""
    root = tmp_path_factory.mktemp("repo")
    for folder in ("suites", "examples", "sample_data"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.mark.parametrize("suite", [s.relative_to(REPO).as_posix() for s in SUITES])
@pytest.mark.parametrize("by_default", [False, True], ids=["settings-default", "run_by_default"])
def test_every_planned_check_is_a_result_and_every_result_was_planned(
    copy: Path, suite: str, by_default: bool, plan_is_the_run: Callable[..., None]
) -> None:  # fmt: skip
    loaded = load_suite(copy / suite)
    governance = GovernanceSettings(run_by_default=by_default)
    planned = plan_suite(loaded, governance, reader_for(loaded, "polars"))
    run = run_suite(loaded, RunOptions(as_of=AS_OF, governance=governance))
    assert run.error is None
    plan_is_the_run(planned, run.results)
    if by_default:
        assert {"completeness", "personal_data", "classification"} <= {p.check for p in planned}


def test_the_plan_command_reads_the_run_settings(
    cli: Callable[..., Any], copy: Path, tmp_path: Path, plan_is_the_run: Callable[..., None]
) -> None:  # fmt: skip
    """With ``run_by_default = true`` in pyproject.toml, plan lists the governance checks run fails on."""
    work = tmp_path / "work"
    shutil.copytree(copy, work)
    (work / "pyproject.toml").write_text("[tool.stewardgate.governance]\nrun_by_default = true\n")
    env = {"STEWARDGATE_AS_OF": "2026-11-27"}
    code, stdout, stderr = cli("plan", "suites/orders.yml", cwd=work, env=env)
    assert (code, stderr) == (0, "")
    planned_ids = [line.split()[0] for line in stdout.splitlines()[1:]]
    assert "orders.governance.completeness" in planned_ids
    code, _, _ = cli("run", "suites/orders.yml", "--no-history", "--json", "out.json", cwd=work, env=env)
    results = json.loads((work / "out.json").read_text())["datasets"][0]["results"]
    loaded = load_suite(work / "suites" / "orders.yml")
    planned = plan_suite(loaded, GovernanceSettings(run_by_default=True))
    assert [p.check_id for p in planned] == planned_ids
    plan_is_the_run(planned, [_Result(r["check_id"], r["engine"]) for r in results])


class _Result:
    def __init__(self, check_id: str, engine: str) -> None:
        self.check_id, self.engine = check_id, engine


def test_the_compiled_expectations_table_is_what_the_polars_engine_compiles() -> None:
    """Planning reads which expectations compile from a table; the engine implements exactly it."""
    from stewardgate.engines import compiled_gx as c
    from stewardgate.planning.expectations import COMPILED

    assert {*c.MAP_MASKS, c.UNIQUE, *c.NULL_MAPS, *c.AGGREGATES, *c.TABLE} == COMPILED


def test_every_reader_is_registered_under_its_own_name() -> None:
    from stewardgate.readers import READERS

    assert sorted(READERS) == ["polars", "spark", "sql"]
    assert all(reader.name == name for name, reader in READERS.items())


def test_the_layer_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    """[tool.importlinter] in pyproject.toml: no import runs up the layers (docs/architecture.md)."""
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_waiver_reports_are_planned(copy: Path, tmp_path: Path, plan_is_the_run: Callable[..., None]) -> None:
    """An expired and an expiring waiver report (``<dataset>.waivers.<i>``); plan lists each
    waiver's report, and one far from its date is planned without reporting (``when``)."""
    work = tmp_path / "work"
    shutil.copytree(copy, work)
    suite = work / "suites" / "orders.yml"
    waivers = [
        ("columns.amount.min", "2026-11-01"),  # expired before AS_OF: warned
        ("columns.amount.max", "2026-12-01"),  # within the default warn days: info
        ("columns.email.required", "2027-06-30"),  # far off: no report
    ]
    block = "".join(
        f'  - {{check: "{c}", reason: "CRM migration", approved_by: jane@example.com, expires: {e}}}\n'
        for c, e in waivers
    )
    suite.write_text(suite.read_text(encoding="utf-8") + "waivers:\n" + block, encoding="utf-8")
    loaded = load_suite(suite)
    planned = plan_suite(loaded, GovernanceSettings(), reader_for(loaded, "polars"))
    assert [p.check_id for p in planned if p.section == "waivers"] == [f"orders.waivers.{i}" for i in range(3)]
    assert {p.when for p in planned if p.section == "waivers"} == {"expiry"}
    run = run_suite(loaded, RunOptions(as_of=AS_OF))
    assert run.error is None
    reported = {r.check_id: r.check for r in run.results if r.check_id.startswith("orders.waivers.")}
    assert reported == {"orders.waivers.0": "expired_waiver", "orders.waivers.1": "expiring_waiver"}
    plan_is_the_run(planned, run.results)
