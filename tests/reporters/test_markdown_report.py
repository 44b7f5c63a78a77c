"""The Markdown summary: golden output, ordering, and cells that data cannot break."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from stewardgate.reporters import markdown
from stewardgate.results import RunResult


def _check_rows(text: str) -> list[str]:
    table = text.split("### Checks that did not pass", 1)[1]
    return [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_matches_golden(run: RunResult, golden: Callable[[str, str], None]) -> None:
    golden("run.md", markdown.render(run))


def test_passing_run_matches_golden(passing_run: RunResult, golden: Callable[[str, str], None]) -> None:
    golden("passing.md", markdown.render(passing_run))


def test_heading_states_the_verdict(run: RunResult, passing_run: RunResult) -> None:
    failed = "## ❌ stewardgate: gate failed (3 of 4 datasets blocked)\n"
    passed = "## ✅ stewardgate: gate passed (1 of 1 dataset passed)\n"
    assert markdown.render(run).startswith(failed)
    assert markdown.render(passing_run).startswith(passed)


def test_non_passing_checks_worst_first(run: RunResult) -> None:
    statuses = [row.split("|")[1].strip() for row in _check_rows(markdown.render(run))]
    order = ["skipped", "info", "waived", "warned", "failed", "errored"]
    assert statuses == sorted(statuses, key=order.index, reverse=True)
    assert statuses[0] == "errored" and statuses[-1] == "skipped"
    assert "passed" not in statuses


def test_cells_escape_pipes_html_and_newlines(run: RunResult) -> None:
    text = markdown.render(run)
    assert "3 values not in set placed\\|shipped\\|delivered\\|returned" in text
    assert "KeyError: 'amount_eur' while running" in text
    assert "PSI 0.31 &gt; 0.2" in text
    for row in _check_rows(text):
        assert row.replace("\\|", "").count("|") == 7, row


def test_code_spans_survive_backticks_and_pipes() -> None:
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`x`") == "`` `x` ``"
    assert markdown.code("a|b") == "`a\\|b`"


def test_max_rows_counts_the_rest(run: RunResult) -> None:
    text = markdown.render(run, max_rows=2)
    assert len(_check_rows(text)) == 3  # the unreadable dataset, then two checks
    assert "_… and 10 more; see the HTML or JSON report._" in text


def test_long_cells_are_cut() -> None:
    assert markdown.cell("x" * 500).endswith("…")
    assert len(markdown.cell("x" * 500)) == 300


def test_format_value() -> None:
    fv = markdown.format_value
    assert [fv(None), fv(True), fv(20412), fv(1003.0), fv(0.0175), fv(12345.678), fv(-49.99)] == [
        "—",
        "true",
        "20,412",
        "1,003",
        "0.0175",
        "12,345.68",
        "-49.99",
    ]
    assert fv(list(range(10))) == "[0, 1, 2, 3, 4, 5, 6, 7, … +2 more]"
    assert fv({"b": 1, "a": "x"}) == '{"a": "x", "b": 1}'
    assert [markdown.format_fraction(f) for f in (None, 0.0, 12 / 684, 0.0004, 0.25, 1.0)] == [
        "—",
        "0%",
        "1.75%",
        "0.04%",
        "25%",
        "100%",
    ]


def test_no_datasets_no_checks_table(run: RunResult) -> None:
    empty = dataclasses.replace(run, datasets=())
    text = markdown.render(empty)
    assert "### Checks" not in text and "gate passed (0 of 0 datasets passed)" in text
