"""One meaning per option name across commands (issue 16, item 7).

Walks every command of the CLI: an option name is either a flag everywhere or takes a value
everywhere, of one type; the report options (``--json``, ``--html``, ``--markdown``, ``--junit``)
always take a file; ``--format`` always chooses what is printed on stdout.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import click

from stewardgate.cli import cli

REPORT_OPTIONS = {"--json", "--html", "--markdown", "--junit"}
STDOUT_FORMATS = {"table", "text", "json", "csv", "markdown"}


def _options() -> dict[str, list[tuple[str, click.Option]]]:
    found: dict[str, list[tuple[str, click.Option]]] = defaultdict(list)

    def walk(command: Any, path: str) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())
            return
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    found[opt].append((path, param))

    walk(cli, "")
    return found


def _kind(option: click.Option) -> str:
    return "flag" if option.is_flag else type(option.type).__name__ + ("*" if option.multiple else "")


def test_an_option_name_is_a_flag_everywhere_or_takes_the_same_kind_of_value_everywhere() -> None:
    mixed = {name: sorted({(c, _kind(o)) for c, o in uses}) for name, uses in _options().items()
             if len({_kind(o).rstrip("*") for _, o in uses}) > 1}  # fmt: skip
    assert mixed == {}


def test_report_options_take_a_file_and_format_chooses_what_is_printed() -> None:
    options = _options()
    for name in REPORT_OPTIONS:
        assert {_kind(o) for _, o in options[name]} == {"Path"}, name
    for command, option in options["--format"]:
        assert set(option.type.choices) <= STDOUT_FORMATS, (command, option.type.choices)  # type: ignore[attr-defined]
