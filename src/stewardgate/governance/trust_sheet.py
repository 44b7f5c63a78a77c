"""The trust sheet: a one-page summary of a dataset for the people who consume it.

Purpose, owner, steward, classification, retention, known limitations (from the suite), the
checks in force (the suite's plan) with their last result, the last evaluation (from the
history store), and the open waivers with their expiry. :func:`build_trust_sheet` gathers
it; :func:`render_markdown` and :func:`render_html` (a Jinja template) print it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate import __version__
from stewardgate.governance.trust_columns import ColumnLine, PassRate, column_lines, freshness, pass_rate, table_rules
from stewardgate.governance.waivers import waiver_record
from stewardgate.results import DatasetRun, Status

if TYPE_CHECKING:
    from stewardgate.store import Store
    from stewardgate.suite.loader import LoadedSuite


@dataclass(frozen=True)
class CheckLine:
    """One check in force and its result in the last evaluation (None: not in it)."""

    check_id: str
    check: str
    severity: str
    last_status: str | None


@dataclass(frozen=True)
class Evaluation:
    """The dataset's last evaluation that counts (latest as-of, not superseded)."""

    as_of: date
    run_id: str
    gate_passed: bool
    reason: str
    counts: dict[str, int]
    finished_at: datetime


@dataclass(frozen=True)
class TrustSheet:
    """Everything the sheet shows."""

    dataset: str
    suite_path: str
    suite_sha256: str
    stewardship: dict[str, Any]
    checks: list[CheckLine]
    last: Evaluation | None
    open_waivers: list[dict[str, Any]]
    expired_waivers: list[dict[str, Any]]
    as_of: date
    store: str
    tool_version: str = field(default=__version__)
    columns: list[ColumnLine] = field(default_factory=list)
    table_rules: list[str] = field(default_factory=list)
    pass_rate: PassRate | None = None
    freshness: list[str] = field(default_factory=list)
    upstream: list[str] = field(default_factory=list)


def build_trust_sheet(loaded: LoadedSuite, store: Store, *, as_of: date, governance: Any = None) -> TrustSheet:
    """Gather the sheet of ``loaded``'s dataset: the suite, and its last run in ``store``."""
    from stewardgate.planning import plan_suite

    suite = loaded.suite
    name = suite.dataset.name
    summaries = store.runs(name, limit=1, include_superseded=False)
    run = store.dataset_run(summaries[0].run_id, name) if summaries else None
    statuses = _statuses(run)
    checks = [
        CheckLine(p.check_id, p.check, p.severity.value, _status_of(p.check_id, statuses))
        for p in plan_suite(loaded, governance)
        if p.when is None  # the checks that always report
    ]
    last = None
    if run is not None:
        s = summaries[0]
        last = Evaluation(s.as_of, s.run_id, run.gate.passed, run.gate.reason, run.counts(), s.finished_at)
    waivers = sorted(suite.waivers, key=lambda w: w.expires)
    return TrustSheet(
        dataset=name, suite_path=str(loaded.path), suite_sha256=loaded.sha256,
        stewardship=suite.stewardship.model_dump(mode="json"), checks=checks, last=last,
        open_waivers=[waiver_record(w) for w in waivers if as_of <= w.expires],
        expired_waivers=[waiver_record(w) for w in waivers if as_of > w.expires],
        as_of=as_of, store=store.where, columns=column_lines(suite), table_rules=table_rules(suite),
        pass_rate=pass_rate(store, name), freshness=freshness(run),
        upstream=list(suite.lineage.upstream) if suite.lineage else [],
    )  # fmt: skip


def _statuses(run: DatasetRun | None) -> dict[str, Status]:
    return {} if run is None else {r.check_id: r.status for r in run.results}


def _status_of(check_id: str, statuses: dict[str, Status]) -> str | None:
    """The check's last status; for a check with one result per column, the worst of them."""
    if check_id in statuses:
        return statuses[check_id].value
    parts = [s for cid, s in statuses.items() if cid.startswith(check_id + ".")]
    return max(parts).value if parts else None


def retention_text(stewardship: dict[str, Any]) -> str:
    """``400d on order_ts``, or ``not declared``."""
    retention = stewardship.get("retention")
    if not retention:
        return "not declared"
    column = retention.get("column")
    return f"{retention['period']} on {column}" if column else str(retention["period"])


def uses_text(stewardship: dict[str, Any]) -> str:
    """``analytics, retrieval; personal-data columns: analytics only``, or ``not declared (...)``."""
    uses = stewardship.get("permitted_uses")
    if uses is None:
        return "not declared (approved for no purpose)"
    personal = stewardship.get("personal_data_uses") or []
    return (
        f"{', '.join(uses) or 'none'}; personal-data columns: {', '.join(personal) + ' only' if personal else 'no use'}"
    )


