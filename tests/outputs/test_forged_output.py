"""Outputs that data cannot forge (issue 17 items 6 and 7).

Sample values and column names come from whoever writes the data: on the console they must
neither start a line with a GitHub Actions workflow command nor carry terminal escapes (with
or without ``--github``); in Markdown they must not become links, images or HTML; in CSV they
must not become formulas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.cli.governance_text import catalog_csv
from stewardgate.textsafe import csv_cell, markdown, terminal, terminal_block

FORGED = [
    "x\n::error file=evil.yml,line=1::forged annotation",
    "y\r::stop-commands::tok",
    "\n::add-mask::hunter2",
    "\x1b[2J\x1b[Hgate: PASSED",
    "\x1b[1A\rPASS   t.columns.v.in_set",
    "\u202egate: PASSED",
    "z\u2028::error::line separator",
    "\x9b2J",  # C1 CSI
]
EVIL_COLUMN = "![pwn](https://evil.example/p.png)[click](http://evil.example)<img src=x>"
ESCAPE_COLUMN = "c\x1b[2J\n::error file=evil.yml::column"


def rendered_html(markdown_text: str) -> str:
    """The Markdown as a CommonMark renderer (raw HTML on, tables on) turns it into HTML."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown_text))


def _no_active_html(markdown_text: str) -> None:
    html = rendered_html(markdown_text)
    for tag in ("<a ", "<img", "<script", "<iframe"):
        assert tag not in html, (tag, html)
    outside_code = "".join(markdown_text.split("`")[::2])  # GFM autolinks bare URLs outside code
    assert "http://" not in outside_code and "https://" not in outside_code and "www." not in outside_code


def _lines(text: str) -> list[str]:
    """Lines as a terminal or the Actions runner splits them (\\r, \\n, and Unicode separators)."""
    return text.splitlines()


@pytest.fixture
def forged_run(make_suite: Callable[..., Path], tmp_path: Path) -> Path:
    data = pl.DataFrame({"v": FORGED, EVIL_COLUMN: [1] * len(FORGED), ESCAPE_COLUMN: [1] * len(FORGED)})
    make_suite(
        data=data,
        columns={"v": {"type": "string", "in_set": ["safe"]}, EVIL_COLUMN: {"type": "int64", "max": 0},
                 ESCAPE_COLUMN: {"type": "int64", "max": 0}},
    )  # fmt: skip
    return tmp_path


@pytest.mark.parametrize("github", [False, True], ids=["plain", "--github"])
@pytest.mark.parametrize("verbose", [False, True], ids=["normal", "verbose"])
def test_console_output_carries_no_workflow_command_or_escape(
    forged_run: Path, cli: Callable[..., Any], github: bool, verbose: bool
) -> None:  # fmt: skip
    flags = [*(["--github"] if github else []), *(["--verbose"] if verbose else [])]
    code, stdout, stderr = cli(
        "run", "suite.yml", "--no-history", "--as-of", "2026-06-01", "--samples", "10", *flags, cwd=forged_run
    )
    assert code == 1, stderr
    for stream in (stdout, stderr):
        assert not any(ch in stream for ch in "\x1b\x9b\r\u202e\u2028"), stream
        ours = [line for line in _lines(stream) if line.startswith("::")]
        assert all(line.startswith(("::error file=", "::warning file=", "::notice file=")) for line in ours), ours
    if github:  # our own annotations: data escaped inside them, one line each
        assert not any(
            "::stop-commands::" in line.split("::", 2)[1] for line in _lines(stdout) if line.startswith("::")
        )
    assert "samples: " in stdout
    assert "x\\n::error file=evil.yml,line=1::forged annotation" in stdout  # visible, escaped
    assert "\\x1b[2J\\x1b[Hgate: PASSED" in stdout
    assert "c\\x1b[2J\\n::error file=evil.yml::column" in stdout  # a column name, escaped too
    assert stdout.rstrip().splitlines()[-1].startswith("gate: FAILED")


