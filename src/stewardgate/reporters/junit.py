"""JUnit XML, the test-report format every CI system reads.

One ``<testsuite>`` per dataset and one ``<testcase>`` per check (``classname`` is the
dataset, ``name`` the check id). How each status maps:

=========================  ==================================================================
passed                     an empty testcase
failed                     ``<failure message=… type=<check>>`` with the explanation
errored                    ``<error message=… type=<check>>`` with the explanation
skipped                    ``<skipped message=…/>``
warned, info, waived       a passing testcase with ``<properties><property name="status" …>``
                           and the explanation in ``<system-out>``
dataset not readable       one testcase ``<dataset>.dataset.read`` with ``<error>``
=========================  ==================================================================

Every file validates against the Jenkins ``junit-10.xsd`` structure with one extension:
``<properties>`` inside ``<testcase>`` (read by the Jenkins JUnit plugin, GitLab and pytest's
xunit1 family). Consumers that validate strictly (the Jenkins xUnit plugin) reject that
element: pass ``testcase_properties=False`` and the status stays in ``<system-out>`` only.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime

from stewardgate.reporters.markdown import format_fraction, format_value
from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

READ_CASE = "dataset.read"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_QUIET = (Status.WARNED, Status.INFO, Status.WAIVED)


def _xml_text(text: str) -> str:
    """Text with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _ILLEGAL_XML.sub("\ufffd", text)


def _seconds(start: datetime, end: datetime) -> str:
    return f"{max((end - start).total_seconds(), 0.0):.3f}"


def _timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC without offset, the form the strictest JUnit schemas accept."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def explain(dataset: DatasetRun, result: CheckResult) -> str:
    """The evidence behind a verdict, one fact a line (the body of failures and system-out)."""
    return "\n".join(_explain_lines(dataset, result))


def _explain_lines(dataset: DatasetRun, r: CheckResult) -> Iterator[str]:
    yield r.message
    yield f"status: {r.status.value} (severity {r.severity.value})"
    yield f"check: {r.check} on engine {r.engine}"
    if r.column is not None:
        yield f"column: {r.column}"
    if r.observed is not None or r.expected is not None:
        yield f"observed: {format_value(r.observed)}"
        yield f"expected: {format_value(r.expected)}"
    if r.failing_count is not None:
        total = f" of {r.row_count:,}" if r.row_count is not None else ""
        yield f"failing rows: {r.failing_count:,}{total} ({format_fraction(r.failing_fraction)})"
    if r.samples:
        yield "failing samples (masked where sensitive): " + ", ".join(r.samples)
    yield from _detail_lines(r)
    line = f":{r.suite_line}" if r.suite_line is not None else ""
    yield f"suite: {dataset.suite_path}{line}"


def _detail_lines(r: CheckResult) -> Iterator[str]:
    d = r.details
    if "series" in d:
        window = d.get("window") or ["?", "?"]
        yield (
            f"baseline: median {format_value(d.get('median'))}, MAD {format_value(d.get('mad'))}, "
            f"n {format_value(d.get('n'))}, window {window[0]} to {window[-1]}; "
            f"score {format_value(d.get('score'))}, threshold {format_value(d.get('threshold'))}"
        )
    if "change" in d:
        old, new = format_value(d.get("old")), format_value(d.get("new"))
        yield f"schema change: {d['change']} ({old} → {new})"
    if "bins" in d:
        yield f"drift: PSI {format_value(d.get('psi'))} over {len(d['bins'])} bins"
    waiver = d.get("waiver")
    if isinstance(waiver, dict):
        yield (
            f"waiver: {waiver.get('reason', '')} (approved by {waiver.get('approved_by', '?')}, "
            f"expires {waiver.get('expires', '?')}, ticket {waiver.get('ticket', '—')})"
        )


def _testcase(dataset: DatasetRun, r: CheckResult, with_properties: bool) -> ET.Element:
    case = ET.Element("testcase", classname=dataset.dataset, name=r.check_id)
    body = _xml_text(explain(dataset, r))
    message = _xml_text(r.message)
    if r.status is Status.FAILED:
        ET.SubElement(case, "failure", message=message, type=r.check).text = body
    elif r.status is Status.ERRORED:
        ET.SubElement(case, "error", message=message, type=r.check).text = body
    elif r.status is Status.SKIPPED:
        ET.SubElement(case, "skipped", message=message)
    elif r.status in _QUIET:
        if with_properties:
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="status", value=r.status.value)
        ET.SubElement(case, "system-out").text = body
    return case


def _read_error_case(dataset: DatasetRun) -> ET.Element:
    name = f"{dataset.dataset}.{READ_CASE}"
    case = ET.Element("testcase", classname=dataset.dataset, name=name)
    error = _xml_text(dataset.error or "")
    text = f"{error}\nsuite: {dataset.suite_path}"
    ET.SubElement(case, "error", message=error, type="dataset_unreadable").text = text
    return case


def _suite_properties(dataset: DatasetRun) -> ET.Element:
    props = ET.Element("properties")
    facts = {
        "gate": "passed" if dataset.gate.passed else "failed",
        "gate.reason": dataset.gate.reason,
        "gate.fail_on": dataset.gate.fail_on,
        "suite": dataset.suite_path,
        "suite.sha256": dataset.suite_sha256,
    }
    for key in ("owner", "steward", "classification", "risk_tier"):
        if dataset.stewardship.get(key) is not None:
            facts[f"stewardship.{key}"] = str(dataset.stewardship[key])
    for name, value in facts.items():
        ET.SubElement(props, "property", name=name, value=_xml_text(value))
    return props


def _testsuite(dataset: DatasetRun, with_properties: bool) -> ET.Element:
    cases = [_testcase(dataset, r, with_properties) for r in dataset.results]
    if dataset.error is not None:
        cases.insert(0, _read_error_case(dataset))
    suite = ET.Element(
        "testsuite",
        name=dataset.dataset,
        tests=str(len(cases)),
        failures=str(sum(c.find("failure") is not None for c in cases)),
        errors=str(sum(c.find("error") is not None for c in cases)),
        skipped=str(sum(c.find("skipped") is not None for c in cases)),
        time=_seconds(dataset.started_at, dataset.finished_at),
        timestamp=_timestamp(dataset.started_at),
        file=dataset.suite_path,
    )
    suite.append(_suite_properties(dataset))
    suite.extend(cases)
    return suite


def render(run: RunResult, *, testcase_properties: bool = True) -> str:
    """The run as a JUnit XML document (``<testsuites>``, one ``<testsuite>`` per dataset).

    Args:
        run: the run to report.
        testcase_properties: put ``<property name="status">`` inside warned, info and waived
            testcases. Turn off for consumers that validate against the strict junit-10 schema.
    """
    suites = [_testsuite(d, testcase_properties) for d in run.datasets]
    root = ET.Element(
        "testsuites",
        name=f"stewardgate {run.run_id}",
        tests=str(sum(int(s.get("tests", "0")) for s in suites)),
        failures=str(sum(int(s.get("failures", "0")) for s in suites)),
        errors=str(sum(int(s.get("errors", "0")) for s in suites)),
        time=_seconds(run.started_at, run.finished_at),
    )
    root.extend(suites)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
