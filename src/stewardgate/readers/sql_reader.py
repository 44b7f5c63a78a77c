"""The SQL reader: a table in a SQL database (``dataset: {connection, table, filter}``), checked
inside the database; see :mod:`stewardgate.readers.sql` and docs/sql.md.

Data-level column rules move to the ``sql`` executor (lowered to SQL and counted in the table's
one aggregate query); the schema level stays with the polars contract on the catalogue's columns;
expectations that compile run in the same query, the others on the table's rows (read once with
connectorx) in polars or GX, as on a file.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, closing
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stewardgate.engines.figures import Figure
    from stewardgate.engines.measured import Measured
    from stewardgate.planning import PlannedCheck
    from stewardgate.runner import RunOptions
    from stewardgate.suite.loader import LoadedSuite


class SqlReader:
    """Reads a table where it lives; see the module docstring."""

    name = "sql"

    def rewrite(self, p: PlannedCheck) -> PlannedCheck:
        """Data-level column rules run in the database, whatever engine of record the suite named."""
        from stewardgate.readers.sql.run import _in_sql

        return _in_sql(p)

    def open(self, loaded: LoadedSuite, options: RunOptions, as_of: date) -> Any:
        """The suite's table: its columns from the catalogue, nothing read yet."""
        from stewardgate.readers.sql.table import open_table

        return open_table(loaded.suite.dataset, suite=loaded.path, connections=options.connections, as_of=as_of)

    def prepared(self, opened: Any, *, profiled: bool) -> AbstractContextManager[Any]:
        """The table as opened; its connection pool is closed when the dataset is judged."""
        return closing(opened)

    def measure(
        self, loaded: LoadedSuite, opened: Any, planned: list[PlannedCheck], *, figures: list[Figure],
        masked: set[str], as_of: date, moment: datetime, profiled: bool, options: RunOptions,
    ) -> Measured:  # fmt: skip
        """Everything the database measures on the table (:func:`~stewardgate.readers.sql.run.measure_on_sql`)."""
        from stewardgate.readers.sql.run import measure_on_sql

        return measure_on_sql(
            loaded, opened, planned, figures=figures, masked=masked, samples=options.samples, as_of=as_of,
            moment=moment, profiled=profiled, regex_timeout=options.regex_timeout,
        )  # fmt: skip


READER = SqlReader()
