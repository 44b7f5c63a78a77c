"""Which suites a run or backfill judges: ``--select`` / ``--exclude`` by name, glob or tag.

A pattern is a dataset name (``orders``), a glob of names (``orders_*``) or ``tag:NAME``
(suites whose ``tags:`` hold NAME; ``tag:`` takes a glob too). With ``--select``, a suite is
kept when any select pattern matches it; then any ``--exclude`` pattern that matches removes
it. A pattern that matches no suite is an error naming the datasets and tags that exist, and
so is a selection that leaves nothing to run: a typo never passes as an empty, green run.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from stewardgate.errors import UsageError
from stewardgate.suite.loader import LoadedSuite

TAG = "tag:"


def matches(pattern: str, loaded: LoadedSuite) -> bool:
    """Whether one pattern names this suite."""
    if pattern.startswith(TAG):
        return any(fnmatchcase(t, pattern[len(TAG) :]) for t in loaded.suite.tags)
    return fnmatchcase(loaded.suite.dataset.name, pattern)


def select_suites(
    suites: Sequence[LoadedSuite], select: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[LoadedSuite]:
    """The suites the patterns keep, in their order; UsageError when a pattern matches nothing."""
    for flag, patterns in (("--select", select), ("--exclude", exclude)):
        for pattern in patterns:
            if not any(matches(pattern, s) for s in suites):
                raise UsageError(f"{flag} '{pattern}' matches no suite ({_existing(suites)})")
    kept = [s for s in suites if not select or any(matches(p, s) for p in select)]
    kept = [s for s in kept if not any(matches(p, s) for p in exclude)]
    if not kept:
        given = " ".join([*(f"--select '{p}'" for p in select), *(f"--exclude '{p}'" for p in exclude)])
        raise UsageError(f"{given} leaves no suite to run ({_existing(suites)})")
    return kept


def _existing(suites: Sequence[LoadedSuite]) -> str:
    names = ", ".join(sorted(s.suite.dataset.name for s in suites)) or "none"
    tags = ", ".join(sorted({t for s in suites for t in s.suite.tags})) or "none"
    return f"datasets: {names}; tags: {tags}"
