"""The commands of the core: run, validate, plan, checks, schema. Each one is thin."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.errors import exits
from stewardgate.cli.nightly import echo_notifications, html_strips, notify_plan, selection_options
from stewardgate.cli.options import print_format, store_option, use_color
from stewardgate.errors import EXIT_GATE_FAILED, EXIT_INVALID_INPUT, EXIT_PASSED, UnrecordedRunError
from stewardgate.textsafe import terminal

PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))


def _judged(judge: Any) -> tuple[Any, UnrecordedRunError | None]:
    """The run ``judge()`` returns, and the store failure it raised instead (with the run)."""
    try:
        return judge(), None
    except UnrecordedRunError as exc:
        return exc.run, exc


def report_options(fn: Any) -> Any:
    """The report-file options shared by every judging command."""
    for opt in reversed([
        click.option("--json", "json_path", type=click.Path(path_type=Path), help="Write the JSON run record here."),
        click.option("--junit", "junit_path", type=click.Path(path_type=Path), help="Write a JUnit XML report here."),
        click.option("--markdown", "markdown_path", type=click.Path(path_type=Path), help="Write a Markdown summary here."),
        click.option("--html", "html_path", type=click.Path(path_type=Path), help="Write a self-contained HTML report here."),
        click.option("--github", is_flag=True, help="Print GitHub annotations; append the summary to $GITHUB_STEP_SUMMARY."),
    ]):  # fmt: skip
        fn = opt(fn)
    return fn


def emit_reports(run: Any, paths: dict[str, Path | None], github: bool, extras: dict[str, Any] | None = None) -> None:
    """Write the requested report files, then the GitHub annotations and step summary."""
    from stewardgate.reporters import write_reports

    written = write_reports(run, paths, extras)
    if github:
        from stewardgate.reporters import github as gh
        from stewardgate.reporters import markdown

        annotations = gh.render_annotations(run, suite_root=Path.cwd())
        if annotations:
            click.echo(annotations, nl=not annotations.endswith("\n"))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            gh.append_step_summary(markdown.render(run), Path(summary))
    for path in written:
        click.echo(f"report: {terminal(path)}")


AS_OF_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
"""``run --as-of``: a date, or a date and time (UTC unless an offset or Z is written)."""


def split_as_of(value: Any) -> tuple[Any, Any]:
    """``(date, as-of time or None)`` of a parsed ``--as-of``: a time at midnight without a zone is
    the date alone (write ``T00:00Z`` for the start of the day)."""
    from datetime import UTC, time

    if value is None:
        return None, None
    if value.tzinfo is None and value.time() == time(0):
        return value.date(), None
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return value.date(), moment.astimezone(UTC)


@click.command("run")
@PATHS
@selection_options
@report_options
@click.option("--samples", type=int, default=None, help="Failing sample values per check (default 5).")
@click.option(
    "--as-of",
    type=click.DateTime(AS_OF_FORMATS),
    default=None,
    help="Logical run date (default: $STEWARDGATE_AS_OF, else today); with a time (2026-11-25T07:30Z, UTC "
    "unless an offset is written), the freshness limits' as-of time (else the end of the date).",
)
@store_option
@click.option("--no-history", is_flag=True, help="Neither read nor write the history store.")
@click.option(
    "--parallel", type=click.IntRange(1, 64), default=None,
    help="Datasets checked at once, at most (worker processes; a few small datasets are checked in this process).",
)  # fmt: skip
@click.option(
    "--engine",
    type=click.Choice(["polars", "spark"]),
    default=None,
    help="Who reads and judges the data (default polars; spark needs the spark extra).",
)
@click.option("--spark-master", default=None, help="Spark master URL for --engine spark (default local[*]).")
@click.option("--spark-conf", multiple=True, metavar="KEY=VALUE", help="An extra Spark setting (repeatable).")
@click.option(
    "--purpose",
    default=None,
    metavar="USE",
    help="What the data is for (e.g. fine_tuning): the gate blocks datasets not approved for it.",
)
@click.option(
    "--openlineage",
    "openlineage",
    default=None,
    metavar="FILE|URL",
    help="Emit OpenLineage run events: NDJSON to FILE, or POST to an http(s) URL.",
)
@click.option(
    "--exit-zero", is_flag=True, help="Report only: exit 0 when the gate fails (invalid input still exits 2)."
)
@click.option("-q", "--quiet", is_flag=True, help="Only non-passing checks and the gate line.")
@click.option("-v", "--verbose", is_flag=True, help="Expected, observed and samples for every check.")
@exits
def run_cmd(paths: tuple[Path, ...], select: tuple[str, ...], exclude: tuple[str, ...], json_path: Path | None, junit_path: Path | None,
            markdown_path: Path | None, html_path: Path | None, github: bool, samples: int | None,
            as_of: object, store: str | None, no_history: bool, parallel: int | None, engine: str | None,
            spark_master: str | None, spark_conf: tuple[str, ...], purpose: str | None, openlineage: str | None,
            exit_zero: bool, quiet: bool, verbose: bool) -> int:  # fmt: skip
    """Check datasets against their suites and decide the gate.

    PATHS are suite files or folders (searched recursively for *.yml / *.yaml). Every suite is
    validated first; then each dataset is judged on its own and the exit code is the worst.
    Notifications configured in [tool.stewardgate.notify] go out after the run is recorded.
    """
    from stewardgate.actor import current_actor
    from stewardgate.cli.progress import DatasetProgress
    from stewardgate.engines.spark.session import SparkOptions, parse_conf
    from stewardgate.reporters import console
    from stewardgate.runner import RunOptions, run_paths
    from stewardgate.settings import load_settings

    if no_history and store is not None:
        from stewardgate.errors import UsageError

        raise UsageError("--store and --no-history contradict each other: --no-history reads and writes no store")
    day, as_of_time = split_as_of(as_of)
    flags = {"samples": samples, "store": store, "parallel": parallel, "engine": engine,
             "spark_master": spark_master, "as_of": day}  # fmt: skip
    settings = load_settings(cwd=Path.cwd(), flags=flags)
    governance = settings.governance.model_copy(update={"purpose": purpose}) if purpose else settings.governance
    _check_openlineage_target(openlineage)
    spark = SparkOptions(master=settings.spark_master, conf={**settings.spark_conf, **parse_conf(spark_conf)})
    color, verbosity = use_color(), (-1 if quiet else 1 if verbose else 0)
    bar = DatasetProgress.for_paths(list(paths))

    def show(d: object) -> None:
        bar.echo(console.render_dataset(d, color=color, verbosity=verbosity), d.dataset)  # type: ignore[arg-type,attr-defined]

    options = RunOptions(
        samples=settings.samples, as_of=settings.as_of, as_of_time=as_of_time, on_dataset=show,
        use_store=not no_history,
        store_url=settings.store, parallel=settings.parallel, governance=governance, openlineage=openlineage,
        connections=settings.connections,
        engine=settings.engine, spark=spark, regex_timeout=settings.regex_timeout,
        dataset_roots=settings.dataset_roots, s3=settings.s3,
        spark_flags=tuple(f for f, v in (("--spark-master", spark_master), ("--spark-conf", spark_conf)) if v),
        select=select, exclude=exclude, notify=notify_plan(settings), actor=current_actor(),
    )  # fmt: skip
    with bar:
        run, unrecorded = _judged(lambda: run_paths(list(paths), options))
    echo_notifications(run, quiet=quiet)
    targets = {"json": json_path, "junit": junit_path, "markdown": markdown_path, "html": html_path}
    strips = html_strips(run, settings.store) if html_path and not no_history and unrecorded is None else None
    emit_reports(run, targets, github, {"html": {"strips": strips}} if strips else None)
    for d in run.datasets:
        if d.error:
            click.echo(f"error: {terminal(d.dataset)}: {terminal(d.error)}", err=True)
    for sent in run.openlineage:
        if sent.status != "sent":
            click.echo(f"warning: openlineage: {terminal(sent.dataset)}: {terminal(sent.error or '')}", err=True)
    code = EXIT_PASSED if exit_zero and run.exit_code == EXIT_GATE_FAILED else run.exit_code
    code = EXIT_INVALID_INPUT if unrecorded is not None else code
    again = console.rerun_options(as_of=day, store=store, no_history=no_history)
    reports = [p for p in targets.values() if p is not None]
    click.echo(
        console.render_next_steps(
            run, paths=[str(p) for p in paths], options=again, reports=reports, verbosity=verbosity
        ),
        nl=False,
    )
    click.echo(console.render_gate_line(run, color=color, exit_code=code, recorded=unrecorded is None))
    if unrecorded is not None:
        raise unrecorded  # after everything judged is shown and written: error line, exit 2
    return code


def _check_openlineage_target(target: str | None) -> None:
    """A FILE target's folder must exist before anything runs (a URL is judged when posting)."""
    if target is None:
        return
    from stewardgate.lineage_events.emit import is_url

    if not is_url(target) and not Path(target).absolute().parent.is_dir():
        from stewardgate.errors import UsageError

        raise UsageError(
            f"--openlineage: the folder of {target} does not exist (give a file in an existing folder, or an http(s) URL)"
        )


