"""The one exception tree of stewardgate, and the exit-code table.

Every error stewardgate raises on purpose derives from :class:`StewardgateError` and carries
its own ``exit_code``. The CLI's ``handle_errors`` turns them into ``error: ...`` on stderr
and that exit code; anything else that escapes is our bug and exits 3.

::

    StewardgateError            exit 3  (our own bug when raised bare)
    ├── InputError              exit 2  invalid input: the user can fix it
    │   ├── UsageError                  bad flags or arguments
    │   ├── SuiteError                  one or more problems in a suite file (all of them)
    │   ├── DatasetError                a dataset that cannot be found or read
    │   ├── SettingsError               bad [tool.stewardgate] or STEWARDGATE_* values
    │   ├── StoreError                  a history store that cannot be reached or used
    │   │   └── UnrecordedRunError          judged, but the store refused the write (carries the run)
    │   └── OutputError                 a report or file that cannot be written where asked
    └── InternalError           exit 3  an invariant of ours broke

    Interrupted (a BaseException, like KeyboardInterrupt)  exit 130  SIGINT or SIGTERM

Third-party exceptions (polars, pyarrow, SQLAlchemy, GX, pandera) are translated where they
enter our code, keeping ``from exc``. This module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_PASSED = 0
EXIT_GATE_FAILED = 1
EXIT_INVALID_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class StewardgateError(Exception):
    """Base of every error stewardgate raises on purpose."""

    exit_code = EXIT_INTERNAL


class InputError(StewardgateError):
    """Something the user gave us is wrong; they can fix it. Exit 2."""

    exit_code = EXIT_INVALID_INPUT


class UsageError(InputError):
    """Bad command-line flags or arguments."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a file: ``path:line:col: key.path: message``."""

    path: str
    line: int | None
    col: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class SuiteError(InputError):
    """One or more problems in suite files; all of them are listed, each with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class DatasetError(InputError):
    """A dataset that cannot be found, opened or parsed."""


class SettingsError(InputError):
    """Invalid settings in pyproject.toml or STEWARDGATE_* environment variables."""


class StoreError(InputError):
    """A history store that cannot be reached, is of a newer schema, or refused a write."""


class UnrecordedRunError(StoreError):
    """The datasets were judged but the store could not record them; ``run`` is what was judged,
    for the caller to show and write before it exits 2."""

    def __init__(self, message: str, *, run: object) -> None:
        super().__init__(message)
        self.run = run


class OutputError(InputError):
    """A file (report, trust sheet, drafted suite…) that cannot be written at the path given."""


class InternalError(StewardgateError):
    """An invariant of ours broke; please report it. Exit 3."""


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived (raised by the process's signal handler). Exit 130.

    A BaseException, so that nothing that handles errors mistakes it for one; not a
    KeyboardInterrupt, so that click does not turn it into "Aborted!" and exit 1.
    """

    exit_code = EXIT_INTERRUPTED


def first_line(exc: BaseException) -> str:
    """The first line of a third-party exception's text (its type name if it has none): what
    our messages quote when they translate it."""
    return (str(exc).strip() or type(exc).__name__).splitlines()[0]