def facts(sheet: TrustSheet) -> list[tuple[str, str]]:
    """The sheet's key facts as (label, value) rows."""
    s = sheet.stewardship
    return [
        ("Owner", s.get("owner") or "not declared"),
        ("Steward", s.get("steward") or "not declared"),
        ("Classification", s.get("classification") or "not declared"),
        ("Retention", retention_text(s)),
        ("Risk tier", s.get("risk_tier") or "not declared"),
        ("Recertify by", s.get("recertify_by") or "not declared"),
        ("Permitted uses", uses_text(s)),
        ("Upstream", ", ".join(sheet.upstream) or "not declared"),
        ("Suite", f"{sheet.suite_path} (sha256 {sheet.suite_sha256[:12]})"),
    ]


def last_text(sheet: TrustSheet) -> str:
    """One sentence on the last evaluation."""
    last = sheet.last
    if last is None:
        return f"Never evaluated in the history store at {sheet.store}."
    counts = ", ".join(f"{n} {status}" for status, n in last.counts.items() if n) or "no checks"
    verdict = "passed" if last.gate_passed else "FAILED"
    return f"{last.as_of}: gate {verdict} ({counts}; {last.reason}); run {last.run_id}."


def _md(text: Any) -> str:
    from stewardgate.textsafe import markdown

    return markdown(text)  # no raw HTML, links or table breakout from stewardship texts


def render_markdown(sheet: TrustSheet) -> str:
    """The sheet as Markdown (one page)."""
    s = sheet.stewardship
    lines = [
        f"# {sheet.dataset}: trust sheet",
        "",
        "## Purpose",
        "",
        _md(s.get("description") or "No description given."),
        "",
    ]
    lines += ["| | |", "|---|---|", *(f"| {label} | {_md(value)} |" for label, value in facts(sheet)), ""]
    lines += ["## Last evaluation", "", last_text(sheet), ""]
    lines += [
        "## Recent pass rate and freshness",
        "",
        sheet.pass_rate.text() if sheet.pass_rate else "No runs yet.",
        "",
    ]
    lines += [f"- {_md(f)}" for f in sheet.freshness] + ([""] if sheet.freshness else [])
    lines += _columns_markdown(sheet)
    limits = s.get("known_limitations") or []
    lines += ["## Known limitations", "", *([f"- {_md(x)}" for x in limits] or ["None recorded."]), ""]
    lines += [f"## Checks in force ({len(sheet.checks)})", ""]
    if sheet.checks:
        lines += ["| Check | Type | Severity | Last result |", "|---|---|---|---|"]
        lines += [
            f"| `{c.check_id}` | {c.check} | {c.severity} | {c.last_status or 'not run yet'} |" for c in sheet.checks
        ]
    else:
        lines.append("None.")
    lines += ["", "## Open waivers", ""]
    lines += _waiver_table(sheet.open_waivers) or ["None."]
    if sheet.expired_waivers:
        lines += ["", "## Expired waivers (no longer applied)", "", *_waiver_table(sheet.expired_waivers)]
    lines += ["", f"_Generated by stewardgate {sheet.tool_version} as of {sheet.as_of}._", ""]
    return "\n".join(lines)


def _columns_markdown(sheet: TrustSheet) -> list[str]:
    lines = [f"## Columns ({len(sheet.columns)})", ""]
    if sheet.columns:
        lines += ["| Column | Type | Description | Personal data | Rules |", "|---|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_md(c.description or '—')} | {_md(c.personal)} | {_md('; '.join(c.rules) or '—')} |"
                  for c in sheet.columns]  # fmt: skip
    lines += ["", "## Rules on the whole table", "", *[f"- {_md(r)}" for r in sheet.table_rules], ""]
    return lines


def _waiver_table(waivers: list[dict[str, Any]]) -> list[str]:
    if not waivers:
        return []
    rows = ["| Check | Reason | Approved by | Ticket | Expires |", "|---|---|---|---|---|"]
    rows += [
        f"| `{w['check']}` | {_md(w['reason'])} | {_md(w['approved_by'])} | {_md(w['ticket'] or '—')} | {w['expires']} |"
        for w in waivers
    ]
    return rows


def render_html(sheet: TrustSheet) -> str:
    """The sheet as a self-contained HTML page (Jinja template, autoescaped)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("stewardgate.governance", "templates"),
        autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    template = env.get_template("trust_sheet.html.j2")
    return template.render(sheet=sheet, facts=facts(sheet), last=last_text(sheet))
