"""Access commands: ``access accept`` and ``access show`` (the accepted access baseline)."""

from __future__ import annotations

import json

import click

from stewardgate.cli.drift import TARGET, accepted_by, open_target
from stewardgate.cli.errors import exits
from stewardgate.cli.options import print_format, store_option
from stewardgate.errors import EXIT_PASSED, UsageError


@click.group("access")
def access_group() -> None:
    """Accept and show a dataset's access baseline (DATASET: a name or a suite file)."""


@access_group.command("accept")
@TARGET
@click.option("--reason", required=True, help="Why the observed access is right (recorded in the audit chain).")
@click.option("--by", default=None, help="Who accepts (default: the login name).")
@click.option("--from-run", "run_id", default=None, help="Accept this stored run's access instead of the latest.")
@store_option
@exits
def accept_cmd(dataset: str, reason: str, by: str | None, run_id: str | None, store: str | None) -> int:
    """Make the latest run's (or --from-run's) observed access the access baseline."""
    from stewardgate.governance.access.baseline import accept

    name, db = open_target(dataset, store)
    with db:
        found = accept(db, name, by=accepted_by(by), reason=reason, run_id=run_id)
    grantees = len(found["access"].get("grantees", {}))
    click.echo(f"{name}: the access of run {found['run_id'][:12]} of {found['as_of']} is now the access baseline "
               f"({grantees} grantees; accepted by {found['by']}; audit entry {found['seq']})")  # fmt: skip
    return EXIT_PASSED


@access_group.command("show")
@TARGET
@print_format("text")
@store_option
@exits
def show_cmd(dataset: str, as_json: bool, store: str | None) -> int:
    """Show the accepted access baseline: who accepted it and the grantees it holds."""
    from stewardgate.governance.access.baseline import accepted, describe

    name, db = open_target(dataset, store)
    with db:
        found = accepted(db, name)
    if found is None:
        raise UsageError(f"no accepted access baseline for dataset '{name}' in {db.where}; "
                         f"accept one with: stewardgate access accept {name} --reason \"...\"")  # fmt: skip
    if as_json:
        click.echo(json.dumps(found, indent=2, sort_keys=True))
        return EXIT_PASSED
    access = found["access"]
    click.echo(f"{name}  {describe(found)}")
    click.echo(f"  {access['kind']} {access['object']}, owner {', '.join(access.get('owners', []))}")
    for role, grant in access.get("grantees", {}).items():
        columns = [f"{p}({c})" for c, privs in grant.get("columns", {}).items() for p in privs]
        click.echo(f"    {role}  {', '.join([*grant.get('privileges', []), *columns])}")
    public = access.get("public", {})
    click.echo(f"  PUBLIC  {', '.join(public.get('privileges', [])) or 'none'}")
    return EXIT_PASSED
