"""The quick lane's markers: registered, added by fixture, and the command the docs show names them all."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parent.parent
LANE = ("slow", "spark", "browser", "subprocess", "postgres")


def registered() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {line.split(":", 1)[0] for line in config["tool"]["pytest"]["ini_options"]["markers"]}


def quick_commands(text: str) -> list[str]:
    return re.findall(r'\.venv/bin/python -m pytest -m "([^"]+)"', text)


def test_the_lane_markers_are_registered() -> None:
    assert {*LANE, "mariadb", "s3", "conformance"} <= registered()


def test_the_readme_and_the_testing_doc_show_one_quick_command_that_leaves_out_the_lane() -> None:
    readme = quick_commands((REPO / "README.md").read_text(encoding="utf-8"))
    testing = quick_commands((REPO / "docs" / "testing.md").read_text(encoding="utf-8"))
    assert readme == testing == [" and ".join(f"not {m}" for m in LANE)]


def test_a_test_using_the_process_runner_is_marked_subprocess(
    cli_process: Callable[..., Any], request: pytest.FixtureRequest
) -> None:
    assert request.node.get_closest_marker("subprocess") is not None


def test_a_test_using_the_in_process_runner_is_not(cli: Callable[..., Any], request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("subprocess") is None
    code, stdout, _ = cli("--help")
    assert code == 0 and stdout.startswith("Usage: stewardgate")
