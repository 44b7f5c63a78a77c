"""Commands that read and build the run history: backfill, history, backtest."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.errors import exits
from stewardgate.cli.nightly import selection_options
from stewardgate.cli.options import named_store, print_format, store_option
from stewardgate.errors import EXIT_PASSED, UsageError

DAY = click.DateTime(["%Y-%m-%d"])


def _days(start: datetime, end: datetime) -> list[date]:
    if end < start:
        raise UsageError(f"--to {end:%Y-%m-%d} is before --from {start:%Y-%m-%d}")
    return [start.date() + timedelta(days=i) for i in range((end - start).days + 1)]


def _store(url: str | None) -> Any:
    from stewardgate.settings import load_settings

    settings = load_settings(cwd=Path.cwd(), flags={"store": url})
    return named_store(settings.store)  # history, backtest and runs only read


def _known_metric(metric: str) -> None:
    """A metric the profile records, or a UsageError that suggests one."""
    from stewardgate.suite.anomaly_rules import KNOWN_METRICS
    from stewardgate.wording import suggest

    if metric not in KNOWN_METRICS:
        raise UsageError(f"--metric: unknown metric '{metric}'{suggest(metric, sorted(KNOWN_METRICS))}")


@click.command("backfill")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--from", "start", type=DAY, required=True, help="First as-of day (YYYY-MM-DD).")
@click.option("--to", "end", type=DAY, required=True, help="Last as-of day, inclusive.")
@selection_options
@click.option(
    "--parallel",
    type=click.IntRange(1, 64),
    default=None,
    help="Datasets of a night checked at once, at most (worker processes; a few small datasets are checked in this process).",
)
@print_format("text")
@store_option
@exits
def backfill_cmd(paths: tuple[Path, ...], start: datetime, end: datetime, select: tuple[str, ...],
                 exclude: tuple[str, ...], parallel: int | None, as_json: bool, store: str | None) -> int:  # fmt: skip
    """Run the suites once per day from --from to --to, oldest first, recording history.

    Each day is an ordinary run with --as-of set (use {as_of} in dataset.path for daily
    partitions). Prints one line per day and dataset and a closing summary; sends no
    notifications. Exit: 0 every night passed, 1 a night's gate failed, 2 invalid input or a
    dataset that could not be read on some night.
    """
    from stewardgate.actor import current_actor
    from stewardgate.backfill import backfill
    from stewardgate.runner import RunOptions
    from stewardgate.settings import load_settings

    settings = load_settings(cwd=Path.cwd(), flags={"store": store, "parallel": parallel})
    options = RunOptions(
        use_store=True, store_url=settings.store, governance=settings.governance, parallel=settings.parallel,
        connections=settings.connections,
        select=select, exclude=exclude, actor=current_actor(),
    )  # fmt: skip
    done = backfill(list(paths), _days(start, end), options, on_night=None if as_json else _echo_night)
    click.echo(json.dumps(done.to_json(), indent=2) if as_json else done.summary())
    return done.exit_code


def _echo_night(n: Any) -> None:
    extra = f"  anomalies: {', '.join(n.anomalies)}" if n.anomalies else ""
    click.echo(
        f"{n.as_of}  {n.dataset}  gate {'passed' if n.passed else 'FAILED'}{extra}{'  ' + n.error if n.error else ''}"
    )


@click.command("runs")
@click.argument("dataset", required=False)
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=14, show_default=True, help="How many runs, newest first."
)
@print_format("table")
@store_option
@exits
def runs_cmd(dataset: str | None, limit: int, as_json: bool, store: str | None) -> int:
    """The last runs (of DATASET, or of every dataset): as-of, status, what failed, how long."""
    from stewardgate.history_view import recent_runs, runs_table

    with _store(store) as db:
        rows = recent_runs(db, dataset, limit)
    if not rows:
        raise UsageError(
            f"no stored runs{' of dataset ' + repr(dataset) if dataset else ''} in the history store at {db.where}"
        )
    click.echo(json.dumps([r.to_json() for r in rows], indent=2) if as_json else runs_table(rows))
    return EXIT_PASSED


@click.command("history")
@click.argument("dataset")
@click.option("--metric", default="row_count", show_default=True, help="Profile metric.")
@click.option("--column", default=None, help="Column, for column metrics.")
@print_format("table")
@store_option
@exits
def history_cmd(dataset: str, metric: str, column: str | None, as_json: bool, store: str | None) -> int:
    """Print the stored series of one metric of DATASET, oldest first."""
    _known_metric(metric)  # before the store: a typo is a typo with or without history
    with _store(store) as db:
        points = db.metric_series(dataset, metric, column)
    if not points:
        raise UsageError(
            f"no stored values of {metric}{' of ' + column if column else ''} for dataset '{dataset}' in the history store at {db.where}"
        )
    rows = [
        {"as_of": p.as_of.isoformat(), "value": p.value, "anomalous": p.anomalous, "run_id": p.run_id} for p in points
    ]
    if as_json:
        click.echo(json.dumps({"dataset": dataset, "metric": metric, "column": column, "series": rows}, indent=2))
        return EXIT_PASSED
    click.echo(f"{dataset}  {column + '.' if column else ''}{metric}  ({len(rows)} runs)")
    for r in rows:
        click.echo(f"  {r['as_of']}  {r['value']:>14,.6g}  {'ANOMALY' if r['anomalous'] else ''}".rstrip())
    return EXIT_PASSED


@click.command("backtest")
@click.argument("suite", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--from", "start", type=DAY, required=True, help="First day to report.")
@click.option("--to", "end", type=DAY, required=True, help="Last day to report, inclusive.")
@store_option
@exits
def backtest_cmd(suite: Path, start: datetime, end: datetime, store: str | None) -> int:
    """Replay SUITE's anomaly rules over the stored history; list the days that would alert.

    Use it to tune thresholds before turning a rule on: edit the rule, backtest again.
    Reads only the store, never the data. Exit 0 (it is a report, not a gate).
    """
    from stewardgate.detectors.backtest import backtest_lines
    from stewardgate.suite.loader import load_suites

    days = _days(start, end)
    (loaded,) = load_suites([suite])
    if not loaded.suite.anomalies:
        raise UsageError(f"{suite}: the suite has no anomalies: rules to backtest")
    with _store(store) as db:
        name = loaded.suite.dataset.name
        for line in backtest_lines(loaded.suite, lambda metric, column: db.metric_series(name, metric, column), days):
            click.echo(line)
    return EXIT_PASSED
