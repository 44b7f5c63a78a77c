"""Stamping a suite's stewardship into its SQL table's comment (PostgreSQL ``COMMENT ON TABLE``,
MariaDB's table comment; docs/sql.md, docs/governance.md).

The comment holds the document a file's stamp holds (:func:`~.stamp.stamp_document`), as the
same canonical JSON (:func:`~.stamp.stamp_text`), except that a character outside Unicode's
basic plane is written as its JSON escape (``\\ud83d\\ude00``): MariaDB keeps table comments in
utf8mb3, which would turn it into ``?``. The document reads back the same.

- A stamp that does not fit (MariaDB keeps at most 2048 characters) is refused; nothing is written.
- A comment that is not a stewardgate stamp (a description someone wrote) is refused unless
  ``force``: then it is replaced, and its text goes into the audit entry, so it is never lost.
  An earlier stamp, readable or not, is simply replaced.
- ``record`` (the audit entry) is called once the comment is written but before it is committed
  (PostgreSQL) or, where a comment commits by itself (MariaDB), once the write is known to be
  allowed: never a stamped table without an entry. The database side is the table's
  :class:`CommentTarget` (:mod:`stewardgate.readers.sql.comment`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from stewardgate.errors import DatasetError
from stewardgate.governance.inspect import is_stamp_text
from stewardgate.governance.stamp import stamp_document, stamp_text
from stewardgate.suite.loader import LoadedSuite


class CommentTarget(Protocol):
    """A table whose comment can be read and written (the SQL reader's ``CommentedTable``)."""

    @property
    def where(self) -> str: ...  # the suite, the connection and the table, for messages
    @property
    def display(self) -> str: ...  # connection:table
    @property
    def database(self) -> str: ...  # PostgreSQL | MariaDB
    @property
    def max_length(self) -> int | None: ...

    def read(self) -> str | None: ...

    def write(self, text: str, *, before_commit: Callable[[], Any]) -> str | None: ...


@dataclass(frozen=True)
class TableStampReport:
    """What ``stamp`` did on a table: the document written, and a comment it replaced (``--force``)."""

    dataset: str
    display: str
    database: str
    document: dict[str, Any]
    replaced: str | None = None


def comment_text(document: dict[str, Any]) -> str:
    """The stamp as a table comment holds it: :func:`stamp_text`, astral characters escaped."""
    return "".join(_escaped(c) if ord(c) > 0xFFFF else c for c in stamp_text(document))


def _escaped(c: str) -> str:
    high, low = divmod(ord(c) - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def stamp_table(
    loaded: LoadedSuite, table: CommentTarget, *, at: datetime, force: bool = False,
    record: Callable[[TableStampReport], Any] | None = None,
) -> TableStampReport:  # fmt: skip
    """Write the suite's stamp into ``table``'s comment, in the order above.

    Raises:
        DatasetError: the stamp does not fit, the table's comment is not a stamp (without
            ``force``), or the database refuses the write (nothing is then written).
    """
    document = stamp_document(loaded, at=at)
    text = comment_text(document)
    limit = table.max_length
    if limit is not None and len(text) > limit:
        raise DatasetError(
            f"{table.where}: the stamp is {len(text)} characters and {table.database} keeps at most {limit} in a "
            "table comment: shorten stewardship.description or known_limitations; nothing was written"
        )
    current = table.read()
    foreign = current if current is not None and not is_stamp_text(current) else None
    if foreign is not None and not force:
        shown = foreign if len(foreign) <= 60 else foreign[:57] + "..."
        raise DatasetError(
            f"{table.where}: the table's comment is not a stewardgate stamp ({shown!r}); stamp --force replaces "
            "it (its text is kept in the audit entry); nothing was written"
        )
    report = TableStampReport(loaded.suite.dataset.name, table.display, table.database, document, foreign)
    table.write(text, before_commit=lambda: record(report) if record is not None else None)
    return report