def test_markdown_summary_has_no_link_image_or_html_from_column_names(
    forged_run: Path, cli: Callable[..., Any]
) -> None:
    code, _, stderr = cli(
        "run", "suite.yml", "--no-history", "--as-of", "2026-06-01", "--markdown", "s.md", cwd=forged_run
    )
    assert code == 1, stderr
    text = (forged_run / "s.md").read_text()
    assert "[click]" in text  # the column is named, but nothing in it renders as a link, image or tag
    _no_active_html(text)
    assert "\x1b" not in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[x](http://evil.example)", "[x]\\(http&#58;//evil.example)"),
        ("![i](x.png)", "![i]\\(x.png)"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("see www.evil.example", "see www&#46;evil.example"),
        ("a|b\nc", "a\\|b c"),
        ("plain text, 5% of rows", "plain text, 5% of rows"),
    ],
)
def test_markdown_text_is_inert(text: str, shown: str) -> None:
    assert markdown(text) == shown


def test_trust_sheet_markdown_has_no_raw_html_or_links(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Callable[..., Any]
) -> None:
    make_suite(
        data=pl.DataFrame({"a": [1]}),
        columns={"a": {"type": "int64"}},
        stewardship_extra={
            "description": "<script>alert(1)</script> [docs](javascript:alert(1))",
            "known_limitations": ["<img src=x onerror=alert(1)>", "![t](http://evil.example/t.png)"],
        },
        top={"waivers": [{"check": "columns.a.type", "reason": "<iframe src=//evil.example></iframe>",
                          "approved_by": "jane@example.com", "expires": date(2030, 1, 1)}]},
    )  # fmt: skip
    code, out, err = cli("trust-sheet", "t", "--suites", "suite.yml", "--as-of", "2026-06-01", cwd=tmp_path)
    assert code == 0, err
    _no_active_html(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_never_start_a_formula(value: str) -> None:
    row = {"dataset": "t", "owner": value, "steward": value, "classification": None, "retention": None,
           "risk_tier": None, "completeness": 0.4, "missing": [value], "last_as_of": None,
           "last_status": value, "last_gate": None, "last_run_id": value}  # fmt: skip
    header, cells = list(csv.reader(io.StringIO(catalog_csv([row]), newline="")))
    assert all(not str(c).startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert "'" + value in cells and "0.4" in cells


def test_csv_cell_leaves_numbers_and_plain_text() -> None:
    assert (csv_cell(-1.5), csv_cell("orders"), csv_cell("")) == (-1.5, "orders", "")


def test_catalog_csv_through_the_cli_escapes_a_handle(
    make_suite: Callable[..., Path], tmp_path: Path, cli: Callable[..., Any]
) -> None:
    make_suite(
        data=pl.DataFrame({"a": [1]}), columns={"a": {"type": "int64"}}, stewardship_extra={"owner": "@data-team"}
    )
    store = f"sqlite:///{tmp_path / 'history.db'}"  # its own store: tests share tmp_path's parent
    assert cli("run", "suite.yml", "--as-of", "2026-06-01", "--store", store, cwd=tmp_path).code == 0
    code, out, err = cli("catalog", "--format", "csv", "--store", store, cwd=tmp_path)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["owner"] == "'@data-team"


@pytest.mark.parametrize("value", FORGED)
def test_terminal_text_is_one_line_without_escapes(value: str) -> None:
    shown = terminal(value)
    assert len(shown.splitlines()) == 1 and not any(ch in shown for ch in "\x1b\x9b\r\n\u202e\u2028")


def test_terminal_block_keeps_our_lines_and_guards_line_starts() -> None:
    assert terminal_block("a\n::error::x\nb\x1bc") == "a\n ::error::x\nb\\x1bc"


def test_json_output_of_forged_values_stays_json(forged_run: Path, cli: Callable[..., Any]) -> None:
    code, _, _ = cli("run", "suite.yml", "--no-history", "--as-of", "2026-06-01", "--json", "r.json", cwd=forged_run)
    assert code == 1
    assert "\x1b" not in (forged_run / "r.json").read_text()  # JSON escapes control characters itself
    json.loads((forged_run / "r.json").read_text())
