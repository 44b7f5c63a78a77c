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
