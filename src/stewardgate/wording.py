"""How numbers read in messages: shares of rows and observed values, the same in every output.

``share(part, whole)`` is a percentage with two decimals that never rounds a non-zero part to
``0.00%`` (it reads ``<0.01%``) nor a part short of the whole to ``100.00%`` (``>99.99%``): a
failing rule must not look as if nothing failed. ``number(value)`` prints a measured float with at
most six significant digits (``95.7832``, not ``95.78322999999997``); integers keep all digits.
"""

from __future__ import annotations

from typing import Any

_FLOOR = 0.0001  # 0.01 %, the smallest share two decimals can show


def share(part: int | float, whole: int | float) -> str:
    """``part / whole`` as a percentage with two decimals, never 0.00% or 100.00% when it is not."""
    if not whole:
        return "n/a"
    fraction = part / whole
    return fraction_text(fraction)


def fraction_text(fraction: float) -> str:
    """A fraction (0..1) as a percentage with two decimals, never rounded to 0.00% or 100.00%."""
    if 0 < fraction < _FLOOR / 2:
        return "<0.01%"
    if 1 - _FLOOR / 2 <= fraction < 1:
        return ">99.99%"
    return f"{fraction:.2%}"


def number(value: Any) -> Any:
    """A measured value for display: floats with at most 6 significant digits, anything else as is."""
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        rounded = float(f"{value:.6g}")
        return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded
    return value


def suggest(word: str, allowed: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean 'x'? allowed: a, b, c)`` for an unknown ``word``; the one wording everywhere."""
    import difflib

    if not allowed:
        return ""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    listing = ", ".join(allowed)
    return f" (did you mean '{close[0]}'? allowed: {listing})" if close else f" (allowed: {listing})"


def percent(value: float) -> str:
    """A fraction as percent with sensible precision: ``15.0%``, ``2.01%``, ``0.0059%``."""
    p = value * 100
    if p == 0:
        return "0%"
    if abs(p) >= 10:
        return f"{p:.1f}%"
    if abs(p) >= 1:
        return f"{p:.2f}%"
    return f"{p:.2g}%"


def grouped(value: Any) -> str:
    """A suite's value as a consumer reads it: integers with thousands separators (``10,000``)."""
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
