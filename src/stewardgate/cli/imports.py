"""``stewardgate import gx|odcs``: take over existing GX suites and ODCS contracts. Thin.

Exit 0 when everything was converted, 1 when something could not be (each listed on stderr
with its reason), 2 on invalid input.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from stewardgate.cli.errors import exits
from stewardgate.errors import EXIT_GATE_FAILED, EXIT_PASSED
from stewardgate.importers import ImportResult

SOURCE = click.argument("source", type=click.Path(path_type=Path, dir_okay=False))


@click.group("import")
def import_group() -> None:
    """Convert Great Expectations suites and ODCS data contracts into suites.

    \b
    Exit codes: 0 everything converted · 1 something could not be converted
    (listed on stderr) · 2 invalid input.
    """


@import_group.command("gx")
@SOURCE
@click.option(
    "--data-path", "dataset_path", required=True, help="Data path to write into the suite (file, glob or folder)."
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Suite file to write (default: stdout)."
)
@click.option("--name", help="Dataset name (default: from the GX suite name).")
@click.option("--owner", help="Accountable owner (e-mail or handle); a placeholder otherwise.")
@click.option("--steward", help="Data steward (e-mail or handle); a placeholder otherwise.")
@exits
def gx_cmd(
    source: Path, dataset_path: str, output: Path | None, name: str | None, owner: str | None, steward: str | None
) -> int:
    """Convert a GX suite JSON file (GX 1.x or 0.x) into a stewardgate suite."""
    from stewardgate.importers.gx import import_gx

    path = _relative_to(dataset_path, output)
    result = import_gx(source, dataset_path=path, name=name, owner=owner, steward=steward)
    return _finish(result, [output] if output else None)


@import_group.command("odcs")
@SOURCE
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the suites (default: stdout).",
)
@click.option("--dataset-template", default="{name}.parquet", show_default=True,
              help="Data path of each suite; {name} and {physical_name} are the schema object's.")  # fmt: skip
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date for team membership (default: $STEWARDGATE_AS_OF, else today).",
)
@exits
def odcs_cmd(source: Path, output_dir: Path | None, dataset_template: str, as_of: datetime | None) -> int:
    """Convert an ODCS v3.x data contract into one suite per schema object."""
    from stewardgate.importers.odcs import import_odcs
    from stewardgate.settings import load_settings

    day = load_settings(cwd=Path.cwd(), flags={"as_of": as_of.date() if as_of else None}).as_of
    result = import_odcs(source, dataset_template=dataset_template, as_of=day)
    return _finish(result, [output_dir / s.filename for s in result.suites] if output_dir else None)


def _finish(result: ImportResult, targets: list[Path] | None) -> int:
    from stewardgate.io import atomic_write_text

    written: list[Path | None] = list(targets) if targets else [None] * len(result.suites)
    for suite, target in zip(result.suites, written):
        if target is None:
            click.echo(("---\n" if len(result.suites) > 1 else "") + suite.text, nl=False)
        else:
            atomic_write_text(target, suite.text)
            click.echo(f"wrote {target}", err=True)
    for finding in result.findings:
        click.echo(
            f"{'not converted' if finding.lost else 'warning'}: {result.source}: {finding.where}: {finding.message}",
            err=True,
        )
    lost = len(result.lost)
    if lost:
        click.echo(
            f"import incomplete: {lost} item{'s' if lost != 1 else ''} could not be converted (listed above)", err=True
        )
    return EXIT_PASSED if result.complete else EXIT_GATE_FAILED


def _relative_to(dataset_path: str, output: Path | None) -> str:
    """The data path as the suite must hold it: relative to the suite's folder."""
    if output is None or os.path.isabs(dataset_path):
        return dataset_path
    return os.path.relpath(os.path.abspath(dataset_path), os.path.abspath(output.parent))