@click.command("validate")
@PATHS
@exits
def validate_cmd(paths: tuple[Path, ...]) -> int:
    """Check suites without touching any data (all problems of all files at once)."""
    from stewardgate.suite.loader import load_suites

    loaded = load_suites(list(paths), unique_names=False)
    from stewardgate.governance.uses import check_declarations
    from stewardgate.settings import load_settings

    check_declarations(loaded, load_settings(cwd=Path.cwd()).governance)  # use names, lineage cycles
    from stewardgate.planning.reconcile import target_problems

    problems = target_problems(loaded)  # reconcile/references name datasets of these suites
    if problems:
        from stewardgate.errors import SuiteError

        raise SuiteError(problems)
    for s in loaded:
        click.echo(f"ok  {s.path}  ({s.suite.dataset.name}, {len(s.suite.columns)} columns)")
    click.echo(f"{len(loaded)} suite{'s' if len(loaded) != 1 else ''} valid")
    return EXIT_PASSED


@click.command("plan")
@click.argument("suite", type=click.Path(path_type=Path))
@click.option(
    "--engine",
    type=click.Choice(["polars", "spark"]),
    default=None,
    help="The reader `run --engine` would use (default: the settings', else polars).",
)
@exits
def plan_cmd(suite: Path, engine: str | None) -> int:
    """Show which executor runs each check of SUITE, and why (reads no data).

    It reads the same settings as `run` ([tool.stewardgate] in pyproject.toml, the environment,
    --engine), so it lists exactly the checks `run` runs.
    """

    from stewardgate.planning import plan_suite
    from stewardgate.readers import reader_for
    from stewardgate.settings import load_settings
    from stewardgate.suite.loader import load_suites

    settings = load_settings(cwd=Path.cwd(), flags={"engine": engine})
    for loaded in load_suites([suite]):
        planned = plan_suite(loaded, settings.governance, reader_for(loaded, settings.engine))
        width = max((len(p.check_id) for p in planned), default=0)
        engines = max((len(p.engine) for p in planned), default=0)
        severities = max((len(p.severity.value) for p in planned), default=0)
        click.echo(f"{loaded.suite.dataset.name}  ({loaded.path}, {len(planned)} checks)")
        for p in planned:
            line = f"{loaded.path}:{p.suite_line}" if p.suite_line else str(loaded.path)
            columns = f"{p.check_id:<{width}}  {p.engine:<{engines}}  {p.severity.value:<{severities}}"
            click.echo(f"  {columns}  {p.reason}  [{line}]")
    return EXIT_PASSED


