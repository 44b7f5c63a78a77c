"""A table's comment, where ``stamp`` writes the stewardship stamp (PostgreSQL ``COMMENT ON
TABLE``, MariaDB's table comment), and ``inspect`` reads it back (a run reads it when the table
is opened: :mod:`.table`). SQLite keeps no table comments (:data:`~.connection.NO_COMMENTS`).

The text is never pasted into the SQL: PostgreSQL's ``COMMENT`` takes no bound parameter, so
psycopg quotes it (``sql.Literal``, which follows the session's string settings) beside the
quoted identifier (``sql.Identifier``); MariaDB's is a PyMySQL parameter (which follows the
session's ``NO_BACKSLASH_ESCAPES``). What was written is read back and must equal the text.

The order leaves nothing half-done and never a stamp without its audit entry (``before_commit``):

- PostgreSQL, in one transaction: ``COMMENT ON``, read back, ``before_commit``, ``COMMIT``; any
  failure rolls the comment back.
- MariaDB (``ALTER TABLE`` commits by itself): first the current comment is written back
  unchanged (it proves the ALTER privilege and the lock, and changes nothing), then
  ``before_commit``, then the new comment, read back (the old one is restored if it does not
  read back equal). ``ALGORITHM=INSTANT``: a comment never rebuilds the table.

Lock waits are bounded (:data:`LOCK_TIMEOUT` seconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stewardgate.errors import DatasetError
from stewardgate.readers.sql.connection import NO_COMMENTS, dialect_of, failure
from stewardgate.readers.sql.table import check_table, connect
from stewardgate.suite.models import DatasetSpec

LOCK_TIMEOUT = 10
DATABASES = {"postgres": "PostgreSQL", "mysql": "MariaDB"}
MAX_LENGTH = {"mysql": 2048}
"""The longest table comment each database keeps, in characters (PostgreSQL: no practical limit)."""
NEEDS = {"postgres": "to own the table", "mysql": "the ALTER privilege on the table"}


@dataclass(frozen=True)
class ReadComment:
    """A table's comment as ``inspect`` shows it: ``unsupported`` says why there can be none."""

    display: str
    text: str | None
    unsupported: str | None = None


@dataclass
class CommentedTable:
    """A table whose comment can be read and written, on one open connection."""

    where: str
    display: str
    dialect: str
    conn: Any = field(repr=False)  # sqlalchemy.Connection
    url: str = field(repr=False)
    schema_name: str
    name: str

    @property
    def database(self) -> str:
        return DATABASES[self.dialect]

    @property
    def max_length(self) -> int | None:
        return MAX_LENGTH.get(self.dialect)

    def read(self) -> str | None:
        """The table's comment now (in the open transaction), None when it has none."""
        import sqlalchemy as sa

        try:
            found = sa.inspect(self.conn).get_table_comment(self.name, schema=self.schema_name or None)
        except driver_errors(self.conn) as exc:
            raise failure(self.where, exc, self.url) from None
        return found.get("text") or None

    def write(self, text: str, *, before_commit: Callable[[], Any]) -> str | None:
        """Make ``text`` the table's comment, in the order of the module docstring; the comment
        it replaced. DatasetError naming the table (and what the stamp needs) if it cannot."""
        before = self.read()
        try:  # PostgreSQL: the stamp itself, uncommitted; MariaDB: the unchanged comment again
            self._execute(text if self.dialect == "postgres" else before)
        except driver_errors(self.conn) as exc:
            raise self._refused(exc) from None
        if self.dialect == "postgres":
            self._check(text)
            before_commit()
            self.conn.commit()
            return before
        before_commit()
        try:
            self._execute(text)
            self._check(text)
        except self._failures() as exc:
            said = str(exc) if isinstance(exc, DatasetError) else str(failure(self.where, exc, self.url))
            raise DatasetError(f"{said}{self._restore(before)}; the audit trail holds an entry for this stamp: "
                               "stamp again") from None  # fmt: skip
        return before

    def _execute(self, text: str | None) -> None:
        driver = self.conn.connection.driver_connection
        with driver.cursor() as cursor:
            if self.dialect == "postgres":
                from psycopg import sql

                parts = [p for p in (self.schema_name, self.name) if p]
                cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}s'")
                cursor.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(sql.Identifier(*parts), sql.Literal(text)))
                return
            quote = self.conn.dialect.identifier_preparer.quote
            name = ".".join(quote(p) for p in (self.schema_name, self.name) if p).replace("%", "%%")
            cursor.execute(f"SET SESSION lock_wait_timeout = {LOCK_TIMEOUT}")
            cursor.execute(f"ALTER TABLE {name} COMMENT = %s, ALGORITHM=INSTANT", (text or "",))

    def _check(self, text: str | None) -> None:
        got = self.read()
        if (got or "") != (text or ""):
            raise DatasetError(
                f"{self.where}: the table's comment did not read back as written ({len(text or '')} characters "
                f"written, {len(got or '')} read back)"
            )

    def _restore(self, before: str | None) -> str:
        """The earlier comment written back; what went wrong doing so, or nothing."""
        try:
            self._execute(before)
            self._check(before)
        except self._failures() as exc:
            said = exc if isinstance(exc, DatasetError) else failure(self.where, exc, self.url)
            return f"; restoring the earlier comment failed too: {said}"
        return "; the earlier comment is restored"

    def _failures(self) -> tuple[type[BaseException], ...]:
        return (DatasetError, *driver_errors(self.conn))

    def _refused(self, exc: BaseException) -> DatasetError:
        said = failure(self.where, exc, self.url)
        return DatasetError(
            f"{said}; stamp needs {NEEDS[self.dialect]} on {self.database} to write its comment; nothing was written"
        )


