"""What the permitted-uses and purpose checks compare (:mod:`stewardgate.governance.uses` judges them):
the suite's declared uses and what its classification allows under the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.loader import LoadedSuite


def allowed_uses(classification: str | None, settings: GovernanceSettings) -> tuple[str, ...]:
    """The uses data of this classification may be put to (every use where the settings name none)."""
    if classification is None:
        return settings.uses
    by_level: dict[str, tuple[str, ...]] = {level: uses for level, uses in settings.uses_by_classification.items()}
    return by_level.get(classification, settings.uses)


def personal_columns(loaded: LoadedSuite) -> list[str]:
    """The columns the suite declares as personal data (``pii:``)."""
    return [name for name, spec in loaded.suite.columns.items() if spec.pii is not None]


def uses_value(loaded: LoadedSuite, settings: GovernanceSettings) -> dict[str, Any]:
    """What the permitted-uses check compares: the declaration and what the classification allows."""
    s = loaded.suite.stewardship
    return {
        "permitted_uses": s.permitted_uses, "personal_data_uses": s.personal_data_uses or [],
        "classification": s.classification, "allowed": list(allowed_uses(s.classification, settings)),
    }  # fmt: skip


def purpose_value(loaded: LoadedSuite, settings: GovernanceSettings) -> dict[str, Any]:
    """What the purpose check compares, the purpose included."""
    return {"purpose": settings.purpose, **uses_value(loaded, settings), "personal_columns": personal_columns(loaded)}
