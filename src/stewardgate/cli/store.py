"""``stewardgate store``: looking after the history store itself (``store prune``)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.errors import exits
from stewardgate.cli.options import named_store, print_format, store_option
from stewardgate.errors import EXIT_PASSED, UsageError

DAY = click.DateTime(["%Y-%m-%d"])


@click.group("store")
def store_group() -> None:
    """The history store itself: prune old detail (the audit chain stays verifiable)."""


@store_group.command("prune")
@click.option(
    "--keep",
    default=None,
    metavar="PERIOD",
    help="How much history keeps its detail: 400d, 12w, 18mo, 2y or ISO-8601 P400D (default: store_keep in [tool.stewardgate]).",
)
@click.option(
    "--keep-points",
    type=click.IntRange(1),
    default=None,
    help="Values every metric series keeps, however old (what anomaly windows read; default 200).",
)
@click.option(
    "--as-of",
    type=DAY,
    default=None,
    help="The day the period is counted back from (default: $STEWARDGATE_AS_OF, else today).",
)
@click.option(
    "--dry-run/--apply",
    "dry_run",
    default=True,
    show_default=True,
    help="Only say what would be deleted (the default), or delete it.",
)
@print_format("text")
@store_option
@exits
def prune_cmd(keep: str | None, keep_points: int | None, as_of: datetime | None, dry_run: bool, as_json: bool,
              store: str | None) -> int:  # fmt: skip
    """Delete the detail of runs judged more than --keep ago; keep what judging needs.

    Old runs lose their record, check results and unaccepted schema snapshots; their summary
    rows stay. Every metric series keeps its newest --keep-points values (the anomaly
    baselines), accepted schema baselines and each dataset's latest run stay whole. The audit
    entries of pruned runs are folded into one checkpoint entry, so `audit verify` still
    passes and shows the checkpoint. A dry run unless --apply.
    """

    from stewardgate.settings import load_settings
    from stewardgate.store.prune import DEFAULT_KEEP_POINTS
    from stewardgate.suite.periods import parse_period

    settings = load_settings(cwd=Path.cwd(), flags={"store": store, "as_of": as_of.date() if as_of else None})
    text = keep if keep is not None else settings.store_keep
    if text is None:
        raise UsageError("store prune: give --keep PERIOD (e.g. --keep 400d) or set store_keep in [tool.stewardgate]")
    try:
        period = parse_period(text)
    except ValueError as exc:
        where = "--keep" if keep is not None else "store_keep"
        raise UsageError(f"{where}: {exc}") from None
    day = settings.as_of or date.today()
    cutoff = period.before(day)
    with named_store(settings.store) as db:
        plan, checkpoint = db.prune(cutoff, keep_points=keep_points or DEFAULT_KEEP_POINTS, apply=not dry_run)
    click.echo(_json(plan, checkpoint, dry_run) if as_json else "\n".join(_lines(plan, checkpoint, dry_run, text)))
    return EXIT_PASSED


def _lines(plan: Any, checkpoint: Any, dry_run: bool, keep: str) -> list[str]:
    lines = [f"store prune --keep {keep}: {'dry run, nothing deleted' if dry_run else 'applied'}", *plan.lines()]
    if dry_run:
        lines.append(
            "nothing was deleted; run again with --apply to delete it" if not plan.empty else "nothing to prune"
        )
    elif checkpoint is None:
        lines.append("nothing to prune")
    else:
        lines.append(f"checkpoint: audit entry {checkpoint.seq} (`audit verify` starts from it)")
    return lines


def _json(plan: Any, checkpoint: Any, dry_run: bool) -> str:
    return json.dumps({
        "dry_run": dry_run, "cutoff": plan.cutoff.isoformat(), "keep_points": plan.keep_points,
        "runs": [{"run_id": r[1], "dataset": r[2], "as_of": r[3].isoformat()} for r in plan.runs],
        "results": plan.results, "snapshots": plan.snapshots, "metric_values": plan.metric_values,
        "audit_entries_folded": len(plan.folded), "audit_entries_carried": len(plan.carried),
        "checkpoint_seq": checkpoint.seq if checkpoint is not None else None,
    }, indent=2)  # fmt: skip
