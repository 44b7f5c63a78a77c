"""The process entry point of ``python -m stewardgate`` and of the ``stewardgate`` command.

SIGINT and SIGTERM are handled from the first line: until the command line is imported
nothing has started, so the process just says so and ends with exit 130; from then on
:func:`stewardgate.signals.interruptible` turns them into an exception that unwinds
cleanly (workers stopped, transactions rolled back), again exit 130, never a traceback.

A worker of ``run --parallel`` runs this module again as ``__mp_main__`` while it starts
(multiprocessing's spawn does that); it installs nothing: it was born ignoring SIGINT, a
SIGTERM from the parent ends it silently, and :mod:`stewardgate.workers` sets its handlers.
"""

from __future__ import annotations

import os
import signal
import sys


def _before_start(signum: int, frame: object) -> None:
    os.write(2, f"error: interrupted ({signal.Signals(signum).name})\n".encode())
    os._exit(130)  # nothing to clean up yet: no file, store or worker has been touched


def _is_worker() -> bool:
    """Started by multiprocessing's spawn (the test ``multiprocessing.spawn.is_forking`` makes)."""
    return len(sys.argv) >= 2 and sys.argv[1] == "--multiprocessing-fork"


if not _is_worker():
    signal.signal(signal.SIGINT, _before_start)
    signal.signal(signal.SIGTERM, _before_start)

from stewardgate.signals import interruptible  # noqa: E402  (after the handlers, on purpose)


def _cli() -> None:
    from stewardgate.cli import cli

    cli(prog_name="stewardgate")


def main() -> None:
    """Run the command line under the SIGINT/SIGTERM handlers, with the garbage collector
    tuned for a run and told, once the command has ended, to leave its objects to the end of
    the process (:mod:`stewardgate.collector`)."""
    from stewardgate.collector import before_exit, tune

    tune()
    try:
        interruptible(_cli)
    finally:  # the command's exit code is on its way out (SystemExit) or it ended otherwise
        before_exit()


if __name__ == "__main__":
    main()
