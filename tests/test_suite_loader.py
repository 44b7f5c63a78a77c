"""The suite loader: positions of keys and values (line:col, 1-based) for nested keys and list
items, located problems, discovery, unique dataset names, and what the models accept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from stewardgate.errors import Problem, SuiteError, UsageError
from stewardgate.suite.loader import discover, load_suite, load_suites
from stewardgate.suite.models import Rule
from stewardgate.suite.yamlpos import load_located

HEAD = """\
version: 1
dataset:
  name: t
  path: d.parquet
stewardship:
  owner: a@example.com
  steward: b@example.com
"""

NESTED = """\
version: 1
dataset:
  name: t
  csv:
    delimiter: ";"
    null_values:
      - NA
      - "-"
stewardship: {owner: a@example.com, known_limitations: [one, two]}
columns:
  amount: {type: float64, min: 0,
           max: {value: 10, severity: warn}}
  status:
    in_set:
      - placed
      - shipped
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _problems(file: Path) -> list[str]:
    with pytest.raises(SuiteError) as info:
        load_suite(file)
    return [str(p) for p in info.value.problems]


# --- positions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("dataset",), (2, 1), (3, 3)),
        (("dataset", "name"), (3, 3), (3, 9)),
        (("dataset", "csv", "delimiter"), (5, 5), (5, 16)),
        (("dataset", "csv", "null_values"), (6, 5), (7, 7)),
        (("stewardship", "owner"), (9, 15), (9, 22)),
        (("stewardship", "known_limitations"), (9, 37), (9, 56)),
        (("columns", "amount", "min"), (11, 27), (11, 32)),
        (("columns", "amount", "max"), (12, 12), (12, 17)),
        (("columns", "amount", "max", "severity"), (12, 29), (12, 39)),
        (("columns", "status", "in_set"), (14, 5), (15, 7)),
    ],
)
def test_positions_of_nested_keys(path: tuple[str, ...], key: tuple[int, int], value: tuple[int, int]) -> None:
    located = load_located(NESTED)
    assert (located.keys[path], located.values[path]) == (key, value)


@pytest.mark.parametrize(
    ("path", "position"),
    [
        (("dataset", "csv", "null_values", 0), (7, 9)),
        (("dataset", "csv", "null_values", 1), (8, 9)),
        (("stewardship", "known_limitations", 0), (9, 57)),
        (("stewardship", "known_limitations", 1), (9, 62)),
        (("columns", "status", "in_set", 1), (16, 9)),
    ],
)
def test_positions_of_list_items(path: tuple[str | int, ...], position: tuple[int, int]) -> None:
    assert load_located(NESTED).values[path] == position


def test_position_falls_back_to_the_nearest_written_ancestor() -> None:
    located = load_located(NESTED)
    assert located.position(("columns", "amount", "regex")) == (11, 11)
    assert located.position(("nowhere", "at", "all")) == (1, 1)
    assert located.position(("columns", "amount"), prefer_key=True) == (11, 3)
    assert located.line_of(("columns", "amount", "regex")) is None


def test_plain_values() -> None:
    data = load_located(NESTED).data
    assert data["dataset"]["csv"]["null_values"] == ["NA", "-"]
    assert data["columns"]["amount"] == {"type": "float64", "min": 0, "max": {"value": 10, "severity": "warn"}}
    assert type(data["columns"]["amount"]["min"]) is int


def test_timestamps_load_as_dates_and_aware_datetimes() -> None:
    data = load_located("a: 2020-01-01\nb: 2020-01-01T01:00:00+01:00\nc: 2020-01-01T00:00:00\n").data
    assert data["a"] == date(2020, 1, 1) and type(data["a"]) is date
    assert data["b"] == datetime(2020, 1, 1, 0, 0, tzinfo=UTC)
    assert data["b"].utcoffset() == timedelta(hours=1)
    assert data["c"] == datetime(2020, 1, 1) and data["c"].tzinfo is None


def test_line_of_a_rule_in_the_shipped_suite(repo: Path) -> None:
    loaded = load_suite(repo / "suites" / "orders.yml")
    assert loaded.line_of("columns", "amount", "max") == 22
    assert loaded.line_of("columns", "email", "regex") == 20  # written on a continuation line
    assert loaded.line_of("stewardship", "retention", "column") == 10
    assert loaded.line_of("columns", "amount", "unique") is None


# --- located problems -----------------------------------------------------------------------


def test_problems_in_nested_keys_and_list_items_point_at_the_spot(tmp_path: Path) -> None:
    text = (
        "version: 1\ndataset:\n  name: t\n  path: d.parquet\n  csv:\n    delimiter: ';;'\n"
        "stewardship:\n  owner: a@example.com\n  steward: b@example.com\n"
        "  retention:\n    period: 400x\n  known_limitations:\n    - fine\n    - 42\n"
        "columns:\n  a:\n    in_set:\n      - x\n    regex: '('\n  c: {min: 5, max: 1}\n"
    )
    file = _write(tmp_path, "s.yml", text)
    assert _problems(file) == [
        f"{file}:6:16: dataset.csv.delimiter: string should have at most 1 character, got ';;'",
        f"{file}:11:13: stewardship.retention.period: '400x' is not a period (a period like 400d, 12w, 18mo, 7y or ISO-8601 P400D / P1Y6M)",
        f"{file}:14:7: stewardship.known_limitations.1: input should be a valid string, got 42",
        f"{file}:19:12: columns.a.regex: not a valid regular expression for polars (Rust regex syntax): unclosed group",
        f"{file}:20:6: columns.c: min (5) is greater than max (1)",
    ]


