"""Creating, versioning and upgrading the store's tables.

The version lives in ``stewardgate_meta`` (``key = 'schema_version'``). Opening a store:

* no ``stewardgate_meta`` table: a fresh store; create the tables of :mod:`.schema` (always
  the latest layout) and write :func:`latest_version`;
* an older version ``v``: run ``UPGRADES[v - 1:]`` in order, then write the new version;
* a newer version: refuse with :class:`StoreError` ("upgrade stewardgate").

All of it happens in one transaction (PostgreSQL and SQLite both have transactional DDL), so
a store is never left half-upgraded; on PostgreSQL an advisory lock keeps two processes
that open the same new store at once from racing to create it (on SQLite, ``BEGIN
IMMEDIATE`` already does).

Version 2 added the audit chain (``sg_audit``). To make version 3: change :mod:`.schema` to
the new layout and append one function ``_to_v3(conn)`` to ``UPGRADES`` that changes a
version-2 store into it (``ALTER TABLE …``).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from stewardgate.errors import StoreError
from stewardgate.store import schema

Upgrade = Callable[[sa.Connection], None]



def _to_v2(conn: sa.Connection) -> None:
    """Version 2: the audit chain table ``sg_audit`` (its version-2 layout, spelled out here)."""
    layout = sa.MetaData()
    table = sa.Table(
        "sg_audit",
        layout,
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Index("ix_sg_audit_kind_subject", "kind", "subject"),
    )
    table.create(conn)


UPGRADES: list[Upgrade] = [_to_v2]
"""``UPGRADES[i]`` turns a store of version ``i + 1`` into version ``i + 2``."""

_VERSION_KEY = "schema_version"
_PG_LOCK_KEY = 0x5357_4741_5445  # "SWGATE": serialises schema creation across processes


def latest_version() -> int:
    """The schema version this stewardgate writes and understands."""
    return 1 + len(UPGRADES)


def ensure_schema(conn: sa.Connection, where: str) -> int:
    """Create or upgrade the tables on ``conn`` (inside its transaction); return the version."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
    found = read_version(conn, where)
    latest = latest_version()
    if found is None:
        schema.metadata.create_all(conn)
        _write_version(conn, latest, insert=True)
    elif found > latest:
        raise StoreError(
            f"the store at {where} has schema version {found}; this stewardgate "
            f"understands up to {latest}; upgrade stewardgate"
        )
    elif found < latest:
        for upgrade in UPGRADES[found - 1 :]:
            upgrade(conn)
        _write_version(conn, latest, insert=False)
    return latest


def read_version(conn: sa.Connection, where: str) -> int | None:
    """The store's schema version, or None when it has no ``stewardgate_meta`` table yet."""
    if not sa.inspect(conn).has_table(schema.meta.name):
        return None
    value = conn.execute(
        sa.select(schema.meta.c.value).where(schema.meta.c.key == _VERSION_KEY)
    ).scalar_one_or_none()
    if value is None or not value.isdigit() or int(value) < 1:
        raise StoreError(
            f"the store at {where} has no valid schema_version in stewardgate_meta "
            f"(found {value!r})"
        )
    return int(value)


def _write_version(conn: sa.Connection, version: int, *, insert: bool) -> None:
    if insert:
        conn.execute(sa.insert(schema.meta).values(key=_VERSION_KEY, value=str(version)))
    else:
        conn.execute(
            sa.update(schema.meta)
            .where(schema.meta.c.key == _VERSION_KEY)
            .values(value=str(version))
        )
