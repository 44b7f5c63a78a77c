"""Governance commands: stamp, inspect, catalog, audit verify|log, trust-sheet. Each one is thin."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click

from stewardgate.cli.errors import exits
from stewardgate.cli.options import named_store, print_format, store_option
from stewardgate.errors import EXIT_GATE_FAILED, EXIT_PASSED, UsageError
from stewardgate.levels import CLASSIFICATIONS
from stewardgate.textsafe import terminal_block

DAY = click.DateTime(["%Y-%m-%d"])


def _settings(store: str | None, as_of: datetime | None = None) -> Any:
    """The settings with these flags on top (``as_of``: the --as-of flag, else STEWARDGATE_AS_OF...)."""
    from stewardgate.settings import load_settings

    return load_settings(cwd=Path.cwd(), flags={"store": store, "as_of": as_of.date() if as_of else None})


def _one_suite(path: Path) -> Any:
    from stewardgate.suite.loader import load_suites

    suites = load_suites([path])
    if len(suites) != 1:
        raise UsageError(f"{path}: name one suite file, not a folder of {len(suites)} suites")
    return suites[0]


@click.command("stamp")
@click.argument("suite", type=click.Path(path_type=Path))
@click.option(
    "--as-of",
    type=DAY,
    default=None,
    help="Date for {as_of} in dataset.path (default: $STEWARDGATE_AS_OF, else today).",
)
@click.option(
    "--force",
    is_flag=True,
    help="A SQL table only: replace a table comment that is not a stewardgate stamp (the audit entry keeps it).",
)
@store_option
@exits
def stamp_cmd(suite: Path, as_of: datetime | None, force: bool, store: str | None) -> int:
    """Write SUITE's stewardship into its dataset (Parquet footers, else sidecar files; a SQL
    table's comment on PostgreSQL and MariaDB).

    Every file of the dataset is stamped atomically; data, schema, row groups and other
    metadata stay as they were. The stamp is recorded in the audit trail.
    """
    from stewardgate.governance.stamp import stamp_suite

    loaded = _one_suite(suite)
    settings = _settings(store, as_of)
    if loaded.suite.dataset.is_table:
        return _stamp_table(loaded, settings, force)
    if force:
        raise UsageError(f"{suite}: --force is for a SQL table's comment; a file's stamp replaces the earlier one")
    with named_store(settings.store, create=True) as db:
        entries: list[Any] = []  # the audit entry is committed before any file is replaced
        record = lambda r: entries.append(db.append_audit("stamp", r.dataset, _stamp_payload(r)))  # noqa: E731
        report = stamp_suite(loaded, at=datetime.now(UTC), as_of=settings.as_of, record=record)
        entry = entries[0]
    where = "Parquet footer, key stewardgate" if report.format == "parquet" else "sidecar <file>.stewardship.json"
    n = len(report.files)
    click.echo(f"{report.dataset}: stamped {n} file{'s' if n != 1 else ''} ({where})")
    for f in report.files:
        click.echo(f"  {f.target}")
    click.echo(f"audit: entry {entry.seq} (stamp {report.dataset})")
    return EXIT_PASSED


def _stamp_table(loaded: Any, settings: Any, force: bool) -> int:
    """``stamp`` on a SQL table: the comment written, the audit entry committed before it is."""
    from stewardgate.governance.table_stamp import stamp_table
    from stewardgate.readers.sql.comment import commented_table

    spec = loaded.suite.dataset
    with (
        commented_table(spec, suite=loaded.path, connections=settings.connections) as table,
        named_store(settings.store, create=True) as db,
    ):
        entries: list[Any] = []
        record = lambda r: entries.append(db.append_audit("stamp", r.dataset, _table_payload(r)))  # noqa: E731
        report = stamp_table(loaded, table, at=datetime.now(UTC), force=force, record=record)
    click.echo(f"{report.dataset}: stamped table {report.display} ({report.database} table comment)")
    if report.replaced is not None:
        click.echo(f"  replaced its earlier comment ({len(report.replaced)} characters, kept in the audit entry)")
    click.echo(f"audit: entry {entries[0].seq} (stamp {report.dataset})")
    return EXIT_PASSED


def _table_payload(report: Any) -> dict[str, Any]:
    doc = report.document
    payload = {"table": report.display, "suite": doc["suite"], "stewardship": doc["stewardship"],
               "stamped_at": doc["stamped_at"]}  # fmt: skip
    return payload if report.replaced is None else {**payload, "replaced_comment": report.replaced}


def _stamp_payload(report: Any) -> dict[str, Any]:
    doc = report.document
    return {
        "files": [str(f.target) for f in report.files], "suite": doc["suite"],
        "stewardship": doc["stewardship"], "stamped_at": doc["stamped_at"],
    }  # fmt: skip


@click.command("inspect")
@click.argument("path")
@print_format("text")
@exits
def inspect_cmd(path: str, as_json: bool) -> int:
    """Show the stewardship a dataset carries (PATH: a data file, glob, folder, s3:// URL or a suite;
    a suite of a SQL table: the table's comment)."""
    from stewardgate.cli.governance_text import inspection_json, inspection_lines
    from stewardgate.governance.inspect import inspect_dataset
    from stewardgate.object_urls import is_object_url

    if Path(path).suffix in (".yml", ".yaml") and not is_object_url(path):
        loaded = _one_suite(Path(path))
        spec = loaded.suite.dataset
        settings = _settings(None)
        if spec.is_table:
            found = _inspect_table(loaded, settings)
        else:
            day = settings.as_of or date.today()
            found = inspect_dataset(
                str(spec.path).replace("{as_of}", day.isoformat()), base=loaded.folder, fmt=spec.format, s3=settings.s3
            )
    else:
        found = inspect_dataset(path, base=Path(), s3=_settings(None).s3)
    if as_json:
        click.echo(json.dumps(inspection_json(found), indent=2))
    else:
        click.echo(terminal_block("\n".join(inspection_lines(found))))
    return EXIT_PASSED


def _inspect_table(loaded: Any, settings: Any) -> Any:
    from stewardgate.governance.inspect import inspect_table
    from stewardgate.readers.sql.comment import read_comment

    read = read_comment(loaded.suite.dataset, suite=loaded.path, connections=settings.connections)
    return inspect_table(read.display, read.text, read.unsupported)


@click.command("catalog")
@click.option("--owner", default=None, help="Only datasets of this owner.")
@click.option("--classification", type=click.Choice(CLASSIFICATIONS), default=None)
@click.option(
    "--status",
    default=None,
    help="Only datasets whose last run's worst status is this (passed, warned, failed, errored, ...).",
)
@click.option(
    "--gate",
    type=click.Choice(["passed", "failed"]),
    default=None,
    help="Only datasets whose last gate passed / failed.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@store_option
@exits
def catalog_cmd(owner: str | None, classification: str | None, status: str | None, gate: str | None,
                fmt: str, store: str | None) -> int:  # fmt: skip
    """List the datasets of the history store with their stewardship and last verdict."""
    from stewardgate.cli.governance_text import catalog_csv, catalog_rows, catalog_table

    settings = _settings(store)
    with named_store(settings.store) as db:
        entries = db.catalog(owner=owner, classification=classification, status=status)
    if gate is not None:
        entries = [e for e in entries if e.last_gate_passed is (gate == "passed")]
    rows = catalog_rows(entries, settings.governance)
    text = {
        "json": lambda: json.dumps(rows, indent=2),
        "csv": lambda: catalog_csv(rows),
        "table": lambda: terminal_block(catalog_table(rows)),
    }[fmt]()
    click.echo(text, nl=not text.endswith("\n"))
    return EXIT_PASSED


@click.group("audit")
def audit_group() -> None:
    """The audit trail: every run, baseline acceptance, stamp and waiver use, hash-chained."""


@audit_group.command("verify")
@click.option(
    "--head",
    "anchor",
    default=None,
    metavar="SEQ:SHA256",
    help="A head printed by an earlier verify and kept elsewhere (e.g. a CI log): the chain must still hold it.",
)
@store_option
@exits
def audit_verify_cmd(anchor: str | None, store: str | None) -> int:
    """Recompute the audit chain and check the stored runs, results and catalog against it.

    Names the first entry changed or removed and every stored run that does not match its
    entry (exit 1 if any). Prints the head as `head: SEQ:SHA256`; keep it elsewhere and pass it
    back with --head to detect a chain rewritten or truncated as a whole.
    """
    from stewardgate.cli.governance_text import verify_lines
    from stewardgate.governance.audit import verify_chain
    from stewardgate.governance.evidence import check_anchor, parse_anchor, verify_records

    try:
        anchored = parse_anchor(anchor) if anchor is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    with named_store(_settings(store).store) as db:
        entries, head, evidence = db.audit_evidence()
    chain = verify_chain(entries, head)
    records = verify_records(entries, evidence)
    anchor_problem = check_anchor(entries, anchored) if anchored is not None else None
    lines, ok = verify_lines(chain, records, anchor_problem, anchored)
    click.echo(terminal_block("\n".join(lines)))
    return EXIT_PASSED if ok else EXIT_GATE_FAILED


@audit_group.command("log")
@click.option("--kind", default=None, help="Only entries of this kind (run, baseline, stamp, waiver).")
@click.option("--subject", default=None, help="Only entries about this subject (a dataset).")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="Newest N entries.")
@print_format("table")
@store_option
@exits
def audit_log_cmd(kind: str | None, subject: str | None, limit: int, as_json: bool, store: str | None) -> int:
    """List audit entries, newest first."""
    from stewardgate.cli.governance_text import audit_lines, entry_json

    with named_store(_settings(store).store) as db:
        entries = db.audit_entries(kind=kind, subject=subject, limit=limit, newest_first=True)
    if as_json:
        click.echo(json.dumps([entry_json(e) for e in entries], indent=2))
    else:
        click.echo(terminal_block("\n".join(audit_lines(entries))))
    return EXIT_PASSED


@click.command("trust-sheet")
@click.argument("dataset")
@click.option("--suites", "suites", type=click.Path(path_type=Path), default=Path("suites"), show_default=True,
              help="Suite file or folder that holds DATASET's suite.")  # fmt: skip
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the sheet as one self-contained HTML page here.",
)
@click.option(
    "--markdown",
    "markdown_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the sheet as Markdown here (without --html or --markdown: Markdown on stdout).",
)
@click.option(
    "--as-of", type=DAY, default=None, help="Date open waivers are judged on (default: $STEWARDGATE_AS_OF, else today)."
)
@store_option
@exits
def trust_sheet_cmd(dataset: str, suites: Path, html_path: Path | None, markdown_path: Path | None,
                    as_of: datetime | None, store: str | None) -> int:  # fmt: skip
    """A one-page summary of DATASET for its consumers: --html PATH, --markdown PATH, else Markdown on stdout.

    --html and --markdown take a file, as on run, report and diff; both may be given.
    """
    from stewardgate.governance.trust_sheet import build_trust_sheet, render_html, render_markdown
    from stewardgate.io import atomic_write_text
    from stewardgate.suite.loader import load_suites

    matching = [s for s in load_suites([suites]) if s.suite.dataset.name == dataset]
    if not matching:
        raise UsageError(f"no suite for dataset '{dataset}' under {suites}")
    settings = _settings(store, as_of)
    with named_store(settings.store, create=True) as db:  # before any run: "not evaluated"
        day = settings.as_of or date.today()
        sheet = build_trust_sheet(matching[0], db, as_of=day, governance=settings.governance)
    targets = [(p, render) for p, render in ((html_path, render_html), (markdown_path, render_markdown)) if p]
    if not targets:
        text = render_markdown(sheet)
        click.echo(text, nl=not text.endswith("\n"))
    for path, render in targets:
        atomic_write_text(path, render(sheet))
        click.echo(f"trust sheet: {path}")
    return EXIT_PASSED


COMMANDS = (stamp_cmd, inspect_cmd, catalog_cmd, audit_group, trust_sheet_cmd)
