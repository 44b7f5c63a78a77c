"""Problems of an ``access:`` declaration the suite model cannot see on its own: located suite
errors (exit 2), found before any data is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stewardgate.errors import Problem

if TYPE_CHECKING:
    from stewardgate.suite.loader import LoadedSuite


def access_problems(loaded: LoadedSuite) -> list[Problem]:
    """Personal-data readers that are neither readers nor writers; keys that do not apply to the dataset's kind."""
    spec = loaded.suite.access
    if spec is None:
        return []
    problems = []
    for i, role in enumerate(spec.personal_data or []):
        if role not in spec.readers:
            problems.append(_problem(loaded, ("access", "personal_data", i),
                                     f"'{role}' is not one of access.read or access.write (declare it as a reader "
                                     "first: who may read the personal-data columns may read the data)"))  # fmt: skip
    table = loaded.suite.dataset.is_table
    if table and spec.group is not None:
        problems.append(_problem(loaded, ("access", "group"), "a table has no group: access.group applies to files "
                                 "(declare the roles in access.read instead)"))  # fmt: skip
    if not table and spec.row_security is not None:
        problems.append(_problem(loaded, ("access", "row_security"), "row_security applies to PostgreSQL tables "
                                 "(dataset.connection), not to files"))  # fmt: skip
    return problems


def _problem(loaded: LoadedSuite, keys: tuple[str | int, ...], message: str) -> Problem:
    line, col = loaded.located.position(keys)
    return Problem(str(loaded.path), line, col, ".".join(map(str, keys)), message)
