"""Result records: ordered statuses and severities, counts, and the JSON run record's round trip."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import jsonschema
import pytest

from stewardgate.results import (
    RUN_SCHEMA_VERSION,
    CheckResult,
    DataFingerprint,
    DatasetRun,
    FileStamp,
    GateDecision,
    RunResult,
    Severity,
    Status,
    run_from_dict,
    run_record_json_schema,
    run_to_dict,
    status_for,
)

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def test_status_order_is_declaration_order() -> None:
    assert list(Status) == sorted(Status)
    assert [s.value for s in sorted(Status)] == ["passed", "skipped", "info", "waived", "warned", "failed", "errored"]
    assert Status.FAILED > Status.WARNED > Status.WAIVED > Status.INFO > Status.SKIPPED > Status.PASSED
    assert Status.ERRORED >= Status.ERRORED and Status.PASSED <= Status.PASSED
    assert max([Status.WARNED, Status.ERRORED, Status.PASSED]) is Status.ERRORED


def test_order_is_not_alphabetical() -> None:
    assert "errored" < "passed"
    assert Status.ERRORED > Status.PASSED
    assert Severity.ERROR > Severity.WARN > Severity.INFO  # "error" < "info" < "warn" as text


def test_statuses_are_strings_and_hashable() -> None:
    assert Status.FAILED == "failed" and Status("failed") is Status.FAILED
    assert {Status.FAILED: 1}["failed"] == 1
    assert json.dumps([Status.PASSED]) == '["passed"]'


@pytest.mark.parametrize("other", ["failed", Severity.ERROR, 3])
def test_statuses_do_not_order_against_other_things(other: object) -> None:
    with pytest.raises(TypeError):
        other > Status.PASSED  # noqa: B015


@pytest.mark.parametrize(
    ("ok", "severity", "status"),
    [
        (True, Severity.ERROR, Status.PASSED),
        (True, Severity.INFO, Status.PASSED),
        (False, Severity.ERROR, Status.FAILED),
        (False, Severity.WARN, Status.WARNED),
        (False, Severity.INFO, Status.INFO),
    ],
)
def test_status_for(ok: bool, severity: Severity, status: Status) -> None:
    assert status_for(ok, severity) is status


def _check(check_id: str, status: Status, **kw: object) -> CheckResult:
    message = str(kw.pop("message", status.value))
    return CheckResult(check_id, check_id.rsplit(".", 1)[-1], status, Severity.ERROR, "polars", message, **kw)  # type: ignore[arg-type]


def sample_run() -> RunResult:
    results = (
        _check("orders.columns.amount.min", Status.FAILED, column="amount", observed=7, expected=">= 0",
               failing_count=7, failing_fraction=0.0035, row_count=2000, samples=("-3.77", "-128.1"), suite_line=22),
        _check("orders.columns.email.in_set", Status.FAILED, column="email", samples=("***",), observed=None),
        _check("orders.schema.extra_columns", Status.WARNED, observed=["debug_payload"], expected=["a", "b"]),
        _check("orders.columns.amount.type", Status.PASSED, observed="float64", expected="float64"),
        _check("orders.columns.x.min", Status.SKIPPED, details={"reason": "column is missing", "n": [1, 2.5, None]}),
        _check("orders.columns.y.regex", Status.ERRORED, message="errored: boom"),
    )  # fmt: skip
    orders = DatasetRun(
        dataset="orders", suite_path="suites/orders.yml", suite_sha256="ab" * 32,
        stewardship={"owner": "a@example.com", "recertify_by": "2027-06-30", "known_limitations": ["x"]},
        results=results,
        gate=GateDecision(False, "error", ("orders.columns.amount.min",), "1 failed (fail_on: error)"),
        started_at=T0, finished_at=T0 + timedelta(seconds=1.5),
        data=DataFingerprint("d.parquet", "parquet", (FileStamp("d.parquet", 40711, 1_790_000_000_123_456_789),), "cd" * 32),
        row_count=2000, profile={"rows": 2000},
    )  # fmt: skip
    broken = DatasetRun(
        dataset="events", suite_path="suites/events.yml", suite_sha256="ef" * 32, stewardship={},
        results=(), gate=GateDecision(False, "warn", (), "dataset could not be checked: gone"),
        started_at=T0, finished_at=T0, error="gone",
    )  # fmt: skip
    return RunResult("run-1", "0.1.0", date(2026, 11, 26), T0, T0 + timedelta(seconds=2), (orders, broken))


def test_round_trip() -> None:
    run = sample_run()
    data = run_to_dict(run)
    assert run_from_dict(data) == run
    assert run_from_dict(json.loads(json.dumps(data))) == run


def test_round_trip_keeps_types() -> None:
    back = run_from_dict(json.loads(json.dumps(run_to_dict(sample_run()))))
    first = back.datasets[0].results[0]
    assert first.status is Status.FAILED and first.severity is Severity.ERROR
    assert first.samples == ("-3.77", "-128.1")
    assert back.as_of == date(2026, 11, 26)
    assert back.started_at == T0 and back.started_at.tzinfo is not None
    assert back.datasets[0].data is not None
    assert back.datasets[0].data.files[0].mtime_ns == 1_790_000_000_123_456_789


def test_record_shape() -> None:
    data = run_to_dict(sample_run())
    assert data["schema_version"] == RUN_SCHEMA_VERSION == "1"
    assert data["as_of"] == "2026-11-26"
    assert data["started_at"] == "2026-11-26T06:00:00Z"
    first = data["datasets"][0]["results"][0]
    assert (first["status"], first["severity"], first["samples"]) == ("failed", "error", ["-3.77", "-128.1"])
    assert "worst" not in data["datasets"][0]  # properties are not serialised


def test_record_validates_against_its_schema() -> None:
    schema = run_record_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(json.loads(json.dumps(run_to_dict(sample_run()))))] == []
    assert schema["$id"] == "https://stewardgate.dev/schemas/run-record-1.json"


def test_schema_rejects_an_unknown_status() -> None:
    data = run_to_dict(sample_run())
    data["datasets"][0]["results"][0]["status"] = "exploded"
    validator = jsonschema.Draft202012Validator(run_record_json_schema())
    assert list(validator.iter_errors(data))


def test_worst_and_counts() -> None:
    orders, broken = sample_run().datasets
    assert orders.worst is Status.ERRORED
    assert orders.counts() == {
        "passed": 1,
        "skipped": 1,
        "info": 0,
        "waived": 0,
        "warned": 1,
        "failed": 2,
        "errored": 1,
    }
    assert list(orders.counts()) == [s.value for s in Status]
    assert broken.worst is Status.PASSED and sum(broken.counts().values()) == 0


def test_records_are_frozen() -> None:
    run = sample_run()
    with pytest.raises(AttributeError):
        run.datasets[0].results[0].status = Status.PASSED  # type: ignore[misc]
    with pytest.raises(AttributeError):
        run.run_id = "x"  # type: ignore[misc]


def test_run_verdicts() -> None:
    run = sample_run()
    assert (run.passed, run.exit_code) == (False, 2)


def test_the_documented_run_record_schema_is_current() -> None:
    """docs/run-record.schema.json is what the result classes generate (regenerate it if not)."""
    import json
    from pathlib import Path

    from stewardgate.results import run_record_json_schema

    committed = json.loads((Path(__file__).parent.parent / "docs" / "run-record.schema.json").read_text())
    assert committed == run_record_json_schema()
