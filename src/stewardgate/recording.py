"""Recording judged dataset runs in the history store, without losing what was judged.

A store that cannot be written (disk full, read-only, locked past the busy timeout, gone)
must not swallow the verdicts: the :class:`Recorder` keeps the first failure, writes nothing
more, and the runner then raises :class:`~stewardgate.errors.UnrecordedRunError` carrying the
whole judged run, which the CLI prints and writes as reports before exiting 2.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from stewardgate import __version__
from stewardgate.errors import StoreError, UnrecordedRunError
from stewardgate.results import RunResult


class Recorder:
    """Writes each judged dataset run in its own transaction; after a failure, none more."""

    def __init__(
        self, open_store: Callable[[], Any], events: Callable[..., list[Any]], *, run_id: str, as_of: date
    ) -> None:
        self._open_store = open_store
        self._events = events
        self._run_id = run_id
        self._as_of = as_of
        self._store: Any = None
        self.failure: StoreError | None = None
        self.unrecorded: list[str] = []

    def record(self, judged: Any) -> None:
        """Store one judged dataset run (a :class:`~stewardgate.runner.Judged`)."""
        if self.failure is None:
            try:
                from stewardgate.store.codec import run_record

                self._store = self._store or self._open_store()
                record = run_record(judged.run)  # encoded once, for its audit entry and its rows
                self._store.save_dataset_run(
                    judged.run, run_id=self._run_id, as_of=self._as_of, tool_version=__version__,
                    metrics=judged.metrics, anomalous=judged.anomalous, schema=judged.schema,
                    audit=self._events(judged.run, self._run_id, self._as_of, record), record=record,
                )  # fmt: skip
                return
            except StoreError as exc:
                self.failure = exc
        self.unrecorded.append(judged.run.dataset)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def check(self, run: RunResult) -> RunResult:
        """``run`` when every dataset was recorded; else UnrecordedRunError carrying it."""
        if self.failure is None:
            return run
        names = ", ".join(self.unrecorded)
        message = (
            f"{self.failure}; the results above were judged but not recorded "
            f"({len(self.unrecorded)} of {len(run.datasets)} dataset runs not stored: {names})"
        )
        raise UnrecordedRunError(message, run=run) from self.failure
