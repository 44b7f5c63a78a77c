"""The ordered levels of stewardship: how sensitive data is, and how much risk a dataset carries.

One definition of each order, read by the suite model (validation and the JSON Schema), the
settings (risk-tier policy), the governance checks, ``stewardgate breaking``, drafting, the
importers and the CLI. It imports nothing but ``typing``, so ``--help`` stays fast.
"""

from __future__ import annotations

from typing import Literal, get_args

Classification = Literal["public", "internal", "confidential", "restricted"]
CLASSIFICATIONS: tuple[str, ...] = get_args(Classification)
"""Least to most sensitive: public < internal < confidential < restricted."""
SENSITIVE: tuple[str, ...] = CLASSIFICATIONS[CLASSIFICATIONS.index("confidential") :]
"""The levels personal data must be classified at; their columns' samples are masked."""

RiskTier = Literal["low", "medium", "high"]
RISK_TIERS: tuple[str, ...] = get_args(RiskTier)


def rank(level: str | None) -> int:
    """A classification's place in :data:`CLASSIFICATIONS` (-1 for none or an unknown level)."""
    return CLASSIFICATIONS.index(level) if level in CLASSIFICATIONS else -1


def most_sensitive(levels: list[str]) -> str:
    """The most sensitive of ``levels`` (not empty)."""
    return max(levels, key=rank)
