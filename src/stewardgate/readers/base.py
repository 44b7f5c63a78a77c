"""The reader protocol: what opens a dataset and measures a plan on it.

A reader (``polars``, ``spark``; a SQL reader that measures everything remotely fits the same
shape) does three things, and the runner nothing reader-specific:

- :meth:`Reader.rewrite` moves a planned check to the reader's own executor (Spark counts the
  data-level rules in its one aggregate job). Planning applies it (``plan_suite(loaded,
  settings, reader)``), so ``stewardgate plan`` prints what ``run`` runs.
- :meth:`Reader.open` opens the suite's dataset lazily (metadata, schema, fingerprint).
- :meth:`Reader.prepared` makes the opened dataset ready for the run's queries for the length of a
  ``with`` block (polars: a CSV parsed once; SQL: the connection pool closed at its end).
- :meth:`Reader.measure` runs the data executors of the plan (schema level, compiled rules,
  expectations, the profile and the figures asked for) and returns :class:`Measured`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from stewardgate.engines.figures import Figure
    from stewardgate.engines.measured import Measured
    from stewardgate.planning import PlannedCheck
    from stewardgate.runner import RunOptions
    from stewardgate.suite.loader import LoadedSuite


class Reader(Protocol):
    """A reader of datasets; see the module docstring."""

    name: str

    def rewrite(self, p: PlannedCheck) -> PlannedCheck:
        """The check as this reader executes it (unchanged when it runs as planned)."""
        ...

    def open(self, loaded: LoadedSuite, options: RunOptions, as_of: date) -> Any:
        """The suite's dataset, opened lazily; it has ``schema`` (polars dtypes), ``fingerprint``,
        ``metadata`` and ``resolved``. Raises DatasetError when it cannot be opened."""
        ...

    def prepared(self, opened: Any, *, profiled: bool) -> AbstractContextManager[Any]:
        """The opened dataset as the run's queries should read it, inside the ``with`` block
        (everything the run reads of the data, the checks after the pass included)."""
        ...

    def measure(
        self, loaded: LoadedSuite, opened: Any, planned: list[PlannedCheck], *, figures: list[Figure],
        masked: set[str], as_of: date, moment: datetime, profiled: bool, options: RunOptions,
    ) -> Measured:  # fmt: skip
        """The data executors' results, the profile (when ``profiled``) and the ``figures``."""
        ...
