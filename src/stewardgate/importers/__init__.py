"""Importing what teams already hold: Great Expectations suites and ODCS data contracts.

An importer returns an :class:`ImportResult`: the suites it wrote (as YAML text, ready to be
saved) and its findings. A finding with ``lost=True`` is something that could not be
converted (the import is incomplete); one with ``lost=False`` was converted with a caveat the
steward should read. ``converted`` names each source constraint that was carried into a
suite, with the same labels as findings, so a test can check that every constraint a source
declares is either converted or listed. Nothing is dropped silently. Importers never print or
exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One thing the steward must know about an import: where, what, and whether it was lost."""

    where: str
    message: str
    lost: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {'not converted: ' if self.lost else ''}{self.message}"


@dataclass(frozen=True)
class ImportedSuite:
    """One suite an import produced: a file name, the YAML text, and the same as plain data."""

    filename: str
    text: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ImportResult:
    """Everything an import produced, and what it could not convert."""

    source: str
    suites: tuple[ImportedSuite, ...]
    findings: tuple[Finding, ...]
    converted: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing was lost (findings with caveats only)."""
        return not any(f.lost for f in self.findings)

    @property
    def lost(self) -> list[Finding]:
        return [f for f in self.findings if f.lost]
