"""What a SQL table's metadata says about its comment, where ``stamp`` writes the stewardship
stamp: the one place the keys are named (the SQL reader sets them when it opens a table, the
stamp check reads them; docs/sql.md).

``table_comment``: the table's comment, when it has one. ``table_comment_unsupported``: why the
table can carry none (SQLite keeps no table comments).
"""

from __future__ import annotations

COMMENT = "table_comment"
UNSUPPORTED = "table_comment_unsupported"


def comment_metadata(comment: str | None, unsupported: str | None) -> dict[str, str]:
    """A table's metadata: its comment, or why its database keeps none, or nothing."""
    if unsupported is not None:
        return {UNSUPPORTED: unsupported}
    return {COMMENT: comment} if comment else {}
