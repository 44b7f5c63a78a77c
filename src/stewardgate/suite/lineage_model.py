"""The suite model of ``lineage:`` (where the dataset comes from) and the names of uses.

::

    lineage:
      upstream:
        - customers                               # another suite's dataset
        - postgres://warehouse/sales.orders       # an external dataset: a URI ...
        - ext:crm.accounts                        # ... or ext:<name>
      block_on_upstream_failure: false            # true: a failing upstream blocks this gate

A bare name is a stewardgate dataset: its verdict in the same run (or its latest stored run) is
judged as ``<dataset>.lineage.upstream.<name>``. External names are shown and sent along, not
judged. This module imports no engine library (validation stays fast).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

DATASET_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
EXTERNAL_NAME = re.compile(r"\A(?:ext:[^\s]+|[a-z][a-z0-9+.-]*://[^\s]+)\Z")
USE_NAME = re.compile(r"\A[a-z][a-z0-9_]*\Z")


def is_external(name: str) -> bool:
    """``postgres://warehouse/sales.orders`` and ``ext:crm.accounts`` are outside stewardgate."""
    return EXTERNAL_NAME.match(name) is not None


class Lineage(BaseModel):
    """The datasets this one is made from."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    upstream: list[str] = Field(
        default_factory=list,
        description="Upstream datasets: another suite's dataset name, a URI (postgres://host/db.table) or ext:<name>.",
    )
    block_on_upstream_failure: bool = Field(
        default=False, description="true: an upstream that failed (or whose verdict is unknown) blocks this gate."
    )

    @field_validator("upstream")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        for name in v:
            if not (DATASET_NAME.match(name) or is_external(name)):
                raise ValueError(
                    f"{name!r} is neither a dataset name (letters, digits, _ . -) nor an external name "
                    "(a URI such as postgres://warehouse/sales.orders, or ext:<name>)"
                )
        repeated = sorted({n for n in v if v.count(n) > 1})
        if repeated:
            raise ValueError(f"{repeated[0]!r} is named more than once")
        return v


def check_use_names(v: list[str] | None) -> list[str] | None:
    """Use names are snake_case words (analytics, fine_tuning); the vocabulary is in settings."""
    for name in v or []:
        if not USE_NAME.match(name):
            raise ValueError(f"{name!r} is not a use name (lower-case letters, digits and _, e.g. fine_tuning)")
    if v is not None and len(set(v)) != len(v):
        raise ValueError(f"{sorted({n for n in v if v.count(n) > 1})[0]!r} is named more than once")
    return v
