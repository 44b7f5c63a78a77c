"""``stewardgate init`` and ``stewardgate suggest``: drafting suites. Thin, like every command.

Both write a file only when told to (``-o``, ``--write``) and never replace an existing file
without ``--force``. Neither writes to the data.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stewardgate.cli.errors import exits
from stewardgate.cli.options import named_store, store_option
from stewardgate.errors import EXIT_PASSED, UsageError

if TYPE_CHECKING:
    from stewardgate.suite.models import DataFormat


def _refuse_overwrite(target: Path, force: bool, what: str) -> None:
    if target.exists() and not force:
        raise UsageError(f"{target} exists; {what} replaces it only with --force")


@click.command("init")
@click.argument("dataset")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Suite file to write (default: stdout)."
)
@click.option(
    "--data-format",
    "fmt",
    type=click.Choice(["parquet", "csv", "ndjson", "ipc"]),
    help="The data's format, when the extension does not tell (dataset.format).",
)
@click.option(
    "--sample-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Rows the personal-data detectors look at (default 10,000).",
)
@click.option("--name", default=None, help="Dataset name (default: the output file's name, else the data's).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--connection",
    default=None,
    help="DATASET is a table (schema.table) of this connection of the settings, profiled in its database.",
)
@exits
def init_cmd(dataset: str, output: Path | None, fmt: DataFormat | None, sample_rows: int | None, name: str | None,
             force: bool, connection: str | None) -> int:  # fmt: skip
    """Draft a commented suite for DATASET (a file, glob or folder; with --connection, a table)
    from one pass over it.

    Every suggested rule carries its evidence as a comment. Owner and steward are left as
    placeholders: the suite does not validate until they are filled in. With -o, the dataset is
    named after the suite file (suites/new_orders.yml: new_orders); a name another suite in that
    folder already uses is refused, since the two could not run together.
    """
    from stewardgate.drafting.init import draft_suite
    from stewardgate.drafting.source import dataset_name
    from stewardgate.io import atomic_write_text
    from stewardgate.settings import load_settings

    settings = load_settings(cwd=Path.cwd())
    governance = settings.governance
    chosen = name
    if output is not None:
        _refuse_overwrite(output, force, "init")
        chosen = _free_name(name or dataset_name(str(output)), output, explicit=name is not None)
    draft = draft_suite(
        dataset, suite_folder=output.parent if output else Path.cwd(), fmt=fmt,
        sample_rows=sample_rows or governance.pii_sample_size, pii_threshold=governance.pii_threshold,
        as_of=datetime.now(UTC), protect=output, name=chosen, s3=settings.s3, connection=connection,
        connections=settings.connections,
    )  # fmt: skip
    if output is None:
        click.echo(draft.text, nl=False)
    else:
        atomic_write_text(output, draft.text)
    where = output or "the suite"
    click.echo(f"drafted {draft.name}: {draft.rows:,} rows, {draft.columns} columns -> {output or 'stdout'}", err=True)
    click.echo(
        f"next: fill in stewardship.owner and stewardship.steward in {where}, then review each suggestion", err=True
    )
    return EXIT_PASSED


def _free_name(name: str, output: Path, *, explicit: bool) -> str:
    """``name``, unless another suite in the output's folder already declares it (a UsageError)."""
    from stewardgate.suite.loader import declared_names

    other = declared_names(output.parent).get(name)
    if other is not None and Path(os.path.abspath(other)) != Path(os.path.abspath(output)):
        hint = "choose another with --name" if explicit else "name this one with --name, or write it elsewhere with -o"
        raise UsageError(
            f"{other} already declares dataset '{name}'; two suites of one folder cannot share a name ({hint})"
        )
    return name


@click.command("suggest")
@click.argument("suite", type=click.Path(path_type=Path, dir_okay=False))
@store_option
@click.option("--write", is_flag=True, help="Apply the proposals to SUITE (with --force: it replaces the file).")
@click.option("--force", is_flag=True, help="Allow --write to replace SUITE.")
@exits
def suggest_cmd(suite: Path, store: str | None, write: bool, force: bool) -> int:
    """Propose edits to SUITE from its dataset's stored runs (at least 7), as a unified diff.

    Rules that would have failed on most runs (too tight), category sets stable over the whole
    history, null thresholds far above anything seen, anomaly rules worth adding. Comments and
    layout are kept. Reads the history store only, never the data.
    """
    from stewardgate.drafting.suggest import suggest_from_store
    from stewardgate.io import atomic_write_text
    from stewardgate.settings import load_settings
    from stewardgate.suite.loader import load_suites

    if write:
        _refuse_overwrite(suite, force, "suggest --write")
    (loaded,) = load_suites([suite])
    settings = load_settings(cwd=Path.cwd(), flags={"store": store})
    with named_store(settings.store) as db:
        result = suggest_from_store(loaded, db)
    click.echo(result.diff(), nl=False)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    told = f"{len(result.proposals)} proposal{'s' if len(result.proposals) != 1 else ''}"
    click.echo(f"{suite}: {told} from {result.runs} runs ({result.first} … {result.last})", err=True)
    if write and result.changed:
        atomic_write_text(suite, result.after)
        click.echo(f"wrote {suite}", err=True)
    return EXIT_PASSED


COMMANDS = (init_cmd, suggest_cmd)
