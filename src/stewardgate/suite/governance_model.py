"""The suite models of ``governance:`` (which governance checks run, and how) and ``waivers:``.

::

    governance:                      # present: the governance checks run (each can be turned off)
      retention: true
      personal_data: {sample_size: 20000, seed: 7, threshold: 0.3, ignore_columns: [notes]}
      recertification: {warn_within_days: 45}
      stamp_match: false
    waivers:
      - {check: "columns.email.max_null_fraction", reason: "CRM migration",
         approved_by: jane.doe@example.com, expires: 2026-12-31, ticket: DATA-12}

Each governance key takes ``true``/``false`` or a mapping with ``enabled``, ``severity`` and
the check's own options. A waiver without ``approved_by`` or ``expires`` is a suite error at its
place. This module imports no engine library (validation stays fast).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

SeverityName = Literal["info", "warn", "error"]

# An e-mail address or a handle (`@team`, `data-team`): the one pattern for owners, stewards and approvers.
CONTACT = re.compile(r"\A(?:[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+|@?[A-Za-z0-9][A-Za-z0-9._/-]*)\Z")
_PATTERN = re.compile(r"\A[A-Za-z0-9_.*?\[\]!-]+\Z")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _toggle(raw: Any) -> Any:
    """``true`` means the defaults, ``false`` means ``{enabled: false}``."""
    if raw is True:
        return {}
    if raw is False:
        return {"enabled": False}
    if not isinstance(raw, dict):
        raise ValueError(f"expected true, false or a mapping of options, got {raw!r}")
    return raw


def _switch(model: type[BaseModel]) -> Any:
    return Annotated[model, BeforeValidator(_toggle, json_schema_input_type=bool | model)]


class CheckSwitch(_Strict):
    """A governance check: on (default) or off, with an optional severity of its own."""

    enabled: bool = Field(default=True, description="false turns the check off.")
    severity: SeverityName | None = Field(default=None, description="Severity of a failure (default error).")


class PersonalDataScan(CheckSwitch):
    """The undeclared-personal-data scan of string columns (a deterministic sample)."""

    sample_size: int | None = Field(
        default=None, ge=1, le=10_000_000, description="Rows sampled (default: settings, 10000)."
    )
    seed: int | None = Field(default=None, ge=0, description="Seed of the sample (default: settings, 0).")
    threshold: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="Match rate of non-null values above which a detector fires (default 0.5).",
    )
    ignore_columns: list[str] = Field(default_factory=list, description="String columns not scanned.")


class Recertification(CheckSwitch):
    """``stewardship.recertify_by``: in the past fails, within ``warn_within_days`` warns."""

    warn_within_days: int | None = Field(default=None, ge=0, description="Default: settings, 30.")


class GovernanceSpec(_Strict):
    """Which governance checks run on this dataset (all of them unless turned off)."""

    retention: _switch(CheckSwitch) = Field(default_factory=CheckSwitch)  # type: ignore[valid-type]
    personal_data: _switch(PersonalDataScan) = Field(default_factory=PersonalDataScan)  # type: ignore[valid-type]
    classification: _switch(CheckSwitch) = Field(default_factory=CheckSwitch)  # type: ignore[valid-type]
    completeness: _switch(CheckSwitch) = Field(default_factory=CheckSwitch)  # type: ignore[valid-type]
    recertification: _switch(Recertification) = Field(default_factory=Recertification)  # type: ignore[valid-type]
    stamp_match: _switch(CheckSwitch) = Field(default_factory=CheckSwitch)  # type: ignore[valid-type]
    permitted_uses: _switch(CheckSwitch) = Field(default_factory=CheckSwitch)  # type: ignore[valid-type]


def _as_governance(raw: Any) -> Any:
    """``governance: true`` is ``governance: {}``; ``false`` (or null) turns it off."""
    if raw is True:
        return {}
    if raw is False:
        return None
    if raw is not None and not isinstance(raw, dict):
        raise ValueError(f"expected true, false or a mapping of governance checks, got {raw!r}")
    return raw


GovernanceField = Annotated[
    GovernanceSpec | None, BeforeValidator(_as_governance, json_schema_input_type=bool | GovernanceSpec | None)
]


class Waiver(_Strict):
    """An approved, expiring exception: a failing check that is reported as waived, not blocking."""

    check: str = Field(
        min_length=1,
        description="Check id or glob, with or without the dataset prefix (columns.email.*).",
    )
    reason: str = Field(min_length=1, description="Why the failure is accepted for now.")
    approved_by: str = Field(description="Who approved it: an e-mail address or a handle.")
    expires: date = Field(description="Last day the waiver applies (YYYY-MM-DD).")
    approved_on: date | None = Field(
        default=None,
        description="Day it was approved: where its length starts (settings may cap the length per risk tier).",
    )
    ticket: str | None = Field(default=None, description="Tracking ticket, e.g. DATA-12.")

    @field_validator("approved_by")
    @classmethod
    def _contact(cls, v: str) -> str:
        if not CONTACT.match(v):
            raise ValueError(f"'{v}' is not an e-mail address or a handle")
        return v

    @field_validator("check")
    @classmethod
    def _pattern(cls, v: str) -> str:
        if not _PATTERN.match(v):
            raise ValueError(f"'{v}' is not a check id or glob (letters, digits, _ . - and * ? [ ])")
        return v
