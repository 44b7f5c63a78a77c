"""The new results in every report format, the audit chain, the catalog and the trust sheet."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lineage.lineage_testkit import CUSTOMERS_BAD

UPSTREAM = "orders.lineage.upstream.customers"
PURPOSE = "customers.governance.purpose"
USES = "customers.governance.permitted_uses"


def test_every_format_the_store_catalog_and_trust_sheet_carry_them(pair, tmp_path: Path, cli) -> None:
    from tests.lineage.lineage_testkit import customers_suite

    folder = pair(customers=customers_suite(uses="[analytics, reporting, training]"), customers_data=CUSTOMERS_BAD)
    store, out_dir = f"sqlite:///{tmp_path / 'h.db'}", tmp_path / "out"
    out_dir.mkdir()
    summary = tmp_path / "summary.md"
    reports = {k: out_dir / f"run.{k}" for k in ("json", "junit", "markdown", "html")}
    code, out, err = cli("run", folder, "--store", store, "--purpose", "analytics", "--github",
                         *(x for k, p in reports.items() for x in (f"--{k}", p)), env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert code == 1, err  # customers: id 0 < 1 and a use its classification forbids
    record = json.loads(reports["json"].read_text(encoding="utf-8"))
    statuses = {r["check_id"]: r["status"] for d in record["datasets"] for r in d["results"]}
    assert (statuses[UPSTREAM], statuses[PURPOSE], statuses[USES]) == ("warned", "passed", "failed")
    for path in (reports["junit"], reports["markdown"], reports["html"], summary):
        text = (
            path.read_text(encoding="utf-8")
            .replace("<wbr>", "")
            .replace('<span class="ds-prefix">orders.</span>', "orders.")
        )
        text = text.replace('<span class="ds-prefix">customers.</span>', "customers.")  # the HTML report's id markup
        assert UPSTREAM in text and USES in text, path
    assert f"{UPSTREAM}" in out and "upstream customers FAILED its gate in this run" in out  # console
    assert "::error" in out and USES in out  # GitHub annotations
    code, verified, _ = cli("audit", "verify", "--store", store)
    assert code == 0 and "stored runs match the chain: 2 covered by record digests" in verified

    code, table, _ = cli("catalog", "--store", store)
    assert code == 0
    lines = [line.split() for line in table.splitlines()]
    assert lines[0][-3:] == ["GATE", "UPSTREAM", "USES"]
    assert lines[1][0] == "customers" and lines[1][-2:] == ["-", "analytics,reporting,training"]
    assert lines[2][0] == "orders" and lines[2][-2:] == [
        "customers,postgres://warehouse/sales.raw_orders",
        "analytics,fine_tuning",
    ]
    code, rows, _ = cli("catalog", "--store", store, "--format", "json")
    by_name = {r["dataset"]: r for r in json.loads(rows)}
    assert by_name["orders"]["upstream"] == ["customers", "postgres://warehouse/sales.raw_orders"]
    assert by_name["customers"]["permitted_uses"] == ["analytics", "reporting", "training"]

    code, sheet, err = cli("trust-sheet", "orders", "--suites", folder, "--store", store)
    assert code == 0, err
    assert "| Permitted uses | analytics, fine_tuning; personal-data columns: no use |\n" in sheet
    assert "| Upstream | customers, postgres&#58;//warehouse/sales.raw_orders |\n" in sheet  # no auto-link (textsafe)
    assert f"| `{UPSTREAM}` | upstream | warn | warned |" in sheet
