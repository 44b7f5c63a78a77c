"""A table's rows read into polars with connectorx: only the columns asked for, the suite's slice.

The expectations that do not compile to the aggregate query run on rows (:mod:`.on_rows`). They
are read here ONCE per dataset, with connectorx (measured against ADBC: docs/sql.md,
``benchmarks/sql_rows_read.py``; connectorx alone reaches all three databases). The query is the
aggregate query's ``FROM`` and ``WHERE``: the same table, the same filter, ``{as_of}`` the same
date. connectorx binds no parameters, so the date is written into the query by sqlglot as a
literal built from the run's as-of date (never from suite text).

Each column is cast to the dtype the catalogue gave it (:mod:`.types`), so the rows are typed as
the same data in a file. A column connectorx cannot read (a PostgreSQL ``INTERVAL``), or whose
values do not become that dtype, is reported by name with the reason; the other columns are
read. Nothing here shows the URL: every error is scrubbed of its secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stewardgate.errors import first_line
from stewardgate.readers.sql.connection import CONNECT_TIMEOUT
from stewardgate.readers.sql.lower import column
from stewardgate.readers.sql.table import SqlDataset

LIBRARY = "connectorx"
"""The library that reads a table's rows into polars (a core dependency, imported on use)."""
_SCHEMES = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}


@dataclass(frozen=True)
class Rows:
    """The columns read (typed as the catalogue), and why each other asked-for column was not."""

    frame: Any  # polars.DataFrame
    unreadable: dict[str, str] = field(default_factory=dict)


def read_rows(ds: SqlDataset, columns: list[str]) -> Rows:
    """The suite's slice of ``columns`` (in the table's order), read once.

    Columns of a type connectorx is known not to read are left out first. If the read fails,
    the connection is probed once (``SELECT 1``: if it fails, so does every column); if the read
    fails on no rows too (``LIMIT 0``), each column is tried alone on no rows to find the ones
    connectorx cannot read, and the others are read again, once. A failure that no column
    explains makes every column unreadable with the driver's reason.
    """
    import polars as pl

    wanted = [n for n in ds.schema if n in set(columns)]
    known = _known_unreadable(ds, wanted)
    names = [n for n in wanted if n not in known]
    if not names:
        return Rows(pl.DataFrame(), known)
    rows = _read(ds, names)
    return Rows(rows.frame, {**known, **rows.unreadable})


def _known_unreadable(ds: SqlDataset, names: list[str]) -> dict[str, str]:
    """Columns of types connectorx does not implement (it panics on them, printing a Rust
    backtrace): PostgreSQL ``interval`` and ``time with time zone``, told apart by the catalogue's
    own type names (both map to dtypes files have)."""
    import polars as pl

    maybe = [n for n in names if isinstance(ds.schema[n], pl.Duration) or ds.schema[n] == pl.Time]
    if ds.dialect != "postgres" or not maybe:
        return {}
    rel = ds.table.sql(dialect="postgres")
    sql = ("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
           "WHERE a.attrelid = CAST(:sg_rel AS regclass) AND a.attnum > 0 AND NOT a.attisdropped")  # fmt: skip
    types = {str(name): str(kind) for name, kind in ds.run(sql, {"sg_rel": rel})}
    return {
        n: f"{LIBRARY} cannot read PostgreSQL {types[n]} columns"
        for n in maybe if n in types and (types[n].startswith("interval") or types[n].endswith("with time zone"))
        and not types[n].startswith("timestamp")
    }  # fmt: skip


def _read(ds: SqlDataset, names: list[str]) -> Rows:
    import polars as pl

    try:
        return _typed(_fetch(ds, names), ds)
    except _ReadError as whole:
        failed = {n: str(whole) for n in names}
    try:  # the connection itself (each failing connect is retried for some seconds: probe it once)
        _run(ds, "SELECT 1 AS one")
    except _ReadError:
        return Rows(pl.DataFrame(), failed)
    try:  # no rows: does a column's type stop connectorx, or the data?
        _fetch(ds, names, limit=0)
    except _ReadError:
        bad = {n: why for n in names if (why := _unreadable(ds, n)) is not None}
        good = [n for n in names if n not in bad]
        if bad and good:
            try:
                rows = _typed(_fetch(ds, good), ds)
            except _ReadError as exc:
                return Rows(pl.DataFrame(), {n: bad.get(n, str(exc)) for n in names})
            return Rows(rows.frame, {**bad, **rows.unreadable})
        failed.update(bad)
    return Rows(pl.DataFrame(), failed)


