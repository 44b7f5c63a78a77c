"""Every stewardgate command the README shows runs as shown, in one copy of the repository.

The commands are read from the README itself: every line of its ``sh`` and ``console`` blocks
and every inline code span that starts with ``stewardgate`` (the command table, which shows
syntax, is left out, and so is a synopsis with an upper-case placeholder such as ``SUITE`` or
``PATH``). :data:`EXPECTED` lists them in the order they run, each with its exit code; a README
command that is not listed fails the test, so a new one comes with its expected outcome.
They run in a copy of the committed files with the as-of date pinned (``tests/conftest.py``),
in this order because some read what an earlier one wrote (the backfill's history, a run's
record, a stamp).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]+\b(?:\.\w+)?")

EXPECTED: dict[str, int] = {
    "stewardgate --version": 0,
    "stewardgate --help": 0,
    "stewardgate run suites/ --as-of 2026-11-27": 0,
    "stewardgate run examples/failing/orders.yml --quiet": 1,
    "stewardgate run examples/failing/": 1,
    "stewardgate validate examples/broken/orders.yml": 2,
    "stewardgate checks": 0,
    "stewardgate checks min": 0,
    "stewardgate schema -o suites/stewardgate-suite.schema.json": 0,
    "stewardgate backfill examples/nightly/ --from 2026-09-01 --to 2026-10-21": 1,  # the outage night fails
    "stewardgate run examples/nightly/ --as-of 2026-10-22": 1,  # the e-mail null spike
    "stewardgate history orders_daily --metric null_fraction --column email": 0,
    "stewardgate backtest examples/nightly/orders_daily.yml --from 2026-09-01 --to 2026-10-22": 0,
    "stewardgate runs orders_daily": 0,
    'stewardgate baseline accept orders --reason "first release"': 0,
    "stewardgate baseline export orders -o suites/orders.baseline.json": 0,
    "stewardgate diff sample_data/orders.parquet sample_data/bad/orders.parquet": 0,
    "stewardgate breaking examples/failing/orders.yml suites/orders.yml": 0,
    "stewardgate run suites/ --json run.json": 0,
    "stewardgate report --from-json run.json --html report.html": 0,
    "stewardgate report --dataset orders --html report.html": 0,
    "stewardgate stamp suites/orders.yml": 0,
    "stewardgate inspect sample_data/orders.parquet": 0,
    "stewardgate catalog --classification restricted --format csv": 0,
    "stewardgate audit verify": 0,
    "stewardgate store prune --keep 400d": 0,  # a dry run: it says what it would delete
    "stewardgate trust-sheet orders --html trust.html": 0,
    "stewardgate run suites/ --engine spark --spark-master 'local[*]'": 0,
    "stewardgate init sample_data/orders.parquet -o suites/new_orders.yml": 0,
}


def readme_commands() -> set[str]:
    """The stewardgate commands the README shows (``.venv/bin/`` and trailing comments dropped)."""
    found: list[str] = []
    for line in README.splitlines():
        if not line.startswith("|"):
            found += re.findall(r"`((?:\.venv/bin/)?stewardgate [^`]+)`", line)
    for block in re.findall(r"```(?:sh|console)\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ")
            match = re.search(r"(?:^|&& )((?:\.venv/bin/)?stewardgate .*)", line)
            if match:
                found.append(match.group(1))
    cleaned = {re.sub(r"\s+#.*$", "", c).removeprefix(".venv/bin/").strip() for c in found}
    return {c for c in cleaned if not _PLACEHOLDER.search(c.removeprefix("stewardgate "))}


def test_every_readme_command_is_listed_with_its_outcome() -> None:
    assert readme_commands() == set(EXPECTED)


@pytest.mark.subprocess
def test_every_readme_command_runs_as_shown(cli: Callable[..., Any], tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    outcomes = {}
    for command, _ in EXPECTED.items():
        code, out, err = cli(*shlex.split(command)[1:], cwd=copy, timeout=600)
        assert "Traceback" not in err, (command, err)
        outcomes[command] = code
    assert outcomes == EXPECTED
    assert "gate: PASSED (3 of 3 datasets passed, exit 0)" in cli("run", "suites/orders.yml", "suites/customers.yml",
                                                                 "suites/events.yml", cwd=copy).stdout  # fmt: skip
