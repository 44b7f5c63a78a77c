"""The one place that turns exceptions into messages on stderr and exit codes.

Every command's body is decorated with :func:`exits`: the body returns its exit code and raises
our errors; the decorator prints them (:func:`handle_errors`) and leaves with the code.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from typing import ParamSpec

from stewardgate.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, Interrupted, StewardgateError, SuiteError
from stewardgate.signals import stop_signal  # imports only errors

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left
P = ParamSpec("P")


def exits(command: Callable[P, int]) -> Callable[P, None]:
    """A click command whose body returns its exit code: errors become ``error: ...`` and their code.

    Put it below the click decorators (next to ``def``), so click sees the command's parameters.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        import click

        click.get_current_context().exit(handle_errors(lambda: command(*args, **kwargs)))

    return run


def handle_errors(action: Callable[[], int]) -> int:
    """Run ``action``; map our errors to their exit code, anything else to 3 (our bug).

    Once a stop signal has arrived (:func:`stewardgate.signals.stop_signal`), the command was
    interrupted: an error a library made of the interruption, or a command that went on after a
    library dropped it, ends as the interruption (exit 130), never as an internal error or a
    result."""
    try:
        code = action()
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `stewardgate ... | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        _raise_if_stopped(exc)
        return _reported(exc)
    _raise_if_stopped(None)
    return code


def _raise_if_stopped(exc: Exception | None) -> None:
    signal_name = stop_signal()
    if signal_name is not None:
        raise Interrupted(signal_name) from exc


def _reported(exc: Exception) -> int:
    """``exc`` on stderr; its exit code (3 for anything not ours: our bug)."""
    if isinstance(exc, SuiteError):
        for problem in exc.problems:
            _err(str(problem), prefix="")
        noun = "problem" if len(exc.problems) == 1 else "problems"
        _err(f"{len(exc.problems)} {noun} in suites; nothing was run")
        return exc.exit_code
    if isinstance(exc, StewardgateError):
        _err(str(exc))
        return exc.exit_code
    _err(f"internal error: {type(exc).__name__}: {exc} (please report this; set STEWARDGATE_DEBUG=1 for details)")
    if os.environ.get("STEWARDGATE_DEBUG"):
        traceback.print_exc()
    return EXIT_INTERNAL


def _err(message: str, *, prefix: str = "error: ") -> None:
    from stewardgate.textsafe import terminal  # messages quote paths and values from data: one line each

    sys.stderr.write(terminal(f"{prefix}{message}") + "\n")
    sys.stderr.flush()
