"""What an observer returns: the access as it is (kept per run, compared with the baseline) and
what it found out about the roles the suite declares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

READ = frozenset({"SELECT", "read"})
WRITE = frozenset({"INSERT", "UPDATE", "DELETE", "TRUNCATE", "write"})


class AccessUnsupported(Exception):
    """The dataset's access cannot be observed here (the reason is the message): its checks are errored."""


@dataclass(frozen=True)
class RoleFacts:
    """A declared role as the data's access sees it.

    ``cannot_read``: the columns (tables) or files it may not read; ``cannot_read_personal``: the
    personal-data columns it may not read; ``can_write``: it holds some write privilege.
    """

    exists: bool
    cannot_read: tuple[str, ...] = ()
    cannot_read_personal: tuple[str, ...] = ()
    can_write: bool = False
    superuser: bool = False


@dataclass(frozen=True)
class Observed:
    """``state``: JSON, the same shape for every kind of dataset::

        {"kind": "postgresql" | "files", "object": "...", "owners": [...],
         "grantees": {role: {"privileges": [...], "columns": {col: [...]}, "via": [...]}},
         "public": {"privileges": [...], "columns": {col: [...]}},
         "member_of": {role: [roles it is a member of, directly or not]}, ...}

    ``facts``: each declared role (:class:`RoleFacts`).
    """

    state: dict[str, Any]
    facts: dict[str, RoleFacts] = field(default_factory=dict)


def reads(grant: dict[str, Any], column: str | None = None) -> bool:
    """A grantee's entry reads the data (any column), or ``column``."""
    if READ & set(grant.get("privileges", [])):
        return True
    columns = grant.get("columns", {})
    picked = [columns.get(column, [])] if column is not None else list(columns.values())
    return any(READ & set(privs) for privs in picked)


def writes(grant: dict[str, Any]) -> list[str]:
    """The write privileges of a grantee's entry (table-level and column-level), sorted."""
    found = WRITE & set(grant.get("privileges", []))
    for privs in grant.get("columns", {}).values():
        found |= WRITE & set(privs)
    return sorted(found)
