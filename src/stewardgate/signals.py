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

from stewardgate.errors import Interrupted


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signal.Signals(signum).name)


def interruptible(action: Callable[[], object]) -> None:
    """Run ``action`` with the handlers installed; an interruption exits 130."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        action()
    except Interrupted as exc:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing now
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write(f"error: interrupted ({exc})\n")
        sys.stderr.flush()
        sys.exit(exc.exit_code)
