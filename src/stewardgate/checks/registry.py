"""The registry of check types: the one source for ``stewardgate checks`` and the docs.

A check type registers itself under a stable snake_case name with :func:`register`; its
docstring tells a steward what it checks, why it matters, and shows a suite snippet.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


@dataclass(frozen=True)
class CheckType:
    """A registered check type: its name, where it is written in a suite, its engine, its doc."""

    name: str
    section: str
    engine: str
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


REGISTRY: dict[str, CheckType] = {}


def register(name: str, *, section: str, engine: str) -> Callable[[F], F]:
    """Register the decorated object's docstring as the check type ``name``."""

    def deco(obj: F) -> F:
        if name in REGISTRY:
            raise RuntimeError(f"check type '{name}' registered twice")
        REGISTRY[name] = CheckType(name, section, engine, inspect.cleandoc(obj.__doc__ or ""))
        return obj

    return deco


def all_checks() -> list[CheckType]:
    """Every registered check type, by section then name (importing the rule modules first)."""
    import stewardgate.checks.column_rules  # noqa: F401  (registers on import)
    import stewardgate.checks.schema_rules  # noqa: F401

    return sorted(REGISTRY.values(), key=lambda c: (c.section, c.name))
