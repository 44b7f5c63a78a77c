"""Readers by name, as pre-commit keeps its languages: a plain dict (see :mod:`.base`).

A suite whose dataset is a SQL table (``dataset.connection``) is read by the SQL reader, whatever
``--engine`` says; ``run --engine spark`` (or a suite's ``engine: spark``) picks the Spark reader;
everything else reads with polars. A new reader is a module with a :class:`~.base.Reader` and one line here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stewardgate.readers import polars_reader, spark_reader, sql_reader
from stewardgate.readers.base import Reader

if TYPE_CHECKING:
    from stewardgate.suite.loader import LoadedSuite

READERS: dict[str, Reader] = {
    "polars": polars_reader.READER,
    "spark": spark_reader.READER,
    "sql": sql_reader.READER,
}


def reader_for(loaded: LoadedSuite, engine: str) -> Reader:
    """The reader of a suite's data: a table's database, else the run's ``--engine``, or the suite's
    own ``engine: spark``."""
    if loaded.suite.dataset.is_table:
        return READERS["sql"]
    return READERS["spark"] if engine == "spark" or loaded.suite.engine == "spark" else READERS[engine]


__all__ = ["READERS", "Reader", "reader_for"]
