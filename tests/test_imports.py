"""Start fast (DESIGN.md principle 6): help, suite validation, the schema and the check listing
never import Great Expectations, pandera or pandas. Each command runs in a fresh interpreter,
which then reports the forbidden modules it holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

FORBIDDEN = ("great_expectations", "pandera", "pandas", "openlineage")

CHILD = """
import contextlib, io, json, sys
from stewardgate.cli import cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = cli.main({args!r}, prog_name="stewardgate", standalone_mode=False)
forbidden = sorted({{m.split(".")[0] for m in sys.modules}} & set({forbidden!r}))
print(json.dumps({{"code": code, "forbidden": forbidden, "output": out.getvalue()}}))
"""


def _imports_of(args: list[str], cwd: Path) -> dict[str, object]:
    code = CHILD.format(args=args, forbidden=FORBIDDEN)
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "args",
    [["--help"], ["validate", "suites/"], ["validate", "examples/failing/"], ["schema"], ["checks"], ["checks", "min"]],
    ids=" ".join,
)
def test_command_imports_no_engine_library(args: list[str], repo: Path) -> None:
    result = _imports_of(args, repo)
    assert result["forbidden"] == []
    assert result["code"] in (0, None)  # click returns None for --help in non-standalone mode
    assert result["output"]  # the command really ran


def test_importing_the_package_imports_no_engine_library(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, stewardgate, stewardgate.cli, stewardgate.results, stewardgate.errors;"
         f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"],
        cwd=repo, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, "[]\n"), proc.stderr


def test_the_probe_sees_a_forbidden_import(repo: Path) -> None:
    """The check above can fail: a run does import pandera's world when the plan needs it."""
    result = _imports_of(["run", "examples/failing/customers.yml", "--exit-zero", "-q"], repo)
    assert result["code"] == 0
    assert "pandera" in result["forbidden"]


def test_help_loads_no_settings_model_or_store(repo: Path) -> None:
    """``--help`` stays a click-only start: the settings (pydantic), the notifiers and the store
    (SQLAlchemy) load when a command needs them, not to print the list of commands."""
    code = CHILD.format(args=["--help"], forbidden=("pydantic", "sqlalchemy", "smtplib"))
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1])["forbidden"] == []
