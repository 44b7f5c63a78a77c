"""Neutralising data-derived text where it enters an output: the one place for it.

Sample values, column names, dataset names, file names, messages and stewardship texts come
from data and suites that others write. Each output format has one function here:

* :func:`terminal`: for the console. Control characters (C0, DEL, C1), line and paragraph
  separators and bidirectional overrides are shown escaped (``\\x1b``, ``\\n``, ``\\u202e``), so a
  value can neither start a new line (a GitHub Actions ``::error ...``, ``::stop-commands::``
  or ``::add-mask::`` command) nor move the cursor, clear the screen or repaint a verdict.
  :func:`terminal_block` does the same for a whole block of our own lines, keeping its line
  breaks and putting a space before any line that would start with ``::``.
* :func:`markdown`: for Markdown text and table cells: no HTML, no link or image syntax, no
  autolinks, no table-cell breakout, one line (emphasis and e-mail addresses are harmless).
* :func:`csv_cell`: for CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR
  gets a leading ``'`` so that a spreadsheet shows it as text instead of running a formula.
"""

from __future__ import annotations

import re
from typing import Any

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_UNSAFE_KEEP_NL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: Any) -> str:
    """One piece of data text, safe on a terminal and in a CI log (one line, no escapes)."""
    return _UNSAFE.sub(_escape, str(text))


def terminal_block(text: str) -> str:
    """A block of output lines: every line made safe as by :func:`terminal`, line breaks kept,
    and no line left starting with ``::`` (a workflow command)."""
    lines = _UNSAFE_KEEP_NL.sub(_escape, text).split("\n")
    return "\n".join(" " + line if line.startswith("::") else line for line in lines)


def markdown(text: Any) -> str:
    """Data text as inert Markdown on one line (also inside a table cell): HTML escaped,
    ``\\`` and ``|`` escaped, no inline link or image (``](``), no autolink (``://``, ``www.``)."""
    folded = terminal(" ".join(str(text).split()))
    folded = folded.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    folded = folded.replace("\\", "\\\\").replace("|", "\\|").replace("](", "]\\(")
    return _AUTOLINK.sub(lambda m: "&#58;//" if m.group(0) == "://" else m.group(0)[:3] + "&#46;", folded)


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (non-text values unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
