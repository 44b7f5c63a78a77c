"""Which columns' values a run must never show (sampled failures, category labels, deciles)."""

from __future__ import annotations

from stewardgate.levels import SENSITIVE
from stewardgate.suite.loader import LoadedSuite


def masked_columns(loaded: LoadedSuite) -> set[str]:
    """Columns whose sample values must never be shown: sensitive classification or pii."""
    return {
        name for name, spec in loaded.suite.columns.items()
        if spec.pii is not None or spec.classification in SENSITIVE
    }  # fmt: skip
