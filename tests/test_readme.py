"""The README's promises: its two quickstart commands work, and what it shows is what happens."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SNAPSHOT = "2026-11-27"  # the day sample_data/ was taken (sample_data/generate.py)
# Runs the CLI with the clock (the run's default as-of date) set to argv[1].
_AT_CLOCK = (
    "import sys, datetime as d; import stewardgate.runner as r; "
    "now = d.datetime.fromisoformat(sys.argv.pop(1)).replace(tzinfo=d.UTC); r._now = lambda: now; "
    "from stewardgate.cli import main; sys.argv[0] = 'stewardgate'; main()"
)


def _env(**extra: str) -> dict[str, str]:
    """A bare environment (this interpreter's PYTHONPATH kept, so the code under test is imported)."""
    keep = {k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ}
    return {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **keep, **extra}


def _quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_quickstart_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    run_cmd, test_cmd = _quickstart_commands()
    assert "stewardgate run suites/" in run_cmd
    assert "pytest" in test_cmd
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_cmd in ci, ".ci/run must run the README's test command, unchanged"


@pytest.mark.subprocess
@pytest.mark.parametrize("clock", [SNAPSHOT, "2027-01-08", "2027-07-01", "2036-12-31"])
def test_the_quickstart_run_passes_whatever_the_clock_says(clock: str) -> None:
    """The sample data does not move with time: the quickstart judges it on the day it was taken."""
    run_cmd = _quickstart_commands()[0]
    args = run_cmd.split(".venv/bin/stewardgate ", 1)[1].split()
    done = subprocess.run(
        [sys.executable, "-c", _AT_CLOCK, clock, *args], cwd=ROOT, capture_output=True, text=True,
        env=_env(), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.endswith("gate: PASSED (3 of 3 datasets passed, exit 0)\n")


@pytest.mark.subprocess
def test_the_failing_gate_transcript_is_what_the_command_prints() -> None:
    block = re.search(r"```console\n\$ \.venv/bin/(stewardgate [^\n]+)\n(.*?)\$ echo \$\?\n(\d+)\n```", README, re.S)
    assert block, "the README shows a failing-gate transcript"
    args = block.group(1).split()[1:]
    done = subprocess.run(
        [sys.executable, "-m", "stewardgate", *args], cwd=ROOT, capture_output=True, text=True,
        env=_env(STEWARDGATE_AS_OF=SNAPSHOT),
    )  # fmt: skip
    assert done.stdout == block.group(2)
    assert done.returncode == int(block.group(3)) == 1


@pytest.mark.subprocess
@pytest.mark.slow
def test_the_first_quickstart_command_works_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    """Run the README's first command, as written, in a clean copy of the repository."""
    copy = tmp_path / "repo"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    run_cmd = _quickstart_commands()[0]
    assert venv  # the standard library's venv is what `python3 -m venv` runs
    done = subprocess.run(
        ["bash", "-c", run_cmd.replace("python3 ", f"{sys.executable} ", 1)],
        cwd=copy, capture_output=True, text=True, timeout=900,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(Path.home())},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "gate: PASSED (3 of 3 datasets passed, exit 0)" in done.stdout
    assert (copy / ".venv" / "lib").glob("*/site-packages/stewardgate-*.dist-info") is not None


@pytest.mark.subprocess
def test_the_validation_error_transcript_is_what_the_command_prints() -> None:
    block = re.search(r"```console\n\$ (stewardgate validate [^\n]+)\n(.*?)```", README, re.S)
    assert block, "the README shows a validation-error transcript"
    done = subprocess.run(
        [sys.executable, "-m", "stewardgate", *block.group(1).split()[1:]], cwd=ROOT, capture_output=True, text=True,
        env=_env(),
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (2, "", block.group(2))
