"""Governance checks in a run: retention, personal data, classification, completeness,
recertification, stamp match; when they run at all; a crashing one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.governance.stamp import stamp_suite
from stewardgate.results import CheckResult, DatasetRun, Status
from stewardgate.runner import RunOptions, run_paths
from stewardgate.settings import GovernanceSettings
from stewardgate.suite.loader import load_suite

AS_OF = date(2026, 11, 27)
STEWARDSHIP = {"classification": "confidential", "risk_tier": "low"}


def run(suite: Path, governance: GovernanceSettings | None = None, as_of: date = AS_OF) -> DatasetRun:
    (dataset,) = run_paths([suite], RunOptions(as_of=as_of, governance=governance)).datasets
    assert dataset.error is None, dataset.error
    return dataset


def by_id(d: DatasetRun, prefix: str = "") -> dict[str, CheckResult]:
    return {r.check_id.removeprefix("t."): r for r in d.results if r.check_id.startswith("t." + prefix)}


def verdict(r: CheckResult) -> tuple[str, str]:
    return r.status.value, r.message


# --- retention ------------------------------------------------------------------------------


@pytest.fixture
def partitioned(tmp_path: Path) -> Path:
    """``events/day=…/part-0.parquet``: two rows a day on four days, ``ts`` that day at noon."""
    for day in ("2026-10-01", "2026-10-27", "2026-10-28", "2026-11-20"):
        moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
        folder = tmp_path / "events" / f"day={day}"
        folder.mkdir(parents=True)
        pl.DataFrame({"id": [1, 2], "ts": [moment, moment + timedelta(minutes=5)]}).write_parquet(
            folder / "part-0.parquet"
        )
    return tmp_path


def test_retention_names_rows_oldest_and_partitions(partitioned: Path, make_suite: Callable[..., Path]) -> None:
    suite = make_suite(path="events", stewardship_extra={**STEWARDSHIP, "retention": {"period": "30d", "column": "ts"}},
                       top={"governance": {"personal_data": False, "stamp_match": False}})  # fmt: skip
    r = by_id(run(suite))["governance.retention"]
    assert verdict(r) == ("failed", (
        "4 of 8 rows (50.00%) are older than 30d on ts (before 2026-10-28, as of 2026-11-27); "
        "oldest 2026-10-01 12:00:00+00:00; in 2 partitions: day=2026-10-01 (2 rows), day=2026-10-27 (2 rows)"
    ))  # fmt: skip
    assert (r.failing_count, r.details["partitions"]) == (4, [{"partition": "day=2026-10-01", "rows": 2},
                                                              {"partition": "day=2026-10-27", "rows": 2}])  # fmt: skip
    earlier = by_id(run(suite, as_of=date(2026, 10, 31)))["governance.retention"]
    assert verdict(earlier) == (
        "passed",
        ("no rows older than 30d on ts (kept from 2026-10-01, as of 2026-10-31); oldest 2026-10-01 12:00:00+00:00"),
    )


def test_retention_on_a_hive_date_column_and_calendar_periods(
    partitioned: Path, make_suite: Callable[..., Path]
) -> None:
    suite = make_suite(path="events", stewardship_extra={**STEWARDSHIP, "retention": {"period": "1mo", "column": "day"}},
                       top={"governance": {"personal_data": False, "stamp_match": False}})  # fmt: skip
    r = by_id(run(suite))["governance.retention"]
    assert (r.status, r.failing_count, r.details["cutoff"]) == (Status.FAILED, 2, "2026-10-27")


def test_retention_without_column_skips_and_a_missing_column_errors(
    tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    df = pl.DataFrame({"id": [1]})
    suite = make_suite(data=df, stewardship_extra={"retention": {"period": "30d"}}, top={"governance": {}})
    assert verdict(by_id(run(suite))["governance.retention"]) == (
        "skipped",
        "skipped: retention 30d names no column to measure",
    )
    suite = make_suite(
        data=df, stewardship_extra={"retention": {"period": "30d", "column": "ts"}}, top={"governance": {}}
    )
    assert verdict(by_id(run(suite))["governance.retention"]) == (
        "errored",
        f"errored: {suite}:3:120: stewardship.retention.column: column 'ts' is not in the data (it has: id)",
    )


# --- declared means enforced ----------------------------------------------------------------


def _old_rows(tmp_path: Path) -> pl.DataFrame:
    return pl.DataFrame({
        "id": [1, 2, 3], "contact": ["ann@example.com", "bob@example.org", "cy@example.net"],
        "time_hour": [datetime(2013, 1, 1, 5, tzinfo=UTC), datetime(2013, 6, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)],
    })  # fmt: skip


def test_what_a_suite_declares_is_checked_without_a_governance_block(
    tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    """Retention years old and e-mail addresses in an internal dataset fail with no ``governance:`` key."""
    suite = make_suite(
        data=_old_rows(tmp_path), columns={"id": {"type": "int64"}}, schema={"extra_columns": "allow"},
        stewardship_extra={"classification": "internal", "retention": {"period": "30d", "column": "time_hour"}},
    )  # fmt: skip
    results = by_id(run(suite), "governance.")
    assert sorted(results) == ["governance.classification", "governance.personal_data.contact", "governance.retention",
                               "governance.stamp_match"]  # fmt: skip
    assert (results["governance.retention"].status, results["governance.retention"].failing_count) == (Status.FAILED, 2)
    assert results["governance.personal_data.contact"].status is Status.FAILED
    assert results["governance.stamp_match"].status is Status.SKIPPED  # no stamp in the data: nothing to compare
    assert not run(suite).gate.passed


def test_without_a_classification_no_scan_and_completeness_needs_the_block_or_the_setting(
    tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    suite = make_suite(data=_old_rows(tmp_path), columns={"id": {"type": "int64"}}, schema={"extra_columns": "allow"},
                       stewardship_extra={"recertify_by": date(2026, 1, 1)})  # fmt: skip
    assert sorted(by_id(run(suite), "governance.")) == ["governance.recertification", "governance.stamp_match"]
    assert by_id(run(suite))["governance.recertification"].status is Status.FAILED
    everything = by_id(run(suite, GovernanceSettings(run_by_default=True)), "governance.")
    assert "governance.completeness" in everything and "governance.personal_data.contact" in everything


def test_a_retention_column_outside_columns_must_be_in_the_data_and_temporal(
    tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    rows = _old_rows(tmp_path).with_columns(pl.col("time_hour").dt.strftime("%Y-%m-%d").alias("as_text"))
    declared = {"id": {"type": "int64"}}
    suite = make_suite(data=rows, columns=declared, schema={"extra_columns": "allow"},
                       stewardship_extra={"retention": {"period": "30d", "column": "as_text"}})  # fmt: skip
    r = by_id(run(suite))["governance.retention"]
    assert verdict(r) == ("errored", f"errored: {suite}:3:120: stewardship.retention.column: column 'as_text' is String in "
                                     "the data; the retention column must be a date or datetime")  # fmt: skip
    assert not run(suite).gate.passed


# --- personal data --------------------------------------------------------------------------


def _people(n: int = 200) -> pl.DataFrame:
    return pl.DataFrame({
        "id": list(range(n)),
        "contact": [f"user{i}@example.com" for i in range(n)],
        "phone": [f"+1 415 555 {i:04d}" for i in range(n)],
        "card": ["4111 1111 1111 1111" if i % 2 else "paid cash" for i in range(n)],
        "rare": ["4111 1111 1111 1111" if i % 7 == 0 else "-" for i in range(n)],
        "note": ["call me at x@example.com" if i % 10 == 0 else "ok" for i in range(n)],
    })  # fmt: skip


def test_personal_data_undeclared_and_underclassified(make_suite: Callable[..., Path]) -> None:
    columns = {
        "id": {"type": "int64"},
        "contact": {"type": "string"},
        "phone": {"type": "string", "pii": "phone", "classification": "internal"},
        "card": {"type": "string", "pii": "card", "classification": "restricted"},
        "note": {"type": "string"},
    }
    suite = make_suite(data=_people().drop("rare"), columns=columns, stewardship_extra={"classification": "restricted"},
                       top={"governance": {"personal_data": {"sample_size": 50, "seed": 3, "threshold": 0.4}}})  # fmt: skip
    results = by_id(run(suite), "governance.personal_data")
    assert {cid: verdict(r) for cid, r in results.items()} == {
        "governance.personal_data.contact": ("failed",
            "undeclared personal data: email in 100.0% of 50 values (sample of 50 rows); "
            "declare it (pii: email) and classify the column confidential or restricted"),
        "governance.personal_data.phone": ("failed",
            "personal data (phone in 100.0% of 50 values) in a column classified internal; classify it confidential or restricted"),
        "governance.personal_data.card": ("passed",
            f"declared personal data (pii: card, restricted): card in {results['governance.personal_data.card'].observed['card']:.1%} of 50 values"),
        "governance.personal_data.note": ("passed", "no personal data detected in 50 sampled rows"),
    }  # fmt: skip
    contact = results["governance.personal_data.contact"]
    assert contact.samples == () and contact.details["sampled_rows"] == 50 and contact.observed == {"email": 1.0}


def test_personal_data_sample_is_deterministic(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(
        data=_people(1000), top={"governance": {"personal_data": {"sample_size": 100, "seed": 11, "threshold": 0.05}}}
    )
    first = by_id(run(suite), "governance.personal_data")["governance.personal_data.rare"]
    again = by_id(run(suite), "governance.personal_data")["governance.personal_data.rare"]
    assert first.details["matches"] == again.details["matches"]
    assert first.details["matches"][0]["checked"] == 100
    other = make_suite(data=_people(1000), suite_name="other.yml",
                       top={"governance": {"personal_data": {"sample_size": 100, "seed": 12, "threshold": 0.05}}})  # fmt: skip
    assert (
        by_id(run(other), "governance.personal_data")["governance.personal_data.rare"].details["matches"]
        != first.details["matches"]
    )


def test_no_string_columns_skips(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=pl.DataFrame({"id": [1, 2]}), top={"governance": {}})
    assert verdict(by_id(run(suite))["governance.personal_data"]) == (
        "skipped",
        "skipped: the data has no string columns to scan",
    )


# --- suite-only checks ----------------------------------------------------------------------


def test_classification(make_suite: Callable[..., Path]) -> None:
    columns = {"id": {}, "contact": {"classification": "restricted"}, "phone": {"classification": "confidential"}}
    suite = make_suite(data=_people(), columns=columns, stewardship_extra={"classification": "internal"},
                       schema={"extra_columns": "allow"}, top={"governance": {"personal_data": False}})  # fmt: skip
    assert verdict(by_id(run(suite))["governance.classification"]) == (
        "failed",
        (
            "the dataset is classified internal but holds more sensitive columns: contact (restricted), "
            "phone (confidential); classify it restricted"
        ),
    )


@pytest.mark.parametrize(("stewardship", "settings", "expected"), [
    ({"risk_tier": "high", "classification": "internal", "retention": {"period": "1y"}}, None,
     ("failed", "missing for risk tier high: description, recertify_by")),
    ({"risk_tier": "low", "classification": "internal"}, None,
     ("passed", "complete for risk tier low: owner, steward, classification")),
    ({"classification": "internal"}, None,
     ("failed", "missing for risk tier medium: retention (no risk tier declared; judged as medium)")),
    ({"risk_tier": "low"}, GovernanceSettings(required_by_risk_tier={"low": ("owner", "known_limitations")}),
     ("failed", "missing for risk tier low: known_limitations")),
])  # fmt: skip
def test_completeness_by_tier(make_suite: Callable[..., Path], stewardship: dict[str, Any],
                                       settings: GovernanceSettings | None, expected: tuple[str, str]) -> None:  # fmt: skip
    suite = make_suite(data=pl.DataFrame({"id": [1]}), stewardship_extra=stewardship, top={"governance": {}})
    assert verdict(by_id(run(suite, settings))["governance.completeness"]) == expected


@pytest.mark.parametrize(("due", "expected"), [
    (date(2026, 11, 20), ("failed", "recertification was due on 2026-11-20, 7 days before 2026-11-27")),
    (date(2026, 12, 20), ("warned", "recertification is due on 2026-12-20, in 23 days (warns within 30)")),
    (date(2027, 3, 1), ("passed", "recertified until 2027-03-01 (94 days after 2026-11-27)")),
])  # fmt: skip
def test_recertification(make_suite: Callable[..., Path], due: date, expected: tuple[str, str]) -> None:
    suite = make_suite(data=pl.DataFrame({"id": [1]}), stewardship_extra={"recertify_by": due}, top={"governance": {}})
    assert verdict(by_id(run(suite))["governance.recertification"]) == expected


def test_recertification_window_from_the_suite(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=pl.DataFrame({"id": [1]}), stewardship_extra={"recertify_by": date(2027, 1, 20)},
                       top={"governance": {"recertification": {"warn_within_days": 60}}})  # fmt: skip
    assert by_id(run(suite))["governance.recertification"].status is Status.WARNED


# --- stamp match ----------------------------------------------------------------------------


@pytest.mark.parametrize(("changed", "expected"), [
    ({}, ("passed", "the data's stamp matches the suite (1 file)")),
    ({"owner": "someone.else@example.com"}, ("failed", "the data names owner 'owner@example.com', the suite 'someone.else@example.com'")),
    ({"classification": "restricted"}, ("failed", "the data is labelled confidential, the suite classifies it restricted")),
    ({"classification": "internal"}, ("info", "the stamp is out of date (classification differ from the suite); stamp again: stewardgate stamp SUITE")),
    ({"steward": "new@example.com", "risk_tier": "high"},
     ("info", "the stamp is out of date (risk_tier, steward differ from the suite); stamp again: stewardgate stamp SUITE")),
])  # fmt: skip
def test_stamp_match(make_suite: Callable[..., Path], changed: dict[str, Any], expected: tuple[str, str]) -> None:
    data = pl.DataFrame({"id": [1]})
    gov = {"governance": {"personal_data": False}}
    stamped = make_suite(data=data, stewardship_extra=STEWARDSHIP, top=gov)
    stamp_suite(load_suite(stamped), at=datetime(2026, 11, 1, tzinfo=UTC))
    suite = make_suite(stewardship_extra={**STEWARDSHIP, **changed}, top=gov)  # same data file, changed suite
    assert verdict(by_id(run(suite))["governance.stamp_match"]) == expected


def test_stamp_match_without_a_stamp_skips(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=pl.DataFrame({"id": [1]}), top={"governance": {}})
    assert verdict(by_id(run(suite))["governance.stamp_match"]) == (
        "skipped",
        "skipped: the data carries no stewardship stamp (write one: stewardgate stamp SUITE)",
    )


# --- when governance runs -------------------------------------------------------------------


def test_no_governance_block_only_what_is_declared(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(
        data=pl.DataFrame({"id": [1]}), columns={"id": {}}, stewardship_extra={"recertify_by": date(2020, 1, 1)}
    )
    assert sorted(by_id(run(suite), "governance")) == ["governance.recertification", "governance.stamp_match"]
    on = GovernanceSettings(run_by_default=True)
    assert by_id(run(suite, on))["governance.recertification"].status is Status.FAILED


def test_checks_can_be_turned_off(make_suite: Callable[..., Path]) -> None:
    suite = make_suite(data=pl.DataFrame({"id": [1], "s": ["x"]}),
                       top={"governance": {"personal_data": False, "stamp_match": {"enabled": False},
                                           "completeness": {"severity": "warn"}}})  # fmt: skip
    results = by_id(run(suite), "governance")
    assert sorted(results) == ["governance.classification", "governance.completeness"]
    assert results["governance.completeness"].status is Status.WARNED


def test_a_crashing_governance_check_errors_and_blocks(
    make_suite: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from stewardgate.governance import personal_data

    def boom(values: Any, *, threshold: float) -> Any:
        raise RuntimeError("detector exploded")

    monkeypatch.setattr(personal_data, "scan_column", boom)
    suite = make_suite(data=pl.DataFrame({"s": ["x"]}), top={"governance": {}})
    d = run(suite)
    assert verdict(by_id(d)["governance.personal_data"]) == ("errored", "errored: RuntimeError: detector exploded")
    assert not d.gate.passed and "t.governance.personal_data" in d.gate.blocking
    assert by_id(d)["governance.completeness"].status is Status.FAILED  # the other checks still ran
