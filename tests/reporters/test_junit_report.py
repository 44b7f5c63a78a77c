"""The JUnit writer: golden output, schema validity, counts, and the status mapping."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from stewardgate.reporters import junit
from stewardgate.results import RunResult, Status

XSD = Path(__file__).parent / "junit.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def _schema(strict: bool) -> etree.XMLSchema:
    doc = etree.parse(str(XSD))
    if strict:
        (ext,) = [e for e in doc.iter(f"{XS}element") if e.get("id") == "testcase-properties"]
        ext.getparent().remove(ext)
    return etree.XMLSchema(doc)


def _parse(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def test_matches_golden(run: RunResult, golden: Callable[[str, str], None]) -> None:
    golden("run.junit.xml", junit.render(run))


def test_validates_against_junit_schema(run: RunResult) -> None:
    schema = _schema(strict=False)
    assert schema.validate(_parse(junit.render(run))), schema.error_log


def test_strict_mode_validates_against_strict_junit10_structure(run: RunResult) -> None:
    strict = _schema(strict=True)
    assert strict.validate(_parse(junit.render(run, testcase_properties=False))), strict.error_log
    assert not strict.validate(_parse(junit.render(run))), "testcase <properties> is an extension"


def test_schema_rejects_malformed_reports() -> None:
    schema = _schema(strict=False)
    suite = '<testsuites><testsuite name="d" tests="1" failures="1" errors="0">{}</testsuite></testsuites>'
    good = '<testcase name="c"><failure message="m">x</failure></testcase>'
    assert schema.validate(_parse(suite.format(good)))
    for bad in (
        "<testcase><failure/></testcase>",  # no name
        '<testcase name="c"><failure/><error/></testcase>',  # two outcomes
        '<testcase name="c" time="1.23456"/>',  # time with more than 3 decimals
        '<testcase name="c"><system-out/><properties/></testcase>',
    ):  # order
        assert not schema.validate(_parse(suite.format(bad))), bad


def test_counts_and_times(run: RunResult) -> None:
    root = _parse(junit.render(run))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert {
        k: (s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped"), s.get("time"))
        for k, s in suites.items()
    } == {
        "customers": ("5", "0", "0", "1", "1.250"),
        "orders": ("9", "4", "0", "0", "3.500"),
        "payments": ("4", "0", "1", "0", "1.250"),
        "shipments": ("1", "0", "1", "0", "0.500"),
    }
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("time")) == ("19", "4", "2", "6.500")


def test_each_status_maps_to_its_element(run: RunResult) -> None:
    root = _parse(junit.render(run))
    by_name = {c.get("name"): c for c in root.iter("testcase")}
    assert all(c.get("name").startswith(c.get("classname") + ".") for c in root.iter("testcase"))
    failed = by_name["orders.columns.amount.min"].find("failure")
    assert failed.get("type") == "min"
    assert failed.get("message") == "12 values are below the minimum 0"
    assert "failing rows: 12 of 684 (1.75%)" in failed.text
    assert "suite: suites/orders.yml:12" in failed.text
    errored = by_name["payments.expectations.expect_column_values_to_be_between.amount"]
    assert errored.find("error").get("message").startswith("KeyError: 'amount_eur'\n")
    skipped = by_name["customers.columns.loyalty_tier.in_set"].find("skipped")
    assert skipped.get("message").startswith("skipped: column loyalty_tier is absent")
    for key, status in [
        ("orders.columns.status.in_set", "warned"),
        ("orders.columns.email.max_null_fraction", "waived"),
        ("orders.schema.columns.coupon_code", "info"),
    ]:
        case = by_name[key]
        assert case.find("properties/property[@name='status']").get("value") == status
        assert f"status: {status}" in case.find("system-out").text
        assert case.find("failure") is None and case.find("error") is None
    waived = by_name["orders.columns.email.max_null_fraction"]
    assert "waiver: CRM migration" in waived.find("system-out").text
    passed = by_name["orders.columns.order_id.unique"]
    assert len(passed) == 0


def test_unreadable_dataset_is_one_errored_case(run: RunResult) -> None:
    root = _parse(junit.render(run))
    (suite,) = [s for s in root.findall("testsuite") if s.get("name") == "shipments"]
    (case,) = suite.findall("testcase")
    assert case.get("name") == "shipments.dataset.read"
    assert case.find("error").get("message").startswith("data/shipments/*.parquet: no files")


def test_evidence_of_anomaly_drift_and_schema_change_is_explained(run: RunResult) -> None:
    text = junit.render(run)
    assert "baseline: median 1,000, MAD 40, n 28, window 2026-09-03 to 2026-09-30; score -7.9" in text
    assert "schema change: column_removed (Float64 → —)" in text
    assert "drift: PSI 0.31 over 5 bins" in text


def test_characters_xml_forbids_are_replaced(run: RunResult) -> None:
    d = run.datasets[1]
    bad = dataclasses.replace(d.results[1], message="bell\x07 and nul\x00", status=Status.FAILED)
    broken = dataclasses.replace(run, datasets=(dataclasses.replace(d, results=(bad,)),))
    root = _parse(junit.render(broken))
    assert root.find(".//failure").get("message") == "bell\ufffd and nul\ufffd"


@pytest.mark.parametrize("properties", [True, False])
def test_passing_run_is_valid_and_clean(passing_run: RunResult, properties: bool) -> None:
    root = _parse(junit.render(passing_run, testcase_properties=properties))
    assert _schema(strict=not properties).validate(root)
    assert root.get("failures") == "0" and root.get("errors") == "0"