@click.command("checks")
@click.argument("name", required=False)
@print_format("text", "markdown")
@exits
def checks_cmd(name: str | None, as_markdown: bool) -> int:
    """List every check type, or show the documentation of one (NAME)."""
    from stewardgate.checks.registry import all_checks, checks_markdown

    if as_markdown:  # the full documentation, as docs/checks.md holds it
        click.echo(checks_markdown(), nl=False)
        return EXIT_PASSED
    types = all_checks()
    if name is not None:
        found = [c for c in types if c.name == name]
        if not found:
            from stewardgate.errors import UsageError
            from stewardgate.wording import suggest

            raise UsageError(f"no check type '{name}'{suggest(name, sorted({c.name for c in types}))}")
        c = found[0]
        click.echo(f"{c.name}  (section: {c.section}, engine: {c.engine})\n\n{c.doc}")
        return EXIT_PASSED
    width = max(len(c.name) for c in types)
    sections = max(len(c.section) for c in types)
    for c in types:
        click.echo(f"{c.section:<{sections}}  {c.name:<{width}}  {c.summary}")
    return EXIT_PASSED


@click.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@exits
def schema_cmd(output: Path | None) -> int:
    """Print the JSON Schema of the suite format (for editor completion)."""
    from stewardgate.io import atomic_write_text
    from stewardgate.suite.json_schema import suite_json_schema

    text = json.dumps(suite_json_schema(), indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
    return EXIT_PASSED


@click.command("report")
@click.option("--from-json", "from_json", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="A run record written by `run --json`.")  # fmt: skip
@click.option("--dataset", "datasets", multiple=True, help="The latest stored run of this dataset (repeatable).")
@click.option("--run-id", default=None, help="A stored run (with --dataset: only those datasets of it).")
@store_option
@report_options
@exits
def report_cmd(from_json: Path | None, datasets: tuple[str, ...], run_id: str | None, store: str | None,
               json_path: Path | None, junit_path: Path | None,
               markdown_path: Path | None, html_path: Path | None, github: bool) -> int:  # fmt: skip
    """Render reports (HTML, JUnit, Markdown, annotations) from a saved run record or the history store."""
    from stewardgate.cli.report_store import load_report_run

    targets = {"json": json_path, "junit": junit_path, "markdown": markdown_path, "html": html_path}
    if not any(targets.values()) and not github:
        from stewardgate.errors import UsageError

        raise UsageError("name at least one output: --html, --junit, --markdown, --json or --github")
    run = load_report_run(from_json, datasets, run_id, store)
    emit_reports(run, targets, github)
    return EXIT_PASSED
