"""Minimal stand-in for the conformance conftest (the integrator keeps the real one): the
``corpora`` folder from ``STEWARDGATE_CORPORA``; conformance tests skip when it is unset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: runs over the corpora folder (STEWARDGATE_CORPORA)")


@pytest.fixture(scope="session")
def corpora() -> Path:
    folder = os.environ.get("STEWARDGATE_CORPORA")
    if not folder:
        pytest.skip("STEWARDGATE_CORPORA is not set")
    return Path(folder)
