"""The lint and type tools: .ci/run and the repository's pre-commit config run the same ones.

A tool added to one and not the other would let a commit that pre-commit passes fail CI (or the
reverse), so the two lists are compared by the tool each command names (``ruff check``,
``ruff format``, ``mypy``, ``lint-imports``), not by their flags: pre-commit's ruff-format
rewrites the files it is given while CI's only checks them.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from pre_commit.clientlib import load_config
from ruamel.yaml import YAML

REPO = Path(__file__).parent.parent
CI = REPO / ".ci" / "run"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"


def tool_of(command: str) -> str:
    """The tool a command line names: the program's file name and its sub-commands, up to the first flag or path."""
    program, *rest = shlex.split(command)
    words = [Path(program).name]
    for word in rest:
        if word.startswith("-") or word == "." or "/" in word:
            break
        words.append(word)
    return " ".join(words)


def ci_tools() -> list[str]:
    """The tools of .ci/run's lint step (each `lint_step COMMAND` line)."""
    return [tool_of(m.group(1)) for m in re.finditer(r"^lint_step (.+)$", CI.read_text(encoding="utf-8"), re.M)]


def pre_commit_tools() -> list[str]:
    """The tools of the repository's own pre-commit hooks (the config is validated as pre-commit loads it)."""
    config = load_config(str(PRE_COMMIT))
    return [tool_of(hook["entry"]) for repo in config["repos"] for hook in repo["hooks"]]


def test_tool_of_keeps_sub_commands_and_drops_flags_and_paths() -> None:
    assert tool_of(".venv/bin/ruff format --check .") == "ruff format"
    assert tool_of("ruff check --force-exclude") == "ruff check"
    assert tool_of(".venv/bin/mypy") == "mypy"
    assert tool_of("mypy src/stewardgate") == "mypy"


def test_ci_and_pre_commit_run_the_same_tools() -> None:
    assert ci_tools() == ["ruff check", "ruff format", "mypy", "lint-imports"]
    assert sorted(pre_commit_tools()) == sorted(ci_tools())


def test_the_pre_commit_hooks_download_nothing() -> None:
    """Local hooks on the installed tools: a hook repository or a `language: python` env would be fetched.

    Read as written: pre-commit 4.4+ loads ``system`` under its new name ``unsupported``.
    """
    config = YAML(typ="safe").load(PRE_COMMIT.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    assert {hook["language"] for repo in config["repos"] for hook in repo["hooks"]} == {"system"}


def test_the_lint_step_comes_after_the_test_command() -> None:
    text = CI.read_text(encoding="utf-8")
    assert text.index(".venv/bin/python -m pytest\n") < text.index("lint_step .venv/bin/ruff check")
