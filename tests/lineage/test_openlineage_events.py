"""run --openlineage: events validated against the OpenLineage JSON schemas, a file, an endpoint.

The schemas are the specification's own files, kept in ``openlineage_spec/`` (see its README),
plus stewardgate's facet schema in ``docs/openlineage/``. Every event must match the core
``RunEvent``, and every facet the schema its ``_schemaURL`` names. The endpoint is a tiny
``http.server`` on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from tests.lineage.lineage_testkit import CUSTOMERS_BAD, run

HERE = Path(__file__).parent
REPO = HERE.parent.parent
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def _registry() -> Registry:
    files = [
        *sorted((HERE / "openlineage_spec").glob("*.json")),
        REPO / "docs" / "openlineage" / "StewardshipDatasetFacet.json",
    ]
    resources = []
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def schema_problems(event: dict[str, Any]) -> list[str]:
    """Every way the event breaks the core schema or one of its facets' schemas."""

    def check(instance: Any, ref: str) -> list[str]:
        validator = jsonschema.Draft202012Validator(
            {"$ref": ref}, registry=REGISTRY, format_checker=jsonschema.FormatChecker()
        )
        return [f"{ref}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]

    problems = check(event, RUN_EVENT)
    facets = [*event["run"].get("facets", {}).values(), *event["job"].get("facets", {}).values()]
    for d in event.get("inputs", []):
        facets += [*d.get("facets", {}).values(), *d.get("inputFacets", {}).values()]
    for facet in facets:
        problems += check(facet, facet["_schemaURL"])
    return problems


def facet_names(event: dict[str, Any]) -> tuple[list[str], list[str]]:
    d = event["inputs"][0]
    return sorted(d.get("facets", {})), sorted(d.get("inputFacets", {}))


def test_the_schema_check_catches_a_broken_event() -> None:
    """The validation is real: a missing runId and a wrong assertion type are both found."""
    broken = {
        "eventTime": "2026-11-27T00:00:00+00:00", "eventType": "COMPLETE", "producer": "https://x.example/",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {}, "job": {"namespace": "n", "name": "j"},
        "inputs": [{"namespace": "file", "name": "/d", "inputFacets": {"dataQualityAssertions": {
            "_producer": "https://x.example/", "assertions": [{"assertion": "min", "success": "yes"}],
            "_schemaURL": "https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet"}}}],
    }  # fmt: skip
    problems = schema_problems(broken)
    assert any("'runId' is a required property" in p for p in problems)
    assert any("'yes' is not of type 'boolean'" in p for p in problems)


def test_file_events_follow_the_openlineage_schemas(pair, tmp_path: Path) -> None:
    from tests.lineage.lineage_testkit import orders_suite

    waiver = ("waivers:\n  - {check: columns.amount.min, reason: refunds, approved_by: cdo@example.com, "
              "expires: 2026-12-31, ticket: DATA-9}\n")  # fmt: skip
    folder = pair(orders=orders_suite(waiver), orders_data="order_id,customer_id,amount\n1,1,5.0\n2,2,-1.0\n",
                  customers_data=CUSTOMERS_BAD)  # fmt: skip
    target = tmp_path / "events.ndjson"
    result = run([folder], store=tmp_path / "h.db", openlineage=str(target))
    events = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(e["job"]["name"], e["eventType"]) for e in events] == [
        ("customers", "START"),
        ("customers", "FAIL"),
        ("orders", "START"),
        ("orders", "COMPLETE"),
    ]  # upstreams first; customers' gate failed (id 0 < 1); orders' failure is waived
    for e in events:
        assert schema_problems(e) == []
    start, end = events[2], events[3]
    assert start["run"]["runId"] == end["run"]["runId"]
    assert facet_names(start) == (["ownership", "schema", "stewardgate_stewardship"], [])
    assert facet_names(end) == (
        ["ownership", "schema", "stewardgate_stewardship"],
        ["dataQualityAssertions", "dataQualityMetrics"],
    )
    d = end["inputs"][0]
    assert d["namespace"] == "file" and d["name"] == str(folder / "orders.csv")
    assert [f["name"] for f in d["facets"]["schema"]["fields"]] == ["order_id", "customer_id", "amount"]
    assert d["facets"]["ownership"]["owners"] == [
        {"name": "sales@example.com", "type": "OWNER"},
        {"name": "bob@example.com", "type": "STEWARD"},
    ]
    steward = d["facets"]["stewardgate_stewardship"]
    assert steward["classification"] == "internal" and steward["riskTier"] == "low"
    assert steward["upstream"] == ["customers", "postgres://warehouse/sales.raw_orders"]
    assert steward["permittedUses"] == ["analytics", "fine_tuning"]
    assert steward["waivers"][0]["waivedChecks"] == ["orders.columns.amount.min"]
    assert steward["_schemaURL"].startswith(
        "https://stewardgate.dev/schemas/openlineage/StewardshipDatasetFacet-1.json"
    )
    metrics = d["inputFacets"]["dataQualityMetrics"]
    assert metrics["rowCount"] == 2
    assert metrics["columnMetrics"]["amount"]["min"] == -1.0 and metrics["columnMetrics"]["amount"]["nullCount"] == 0
    assertions = {a["name"]: a for a in d["inputFacets"]["dataQualityAssertions"]["assertions"]}
    assert assertions["orders.columns.amount.min"]["success"] is False
    assert assertions["orders.columns.amount.min"]["params"] == {"status": "waived"}
    assert assertions["orders.lineage.upstream.customers"]["success"] is False  # the failing upstream, a warning
    assert assertions["orders.columns.order_id.type"]["success"] is True
    assert "orders.lineage.upstream.postgres://warehouse/sales.raw_orders" not in assertions  # skipped: not judged
    assert events[1]["run"]["facets"]["errorMessage"]["message"].startswith("gate failed: 1 failed")
    assert [(s.dataset, s.status, s.events) for s in result.openlineage] == [
        ("customers", "sent", 2),
        ("orders", "sent", 2),
    ]


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, json.loads(body)))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    received: list[tuple[str, dict[str, Any]]] = []
    handler = type("Handler", (_Collector,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_events_are_posted_to_an_http_endpoint(pair, endpoint) -> None:
    url, received = endpoint
    folder = pair()
    result = run([folder / "customers.yml"], openlineage=url)
    assert [(path, e["eventType"]) for path, e in received] == [
        ("/api/v1/lineage", "START"),
        ("/api/v1/lineage", "COMPLETE"),
    ]
    for _, e in received:
        assert schema_problems(e) == []
    assert result.openlineage[0].status == "sent" and result.openlineage[0].run_uuid == received[0][1]["run"]["runId"]
    run([folder / "customers.yml"], openlineage=url + "/custom/path")
    assert received[-1][0] == "/custom/path"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_endpoint_is_reported_and_changes_nothing(pair, tmp_path: Path, cli) -> None:
    folder = pair()
    url = f"http://127.0.0.1:{_closed_port()}"
    store = tmp_path / "h.db"
    code, out, err = cli(
        "run", folder, "--store", f"sqlite:///{store}", "--openlineage", url, "--json", tmp_path / "run.json"
    )
    assert code == 0, err  # both gates pass: the endpoint's failure does not change them
    lines = [line for line in err.splitlines() if line.startswith("warning: openlineage:")]
    assert lines[0].startswith("warning: openlineage: customers: ConnectionError: ")
    assert lines[1] == ("warning: openlineage: orders: not sent: the endpoint did not answer an earlier event "
                        f"({lines[0].removeprefix('warning: openlineage: customers: ')})")  # fmt: skip
    record = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert [(d["dataset"], d["status"], d["events"]) for d in record["openlineage"]] == [
        ("customers", "failed", 0),
        ("orders", "failed", 0),
    ]
    code, out, _ = cli("runs", "--store", f"sqlite:///{store}", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2, out  # both runs were stored before anything was sent


def test_a_file_in_a_missing_folder_is_refused_before_the_run(pair, tmp_path: Path, cli) -> None:
    folder = pair()
    code, out, err = cli("run", folder, "--no-history", "--openlineage", tmp_path / "nope" / "events.ndjson")
    assert code == 2
    assert err.strip() == (f"error: --openlineage: the folder of {tmp_path / 'nope' / 'events.ndjson'} does not exist "
                           "(give a file in an existing folder, or an http(s) URL)")  # fmt: skip
    assert out == ""


@pytest.mark.parametrize("emit", [False, True])
def test_the_openlineage_client_is_imported_only_when_events_are_asked_for(pair, tmp_path: Path, emit: bool) -> None:
    import subprocess
    import sys

    folder = pair()
    args = [
        "run",
        str(folder / "customers.yml"),
        "--no-history",
        "-q",
        *(["--openlineage", str(tmp_path / "e.ndjson")] if emit else []),
    ]
    code = ("import sys; from stewardgate.cli import cli\n"
            f"rc = cli.main({args!r}, prog_name='stewardgate', standalone_mode=False)\n"
            "print('openlineage' in {m.split('.')[0] for m in sys.modules})")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                          env={"STEWARDGATE_AS_OF": "2026-11-27", "PATH": "/usr/bin:/bin", **_pythonpath()})  # fmt: skip
    assert proc.stdout.splitlines()[-1] == str(emit), proc.stderr


def _pythonpath() -> dict[str, str]:
    import os

    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
