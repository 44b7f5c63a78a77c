"""Where a settings key is written in a ``pyproject.toml`` (tomllib keeps no positions).

A small line scanner, enough for settings errors that name the line: it follows ``[table]``
and ``[[array.of.tables]]`` headers (counting the array's entries) and ``key = value`` lines,
and answers the line of the deepest part of a key path it finds.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def line_of(text: str, path: list[str | int]) -> int | None:
    """The 1-based line of ``path`` (e.g. ``tool, stewardgate, notify, channels, 0, kind``)."""
    wanted = [str(p) for p in path]
    table: list[str] = []
    counts: dict[tuple[str, ...], int] = {}
    best: tuple[int, int] | None = None  # (matched parts, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            parts = [p.strip().strip('"') for p in header.group(2).split(".")]
            if header.group(1) == "[[":
                index = counts.get(tuple(parts), -1) + 1
                counts[tuple(parts)] = index
                parts = [*parts, str(index)]
            table = parts
            here = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            here = [*table, key.group(1).strip("\"'").replace("-", "_")]
        depth = _common(here, wanted)
        if depth == len(here) and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best is not None and best[0] > 2 else None


def _common(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
