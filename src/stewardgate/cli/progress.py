"""A progress bar for ``stewardgate run`` over several datasets, on a terminal only.

The bar is drawn with rich on standard error, and only when standard error is a terminal,
more than one suite runs, and neither ``CI`` is set nor ``TERM`` is ``dumb``. Everywhere else
(CI logs, pipes, files) nothing changes: the dataset blocks go to standard output as plain
lines. While the bar is shown and standard output is the terminal too, each dataset block is
printed through the bar's console, above the bar, so the two never tear each other apart. The
bar is transient: it is gone when the run ends, before the reports and the gate line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

import click


def wanted(stream: Any = None, environ: Any = None) -> bool:
    """Whether a progress bar may be drawn on ``stream`` (default: standard error)."""
    stream = sys.stderr if stream is None else stream
    environ = os.environ if environ is None else environ
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    return is_tty and not environ.get("CI") and environ.get("TERM") != "dumb"


class DatasetProgress:
    """Counts finished datasets on a bar; ``echo`` prints a dataset block and advances the bar.

    Use as a context manager around the run. Disabled, it is plain ``click.echo``.
    """

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and total > 1
        self._progress: Any = None
        self._task: Any = None

    @classmethod
    def for_paths(cls, paths: list[Path]) -> DatasetProgress:
        """A bar for the suites under ``paths``, if a bar is wanted (the suites are only counted)."""
        if not wanted():
            return cls(0, enabled=False)
        from stewardgate.suite.loader import discover

        return cls(len(discover(paths)), enabled=True)

    def __enter__(self) -> DatasetProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(file=sys.stderr)
            self._progress = Progress(
                TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("datasets"),
                TimeElapsedColumn(), TextColumn("[dim]{task.description}"),
                console=console, transient=True,
            )  # fmt: skip
            self._task = self._progress.add_task("", total=self.total)
            self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def echo(self, text: str, dataset: str = "") -> None:
        """Print one dataset block (to standard output) and count the dataset as done."""
        if self._progress is None:
            click.echo(text)
            return
        self._progress.update(self._task, advance=1, description=f"last: {dataset}" if dataset else "", refresh=True)
        if sys.stdout.isatty():
            from rich.text import Text

            self._progress.console.print(Text.from_ansi(text), soft_wrap=True)
        else:
            click.echo(text)
