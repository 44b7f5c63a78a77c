"""A time bound on Python regular expressions that Great Expectations runs.

With ``engine: auto`` the regex expectations run compiled in polars, whose (Rust) regex
engine takes linear time on every pattern. What GX runs instead (an entry with
``engine: gx``, the ``..._regex_list`` expectations, a pattern the Rust engine rejects such as
a back-reference) uses Python's ``re``, which backtracks: ``^(a+)+$`` on 34 ``a`` and a ``!``
would run for hours, and GX has no time limit.

So before GX sees the data, each such expectation's patterns are tried here on the distinct
values of its column, within ``timeout`` seconds (setting ``regex_timeout``). One that does
not finish is taken out of GX's suite and becomes an ``errored`` check: it blocks the gate,
naming the pattern. The bound is a SIGALRM timer (``re`` checks for signals while it
backtracks), so it needs the main thread; elsewhere these expectations are errored too
rather than run unbounded.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stewardgate.planning import PlannedCheck

if TYPE_CHECKING:
    import pandas as pd

PATTERN_KEYS = ("regex", "regex_list")
DEFAULT_TIMEOUT_S = 30.0


class _Overtime(Exception):
    """The timer ran out while a pattern was being tried."""


def overtime(planned: list[PlannedCheck], frame: pd.DataFrame, *, timeout: float) -> dict[str, str]:
    """Why each expectation whose patterns do not finish on ``frame`` in time cannot run, by check id."""
    found = {}
    for p in planned:
        patterns = _patterns(p.args)
        column = p.args.get("column")
        if not patterns or not isinstance(column, str) or column not in frame.columns:
            continue
        why = _try(patterns, frame[column], timeout)
        if why is not None:
            found[p.check_id] = why
    return found


def _patterns(arguments: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in PATTERN_KEYS:
        value = arguments.get(key)
        found.extend([value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)])
    return found


def _try(patterns: list[str], column: pd.Series, timeout: float) -> str | None:
    """None when every pattern searched every distinct value within ``timeout``, else why not."""
    if threading.current_thread() is not threading.main_thread():
        return (
            "a Python regex can only be time-bounded on the main thread, and this expectation runs "
            "in GX with Python's re: run it from the main thread, or let it run compiled (engine: auto)"
        )
    values = [str(v) for v in column.dropna().unique()]
    for pattern in patterns:
        try:
            compiled = re.compile(pattern)
        except re.error:
            continue  # GX reports a pattern it cannot compile itself
        try:
            with _deadline(timeout):
                for value in values:
                    compiled.search(value)
        except _Overtime:
            return (
                f"the pattern /{pattern}/ did not finish on the column's values within {timeout:g} s: "
                "Python's re, which GX uses, backtracks on it; rewrite it without nested repetition, "
                "run it compiled (engine: auto), or raise the regex_timeout setting"
            )
    return None


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_Overtime` inside the block after ``seconds`` (main thread only)."""

    def expire(signum: int, frame: Any) -> None:
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
