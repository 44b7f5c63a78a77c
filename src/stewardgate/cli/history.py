"""Commands that read and build the run history: backfill, history, backtest."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.errors import handle_errors
from stewardgate.cli.options import print_format
from stewardgate.settings import DEFAULT_STORE_PATH
from stewardgate.errors import EXIT_PASSED, UsageError

DAY = click.DateTime(["%Y-%m-%d"])
STORE = click.option("--store", default=None, help="History store URL; default: SQLite beside the suites.")


def _days(start: datetime, end: datetime) -> list[date]:
    if end < start:
        raise UsageError(f"--to {end:%Y-%m-%d} is before --from {start:%Y-%m-%d}")
    return [start.date() + timedelta(days=i) for i in range((end - start).days + 1)]


def _store(url: str | None, default: Path) -> Any:
    from stewardgate.settings import load_settings
    from stewardgate.store import open_store

    settings = load_settings(cwd=Path.cwd(), flags={"store": url})
    return open_store(settings.store, default_path=default, create=False)  # history and backtest only read


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
@STORE
def backfill_cmd(paths: tuple[Path, ...], start: datetime, end: datetime, store: str | None) -> None:
    """Run the suites once per day from --from to --to, oldest first, recording history.

    Each day is an ordinary run with --as-of set (use {as_of} in dataset.path for daily
    partitions). Prints one line per day and dataset; exits with the worst day's code.
    """

    def action() -> int:
        from stewardgate.runner import RunOptions, run_paths
        from stewardgate.settings import load_settings

        settings = load_settings(cwd=Path.cwd(), flags={"store": store})
        worst = EXIT_PASSED
        for day in _days(start, end):
            run = run_paths(list(paths), RunOptions(as_of=day, use_store=True, store_url=settings.store, governance=settings.governance))
            for d in run.datasets:
                flagged = [r.check_id for r in d.results if r.check == "anomaly" and r.status.rank >= 4]
                verdict = "passed" if d.gate.passed else "FAILED"
                extra = f"  anomalies: {', '.join(flagged)}" if flagged else ""
                click.echo(f"{day}  {d.dataset}  gate {verdict}{extra}{'  ' + d.error if d.error else ''}")
            worst = max(worst, run.exit_code)
        return worst

    click.get_current_context().exit(handle_errors(action))


@click.command("history")
@click.argument("dataset")
@click.option("--metric", default="row_count", show_default=True, help="Profile metric.")
@click.option("--column", default=None, help="Column, for column metrics.")
@print_format("table")
@STORE
def history_cmd(dataset: str, metric: str, column: str | None, as_json: bool, store: str | None) -> None:
    """Print the stored series of one metric of DATASET, oldest first."""

    def action() -> int:
        _known_metric(metric)  # before the store: a typo is a typo with or without history
        with _store(store, DEFAULT_STORE_PATH) as db:
            points = db.metric_series(dataset, metric, column)
        if not points:
            raise UsageError(f"no stored values of {metric}{' of ' + column if column else ''} for dataset '{dataset}' in the history store at {db.where}")
        rows = [{"as_of": p.as_of.isoformat(), "value": p.value, "anomalous": p.anomalous, "run_id": p.run_id} for p in points]
        if as_json:
            click.echo(json.dumps({"dataset": dataset, "metric": metric, "column": column, "series": rows}, indent=2))
            return EXIT_PASSED
        click.echo(f"{dataset}  {column + '.' if column else ''}{metric}  ({len(rows)} runs)")
        for r in rows:
            click.echo(f"  {r['as_of']}  {r['value']:>14,.6g}  {'ANOMALY' if r['anomalous'] else ''}".rstrip())
        return EXIT_PASSED

    click.get_current_context().exit(handle_errors(action))


@click.command("backtest")
@click.argument("suite", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--from", "start", type=DAY, required=True, help="First day to report.")
@click.option("--to", "end", type=DAY, required=True, help="Last day to report, inclusive.")
@STORE
def backtest_cmd(suite: Path, start: datetime, end: datetime, store: str | None) -> None:
    """Replay SUITE's anomaly rules over the stored history; list the days that would alert.

    Use it to tune thresholds before turning a rule on: edit the rule, backtest again.
    Reads only the store, never the data. Exit 0 (it is a report, not a gate).
    """

    def action() -> int:
        from stewardgate.detectors.anomaly import replay
        from stewardgate.planning import anomaly_check_id
        from stewardgate.suite.loader import load_suites

        days = _days(start, end)
        (loaded,) = load_suites([suite])
        name = loaded.suite.dataset.name
        if not loaded.suite.anomalies:
            raise UsageError(f"{suite}: the suite has no anomalies: rules to backtest")
        with _store(store, DEFAULT_STORE_PATH) as db:
            for rule in loaded.suite.anomalies:
                for column in rule.targets():
                    series = [(p.as_of, p.value) for p in db.metric_series(name, rule.metric, column) if p.as_of <= days[-1]]
                    verdicts = _in_range(replay(series, rule), series, days)
                    alerts = [(d, v) for d, v in verdicts if v.level in ("warn", "error")]
                    click.echo(f"{anomaly_check_id(name, rule.metric, column)}: {len(alerts)} of {len(verdicts)} runs would alert")
                    for d, v in alerts:
                        click.echo(f"  {d}  {v.level.upper():<5}  {v.reason}")
        return EXIT_PASSED

    click.get_current_context().exit(handle_errors(action))


def _in_range(verdicts: list[Any], series: list[tuple[date, float]], days: list[date]) -> list[tuple[date, Any]]:
    """Pair each verdict with its day (replay judges the series in order) and keep the range."""
    return [(day, v) for (day, _), v in zip(series, verdicts) if days[0] <= day <= days[-1]]