def test_problem_text() -> None:
    assert str(Problem("s.yml", 3, 9, "dataset.name", "bad")) == "s.yml:3:9: dataset.name: bad"
    assert str(Problem("s.yml", 3, None, "", "bad")) == "s.yml:3: bad"
    assert str(Problem("s.yml", None, None, "", "bad")) == "s.yml: bad"


def test_short_and_long_rule_forms_load_alike(tmp_path: Path) -> None:
    file = _write(
        tmp_path,
        "s.yml",
        HEAD + "columns:\n  a: {min: 0}\n  b: {min: {value: 0}}\n  c: {min: {value: 0, severity: warn}}\n",
    )
    columns = load_suite(file).suite.columns
    assert columns["a"].min == columns["b"].min == Rule[Any](value=0)
    assert (columns["c"].min.value, columns["c"].min.severity) == (0, "warn")


def test_a_rust_regex_class_is_accepted(tmp_path: Path) -> None:
    """Patterns run in polars (Rust regex dialect, see ``stewardgate checks regex``): a Unicode
    class such as ``\\p{L}`` is valid there and must not be rejected by Python's ``re``."""
    file = _write(tmp_path, "s.yml", HEAD + 'columns:\n  name: {regex: "^\\\\p{L}+$"}\n')
    assert load_suite(file).suite.columns["name"].regex.value == "^\\p{L}+$"


def test_yaml_merge_keys_are_understood(tmp_path: Path, cli: Callable[..., Any]) -> None:
    """``<<: *base`` is standard YAML; it must load (not crash the loader with exit 3)."""
    text = HEAD + "columns:\n  a: &base {type: int64, nullable: false}\n  b: *base\n  c:\n    <<: *base\n    min: 0\n"
    _write(tmp_path, "s.yml", text)
    code, _, stderr = cli("validate", "s.yml", cwd=tmp_path)
    assert "internal error" not in stderr
    assert code == 0, stderr
    c = load_suite(tmp_path / "s.yml").suite.columns["c"]
    assert (c.type, c.nullable.value, c.min.value) == ("int64", False, 0)


# --- discovery and unique names -------------------------------------------------------------


def test_discover_finds_suites_recursively_in_order(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "sub/c.yml", "notes.txt", "sub/d.json"):
        _write(tmp_path, name, "x: 1\n")
    single = _write(tmp_path, "elsewhere/z.yml", "x: 1\n")
    assert discover([tmp_path / "sub", tmp_path / "a.yaml", single]) == [
        tmp_path / "sub" / "c.yml", tmp_path / "a.yaml", single,
    ]  # fmt: skip
    assert [p.name for p in discover([tmp_path])] == ["a.yaml", "b.yml", "z.yml", "c.yml"]


def test_discover_refuses_what_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope\.yml: no such file or folder$"):
        discover([tmp_path / "nope.yml"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match=r"^no suite files \(\*\.yml, \*\.yaml\) under "):
        discover([tmp_path / "empty"])


def test_run_needs_unique_dataset_names_validate_does_not(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yml", HEAD)
    b = _write(tmp_path, "b/b.yml", "\n\n" + HEAD)
    assert [s.path for s in load_suites([tmp_path], unique_names=False)] == [a, b]
    with pytest.raises(SuiteError) as info:
        load_suites([tmp_path])
    message = "dataset.name: dataset name 't' is used by 2 suites in this run; names must be unique"
    assert [str(p) for p in info.value.problems] == [f"{a}:3:9: {message}", f"{b}:5:9: {message}"]


def test_problems_of_every_file_are_collected(tmp_path: Path) -> None:
    _write(tmp_path, "a.yml", HEAD + "columns:\n  x: {mni: 0}\n")
    _write(tmp_path, "b.yml", "version: 1\n")
    with pytest.raises(SuiteError) as info:
        load_suites([tmp_path])
    assert [(Path(p.path).name, p.line, p.key) for p in info.value.problems] == [
        ("a.yml", 9, "columns.x.mni"), ("b.yml", 1, "dataset"), ("b.yml", 1, "stewardship"),
    ]  # fmt: skip


def test_loaded_suite_records_its_source(tmp_path: Path) -> None:
    import hashlib

    file = _write(tmp_path, "s.yml", HEAD)
    loaded = load_suite(file)
    assert (loaded.path, loaded.folder) == (file, tmp_path)
    assert loaded.sha256 == hashlib.sha256(file.read_bytes()).hexdigest()
    assert loaded.suite.schema_policy.extra_columns == "warn"
    assert loaded.suite.gate.fail_on == "error"


def test_bad_seasonality_and_a_window_too_short_for_it_are_located(tmp_path: Path) -> None:
    text = (
        "version: 1\ndataset: {name: t, path: d.parquet}\n"
        "stewardship: {owner: a@example.com, steward: b@example.com}\n"
        "anomalies:\n"
        "  - {metric: row_count, seasonality: weekly}\n"
        "  - {metric: row_count, seasonality: day_of_week, window: 10}\n"
    )
    file = _write(tmp_path, "s.yml", text)
    assert _problems(file) == [
        f"{file}:5:38: anomalies.0.seasonality: unknown value 'weekly' (allowed: auto, none, day_of_week)",
        f"{file}:6:38: anomalies.1.seasonality: window (10) is too short for seasonality: day_of_week "
        "(at least 14 runs, two weeks of daily runs; or seasonality: none), got 'day_of_week'",
    ]
