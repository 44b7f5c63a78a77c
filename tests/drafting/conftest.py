"""Helpers of the drafting tests: drafted suites read back with their comments, filled in."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.drafting.init import OWNER_PLACEHOLDER, STEWARD_PLACEHOLDER


def fill_in(text: str) -> str:
    """A drafted suite with owner and steward filled in, as a steward would."""
    return text.replace(f"'{OWNER_PLACEHOLDER}'", "owner@example.com").replace(
        f"'{STEWARD_PLACEHOLDER}'", "'@data-stewards'"
    )


def read_yaml(text: str) -> Any:
    """The YAML as ruamel round-trip data (comments kept)."""
    from ruamel.yaml import YAML

    return YAML(typ="rt").load(io.StringIO(text))


def comment_of(mapping: Any, key: str) -> str:
    """The end-of-line comment after ``key`` in a round-trip mapping, without '#'."""
    tokens = mapping.ca.items.get(key)
    assert tokens is not None and tokens[2] is not None, f"no comment after {key}"
    return str(tokens[2].value).strip().lstrip("#").strip()


@pytest.fixture(scope="session")
def filled() -> Callable[[str], str]:
    return fill_in


@pytest.fixture(scope="session")
def yaml_of() -> Callable[[str], Any]:
    return read_yaml


@pytest.fixture(scope="session")
def comment() -> Callable[[Any, str], str]:
    return comment_of


@pytest.fixture(scope="session")
def sample_data() -> Path:
    return Path(__file__).parent.parent.parent / "sample_data"
