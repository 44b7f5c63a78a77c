"""The governance commands through real subprocesses: stamp, inspect, catalog, audit, trust-sheet;
exit codes and whole messages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.governance.gov_testkit import Backend

SUITES = {
    "orders.yml": """version: 1
dataset: {name: orders, path: ../data/orders.parquet}
stewardship:
  owner: sales@example.com
  steward: jane@example.com
  classification: confidential
  retention: {period: 400d, column: ts}
  risk_tier: high
  description: "One row per order | web shop"
  recertify_by: 2027-06-30
  known_limitations: [Phone orders arrive a day late., "<b>not</b> HTML"]
columns:
  id: {type: int64, min: 0}
  email: {type: string, pii: email, classification: confidential}
  ts: {type: datetime}
gate: {fail_on: error}
governance: {personal_data: {sample_size: 100}}
waivers:
  - {check: columns.id.min, reason: legacy rows, approved_by: jane@example.com, expires: 2026-12-31, ticket: DATA-1}
  - {check: "columns.email.*", reason: old, approved_by: jane@example.com, expires: 2026-01-01}
""",
    "customers.yml": """version: 1
dataset: {name: customers, path: ../data/customers.csv}
stewardship: {owner: crm@example.com, steward: omar@example.com, classification: internal, risk_tier: low}
columns:
  id: {type: int64}
  name: {type: string}
""",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``suites/`` (orders: parquet with a failing, waived check; customers: CSV) and ``data/``."""
    (tmp_path / "suites").mkdir()
    (tmp_path / "data").mkdir()
    for name, text in SUITES.items():
        (tmp_path / "suites" / name).write_text(text, encoding="utf-8")
    pl.DataFrame({
        "id": [-1, 2, 3],
        "email": ["a@example.com", "b@example.com", None],
        "ts": [datetime(2026, 11, 1, tzinfo=UTC)] * 3,
    }).write_parquet(tmp_path / "data" / "orders.parquet")  # fmt: skip
    (tmp_path / "data" / "customers.csv").write_text("id,name\n1,Ann\n2,Bo\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")  # no settings from above
    return tmp_path


def store_of(project: Path) -> str:
    return f"sqlite:///{project / 'history.db'}"


def test_stamp_and_inspect(cli: Callable[..., Any], project: Path) -> None:
    store = store_of(project)
    assert tuple(cli("stamp", "suites/orders.yml", "--store", store, cwd=project)) == (
        0,
        (
            "orders: stamped 1 file (Parquet footer, key stewardgate)\n"
            "  data/orders.parquet\n"
            "audit: entry 1 (stamp orders)\n"
        ),
        "",
    )
    assert tuple(cli("stamp", "suites/customers.yml", "--store", store, cwd=project)) == (
        0,
        (
            "customers: stamped 1 file (sidecar <file>.stewardship.json)\n"
            "  data/customers.csv.stewardship.json\n"
            "audit: entry 2 (stamp customers)\n"
        ),
        "",
    )
    code, out, err = cli("inspect", "suites/orders.yml", cwd=project)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "data/orders.parquet  (parquet, 1 file)"
    assert lines[1].startswith("  stamp v1 of dataset orders, stamped 20") and lines[1].endswith(", on 1 of 1 files")
    assert lines[2:] == [
        "    owner           sales@example.com",
        "    steward         jane@example.com",
        "    classification  confidential",
        "    retention       400d on ts",
        "    risk_tier       high",
        "    description     One row per order | web shop",
        "    recertify_by    2027-06-30",
        "  other metadata keys: ARROW:schema",
    ]
    code, out, _ = cli("inspect", "data/customers.csv", "--format", "json", cwd=project)
    (file,) = json.loads(out)["files"]
    assert (code, file["path"], file["stamp"]["stewardship"]["owner"], file["problem"]) == (
        0,
        "data/customers.csv",
        "crm@example.com",
        None,
    )


def test_stamp_errors(cli: Callable[..., Any], project: Path) -> None:
    (project / "data" / "orders.parquet").unlink()
    assert tuple(cli("stamp", "suites/orders.yml", "--store", store_of(project), cwd=project)) == (
        2,
        "",
        "error: data/orders.parquet: no such file or folder\n",
    )
    assert tuple(cli("stamp", "suites", cwd=project)) == (
        2,
        "",
        "error: suites: name one suite file, not a folder of 2 suites\n",
    )


@pytest.fixture
def ran(cli: Callable[..., Any], project: Path) -> Path:
    """``project`` after one run of both suites (as of 2026-11-27) into its store."""
    code, out, err = cli("run", "suites", "--store", store_of(project), "--as-of", "2026-11-27", cwd=project)
    assert (code, err) == (0, ""), out
    assert "  WAIVE  orders.columns.id.min" in out
    return project


