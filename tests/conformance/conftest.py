"""Conformance tests: stewardgate against corpora of other projects, which this repository does not hold.

The corpora folder holds ``gx-test-definitions/`` (Great Expectations' own per-expectation test
cases) and ``odcs-examples/`` (the official ODCS example contracts). It comes from the pytest
option ``--corpora DIR`` or, without it, the environment variable ``STEWARDGATE_CORPORA``
(a relative path is taken from the folder pytest was started in). ``.ci/run`` sets it to the
folder CI keeps beside the checkout; the tests themselves name no folder.

Without either, the conformance tests are deselected and the run ends with one line saying how
to run them (``conformance: not run (...)``), so the plain test command passes from a clone. With either, a missing
folder is a failure, never a skip: CI must not go green because a corpus went missing.

The GX parity kit (``tests/gx/gx_parity.py``) is shared with ``tests/gx``: imported as
``tests.gx.gx_parity`` (the test folders are packages).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ENV = "STEWARDGATE_CORPORA"
HOW = f"set {ENV}=DIR or pass --corpora DIR (DIR: the folder holding gx-test-definitions/ and odcs-examples/)"
_NOT_RUN = pytest.StashKey[int]()


def _given(config: pytest.Config) -> str:
    """The corpora folder as given: the option, else the environment variable, else ''."""
    return str(config.getoption("corpora") or os.environ.get(ENV, ""))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without corpora, deselect the conformance tests (the summary line says how to run them)."""
    if _given(config):
        return
    left = [item for item in items if item.get_closest_marker("conformance") is None]
    if len(left) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in left])
        config.stash[_NOT_RUN] = len(items) - len(left)
        items[:] = left


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The one line for the conformance tests that were not run."""
    if count := config.stash.get(_NOT_RUN, 0):
        terminalreporter.write_line(f"conformance: not run ({count} tests; {HOW})")


@pytest.fixture(scope="session")
def corpora(pytestconfig: pytest.Config) -> Path:
    """The corpora folder (option, then environment); a failure when it does not exist."""
    given = _given(pytestconfig)
    if not given:  # only when a conformance test is run in a way that escapes the deselection
        pytest.fail(f"conformance: no corpora folder ({HOW})", pytrace=False)
    folder = Path(given).expanduser().resolve()
    if not folder.is_dir():
        pytest.fail(f"conformance: corpora folder {given!r} ({folder}) does not exist", pytrace=False)
    return folder


@pytest.fixture(autouse=True)
def _needs_corpora(corpora: Path) -> None:
    """Every test in this folder needs the corpora, whether or not it names a corpus fixture."""


def _corpus(corpora: Path, name: str) -> Path:
    folder = corpora / name
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.fail(f"conformance: corpus {name}/ is missing or empty in {corpora}", pytrace=False)
    return folder


@pytest.fixture(scope="session")
def gx_definitions(corpora: Path) -> Path:
    """``gx-test-definitions/`` of the corpora (a failure when it is missing)."""
    return _corpus(corpora, "gx-test-definitions")


@pytest.fixture(scope="session")
def odcs_examples(corpora: Path) -> Path:
    """``odcs-examples/`` of the corpora (a failure when it is missing)."""
    return _corpus(corpora, "odcs-examples")
