"""Surgical suite edits: only the touched characters change; comments and alignment stay."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest

from stewardgate.drafting.yamledit import SuiteText, inline
from stewardgate.suite.models import Suite
from stewardgate.suite.yamlpos import load_located

ORDERS = Path(__file__).parent.parent.parent / "suites" / "orders.yml"

BLOCK = """\
version: 1  # top comment
columns:
  a:
    type: string   # kept
    in_set:
      - x
      - y
    max:
      value: 3
      severity: warn
  b: {type: int64,
      min: 1}
  c: {}
anomalies: [{metric: row_count}]
"""


def changed(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.03, "0.03"), (date(2020, 1, 1), "2020-01-01"), ("a: b", "'a: b'"), (["US", "NO", "1"], "[US, NO, '1']"),
     ({"metric": "row_count"}, "{metric: row_count}"), (True, "true")],
)  # fmt: skip
def test_inline_yaml(value: object, text: str) -> None:
    assert inline(value) == text


def test_edits_on_the_house_suite_touch_only_their_lines() -> None:
    before = ORDERS.read_text()
    text = SuiteText(before)
    text.set_rule("amount", "max", 20000)  # keeps its own severity
    text.remove_rule("order_id", "unique")  # last pair of a flow mapping
    text.remove_rule("email", "regex")  # a flow mapping wrapped over two lines
    text.set_rule("status", "in_set", ["placed", "lost"])
    text.comment_column("status", ["suggested: why"])
    after = text.result()
    assert changed(before, after) == [
        "-  order_id:    {type: int64, nullable: false, unique: true}",
        "+  order_id:    {type: int64, nullable: false}",
        "-  email:       {type: string, classification: confidential, pii: email, max_null_fraction: 0.02,",
        '-                regex: "^[^@\\\\s]+@[^@\\\\s]+\\\\.[a-z]+$"}',
        "+  email:       {type: string, classification: confidential, pii: email, max_null_fraction: 0.02}",
        "-  amount:      {type: float64, nullable: false, min: 0, max: {value: 10000, severity: warn}}",
        "+  amount:      {type: float64, nullable: false, min: 0, max: {value: 20000, severity: warn}}",
        "-  status:      {type: string, in_set: [placed, shipped, delivered, returned]}",
        "+  # suggested: why",
        "+  status:      {type: string, in_set: [placed, lost]}",
    ]
    Suite.model_validate(load_located(after).data)


def test_block_and_flow_mappings_and_a_flow_anomalies_list() -> None:
    text = SuiteText(BLOCK)
    text.set_rule("a", "in_set", ["x", "y", "z"])
    text.set_rule("a", "max", 5)
    text.set_rule("a", "nullable", False)
    text.set_rule("b", "max", 9)
    text.remove_rule("b", "min")
    text.set_rule("c", "unique", True)
    text.add_anomaly({"metric": "null_fraction", "columns": ["b"]}, "why")
    assert (
        text.result()
        == """\
version: 1  # top comment
columns:
  a:
    type: string   # kept
    in_set:
      [x, y, z]
    max:
      value: 5
      severity: warn
    nullable: false
  b: {type: int64, max: 9}
  c: {unique: true}
# why
anomalies: [{metric: row_count}, {metric: null_fraction, columns: [b]}]
"""
    )


def test_removing_a_rule_of_a_block_mapping_removes_its_lines() -> None:
    text = SuiteText(BLOCK)
    text.remove_rule("a", "in_set")
    text.remove_rule("a", "type")
    assert changed(BLOCK, text.result()) == ["-    type: string   # kept", "-    in_set:", "-      - x", "-      - y"]


def test_anomalies_are_appended_to_a_block_list_or_created() -> None:
    block = "version: 1\nanomalies:\n  - {metric: row_count}  # a\n# end\n"
    text = SuiteText(block)
    text.add_anomaly({"metric": "null_fraction", "columns": ["x"]}, "why")
    assert (
        text.result()
        == "version: 1\nanomalies:\n  - {metric: row_count}  # a\n  - {metric: null_fraction, columns: [x]}  # why\n# end\n"
    )
    text = SuiteText("version: 1")
    text.add_anomaly({"metric": "row_count"}, "why")
    assert text.result() == "version: 1\nanomalies:\n  - {metric: row_count}  # why\n"


def test_several_anomalies_make_one_new_section() -> None:
    text = SuiteText("version: 1\n")
    text.add_anomaly({"metric": "row_count"}, "one")
    text.add_anomaly({"metric": "null_fraction", "columns": ["a"]}, "two")
    assert (
        text.result()
        == "version: 1\nanomalies:\n  - {metric: row_count}  # one\n  - {metric: null_fraction, columns: [a]}  # two\n"
    )
