"""``stewardgate export odcs``: a suite written out as an ODCS v3 data contract. Thin.

Exit 0 when ODCS expresses the whole suite, 1 when some of it has no ODCS form (each part
listed on stderr), 2 on invalid input.
"""

from __future__ import annotations

from pathlib import Path

import click

from stewardgate.cli.errors import exits
from stewardgate.errors import EXIT_GATE_FAILED, EXIT_PASSED


@click.group("export")
def export_group() -> None:
    """Write suites out in other formats (ODCS data contracts).

    \b
    Exit codes: 0 everything expressed · 1 something has no form there
    (listed on stderr) · 2 invalid input.
    """


@export_group.command("odcs")
@click.argument("suite", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Contract file to write (default: stdout)."
)
@exits
def odcs_cmd(suite: Path, output: Path | None) -> int:
    """Write SUITE as an ODCS v3 data contract (YAML); `import odcs` reads it back."""
    from stewardgate.importers.odcs_export import export_odcs
    from stewardgate.io import atomic_write_text
    from stewardgate.suite.loader import load_suite

    exported = export_odcs(load_suite(suite))
    if output is None:
        click.echo(exported.text, nl=False)
    else:
        atomic_write_text(output, exported.text)
        click.echo(f"wrote {output}", err=True)
    for finding in exported.findings:
        click.echo(f"not expressed: {suite}: {finding.where}: {finding.message}", err=True)
    return EXIT_GATE_FAILED if exported.findings else EXIT_PASSED
