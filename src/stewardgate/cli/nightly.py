"""CLI helpers of nightly runs: selection flags, the notification plan, what was notified."""

from __future__ import annotations

import os
from typing import Any

import click

from stewardgate.cli.errors import exits
from stewardgate.results import RunResult


def selection_options(fn: Any) -> Any:
    """``--select`` / ``--exclude`` (repeatable; names, globs, tag:NAME)."""
    fn = click.option("--exclude", multiple=True, metavar="PATTERN",
                      help="Skip suites matching a dataset name, glob or tag:NAME (repeatable).")(fn)  # fmt: skip
    return click.option("--select", multiple=True, metavar="PATTERN",
                        help="Only suites matching a dataset name, glob or tag:NAME (repeatable).")(fn)  # fmt: skip


def notify_plan(settings: Any) -> Any:
    """The run's channels with their secrets from the environment (None when there are none)."""
    if not settings.notify.channels:
        return None
    from stewardgate.notify.secrets import resolve_channels

    return resolve_channels(settings.notify, os.environ)


def echo_notifications(run: RunResult, *, quiet: bool) -> None:
    """One line per notification on stdout; a failed one (or a remark) on stderr too."""
    for n in run.notifications:
        what = ", ".join(n.triggers) or "nothing new"
        held = f" (held back, sent within the suppression interval: {', '.join(n.suppressed)})" if n.suppressed else ""
        if n.status == "failed":
            click.echo(
                f"warning: notification to {n.channel} about {n.dataset} ({what}) failed after {n.attempts} "
                f"attempt{'s' if n.attempts != 1 else ''}: {n.error}; the gate is not changed by it",
                err=True,
            )
        elif n.error:
            click.echo(f"warning: notification to {n.channel} about {n.dataset}: {n.error}", err=True)
        if not quiet:
            click.echo(f"notify: {n.channel} {n.status}: {n.dataset}: {what}{held}")


def html_strips(run: RunResult, store_url: str | None) -> dict[str, Any]:
    """Each dataset's per-check statuses over its last 14 stored runs, for the HTML report."""
    from stewardgate.cli.options import named_store
    from stewardgate.history_view import check_strips

    with named_store(store_url, create=True) as store:
        return {d.dataset: check_strips(store, d.dataset, run.as_of) for d in run.datasets}


@click.group("notify")
def notify_group() -> None:
    """The notification channels of [tool.stewardgate.notify]."""


@notify_group.command("test")
@exits
def notify_test_cmd() -> int:
    """Reach every channel: webhooks get a test message, mail servers a login (no mail).

    Exit 0 when every channel answered, 2 when one could not be reached or refused (its
    settings or secrets need fixing), as for any other invalid input.
    """
    from pathlib import Path

    from stewardgate.errors import EXIT_INVALID_INPUT, EXIT_PASSED, UsageError
    from stewardgate.notify.probe import probe_all
    from stewardgate.settings import load_settings

    plan = notify_plan(load_settings(cwd=Path.cwd()))
    if plan is None:
        raise UsageError(
            "no notification channels are configured ([[tool.stewardgate.notify.channels]] in pyproject.toml)"
        )
    probes = probe_all(plan)
    for p in probes:
        if p.error is None:
            click.echo(f"ok    {p.channel} ({p.kind}): reached in {p.attempts} attempt{'s' if p.attempts != 1 else ''}")
        else:
            click.echo(f"FAIL  {p.channel} ({p.kind}): {p.error}")
    failed = [p.channel for p in probes if p.error is not None]
    if failed:
        click.echo(
            f"error: {len(failed)} of {len(probes)} channels could not be reached: {', '.join(failed)}", err=True
        )
        return EXIT_INVALID_INPUT
    return EXIT_PASSED