def driver_errors(conn_or_engine: Any) -> tuple[type[BaseException], ...]:
    """What SQLAlchemy and the database's driver raise (stewardgate reports them as DatasetErrors)."""
    import sqlalchemy as sa

    dbapi_error = getattr(conn_or_engine.dialect.dbapi, "Error", None)
    return (sa.exc.SQLAlchemyError, *((dbapi_error,) if isinstance(dbapi_error, type) else ()))


@contextmanager
def commented_table(
    spec: DatasetSpec, *, suite: Path, connections: Any, environ: Any = None
) -> Iterator[CommentedTable]:
    """``spec``'s table on an open connection, to read and write its comment. DatasetError naming
    the suite, the connection and the table: undefined or unreachable connection, missing
    schema or table, or a database that keeps no table comments (SQLite)."""
    where, url, engine = connect(spec, suite=suite, connections=connections, environ=environ)
    dialect = dialect_of(engine)
    if dialect in NO_COMMENTS:
        engine.dispose()
        raise DatasetError(
            f"{where}: {NO_COMMENTS[dialect]}, so stamp cannot attach the stewardship to the table (it stays in the "
            "suite; a run's stamp_match check is skipped there, saying so; docs/sql.md)"
        )
    try:
        with _connected(engine, where, url, spec) as conn:
            yield CommentedTable(where, _display(spec), dialect, conn, url, *_parts(spec))
    finally:
        engine.dispose()


def read_comment(spec: DatasetSpec, *, suite: Path, connections: Any, environ: Any = None) -> ReadComment:
    """``spec``'s table's comment (for ``inspect``); on SQLite, why there is none."""
    where, url, engine = connect(spec, suite=suite, connections=connections, environ=environ)
    dialect = dialect_of(engine)
    try:
        with _connected(engine, where, url, spec) as conn:
            if dialect in NO_COMMENTS:
                return ReadComment(_display(spec), None, NO_COMMENTS[dialect])
            return ReadComment(_display(spec), CommentedTable(where, _display(spec), dialect, conn, url,
                                                              *_parts(spec)).read())  # fmt: skip
    finally:
        engine.dispose()


@contextmanager
def _connected(engine: Any, where: str, url: str, spec: DatasetSpec) -> Iterator[Any]:
    """A connection on which ``spec``'s table exists; its errors as DatasetErrors naming ``where``
    (the body's own errors, such as the audit store's, pass as they are)."""
    import sqlalchemy as sa

    try:
        conn = engine.connect()
    except driver_errors(engine) as exc:
        raise failure(where, exc, url) from None
    try:
        try:
            check_table(sa.inspect(conn), where, *_parts(spec))
        except driver_errors(engine) as exc:
            raise failure(where, exc, url) from None
        yield conn
    finally:
        conn.close()


def _display(spec: DatasetSpec) -> str:
    return f"{spec.connection}:{spec.table}"


def _parts(spec: DatasetSpec) -> tuple[str, str]:
    schema_name, _, name = (spec.table or "").rpartition(".")
    return schema_name, name