def test_catalog_table_json_csv_and_filters(cli: Callable[..., Any], ran: Path) -> None:
    store = store_of(ran)
    code, out, err = cli("catalog", "--store", store, cwd=ran)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "DATASET    OWNER              STEWARD           CLASS         RETENTION  TIER  COMPLETE  MISSING  LAST RUN    STATUS  GATE",
        "customers  crm@example.com    omar@example.com  internal      -          low   80%       -        2026-11-27  passed  passed",
        "orders     sales@example.com  jane@example.com  confidential  400d       high  100%      -        2026-11-27  warned  passed",
    ]
    code, out, _ = cli("catalog", "--store", store, "--owner", "crm@example.com", "--format", "json", cwd=ran)
    assert code == 0 and [row["dataset"] for row in json.loads(out)] == ["customers"]
    code, out, _ = cli("catalog", "--store", store, "--classification", "confidential", "--format", "csv", cwd=ran)
    assert code == 0 and out.splitlines()[0] == (
        "dataset,owner,steward,classification,retention,risk_tier,completeness,missing,last_as_of,last_status,last_gate,last_run_id,upstream,permitted_uses"
    )
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["orders"]
    assert tuple(cli("catalog", "--store", store, "--status", "failed", cwd=ran)) == (
        0,
        "no datasets in the catalog (or none match the filters)\n",
        "",
    )
    code, out, _ = cli(
        "catalog", "--store", store, "--status", "warned", "--gate", "passed", "--format", "json", cwd=ran
    )
    assert [row["dataset"] for row in json.loads(out)] == ["orders"]
    assert tuple(cli("catalog", "--store", store, "--status", "bogus", cwd=ran)) == (
        2,
        "",
        "error: unknown status 'bogus' (one of: passed, skipped, info, waived, warned, failed, errored)\n",
    )


def test_audit_log_and_verify(cli: Callable[..., Any], ran: Path) -> None:
    store = store_of(ran)
    code, out, _ = cli("audit", "log", "--store", store, "--format", "json", cwd=ran)
    entries = json.loads(out)
    assert [(e["seq"], e["kind"], e["subject"]) for e in entries] == [
        (3, "waiver", "orders"),
        (2, "run", "orders"),
        (1, "run", "customers"),
    ]
    code, out, _ = cli("audit", "log", "--store", store, "--kind", "waiver", cwd=ran)
    (line,) = out.splitlines()
    assert code == 0 and " waiver   orders " in line
    head = [e for e in entries if e["seq"] == 3][0]["hash"]
    assert (
        tuple(cli("audit", "verify", "--store", store, cwd=ran))
        == (
            0,
            (  # the full head, to keep elsewhere (issue 17)
                f"audit chain intact: 3 entries, head 3 sha256 {head[:16]}\n"
                "stored runs match the chain: 2 covered by record digests\n"
                f"head: 3:{head}  # keep it elsewhere; check later with --head\n"
            ),
            "",
        )
    )
    with sqlite3.connect(ran / "history.db") as db:
        db.execute("DELETE FROM sg_audit WHERE seq = 2")
    code, out, err = cli("audit", "verify", "--store", store, cwd=ran)
    assert (code, err) == (1, "")
    assert (
        out.splitlines()[0]
        == "audit chain BROKEN: entry 2 was removed (the chain goes from 1 to 3); 1 earlier entry verified"
    )
    assert "stored runs BROKEN: 1 stored run has no audit entry (run " in out  # the run the entry covered


def test_audit_verify_names_an_edited_row(cli: Callable[..., Any], backend: Backend, tmp_path: Path) -> None:
    with backend.open() as store:
        for i in range(3):
            store.append_audit("baseline", "orders", {"i": i})
        recorded = store.audit_entries()[1].recorded_at
    backend.execute("UPDATE sg_audit SET subject = 'customers' WHERE seq = 2")
    assert tuple(cli("audit", "verify", "--store", backend.cli_url, cwd=tmp_path)) == (
        1,
        (
            f"audit chain BROKEN: entry 2 (baseline customers, recorded {recorded:%Y-%m-%d %H:%M:%S} UTC) was changed: "
            "its content does not match its hash; 1 earlier entry verified\n"
            "stored runs match the chain: 0 covered by record digests\n"  # no runs stored here
        ),
        "",
    )


