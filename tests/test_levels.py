"""One classification order and one risk-tier type (stewardgate.levels), read everywhere."""

from __future__ import annotations

import click
import pytest

from stewardgate.cli import cli
from stewardgate.levels import CLASSIFICATIONS, RISK_TIERS, SENSITIVE, most_sensitive, rank
from stewardgate.settings import GovernanceSettings
from stewardgate.suite.json_schema import suite_json_schema


def test_the_order_is_public_internal_confidential_restricted() -> None:
    assert CLASSIFICATIONS == ("public", "internal", "confidential", "restricted")
    assert SENSITIVE == ("confidential", "restricted")
    assert [rank(c) for c in CLASSIFICATIONS] == [0, 1, 2, 3] and rank(None) == rank("secret") == -1
    assert most_sensitive(["internal", "restricted", "public"]) == "restricted"


def test_the_suite_format_and_the_cli_offer_the_same_levels() -> None:
    defs = suite_json_schema()["$defs"]
    assert defs["Stewardship"]["properties"]["risk_tier"]["anyOf"][0]["enum"] == list(RISK_TIERS)
    assert defs["ColumnSpec"]["properties"]["classification"]["anyOf"][0]["enum"] == list(CLASSIFICATIONS)
    catalog = cli.commands["catalog"]
    choice = next(p.type for p in catalog.params if p.name == "classification")
    assert isinstance(choice, click.Choice) and tuple(choice.choices) == CLASSIFICATIONS


@pytest.mark.parametrize("tier", RISK_TIERS)
def test_settings_take_every_tier(tier: str) -> None:
    assert GovernanceSettings(default_risk_tier=tier).default_risk_tier == tier
