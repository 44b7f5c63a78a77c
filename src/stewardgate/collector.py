"""How often Python's cyclic garbage collector runs in a stewardgate process.

A run allocates hundreds of thousands of small objects that live until it ends (the suite's
YAML nodes and models, polars expressions, results, the run record) and frees almost none
of them through cycles. With Python's default thresholds (700, 10, 10) the collector walks
them again and again: in a 500-column run, 324 young, 30 middle and 2 full collections took
0.14 s of its 1.8 s. :data:`THRESHOLDS` lets the young generation grow to 200,000 objects
first: no collection in that run (at 100,000, one: 0.03-0.07 s), two in a run of 1,000 small
datasets (0.2 s, as at 100,000; 0.27 s with the defaults). The garbage that can wait is what
cycles leave (freed objects without cycles go at once, as always), at most that many objects'
worth: the 1,000-dataset run peaked 6 MB higher (133 MB). At 500,000 it kept 330,000 objects of
cyclic garbage, 20 MB more.

At the end of the command line, :func:`before_exit` leaves what the run built to the end of the
process instead of to the collector (see there).

Only processes stewardgate owns set it (the command line, ``--parallel``'s workers); a program
calling :func:`stewardgate.runner.run_paths` keeps its own settings. This module imports nothing.
"""

from __future__ import annotations

import gc

THRESHOLDS = (200_000, 10, 10)
"""``gc.set_threshold``'s arguments for a stewardgate process (young, middle, old)."""


def tune() -> None:
    """Set :data:`THRESHOLDS` for this process."""
    gc.set_threshold(*THRESHOLDS)


def before_exit() -> None:
    """Move every object the command built out of the collector's sight (``gc.freeze``).

    As the interpreter ends, it tears its modules down and runs full collections over every
    object still alive: after a profiled 10M-row run that took 0.6-0.85 s of the process's
    wall time (0.27-0.3 s frozen; 0.22-0.27 s if the process skipped its teardown entirely).
    Frozen objects are still freed by reference counting as the modules go; only garbage in
    reference cycles is left to the end of the process, and nothing of stewardgate's waits on
    a cycle being collected: stores, files and temporary folders are closed by their ``with``
    blocks before the command returns, and ``atexit`` handlers run as before."""
    gc.freeze()
