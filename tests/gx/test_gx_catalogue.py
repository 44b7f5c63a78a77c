"""The committed expectation catalogue is what the installed GX yields, and reading it (suite
validation) never imports GX, pandas or pandera."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.expectations.catalogue import CATALOGUE_PATH, catalogue, generated_from, lookup, unsupported
from stewardgate.expectations.generate import build_catalogue, render

FORBIDDEN = ("great_expectations", "pandas", "pandera")


def test_the_committed_catalogue_is_current() -> None:
    """If this fails after a GX upgrade: python -m stewardgate.expectations.generate"""
    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render(build_catalogue())


def test_the_catalogue_describes_types_arguments_and_what_cannot_run() -> None:
    assert generated_from() == "great_expectations 1.24.1"
    between = lookup("expect_column_values_to_be_between")
    assert between is not None
    assert (between.domain, between.kind, between.gx_class) == ("column", "map", "ExpectColumnValuesToBeBetween")
    assert between.arguments["column"].required and between.arguments["mostly"].types == ("number",)
    assert between.arguments["min_value"].types == ("number", "date", "datetime")
    assert between.at_least_one_of == (("min_value", "max_value"),)
    assert lookup("expect_table_columns_to_match_set").kind == "schema"  # type: ignore[union-attr]
    assert lookup("expect_table_row_count_to_equal").kind == "row_count"  # type: ignore[union-attr]
    assert set(unsupported()) == {
        "expect_column_values_to_match_like_pattern", "expect_column_values_to_match_like_pattern_list",
        "expect_column_values_to_not_match_like_pattern", "expect_column_values_to_not_match_like_pattern_list",
        "expect_query_results_to_match_comparison", "expect_table_row_count_to_equal_other_table",
        "unexpected_rows_expectation",
    }  # fmt: skip
    assert len(catalogue()) == 52


@pytest.mark.subprocess
def test_validating_a_suite_with_expectations_imports_no_engine_library(
    tmp_path: Path, suite_writer: Callable[..., Path]
) -> None:
    suite = suite_writer(tmp_path, top={"expectations": [
        {"expect_column_values_to_be_between": {"column": "a", "min_value": 0}},
        {"expect_table_row_count_to_be_between": {"min_value": 1}},
    ]})  # fmt: skip
    code = (
        "import sys, json; from stewardgate.cli import cli; "
        f"code = cli.main(['validate', {str(suite)!r}], prog_name='stewardgate', standalone_mode=False); "
        f"print(json.dumps([code, sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r}))]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == [0, []]


def test_a_misspelt_suite_is_reported_without_importing_gx(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "s.yml").write_text(
        "version: 1\ndataset: {name: t, path: d.parquet}\nstewardship: {owner: a@example.com, steward: b@example.com}\n"
        "expectations:\n  - expect_column_to_exst: {column: a}\n",
        encoding="utf-8",
    )
    code, out, err = cli("validate", "s.yml", cwd=tmp_path)
    assert (code, err) == (2, "s.yml:5:5: expectations.0.expect_column_to_exst: unknown expectation type "
                              "(did you mean 'expect_column_to_exist'?)\nerror: 1 problem in suites; nothing was run\n")  # fmt: skip


def test_the_reference_in_docs_is_generated_from_the_catalogue() -> None:
    """If this fails: python -m stewardgate.expectations.docs"""
    from stewardgate.expectations.docs import BEGIN, END, reference_markdown

    text = (Path(__file__).resolve().parents[2] / "docs" / "expectations.md").read_text(encoding="utf-8")
    assert BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END == reference_markdown()
