"""SIGINT and SIGTERM at any moment: exit 130 and one line on stderr, never a traceback.

:func:`interruptible` installs handlers that raise :class:`~stewardgate.errors.Interrupted`
and runs the command line under them, so ``finally`` blocks run on the way out (worker
processes are stopped, store transactions rolled back). The entry points call it before
importing anything heavy (``python -m stewardgate`` and the ``stewardgate`` command both
start in :mod:`stewardgate.__main__`). This module imports only errors.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from stewardgate.errors import Interrupted

_received: str | None = None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    global _received
    _received = signal.Signals(signum).name
    raise Interrupted(_received)


def stop_signal() -> str | None:
    """The stop signal this command received (``SIGINT``, ``SIGTERM``), or None.

    The handler raises :class:`Interrupted` wherever the signal lands, and a library may turn
    that into an error of its own, or drop it: pydantic-core, building a suite model's schema
    when a Ctrl-C came, raised ``SchemaError: Error building ... Interrupted: SIGINT``, which was
    reported as an internal error (exit 3). The command line asks this instead
    (:func:`stewardgate.cli.errors.handle_errors`): once a stop signal arrived, the command was
    interrupted, whatever became of the exception."""
    return _received


REDELIVER_S = 0.01
"""How long after an ignored interruption its signal is sent again (see :func:`_delivered_again`)."""


def _delivered_again(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    """An unraisable-exception hook: an :class:`Interrupted` that landed where Python ignores
    exceptions (a weakref callback of the import system's module locks: "Exception ignored in:
    <function _get_module_lock.<locals>.cb>", and the command went on) is not printed; its signal
    is sent again :data:`REDELIVER_S` later, from a thread, so that it lands in the code around
    the callback (sent from the hook itself, it would land in the hook, where Python ignores
    it too). Anything else goes to ``previous``."""

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, Interrupted):
            previous(unraisable)
            return
        import os
        import threading

        again = threading.Timer(REDELIVER_S, os.kill, (os.getpid(), signal.Signals[str(unraisable.exc_value)]))
        again.daemon = True
        again.start()

    return hook


def interruptible(action: Callable[[], object]) -> None:
    """Run ``action`` with the handlers installed; an interruption exits 130."""
    global _received
    _received = None
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    previous, sys.unraisablehook = sys.unraisablehook, _delivered_again(sys.unraisablehook)
    try:
        action()
    except Interrupted as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing now
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write(f"error: interrupted ({exc})\n")
        sys.stderr.flush()
        sys.exit(exc.exit_code)
    finally:
        sys.unraisablehook = previous
