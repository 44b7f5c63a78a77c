"""The command line: a thin click layer, the only place that prints and exits.

Each command parses options, calls one library function, renders, and returns an exit code
through :func:`stewardgate.cli.errors.exits` (errors become a message and their exit code).
"""

from __future__ import annotations

import click

from stewardgate import __version__
from stewardgate.cli.access import access_group
from stewardgate.cli.commands import checks_cmd, plan_cmd, report_cmd, run_cmd, schema_cmd, validate_cmd
from stewardgate.cli.drafting import COMMANDS as DRAFTING_COMMANDS
from stewardgate.cli.drift import baseline_group, breaking_cmd, diff_cmd
from stewardgate.cli.exports import export_group
from stewardgate.cli.governance import COMMANDS as GOVERNANCE_COMMANDS
from stewardgate.cli.history import backfill_cmd, backtest_cmd, history_cmd, runs_cmd
from stewardgate.cli.imports import import_group
from stewardgate.cli.nightly import notify_group
from stewardgate.cli.store import store_group


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="stewardgate")
def cli() -> None:
    """stewardgate: a release gate for data, with its stewardship attached.

    \b
    Exit codes: 0 gate passed · 1 gate failed · 2 invalid input (usage, suite,
    dataset, store) · 3 internal error · 130 interrupted.
    """


for _command in (run_cmd, validate_cmd, plan_cmd, checks_cmd, schema_cmd, report_cmd):
    cli.add_command(_command)
cli.add_command(import_group)
cli.add_command(export_group)
cli.add_command(notify_group)
cli.add_command(store_group)
cli.add_command(access_group)
for _command in (backfill_cmd, runs_cmd, history_cmd, backtest_cmd):
    cli.add_command(_command)
for _command in (baseline_group, diff_cmd, breaking_cmd):
    cli.add_command(_command)
for _command in GOVERNANCE_COMMANDS:
    cli.add_command(_command)
for _command in DRAFTING_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point (as :func:`stewardgate.__main__.main`, which imports less first)."""
    from stewardgate.__main__ import main as entry

    entry()
