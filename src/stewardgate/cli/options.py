"""Options shared by several commands, so that one option name has one meaning everywhere.

``--json PATH``, ``--html PATH``, ``--markdown PATH`` and ``--junit PATH`` write that format to
a file (``run``, ``report``, ``diff``, ``trust-sheet``); ``--format`` chooses what a command
prints on stdout (``history``, ``inspect``, ``audit log``, ``baseline show``, ``breaking``,
``checks``, ``catalog``). ``tests/cli/test_options.py`` keeps every command to this.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def print_format(default: str, other: str = "json") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format DEFAULT|OTHER``: what is printed on stdout; the parameter is ``as_<other>`` (a bool)."""
    return click.option(
        "--format", f"as_{other}", type=click.Choice([default, other]), default=default, show_default=True,
        callback=lambda _ctx, _param, value: value == other, help="What to print on stdout.",
    )