def _unreadable(ds: SqlDataset, name: str) -> str | None:
    """Why connectorx cannot read column ``name`` (tried on no rows), or None."""
    try:
        _fetch(ds, [name], limit=0)
    except _ReadError as exc:
        return str(exc)
    return None


class _ReadError(Exception):
    """connectorx's error (or panic), as text without secrets."""


def _fetch(ds: SqlDataset, names: list[str], *, limit: int | None = None) -> Any:
    return _run(ds, slice_query(ds, names, limit=limit))


def _run(ds: SqlDataset, query: str) -> Any:
    import connectorx
    import polars as pl

    url = connectorx_url(ds.url)
    try:
        return pl.from_arrow(connectorx.read_sql(url, query, return_type="arrow"))
    except BaseException as exc:  # a Rust panic (pyo3's PanicException) is a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        from stewardgate.redact import scrub, url_secrets

        text = first_line(exc).removeprefix("not implemented: ")
        raise _ReadError(scrub(text, [*url_secrets(ds.url), *url_secrets(url)])) from None


def slice_query(ds: SqlDataset, names: list[str], *, limit: int | None = None) -> str:
    """``SELECT names FROM table WHERE filter`` for the dataset's dialect, ``{as_of}`` a literal."""
    from sqlglot import exp

    from stewardgate.readers.sql.execute import select
    from stewardgate.suite.sql_filter import AS_OF

    query = select(ds, [column(n) for n in names])
    day = ds.params[AS_OF].isoformat()
    literal = exp.Literal.string(day)
    as_of = literal if ds.dialect in ("sqlite", "mysql") else exp.cast(literal, exp.DataType.build("DATE"))
    query = query.transform(lambda n: as_of.copy() if isinstance(n, exp.Placeholder) and n.name == AS_OF else n)
    if limit is not None:
        query = query.limit(limit)
    sql: str = query.sql(dialect=ds.dialect)
    return sql


def connectorx_url(url: str) -> str:
    """A SQLAlchemy URL as connectorx reads it: the plain scheme (no ``+driver``), SQLite's file
    as an absolute path, PostgreSQL sessions in UTC (as the SQLAlchemy engine's)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"sqlite://{Path(parsed.database or '').resolve()}"
    text = str(parsed.set(drivername=_SCHEMES[backend]).render_as_string(hide_password=False))
    if backend == "postgresql":  # libpq's options, spelled as connectorx's URL parser reads them (no '+')
        text += ("&" if "?" in text else "?") + f"connect_timeout={CONNECT_TIMEOUT}&options=-c%20TimeZone%3DUTC"
    return text


def _typed(frame: Any, ds: SqlDataset) -> Rows:
    """Each column as the catalogue's dtype (as :func:`~.execute.series` types fetched values)."""
    import polars as pl

    columns, unreadable = [], {}
    for name in frame.columns:
        try:
            columns.append(_as_dtype(frame[name], ds.schema[name]))
        except Exception as exc:  # polars raises several types for a cast it cannot do
            unreadable[name] = f"its values do not read as {ds.schema[name]}: {first_line(exc)}"
    return Rows(pl.DataFrame(columns), unreadable)


def _as_dtype(values: Any, dtype: Any) -> Any:
    import polars as pl

    if values.dtype == dtype:
        return values
    if values.dtype == pl.String and dtype.is_temporal():
        from stewardgate.readers.sql.execute import series

        return series(values.name, values.to_list(), dtype)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone:
        zoned = values if getattr(values.dtype, "time_zone", None) else values.dt.replace_time_zone("UTC")
        return zoned.dt.convert_time_zone(dtype.time_zone).dt.cast_time_unit(dtype.time_unit)
    return values.cast(dtype, strict=True)
