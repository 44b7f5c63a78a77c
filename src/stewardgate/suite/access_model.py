"""The suite model of ``access:``: who may read and write the dataset, and who may see its
personal-data columns.

::

    access:
      read: [analysts, reporting]     # roles or groups that may read (a writer may read too)
      write: [etl_loader]             # roles or groups that may write
      personal_data: [analysts]       # of those, who may read the pii: columns
      public: false                   # default: nobody else (PUBLIC, a file's "other" bits); true: all may read
      owner: etl_owner                # optional: the table's owner role, the file's owner user
      group: analysts                 # optional, files: the file's group
      row_security: enabled           # optional, PostgreSQL: enabled | forced
      recertify_by: 2027-03-31        # optional, with approver
      approver: ciso@example.com

What the database or the file system grants is compared with this declaration on every run
(:mod:`stewardgate.governance.access`). This module imports no engine library.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stewardgate.suite.governance_model import CONTACT

ROLE_NAME = re.compile(r"\A[A-Za-z0-9_][A-Za-z0-9_.@$%-]{0,127}\Z")
"""A role, user or group name, or a MariaDB account ``user@host``: letters, digits and ``_ . @ $ % -``,
at most 128 characters."""


class AccessSpec(BaseModel):
    """Who may read and write the dataset; checked against the database's grants or the files' modes."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    read: list[str] = Field(default_factory=list, description="Roles or groups that may read (writers may read too).")
    write: list[str] = Field(default_factory=list, description="Roles or groups that may write.")
    personal_data: list[str] | None = Field(
        default=None,
        description="Of the readers and writers, those that may read the personal-data (pii:) columns; "
        "omitted: not judged apart from the table.",
    )
    public: bool = Field(
        default=False,
        description="false (default): access by everyone (PostgreSQL PUBLIC, a file's other bits) fails; "
        "true: everyone may read, never write. Settings may forbid it by classification whatever this says.",
    )
    owner: str | None = Field(default=None, description="The table's owner role, or the files' owner user.")
    group: str | None = Field(default=None, description="Files only: the files' group.")
    row_security: Literal["enabled", "forced"] | None = Field(
        default=None,
        description="PostgreSQL only: row-level security must be enabled (forced: also for the table's owner).",
    )
    recertify_by: date | None = Field(default=None, description="Date by which the access must be re-certified.")
    approver: str | None = Field(default=None, description="Who re-certifies the access (required with recertify_by).")
    severity: Literal["info", "warn", "error"] | None = Field(
        default=None, description="Severity of an access finding (default error)."
    )

    @field_validator("read", "write", "personal_data")
    @classmethod
    def _roles(cls, v: list[str] | None) -> list[str] | None:
        for name in v or []:
            _check_role(name)
        if v is not None and len(set(v)) != len(v):
            raise ValueError(f"{sorted({n for n in v if v.count(n) > 1})[0]!r} is named more than once")
        return v

    @field_validator("owner", "group")
    @classmethod
    def _one_role(cls, v: str | None) -> str | None:
        if v is not None:
            _check_role(v)
        return v

    @field_validator("approver")
    @classmethod
    def _contact(cls, v: str | None) -> str | None:
        if v is not None and not CONTACT.match(v):
            raise ValueError(f"'{v}' is not an e-mail address or a handle")
        return v

    @model_validator(mode="after")
    def _approved(self) -> AccessSpec:
        if (self.recertify_by is None) != (self.approver is None):
            given, missing = ("recertify_by", "approver") if self.approver is None else ("approver", "recertify_by")
            raise ValueError(f"{given} needs {missing}: who re-certifies the access, and by when")
        return self

    @property
    def readers(self) -> list[str]:
        """Who may read: the readers, then the writers not already named."""
        return [*self.read, *(w for w in self.write if w not in self.read)]


def _check_role(name: str) -> None:
    if not ROLE_NAME.match(name):
        raise ValueError(
            f"{name!r} is not a role, user or group name (letters, digits and _ . @ $ % -, at most 128 characters)"
        )
