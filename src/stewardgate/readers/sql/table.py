"""Opening a table dataset: connection, catalogue, filter; every problem a DatasetError naming
the suite, the connection and the table (and never a password).

Nothing but the catalogue is read when a table is opened. Its fingerprint is the connection
name, the table, the filter, the as-of date and the columns with their types (a SHA-256 over
them): cheap, and it changes when the table's shape or the slice read changes; a row-level
identity would need a pass over the data (docs/sql.md).
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.datasets.resolve import ResolvedDataset
from stewardgate.datasets.table_comment import comment_metadata
from stewardgate.errors import DatasetError
from stewardgate.readers.sql.connection import NO_COMMENTS
from stewardgate.results import DataFingerprint
from stewardgate.suite.models import DatasetSpec


@dataclass(frozen=True)
class SqlDataset:
    """A table opened in its database: its columns typed, the slice to read, nothing read yet."""

    resolved: ResolvedDataset
    engine: Any  # sqlalchemy.Engine
    url: str = field(repr=False)
    dialect: str  # sqlglot's name
    table: Any  # sqlglot exp.Table, quoted
    where: Any  # sqlglot condition or None
    params: dict[str, Any]
    schema: dict[str, Any]  # column name -> polars dtype, in the table's column order
    fingerprint: DataFingerprint
    metadata: dict[str, str] = field(default_factory=dict)
    known_rows: int | None = None

    def close(self) -> None:
        """Close the connection pool (``SqlReader.prepared`` does, once the dataset is judged)."""
        self.engine.dispose()

    def run(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
        """The rows of ``sql`` (bound parameters ``:name``); DatasetError naming the table."""
        import sqlalchemy as sa

        from stewardgate.readers.sql.connection import failure

        try:
            with self.engine.connect() as conn:
                return list(conn.execute(sa.text(sql), {**self.params, **(params or {})}))
        except sa.exc.SQLAlchemyError as exc:
            raise failure(self.resolved.display, exc, self.url) from None


def open_table(
    spec: DatasetSpec, *, suite: Path, connections: Any, as_of: date, environ: Any = None
) -> SqlDataset:  # fmt: skip
    """Open ``spec``'s table: the columns from the catalogue, the filter parsed for its dialect."""
    import sqlalchemy as sa
    from sqlglot import exp

    from stewardgate.readers.sql.connection import dialect_of, failure
    from stewardgate.readers.sql.types import polars_dtype
    from stewardgate.suite.sql_filter import AS_OF, parse_filter

    where, url, engine = connect(spec, suite=suite, connections=connections, environ=environ)
    dialect = dialect_of(engine)
    schema_name, _, name = (spec.table or "").rpartition(".")
    try:
        inspector = sa.inspect(engine)
        check_table(inspector, where, schema_name, name)
        with (
            warnings.catch_warnings()
        ):  # a type SQLAlchemy does not know comes back as NullType: refused below, by name
            warnings.filterwarnings("ignore", message="Did not recognize type", category=sa.exc.SAWarning)
            columns = inspector.get_columns(name, schema=schema_name or None)
        comment = _comment(inspector, name, schema_name or None)
    except DatasetError:
        engine.dispose()
        raise
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise failure(where, exc, url) from None
    schema = {}
    backend = engine.url.get_backend_name()
    for c in columns:
        dtype = polars_dtype(c["type"], backend)
        if dtype is None:
            engine.dispose()
            raise DatasetError(f"{where}: column '{c['name']}' has type {c['type']}, which stewardgate cannot map to a "
                               "checkable type (numbers, text, booleans, dates, datetimes, times, intervals, binary)")  # fmt: skip
        schema[c["name"]] = dtype
    condition = None
    if spec.filter is not None:
        try:
            condition = parse_filter(spec.filter, dialect)
        except ValueError as exc:
            engine.dispose()
            raise DatasetError(f"{where}: filter: {exc}") from None
    table = exp.Table(this=exp.to_identifier(name, quoted=True),
                      db=exp.to_identifier(schema_name, quoted=True) if schema_name else None)  # fmt: skip
    display = f"{spec.connection}:{spec.table}" + (f" where {spec.filter}" if spec.filter else "")
    resolved = ResolvedDataset(display=display, files=(), format="table", hive_root=None)
    print_ = "\n".join([spec.connection or "", spec.table or "", spec.filter or "", as_of.isoformat(),
                        *(f"{n}|{t}" for n, t in schema.items())])  # fmt: skip
    fingerprint = DataFingerprint(
        path=display, format="table", files=(), sha256=hashlib.sha256(print_.encode()).hexdigest()
    )
    metadata = comment_metadata(comment, NO_COMMENTS.get(dialect))
    return SqlDataset(resolved, engine, url, dialect, table, condition, {AS_OF: as_of}, schema, fingerprint, metadata)


def connect(spec: DatasetSpec, *, suite: Path, connections: Any, environ: Any = None) -> tuple[str, str, Any]:
    """``where`` (the suite, the connection and the table, for messages), the URL and an engine
    for ``spec``'s connection; DatasetError naming ``where`` when the settings or environment lack it."""
    from stewardgate.readers.sql.connection import connection_url, create_engine

    where = f"suite {suite}: connection '{spec.connection}', table {spec.table}"
    try:
        url = connection_url(spec.connection or "", connections, environ)
    except DatasetError as exc:
        raise DatasetError(f"{where}: {str(exc).removeprefix(f'connection {spec.connection!r}: ')}") from None
    return where, url, create_engine(url, where)


def check_table(inspector: Any, where: str, schema_name: str, name: str) -> None:
    """DatasetError naming ``where`` unless the schema and the table exist (and can be seen)."""
    if schema_name and schema_name not in inspector.get_schema_names():
        raise DatasetError(f"{where}: the schema '{schema_name}' does not exist")
    if not inspector.has_table(name, schema=schema_name or None):
        raise DatasetError(f"{where}: the table does not exist (or this connection may not see it)")


def _comment(inspector: Any, name: str, schema: str | None) -> str | None:
    try:
        return inspector.get_table_comment(name, schema=schema).get("text")
    except NotImplementedError:  # SQLite keeps no table comments
        return None
