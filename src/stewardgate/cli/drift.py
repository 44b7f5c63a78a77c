"""Drift commands: ``baseline accept|show|export``, ``diff OLD NEW``, ``breaking OLD NEW``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.commands import emit_reports, report_options
from stewardgate.cli.errors import exits
from stewardgate.cli.options import named_store, print_format, store_option, use_color
from stewardgate.errors import EXIT_GATE_FAILED, EXIT_PASSED, UsageError

TARGET = click.argument("dataset")


def open_target(target: str, url: str | None) -> tuple[str, Any]:
    """DATASET is a dataset name or a suite file; returns the name and the open store."""
    from stewardgate.settings import load_settings

    path = Path(target)
    name = target
    if path.suffix in (".yml", ".yaml") and path.is_file():
        from stewardgate.suite.loader import load_suites

        name = load_suites([path])[0].suite.dataset.name
    settings = load_settings(cwd=Path.cwd(), flags={"store": url})
    return name, named_store(settings.store, create=True)


def accepted_by(by: str | None) -> str:
    """Who accepts a baseline: ``--by``, else the login name."""
    if by:
        return by
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise UsageError("cannot tell who accepts from the environment: say so with --by") from None


@click.group("baseline")
def baseline_group() -> None:
    """Accept, show and export a dataset's drift baseline (DATASET: a name or a suite file)."""


@baseline_group.command("accept")
@TARGET
@click.option("--reason", required=True, help="Why the current schema and profile are right (recorded).")
@click.option("--by", default=None, help="Who accepts (default: the login name).")
@click.option("--from-run", "run_id", default=None, help="Accept this stored run instead of the latest.")
@store_option
@exits
def accept_cmd(dataset: str, reason: str, by: str | None, run_id: str | None, store: str | None) -> int:
    """Make the latest run's (or --from-run's) schema snapshot and profile the baseline."""
    from stewardgate.drift.baseline import accept

    name, db = open_target(dataset, store)
    with db:
        found = accept(db, name, by=accepted_by(by), reason=reason, run_id=run_id)
    click.echo(f"{name}: the {found.describe()} is now the baseline ({found.accepted()})")
    return EXIT_PASSED


@baseline_group.command("show")
@TARGET
@print_format("text")
@store_option
@exits
def show_cmd(dataset: str, as_json: bool, store: str | None) -> int:
    """Show the accepted baseline: where it came from and its columns."""
    from stewardgate.drift.baseline import describe_lines, to_json

    name, db = open_target(dataset, store)
    with db:
        found = _accepted(db, name)
    click.echo(to_json(found) if as_json else "\n".join(describe_lines(found)), nl=not as_json)
    return EXIT_PASSED


@baseline_group.command("export")
@TARGET
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here (default: stdout).")
@store_option
@exits
def export_cmd(dataset: str, output: Path | None, store: str | None) -> int:
    """Write the accepted baseline as a file to commit next to the suite (drift.baseline)."""
    from stewardgate.drift.baseline import to_json
    from stewardgate.io import atomic_write_text

    name, db = open_target(dataset, store)
    with db:
        text = to_json(_accepted(db, name))
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        click.echo(f"{name}: baseline written to {output}")
    return EXIT_PASSED


def _accepted(db: Any, name: str) -> Any:
    from stewardgate.drift.baseline import from_store

    found = from_store(db, name)
    if found is None:
        raise UsageError(f"no accepted baseline for dataset '{name}' in {db.where}; "
                         f"accept one with: stewardgate baseline accept {name} --reason \"...\"")  # fmt: skip
    return found


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--suite", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A suite for the dataset name, severities, drift settings and masking.")  # fmt: skip
@report_options
@click.option("-q", "--quiet", is_flag=True, help="Only non-passing checks and the gate line.")
@click.option("-v", "--verbose", is_flag=True, help="Expected and observed for every check.")
@exits
def diff_cmd(old: str, new: str, suite: Path | None, json_path: Path | None, junit_path: Path | None,
             markdown_path: Path | None, html_path: Path | None, github: bool, quiet: bool, verbose: bool) -> int:  # fmt: skip
    """Compare dataset NEW with dataset OLD: schema changes and distribution drift.

    OLD and NEW are files, globs or folders (format from the extension). No store is used.
    Exit 1 when a change blocks (an error-level finding), 0 otherwise, 2 on bad input.
    """
    from stewardgate.drift.diff import diff_datasets
    from stewardgate.reporters import console
    from stewardgate.settings import load_settings
    from stewardgate.suite.loader import load_suites

    loaded = load_suites([suite])[0] if suite is not None else None
    run = diff_datasets(old, new, base=Path.cwd(), suite=loaded, s3=load_settings(cwd=Path.cwd()).s3)
    color, verbosity = use_color(), (-1 if quiet else 1 if verbose else 0)
    click.echo(console.render_dataset(run.datasets[0], color=color, verbosity=verbosity))
    emit_reports(run, {"json": json_path, "junit": junit_path, "markdown": markdown_path, "html": html_path}, github)
    click.echo(console.render_gate_line(run, color=color))
    return run.exit_code


@click.command("breaking")
@click.argument("old_suite", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("new_suite", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--perspective", type=click.Choice(["consumer", "producer"]), default="consumer", show_default=True,
              help="consumer: removals and loosenings break; producer: additions and tightenings do.")  # fmt: skip
@print_format("text")
@exits
def breaking_cmd(old_suite: Path, new_suite: Path, perspective: str, as_json: bool) -> int:
    """List what NEW_SUITE changes in the contract of OLD_SUITE, and what of it breaks.

    Exit 1 when a finding breaks from the chosen perspective, 0 otherwise, 2 on a bad suite.
    """
    from stewardgate.drift.contract import compare_suites, describe
    from stewardgate.suite.loader import load_suites

    old, new = load_suites([old_suite, new_suite], unique_names=False)
    findings = compare_suites(old.suite, new.suite)
    if as_json:
        click.echo(json.dumps([f.as_dict(perspective) for f in findings], indent=2))
    else:
        click.echo("\n".join(describe(findings, perspective, str(old_suite), str(new_suite))))
    return EXIT_GATE_FAILED if any(f.breaks(perspective) for f in findings) else EXIT_PASSED
