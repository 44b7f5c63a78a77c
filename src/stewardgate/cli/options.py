"""Options shared by several commands, so that one option name has one meaning everywhere.

``--json PATH``, ``--html PATH``, ``--markdown PATH`` and ``--junit PATH`` write that format to
a file (``run``, ``report``, ``diff``, ``trust-sheet``); ``--format`` chooses what a command
prints on stdout (``history``, ``inspect``, ``audit log``, ``baseline show``, ``breaking``,
``checks``, ``catalog``). ``tests/cli/test_options.py`` keeps every command to this.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

STORE_HELP = "History store URL (SQLAlchemy); default: SQLite .stewardgate/history.db in the working folder."
store_option = click.option("--store", default=None, help=STORE_HELP)
"""``--store URL``: the same words and the same default store for every command that reads or writes history."""


def named_store(url: str | None, *, create: bool = False) -> Any:
    """The history store a command opens: ``url`` (from --store, STEWARDGATE_STORE or settings),
    else the working folder's ``.stewardgate/history.db``, the same file for every command.

    ``create``: only commands that record (run, backfill, stamp, baseline, trust-sheet) may make
    a new store; the others name the missing file instead of reading an empty one.
    """
    from stewardgate.locations import DEFAULT_STORE_PATH
    from stewardgate.store import open_store

    return open_store(url, default_path=DEFAULT_STORE_PATH, create=create)


def use_color() -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (https://no-color.org)."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def print_format(default: str, other: str = "json") -> Callable[[F], F]:
    """``--format DEFAULT|OTHER``: what is printed on stdout; the parameter is ``as_<other>`` (a bool)."""
    return click.option(
        "--format",
        f"as_{other}",
        type=click.Choice([default, other]),
        default=default,
        show_default=True,
        callback=lambda _ctx, _param, value: value == other,
        help="What to print on stdout.",
    )