def test_trust_sheet_markdown_and_html(cli: Callable[..., Any], ran: Path) -> None:
    store = store_of(ran)
    code, out, err = cli("trust-sheet", "orders", "--store", store, "--as-of", "2026-11-27", cwd=ran)
    assert (code, err) == (0, "")
    assert out.startswith("# orders: trust sheet\n\n## Purpose\n\nOne row per order \\| web shop\n\n| | |\n|---|---|\n"
                          "| Owner | sales@example.com |\n| Steward | jane@example.com |\n| Classification | confidential |\n"
                          "| Retention | 400d on ts |\n| Risk tier | high |\n| Recertify by | 2027-06-30 |\n")  # fmt: skip
    assert "## Last evaluation\n\n2026-11-27: gate passed (" in out
    assert (
        "## Known limitations\n\n- Phone orders arrive a day late.\n- &lt;b&gt;not&lt;/b&gt; HTML\n" in out
    )  # no raw HTML (issue 17)
    assert "| `orders.columns.id.min` | min | error | waived |" in out
    assert "| `orders.governance.personal_data` | personal_data | error | passed |" in out
    assert (
        "## Open waivers\n\n| Check | Reason | Approved by | Ticket | Expires |\n|---|---|---|---|---|\n"
        "| `columns.id.min` | legacy rows | jane@example.com | DATA-1 | 2026-12-31 |\n" in out
    )
    assert (
        "## Expired waivers (no longer applied)\n\n" in out
        and "| `columns.email.*` | old | jane@example.com | — | 2026-01-01 |" in out
    )
    page, text = ran / "out" / "orders.html", ran / "out" / "orders.md"
    assert tuple(cli("trust-sheet", "orders", "--store", store, "--html", page, "--markdown", text, "--as-of", "2026-11-27",
                     cwd=ran)) == (0, f"trust sheet: {page}\ntrust sheet: {text}\n", "")  # fmt: skip
    assert text.read_text(encoding="utf-8") == out
    html = page.read_text(encoding="utf-8")
    assert "<title>orders: trust sheet</title>" in html and "&lt;b&gt;not&lt;/b&gt; HTML" in html
    assert "<td><code>columns.id.min</code></td><td>legacy rows</td>" in html


def test_trust_sheet_columns_rules_in_words_pass_rate_and_freshness(cli: Callable[..., Any], ran: Path) -> None:
    store = store_of(ran)
    code, out, err = cli("trust-sheet", "orders", "--store", store, "--as-of", "2026-11-27", cwd=ran)
    assert (code, err) == (0, "")
    assert (
        "## Recent pass rate and freshness\n\n1 of the last 1 runs passed (100%) since 2026-11-27; no failure.\n\n"
        "- newest ts: 2026-11-01 00:00 UTC, 27 days old when last checked\n" in out
    )
    assert (
        "## Columns (3)\n\n| Column | Type | Description | Personal data | Rules |\n|---|---|---|---|---|\n"
        "| `id` | int64 | — | no | id &gt;= 0 |\n"
        "| `email` | string | — | personal data (email), confidential | — |\n"
        "| `ts` | datetime | — | no | — |\n" in out
    )
    assert "## Rules on the whole table\n\n- columns beyond those listed are reported\n" in out
    page = ran / "out" / "orders.html"
    cli("trust-sheet", "orders", "--store", store, "--html", page, cwd=ran)
    html = page.read_text(encoding="utf-8")
    assert '<td data-label="Personal data" class="warned">personal data (email), confidential</td>' in html
    assert '<td data-label="Rules"><div>id &gt;= 0</div></td>' in html


def test_trust_sheet_before_any_run_and_errors(cli: Callable[..., Any], project: Path) -> None:
    store = store_of(project)
    code, out, _ = cli("trust-sheet", "customers", "--store", store, cwd=project)
    assert code == 0 and f"## Last evaluation\n\nNever evaluated in the history store at {store}.\n" in out
    assert "| `customers.columns.id.type` | type | error | not run yet |" in out
    assert tuple(cli("trust-sheet", "nope", "--store", store, cwd=project)) == (
        2,
        "",
        "error: no suite for dataset 'nope' under suites\n",
    )


def test_the_run_gate_follows_the_risk_tier(cli: Callable[..., Any], project: Path) -> None:
    """customers is low tier: a warning does not block; made high tier, it does (exit 1)."""
    text = SUITES["customers.yml"].replace(
        "name: {type: string}", "name: {type: string, max_length: {value: 2, severity: warn}}"
    )
    suite = project / "suites" / "customers.yml"
    suite.write_text(text, encoding="utf-8")
    code, out, _ = cli("run", "suites/customers.yml", "--no-history", cwd=project)
    assert (
        code == 0
        and "  customers: 7 passed, 1 skipped, 1 warned -> gate PASSED (no blocking results)" in out.splitlines()
    )
    suite.write_text(text.replace("risk_tier: low", "risk_tier: high"), encoding="utf-8")
    code, out, _ = cli("run", "suites/customers.yml", "--no-history", cwd=project)
    assert (
        code == 1
        and "  customers: 7 passed, 1 skipped, 1 warned -> gate FAILED (1 warned (fail_on: warn, from risk tier high))"
        in out.splitlines()
    )
