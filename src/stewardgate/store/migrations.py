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

Version 2 added the audit chain (``sg_audit``); version 3 packs the run records and
normalises the metric values (``_to_v3``). To make version 4: change :mod:`.schema` to the new
layout and append one function ``_to_v4(conn)`` to ``UPGRADES`` that changes a version-3
store into it (``ALTER TABLE …``).
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


def _to_v3(conn: sa.Connection) -> None:
    """Version 3: a store that stays small (issue 23).

    * ``sg_runs.record_zlib`` holds the run record packed (:func:`codec.pack_record`); the
      records already stored are packed here and their ``record`` text emptied (the audit
      digests cover the text, which unpacks unchanged);
    * ``sg_runs.pruned_at``: when ``store prune`` removed that run's detail;
    * metric values move from ``sg_metrics`` (names repeated on every row, two indexes) to
      ``sg_metric_series`` (the names, once) and ``sg_metric_values`` (one key per value).

    The layouts are spelled out here, so later changes to :mod:`.schema` do not change this step.
    """
    blob = sa.LargeBinary().compile(dialect=conn.dialect)
    moment = sa.DateTime(timezone=True).compile(dialect=conn.dialect)
    conn.execute(sa.text(f"ALTER TABLE sg_runs ADD COLUMN record_zlib {blob}"))
    conn.execute(sa.text(f"ALTER TABLE sg_runs ADD COLUMN pruned_at {moment}"))
    layout = sa.MetaData()
    runs = sa.Table(
        "sg_runs", layout, sa.Column("id", sa.Integer, primary_key=True), sa.Column("run_id", sa.String(128)),
        sa.Column("dataset", sa.String(255)), sa.Column("record", sa.Text), sa.Column("record_zlib", sa.LargeBinary),
    )  # fmt: skip
    _pack_records(conn, runs)
    old = sa.Table(
        "sg_metrics", layout, sa.Column("run_id", sa.String(128)), sa.Column("dataset", sa.String(255)),
        sa.Column("metric", sa.String(255)), sa.Column("column", sa.String(255)), sa.Column("as_of", sa.Date),
        sa.Column("value", sa.Float), sa.Column("anomalous", sa.Boolean),
    )  # fmt: skip
    series = sa.Table(
        "sg_metric_series", layout,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("metric", sa.String(255), nullable=False),
        sa.Column("column", sa.String(255), nullable=False),
        sa.UniqueConstraint("dataset", "metric", "column", name="uq_sg_metric_series"),
    )  # fmt: skip
    values = sa.Table(
        "sg_metric_values", layout,
        sa.Column("series_id", sa.Integer, sa.ForeignKey("sg_metric_series.id", name="fk_sg_metric_values_series"),
                  primary_key=True),
        sa.Column("as_of", sa.Date, primary_key=True),
        sa.Column("run_ref", sa.Integer, sa.ForeignKey("sg_runs.id", name="fk_sg_metric_values_run"), primary_key=True),
        sa.Column("value", sa.Float),
        sa.Column("anomalous", sa.Boolean, nullable=False),
        sqlite_with_rowid=False,
    )  # fmt: skip
    series.create(conn)
    values.create(conn)
    names = sa.select(old.c.dataset, old.c.metric, old.c.column).distinct()
    conn.execute(sa.insert(series).from_select(["dataset", "metric", "column"], names))
    copied = (
        sa.select(series.c.id, old.c.as_of, runs.c.id, old.c.value, old.c.anomalous)
        .select_from(old)
        .join(series, sa.and_(series.c.dataset == old.c.dataset, series.c.metric == old.c.metric, series.c.column == old.c.column))
        .join(runs, sa.and_(runs.c.run_id == old.c.run_id, runs.c.dataset == old.c.dataset))
    )  # fmt: skip
    conn.execute(sa.insert(values).from_select(["series_id", "as_of", "run_ref", "value", "anomalous"], copied))
    old.drop(conn)


def _pack_records(conn: sa.Connection, runs: sa.Table, batch: int = 200) -> None:
    """Pack every stored record text into ``record_zlib``, a batch of rows at a time."""
    from stewardgate.store.codec import pack_record

    last = 0
    while True:
        rows = conn.execute(
            sa.select(runs.c.id, runs.c.record).where(runs.c.id > last, runs.c.record_zlib.is_(None))
            .order_by(runs.c.id).limit(batch)
        ).all()  # fmt: skip
        if not rows:
            return
        for row in rows:
            conn.execute(
                sa.update(runs).where(runs.c.id == row.id).values(record="", record_zlib=pack_record(row.record))
            )
        last = rows[-1].id


UPGRADES: list[Upgrade] = [_to_v2, _to_v3]
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
    value = conn.execute(sa.select(schema.meta.c.value).where(schema.meta.c.key == _VERSION_KEY)).scalar_one_or_none()
    if value is None or not value.isdigit() or int(value) < 1:
        raise StoreError(f"the store at {where} has no valid schema_version in stewardgate_meta (found {value!r})")
    return int(value)


def _write_version(conn: sa.Connection, version: int, *, insert: bool) -> None:
    if insert:
        conn.execute(sa.insert(schema.meta).values(key=_VERSION_KEY, value=str(version)))
    else:
        conn.execute(sa.update(schema.meta).where(schema.meta.c.key == _VERSION_KEY).values(value=str(version)))
