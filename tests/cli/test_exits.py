"""One error/exit path for every command: :func:`stewardgate.cli.errors.exits`.

A command's body returns its exit code; our errors become ``error: ...`` on stderr with their
code, anything else is an internal error (3). Every command goes through it, and the ``--store``
option reads the same (one default store) wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from stewardgate.cli import cli
from stewardgate.cli.errors import exits
from stewardgate.cli.options import STORE_HELP
from stewardgate.errors import EXIT_INTERNAL, EXIT_INVALID_INPUT, UsageError


@click.command()
@click.argument("what")
@exits
def _probe(what: str) -> int:
    """A command that returns, raises our error, or breaks."""
    if what == "usage":
        raise UsageError("no such thing")
    if what == "bug":
        raise RuntimeError("oops")
    click.echo(f"did {what}")
    return 1


def test_the_body_returns_the_exit_code() -> None:
    result = CliRunner().invoke(_probe, ["it"])
    assert (result.exit_code, result.output) == (1, "did it\n")


def test_our_errors_are_a_message_and_their_code() -> None:
    result = CliRunner().invoke(_probe, ["usage"])
    assert result.exit_code == EXIT_INVALID_INPUT
    assert result.stderr == "error: no such thing\n"


def test_anything_else_is_an_internal_error_without_a_traceback() -> None:
    result = CliRunner().invoke(_probe, ["bug"])
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.startswith("error: internal error: RuntimeError: oops") and "Traceback" not in result.stderr


def test_the_decorator_keeps_the_help_text() -> None:
    assert "returns, raises our error, or breaks" in CliRunner().invoke(_probe, ["--help"]).output


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_command_goes_through_exits() -> None:
    through_exits = _probe.callback.__code__  # type: ignore[union-attr]  # the one wrapper exits makes
    for name, command in _commands(cli):
        assert command.callback is not None and command.callback.__code__ is through_exits, name


def test_store_means_one_thing_everywhere() -> None:
    helps = {name: p.help for name, c in _commands(cli) for p in c.params if p.name == "store"}
    assert len(helps) >= 10
    assert set(helps.values()) == {STORE_HELP}, helps
