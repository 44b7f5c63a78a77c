"""Bad input through the real CLI: every case exits 2, prints no traceback, and says exactly
what is wrong and where. Messages are asserted as whole strings.

Inputs are built in ``tmp_path`` and the CLI runs there, so paths in messages are relative.
Suite problems go to stderr (``path:line:col: key: message``, then a count); a dataset that
cannot be read is reported in the run's output (the run goes on with the other datasets).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

HEAD = """\
version: 1
dataset:
  name: t
  path: d.parquet
stewardship:
  owner: a@example.com
  steward: b@example.com
columns:
"""
NOTHING_RUN = "error: {n} in suites; nothing was run\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _suite_error(cli: Callable[..., Any], folder: Path, *args: str) -> str:
    """Run, expect exit 2 with nothing on stdout and no traceback; return stderr."""
    code, stdout, stderr = cli(*args, cwd=folder)
    assert "Traceback" not in stderr
    assert (code, stdout) == (2, ""), stderr
    return str(stderr)


def _problems(*lines: str) -> str:
    noun = "1 problem" if len(lines) == 1 else f"{len(lines)} problems"
    return "".join(f"{line}\n" for line in lines) + NOTHING_RUN.format(n=noun)


@pytest.fixture(params=["validate", "run"])
def command(request: pytest.FixtureRequest) -> str:
    """Suite problems are the same for ``validate`` and ``run``."""
    return str(request.param)


# --- suites ---------------------------------------------------------------------------------


def test_unclosed_bracket(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(
        tmp_path, "s.yml", "version: 1\ndataset:\n  name: t\n  path: [d.parquet\nstewardship:\n  owner: a@example.com\n"
    )
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:5:12: invalid YAML: while parsing a flow sequence expected ',' or ']', but got ':'"
    )


def test_bad_indent(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "s.yml", "version: 1\ndataset:\n  name: t\n   path: d.parquet\n")
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:4:8: invalid YAML: mapping values are not allowed here"
    )


def test_tab_indent(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {type: int64}\n\tb: {}\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:10:1: invalid YAML: while scanning for the next token found character '\\t' that cannot start any token"
    )


def test_duplicate_key(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", "version: 1\nversion: 1\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        's.yml:2:1: invalid YAML: while constructing a mapping found duplicate key "version" with value "1" (original value: "1")'
    )


def test_unknown_top_level_key(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {type: int64}\nexpectation: []\n")
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:10:1: expectation: unknown key (did you mean 'expectations'? allowed: version, dataset, "
        "stewardship, columns, schema, gate, engine, expectations, anomalies, drift, governance, freshness, lineage, access, reconcile, waivers, tags)"
    )


def test_misspelt_check_option(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {type: int64, mni: 0}\n")
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:9:20: columns.a.mni: unknown key (did you mean 'min'? allowed: type, required, nullable, "
        "max_null_fraction, max_null_count, unique, min, max, in_set, regex, min_length, max_length, "
        "classification, pii, severity, description, references)"
    )


def test_wrong_value_type(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "s.yml", HEAD + '  a: {nullable: "no"}\n')
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:9:17: columns.a.nullable: input should be a valid boolean, got 'no'"
    )


def test_unknown_column_type(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {type: whole}\n")
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:9:13: columns.a.type: unknown value 'whole' (allowed: int8, int16, int32, int64, uint8, "
        "uint16, uint32, uint64, float32, float64, string, bool, date, datetime, duration, decimal, categorical, integer, number)"
    )


def test_unknown_severity_in_a_rule(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {min: {value: 0, severity: fatal}}\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:9:33: columns.a.min.severity: unknown value 'fatal' (allowed: info, warn, error)"
    )


def test_several_problems_in_one_file_all_reported(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(
        tmp_path, "s.yml",
        "version: 1\nfoo: 1\ndataset:\n  name: t\n  path: d.parquet\nstewardship:\n"
        "  owner: a@example.com\n  steward: not an email\ncolumns:\n"
        '  a: {type: int65, nullable: "no", mni: 0}\n'
        "  b:\n    type: strin\n    max_null_fraction: 1.5\n"
        "gate: {fail_on: warning}\n",
    )  # fmt: skip
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(
        "s.yml:2:1: foo: unknown key (allowed: version, dataset, stewardship, columns, schema, gate, engine, "
        "expectations, anomalies, drift, governance, freshness, lineage, access, reconcile, waivers, tags)",
        "s.yml:8:12: stewardship.steward: 'not an email' is not an e-mail address or a handle",
        "s.yml:10:13: columns.a.type: unknown value 'int65' (did you mean 'int64'? allowed: int8, int16, int32, "
        "int64, uint8, uint16, uint32, uint64, float32, float64, string, bool, date, datetime, duration, decimal, categorical, integer, number)",
        "s.yml:10:30: columns.a.nullable: input should be a valid boolean, got 'no'",
        "s.yml:10:36: columns.a.mni: unknown key (did you mean 'min'? allowed: type, required, nullable, "
        "max_null_fraction, max_null_count, unique, min, max, in_set, regex, min_length, max_length, "
        "classification, pii, severity, description, references)",
        "s.yml:12:11: columns.b.type: unknown value 'strin' (did you mean 'string'? allowed: int8, int16, int32, "
        "int64, uint8, uint16, uint32, uint64, float32, float64, string, bool, date, datetime, duration, decimal, categorical, integer, number)",
        "s.yml:13:24: columns.b.max_null_fraction: input should be less than or equal to 1, got 1.5",
        "s.yml:14:17: gate.fail_on: unknown value 'warning' (did you mean 'warn'? allowed: error, warn)",
    )


def test_problems_in_two_files_both_reported(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    _write(tmp_path, "suites/a.yml", HEAD + "  a: {mni: 0}\n")
    _write(tmp_path, "suites/b.yml", HEAD.replace("name: t", "name: u") + "  a: {type: whole}\n")
    assert _suite_error(cli, tmp_path, command, "suites") == _problems(
        "suites/a.yml:9:7: columns.a.mni: unknown key (did you mean 'min'? allowed: type, required, nullable, "
        "max_null_fraction, max_null_count, unique, min, max, in_set, regex, min_length, max_length, "
        "classification, pii, severity, description, references)",
        "suites/b.yml:9:13: columns.a.type: unknown value 'whole' (allowed: int8, int16, int32, int64, uint8, "
        "uint16, uint32, uint64, float32, float64, string, bool, date, datetime, duration, decimal, categorical, integer, number)",
    )


def test_missing_required_keys(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", "version: 1\ndataset:\n  name: t\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:1:1: stewardship: required key is missing",
        "s.yml:3:3: dataset: give path (a file, glob or folder), or connection and table (a SQL table)",
    )


def test_a_retention_column_not_declared_under_columns_is_valid(cli: Callable[..., Any], tmp_path: Path) -> None:
    """Any column the data has will do; the run checks that it exists and is temporal."""
    text = HEAD.replace(
        "  steward: b@example.com\n", "  steward: b@example.com\n  retention: {period: 1y, column: ts}\n"
    )
    _write(tmp_path, "s.yml", text + "  a: {type: int64}\n")
    code, out, err = cli("validate", "s.yml", cwd=tmp_path)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "s.yml:1:1: a suite must be a mapping of keys, this file is empty"),
        ("- a\n- b\n", "s.yml:1:1: a suite must be a mapping of keys, this file is a list"),
    ],
    ids=["empty", "list"],
)
def test_a_suite_that_is_not_a_mapping(cli: Callable[..., Any], tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path, "s.yml", text)
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(message)


def test_a_suite_that_is_not_utf8(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_bytes(HEAD.encode() + "  caf\u00e9: {}\n".encode("latin-1"))
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml: not UTF-8 text (invalid continuation byte)"
    )


def test_one_wrong_bound_is_one_problem(cli: Callable[..., Any], tmp_path: Path) -> None:
    """``min: abc`` is one mistake: one problem at ``columns.a.min``, not one per union member
    (STYLE.md #4: "one typo gives one error, not four")."""
    _write(tmp_path, "s.yml", HEAD + "  a: {min: abc}\n")
    lines = _suite_error(cli, tmp_path, "validate", "s.yml").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("s.yml:9:12: columns.a.min: ")
    assert lines[1] == "error: 1 problem in suites; nothing was run"


def test_one_wrong_set_member_is_one_problem(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {in_set: [x, [y]]}\n")
    lines = _suite_error(cli, tmp_path, "validate", "s.yml").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("s.yml:9:19: columns.a.in_set.1: ")


def test_a_rule_mapping_without_value(cli: Callable[..., Any], tmp_path: Path) -> None:
    """``max: {valu: 3}``: the typo, and the missing ``value`` located at max's own mapping."""
    _write(tmp_path, "s.yml", HEAD + "  a: {max: {valu: 3}}\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:9:12: columns.a.max.value: required key is missing",
        "s.yml:9:13: columns.a.max.valu: unknown key (did you mean 'value'? allowed: value, severity, engine)",
    )


def test_a_suite_error_means_no_dataset_runs_and_no_json(cli: Callable[..., Any], tmp_path: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "suites/good.yml", HEAD.replace("path: d.parquet", "path: ../d.parquet") + "  a: {}\n")
    _write(tmp_path, "suites/bad.yml", HEAD.replace("name: t", "name: u") + "  a: {mni: 0}\n")
    out = tmp_path / "run.json"
    code, stdout, stderr = cli("run", "suites", "--json", out, cwd=tmp_path)
    assert (code, stdout) == (2, "")
    assert stderr.endswith(NOTHING_RUN.format(n="1 problem"))
    assert stderr.startswith("suites/bad.yml:9:7: columns.a.mni: unknown key")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "suites"]


def test_two_suites_naming_one_dataset(cli: Callable[..., Any], tmp_path: Path) -> None:
    """``run`` needs unique dataset names (results and history would mix); ``validate`` does not."""
    _write(tmp_path, "suites/a.yml", HEAD + "  a: {}\n")
    _write(tmp_path, "suites/b/c.yml", HEAD + "  a: {}\n")
    message = "dataset.name: dataset name 't' is used by 2 suites in this run; names must be unique"
    assert _suite_error(cli, tmp_path, "run", "suites") == _problems(
        f"suites/a.yml:3:9: {message}", f"suites/b/c.yml:3:9: {message}"
    )
    assert tuple(cli("validate", "suites", cwd=tmp_path)) == (
        0, "ok  suites/a.yml  (t, 1 columns)\nok  suites/b/c.yml  (t, 1 columns)\n2 suites valid\n", "",
    )  # fmt: skip


# --- paths and flags ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "validate", "plan"])
def test_a_path_that_does_not_exist(cli: Callable[..., Any], tmp_path: Path, command: str) -> None:
    assert tuple(cli(command, "nope.yml", cwd=tmp_path)) == (2, "", "error: nope.yml: no such file or folder\n")


def test_a_folder_without_suites(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x", encoding="utf-8")
    assert tuple(cli("run", "empty", cwd=tmp_path)) == (2, "", "error: no suite files (*.yml, *.yaml) under empty\n")


def test_samples_of_the_wrong_type(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert tuple(cli("run", "s.yml", "--samples", "abc", cwd=tmp_path)) == (
        2,
        "",
        "Usage: stewardgate run [OPTIONS] PATHS...\n"
        "Try 'stewardgate run --help' for help.\n\n"
        "Error: Invalid value for '--samples': 'abc' is not a valid integer.\n",
    )


def test_samples_out_of_range(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=pl.DataFrame({"a": [1]}), columns={"a": {}})
    assert tuple(cli("run", "suite.yml", "--samples", "-1", cwd=tmp_path)) == (
        2, "", "error: command line: samples: input should be greater than or equal to 0 (got -1)\n",
    )  # fmt: skip


def test_an_unknown_option(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert tuple(cli("run", "s.yml", "--sample", "3", cwd=tmp_path)) == (
        2,
        "",
        "Usage: stewardgate run [OPTIONS] PATHS...\n"
        "Try 'stewardgate run --help' for help.\n\n"
        "Error: No such option '--sample'. (Did you mean one of: '--samples', '--select'?)\n",
    )


# --- datasets -------------------------------------------------------------------------------


def _unreadable(cli: Callable[..., Any], folder: Path, message: str) -> None:
    """The whole report of a run whose one dataset cannot be read: exit 2, the reason, no gate pass."""
    code, stdout, stderr = cli("run", "suite.yml", "--json", "run.json", cwd=folder)
    assert "Traceback" not in stderr
    assert code == 2
    report = "".join(line for line in stdout.splitlines(keepends=True) if not line.startswith("report: "))
    assert report == (
        f"t  suite.yml -> ?\n"
        f"  ERROR  {message}\n"
        f"  t: no checks -> gate FAILED (dataset could not be checked: {message})\n\n"
        f"gate: FAILED (1 of 1 datasets blocked: t; exit 2)\n"
    )
    (dataset,) = json.loads((folder / "run.json").read_text(encoding="utf-8"))["datasets"]
    assert (dataset["error"], dataset["results"], dataset["gate"]["passed"]) == (message, [], False)


def test_missing_dataset(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(columns={"a": {}}, path="data/orders.parquet")
    _unreadable(cli, tmp_path, "data/orders.parquet: no such file or folder")


def test_empty_data_file(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=b"", columns={"a": {}})
    _unreadable(cli, tmp_path, "data.parquet: the file is empty")


def test_empty_csv_file(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=b"", data_name="data.csv", columns={"a": {}})
    _unreadable(cli, tmp_path, "data.csv: the file is empty")


def test_corrupt_parquet(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=bytes(range(256)) * 8, columns={"a": {}})
    _unreadable(
        cli, tmp_path,
        "data.parquet: not a readable Parquet file: parquet: File out of specification: "
        "The file must end with PAR1 or PARE",
    )  # fmt: skip


def test_csv_in_the_wrong_encoding(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(
        data="name,city\nJosé,Málaga\n".encode("latin-1"), data_name="data.csv", columns={"name": {}, "city": {}}
    )
    _unreadable(
        cli, tmp_path,
        "data.csv: not valid utf-8 text at byte 13 (invalid continuation byte); "
        "set dataset.csv.encoding to the file's encoding (e.g. latin-1, cp1252)",
    )  # fmt: skip


def test_csv_with_the_wrong_delimiter(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=b"a;b\n1;2\n", data_name="data.csv", columns={"a": {}, "b": {}})
    _unreadable(
        cli, tmp_path, "data.csv: the first line has no ',' but looks delimited by ';'; set dataset.csv.delimiter: ';'"
    )


def test_csv_with_an_unknown_encoding(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=b"a\n1\n", data_name="data.csv", columns={"a": {}}, dataset_extra={"csv": {"encoding": "klingon"}})
    _unreadable(cli, tmp_path, "data.csv: unknown encoding 'klingon' (dataset.csv.encoding)")


def test_a_glob_that_matches_nothing(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(columns={"a": {}}, path="parts/*.parquet")
    _unreadable(cli, tmp_path, "parts/*.parquet: the pattern matches no files")


def test_a_folder_without_data_files(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "README").write_text("nothing here", encoding="utf-8")
    make_suite(columns={"a": {}}, path="parts")
    _unreadable(cli, tmp_path, "parts: the folder holds no data files")


def test_an_unknown_file_extension(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(data=b"a\n1\n", data_name="data.txt", columns={"a": {}})
    _unreadable(
        cli, tmp_path,
        "data.txt: cannot tell the format from the file extension (.txt); "
        "set dataset.format to one of: parquet, csv, ndjson, ipc",
    )  # fmt: skip


def test_one_unreadable_dataset_does_not_stop_the_others(cli: Callable[..., Any], tmp_path: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "a.yml", HEAD + "  a: {}\n")
    _write(tmp_path, "b.yml", HEAD.replace("name: t", "name: u").replace("d.parquet", "gone.parquet") + "  a: {}\n")
    code, stdout, stderr = cli("run", "a.yml", "b.yml", cwd=tmp_path)
    assert "Traceback" not in stderr
    assert code == 2
    assert "  t: 2 passed, 1 skipped -> gate PASSED (no blocking results)" in stdout.splitlines()
    assert stdout.splitlines()[-1] == "gate: FAILED (1 of 2 datasets blocked: u; exit 2)"


@pytest.mark.parametrize(
    ("flags", "given"),
    [(["--spark-master", "local[1]"], "--spark-master applies"),
     (["--spark-conf", "spark.x=1", "--spark-master", "local[1]"], "--spark-master and --spark-conf apply")],
)  # fmt: skip
def test_a_spark_flag_on_a_run_without_spark(
    cli: Callable[..., Any], tmp_path: Path, flags: list[str], given: str
) -> None:
    """A flag that would be silently ignored is refused before any data is read or stored."""
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "s.yml", HEAD + "  a: {}\n")
    out = tmp_path / "run.json"
    assert tuple(cli("run", "s.yml", "--json", out, *flags, cwd=tmp_path)) == (
        2, "", f"error: {given} only to data read by Spark, and no suite here is: add --engine spark, "
        "or set `engine: spark` in the suites that should run on Spark\n",
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "s.yml"]  # no report, no store


def test_store_and_no_history_together(cli: Callable[..., Any], tmp_path: Path) -> None:
    """--no-history would silently drop the --store the caller named: refused, nothing written."""
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "s.yml", HEAD + "  a: {}\n")
    store = tmp_path / "h.db"
    assert tuple(cli("run", "s.yml", "--no-history", "--store", f"sqlite:///{store}", cwd=tmp_path)) == (
        2, "", "error: --store and --no-history contradict each other: --no-history reads and writes no store\n",
    )  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.parquet", "s.yml"]


# --- hostile input (issue 17) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "where", "message"),
    [
        ("owner", "a@example.com\\n", "6:10", "stewardship.owner: 'a@example.com\\n' is not an e-mail address or a handle"),
        ("steward", "b@example.com\\n::error::forged", "7:12",
         "stewardship.steward: 'b@example.com\\n::error::forged' is not an e-mail address or a handle"),
    ],
    ids=["trailing newline", "workflow command"],
)  # fmt: skip
def test_a_contact_with_a_trailing_newline_is_refused_on_one_line(
    cli: Callable[..., Any], tmp_path: Path, key: str, value: str, where: str, message: str
) -> None:  # fmt: skip
    """``^...$`` accepted a trailing newline; the message quotes the value escaped, on one line."""
    default = {"owner": "a@example.com", "steward": "b@example.com"}[key]
    text = HEAD.replace(f"  {key}: {default}\n", f'  {key}: "{value}"\n')
    _write(tmp_path, "s.yml", text + "  a: {}\n")
    stderr = _suite_error(cli, tmp_path, "validate", "s.yml")
    assert stderr == _problems(f"s.yml:{where}: {message}")
    assert not any(line.startswith("::") for line in stderr.splitlines())


def test_a_dataset_name_with_a_trailing_newline_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD.replace("  name: t\n", '  name: "t\\n"\n') + "  a: {}\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:3:9: dataset.name: must start with a letter or digit and hold only letters, digits, _ . -"
    )


def test_an_unreadable_data_path_with_control_characters_is_named_escaped(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    _write(
        tmp_path, "s.yml", HEAD.replace("  path: d.parquet\n", '  path: "d\\e[2J\\n::error::x.parquet"\n') + "  a: {}\n"
    )
    code, stdout, stderr = cli("run", "s.yml", "--no-history", cwd=tmp_path)
    assert code == 2 and "Traceback" not in stderr
    assert "\x1b" not in stdout + stderr
    assert not any(line.startswith("::") for line in (stdout + stderr).splitlines())
    assert "d\\x1b[2J\\n::error::x.parquet" in stdout


@pytest.mark.parametrize(("args", "message"), [
    (["checks", "mni"], "error: no check type 'mni' (did you mean 'min'? allowed: access_baseline, access_declared, "),
    (["history", "orders", "--metric", "nul_fraction"],
     "error: --metric: unknown metric 'nul_fraction' (did you mean 'null_fraction'? allowed: distinct_count, "),
])  # fmt: skip
def test_an_unknown_name_on_the_command_line_gets_a_suggestion(
    cli: Callable[..., Any], tmp_path: Path, args: list[str], message: str
) -> None:
    code, out, err = cli(*args, cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1, err


# --- folders that cannot be listed, symbolic links (issue 17: 1, 2, 3) ----------------------

UNPRIVILEGED = ("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all")
"""Run the CLI without root's override of file permissions (CI runs as root)."""


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """``locked(folder)``: chmod 000 the folder for the test (restored after it, so it can be
    removed). Fails, never skips, when root's override cannot be dropped."""
    folders: list[Path] = []

    def lock(folder: Path) -> Path:
        folder.chmod(0)
        folders.append(folder)
        probe = subprocess.run([*UNPRIVILEGED, "ls", str(folder)], capture_output=True, check=False)
        assert probe.returncode != 0, "setpriv could not drop root's override of file permissions"
        return folder

    yield lock
    for folder in folders:
        folder.chmod(0o755)


def _partitions(folder: Path) -> None:
    """Two hive partitions of three rows; only the second breaks ``min: 0``."""
    (folder / "parts" / "p=1").mkdir(parents=True)
    (folder / "parts" / "p=2").mkdir()
    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(folder / "parts" / "p=1" / "x.parquet")
    pl.DataFrame({"a": [-1, -2, -3]}).write_parquet(folder / "parts" / "p=2" / "x.parquet")


def test_a_partition_that_cannot_be_listed(
    cli_process: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path, locked: Callable[[Path], Path]
) -> None:
    """The gate never passes on the readable half of the data: exit 2 naming the folder."""
    _partitions(tmp_path)
    make_suite(columns={"a": {"min": 0}}, path="parts")
    locked(tmp_path / "parts" / "p=2")
    code, stdout, stderr = cli_process("run", "suite.yml", "--no-history", cwd=tmp_path, prefix=UNPRIVILEGED)
    message = "parts/p=2: cannot list the folder (Permission denied); what it holds would go unchecked"
    assert (code, stdout.splitlines()[1]) == (2, f"  ERROR  {message}"), stderr
    assert stdout.splitlines()[-1] == "gate: FAILED (1 of 1 datasets blocked: t; exit 2)"


@pytest.mark.parametrize("path", ["parts", "parts/**/*.parquet", "parts/*/x.parquet"])
def test_a_symlinked_partition_is_read_in_every_form(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path, path: str
) -> None:
    """A partition folder that is a symbolic link is read by the folder form and the globs alike."""
    _partitions(tmp_path)
    (tmp_path / "parts" / "p=2").rename(tmp_path / "elsewhere")
    (tmp_path / "parts" / "p=2").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    make_suite(columns={"a": {"min": 0}}, path=path)
    code, stdout, stderr = cli("run", "suite.yml", "--no-history", "--json", "run.json", cwd=tmp_path)
    assert code == 1, stdout + stderr
    (dataset,) = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["datasets"]
    assert dataset["row_count"] == 6
    assert [r["status"] for r in dataset["results"] if r["check_id"] == "t.columns.a.min"] == ["failed"]


@pytest.mark.parametrize("path", ["parts", "parts/**/*.parquet"])
def test_a_symlink_loop_in_a_dataset(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path, path: str
) -> None:
    _partitions(tmp_path)
    (tmp_path / "parts" / "p=1" / "back").symlink_to(tmp_path / "parts", target_is_directory=True)
    make_suite(columns={"a": {}}, path=path)
    _unreadable(cli, tmp_path, f"parts/p=1/back: a symbolic link loop (it leads back to {tmp_path / 'parts'})")


def test_a_dangling_symlink_in_a_dataset(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    _partitions(tmp_path)
    (tmp_path / "parts" / "p=3").symlink_to(tmp_path / "gone")
    make_suite(columns={"a": {}}, path="parts")
    _unreadable(cli, tmp_path, f"parts/p=3: a symbolic link to '{tmp_path / 'gone'}', which does not exist")


@pytest.mark.parametrize("command", ["validate", "run"])
def test_a_suites_folder_that_cannot_be_listed(
    cli_process: Callable[..., Any], tmp_path: Path, locked: Callable[[Path], Path], command: str
) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "suites/a.yml", HEAD.replace("d.parquet", "../d.parquet") + "  a: {}\n")
    _write(tmp_path, "suites/more/b.yml", HEAD.replace("name: t", "name: u") + "  a: {}\n")
    locked(tmp_path / "suites" / "more")
    assert tuple(cli_process(command, "suites", cwd=tmp_path, prefix=UNPRIVILEGED)) == (
        2, "", "error: suites/more: cannot list the folder (Permission denied); what it holds would go unchecked\n",
    )  # fmt: skip


def test_a_symlinked_suites_folder_is_read(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "suites/a.yml", HEAD + "  a: {}\n")
    _write(tmp_path, "team/b.yml", HEAD.replace("name: t", "name: u") + "  a: {}\n")
    (tmp_path / "suites" / "team").symlink_to(tmp_path / "team", target_is_directory=True)
    assert tuple(cli("validate", "suites", cwd=tmp_path)) == (
        0, "ok  suites/a.yml  (t, 1 columns)\nok  suites/team/b.yml  (u, 1 columns)\n2 suites valid\n", "",
    )  # fmt: skip


def test_csv_with_a_duplicate_header(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    """polars would rename the second ``id`` and the rules for ``id`` would judge only the first."""
    make_suite(data=b"id,x,id\n1,2,-3\n", data_name="data.csv", columns={"id": {"min": 0}})
    _unreadable(
        cli, tmp_path, "data.csv: the header names column 'id' 2 times (columns 1, 3); column names must be unique"
    )


# --- YAML a suite may not hold (issue 17: 9, 15) -------------------------------------------

TAGS_ALLOWED = "suites hold plain data (allowed tags: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)"


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("waivers: [{check: t.columns.a.min, reason: r, approved_by: a@example.com, expires: 2026-02-30}]",
         "s.yml:10:84: waivers.0.expires: '2026-02-30' is not a valid date or time (day is out of range for month)"),
        ("waivers:\n  - {check: t.columns.a.min, reason: r, approved_by: a@example.com, expires: 2026-13-45}",
         "s.yml:11:78: waivers.0.expires: '2026-13-45' is not a valid date or time (month must be in 1..12)"),
        ("anomalies: !seq [{metric: row_count}]",
         f"s.yml:10:12: anomalies: YAML tag '!seq' is not allowed: {TAGS_ALLOWED}"),
        ("schema: !!python/object/apply:os.system [echo hi]",
         f"s.yml:10:9: schema: YAML tag '!!python/object/apply:os.system' is not allowed: {TAGS_ALLOWED}"),
        ("gate: {fail_on: !!python/name:os.system }",
         f"s.yml:10:17: gate.fail_on: YAML tag '!!python/name:os.system' is not allowed: {TAGS_ALLOWED}"),
        ('gate: {fail_on: "x\\ud83d\\ude00"}',
         "s.yml:10:17: gate.fail_on: the text holds the escape \\ud83d, half of a UTF-16 surrogate pair, "
         "not a character; write the character itself or one escape for it (e.g. \\U0001F600, not \\ud83d\\ude00)"),
    ],
    ids=["february-30", "month-13", "tagged-sequence", "python-object", "python-name", "surrogate-escape"],
)  # fmt: skip
def test_yaml_a_suite_may_not_hold(
    cli: Callable[..., Any], tmp_path: Path, command: str, tail: str, message: str
) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {}\n" + tail + "\n")
    assert _suite_error(cli, tmp_path, command, "s.yml") == _problems(message)


def test_nesting_too_deep(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {description: " + "[" * 300 + "]" * 300 + "}\n")
    path = ".".join(["columns", "a", "description"] + ["0"] * 61)
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        f"s.yml:9:81: {path}: nested deeper than 64 levels of mappings and lists"
    )


def test_nesting_far_too_deep_is_refused_before_the_composer_recurses(cli: Callable[..., Any], tmp_path: Path) -> None:
    """The guard sees each event as the composer takes it: 100,000 open brackets stop at the 65th."""
    _write(tmp_path, "s.yml", HEAD + "  a: {description: " + "[" * 100_000 + "]" * 100_000 + "}\n")
    path = ".".join(["columns", "a", "description"] + ["0"] * 61)
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        f"s.yml:9:81: {path}: nested deeper than 64 levels of mappings and lists"
    )


def test_a_key_that_is_a_mapping(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {}\nx:\n  ? {k: v}\n  : 1\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:11:5: x: a key must be a plain value, not a mapping or a list"
    )


def test_an_alias_bomb(cli: Callable[..., Any], tmp_path: Path) -> None:
    """Nine levels of nine aliases ("billion laughs", under 700 bytes) are refused at the alias
    that passes the bound, before anything is expanded."""
    levels = ["  l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
    _write(tmp_path, "s.yml", HEAD + "  a: {}\nx:\n" + "\n".join(levels) + "\nanomalies: *l8\n")
    assert _suite_error(cli, tmp_path, "validate", "s.yml") == _problems(
        "s.yml:15:12: x.l4.0: aliases repeat more than 10000 values in this file; write the values out, or use fewer aliases"
    )


def test_a_store_url_with_a_port_that_is_no_number(cli: Callable[..., Any], tmp_path: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    _write(tmp_path, "s.yml", HEAD + "  a: {}\n")
    url = "postgresql+psycopg://u:secret@127.0.0.1/test?port=abc"
    code, stdout, stderr = cli("run", "s.yml", "--store", url, cwd=tmp_path)
    refused = ("cannot use the store at postgresql+psycopg://u:***@127.0.0.1/test?port=abc: "
               "Received non-integer port arguments: ('abc',)")  # fmt: skip
    # the dataset's history cannot be read, so it is not judged (never passed), and the run is exit 2
    assert code == 2 and "Traceback" not in stderr and "secret" not in stdout + stderr
    assert f"  ERROR  {refused}\n" in stdout and "gate: NOT RECORDED" in stdout
    assert stderr.startswith(f"error: t: {refused}")


# --- an empty dataset (issue 17: 5) -------------------------------------------------------

EMPTY = (
    "the dataset has 0 rows: no row-level check judged anything (set schema.empty: warn or allow if it may be empty)"
)


@pytest.mark.parametrize(
    ("schema", "code", "line"),
    [(None, 1, f"  FAIL   t.schema.empty            {EMPTY}"),
     ({"empty": "warn"}, 0, f"  WARN   t.schema.empty            {EMPTY}"),
     ({"empty": "allow"}, 0, None)],
    ids=["default-error", "warn", "allow"],
)  # fmt: skip
def test_an_empty_dataset(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path,
    schema: dict[str, str] | None, code: int, line: str | None,
) -> None:  # fmt: skip
    """0 rows pass every row-level rule; the run says so and, by default, the gate fails."""
    make_suite(data=pl.DataFrame({"a": []}, schema={"a": pl.Int64}), columns={"a": {"min": 0}}, schema=schema)
    result = cli("run", "suite.yml", "--no-history", cwd=tmp_path)
    assert (result.code, result.stderr) == (code, ""), result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "t  suite.yml -> data.parquet, 0 rows"
    assert [x for x in lines if "t.schema.empty" in x] == ([line] if line else [])


def test_a_dataset_with_rows_gets_no_empty_result(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    make_suite(data=pl.DataFrame({"a": [1]}), columns={"a": {}})
    result = cli("run", "suite.yml", "--no-history", cwd=tmp_path)
    assert result.code == 0 and "schema.empty" not in result.stdout


# --- a regex that backtracks catastrophically in GX (issue 17: 10) -------------------------


@pytest.mark.slow
def test_a_catastrophic_regex_in_gx_is_an_errored_check(cli: Callable[..., Any], tmp_path: Path) -> None:
    """``^(a+)+$`` on 34 ``a`` and a ``!`` runs for hours in Python's re: bounded (here 0.5 s by the
    setting), the two expectations GX would run are errored and block; the others are judged."""
    pl.DataFrame({"s": ["a" * 34 + "!", "ab", "b"]}).write_parquet(tmp_path / "d.parquet")
    _write(
        tmp_path, "s.yml",
        HEAD + "  s: {type: string}\nexpectations:\n"
        '  - expect_column_values_to_match_regex: {column: s, regex: "^(a+)+$", engine: gx}\n'
        '  - expect_column_values_to_not_match_regex_list: {column: s, regex_list: ["^c$", "^(a+)+$"]}\n'
        "  - expect_column_values_to_not_be_null: {column: s}\n",
    )  # fmt: skip
    code, stdout, stderr = cli("run", "s.yml", "--no-history", cwd=tmp_path, env={"STEWARDGATE_REGEX_TIMEOUT": "0.5"})
    why = (
        "errored: the pattern /^(a+)+$/ did not finish on the column's values within 0.5 s: Python's re, which GX "
        "uses, backtracks on it; rewrite it without nested repetition, run it compiled (engine: auto), or raise "
        "the regex_timeout setting"
    )
    assert (code, stderr) == (1, "")
    lines = stdout.splitlines()
    assert [line.split()[:2] for line in lines if "expectations" in line] == [
        ["PASS", "t.expectations.s.expect_column_values_to_not_be_null"],
        ["ERROR", "t.expectations.s.expect_column_values_to_match_regex"],
        ["ERROR", "t.expectations.s.expect_column_values_to_not_match_regex_list"],
    ]
    assert [line.split(None, 2)[2] for line in lines if line.startswith("  ERROR")] == [why, why]
    assert lines[-1] == "gate: FAILED (1 of 1 datasets blocked: t; exit 1)"


def test_a_regex_timeout_that_is_not_positive(cli: Callable[..., Any], tmp_path: Path) -> None:
    _write(tmp_path, "s.yml", HEAD + "  a: {}\n")
    assert tuple(cli("run", "s.yml", cwd=tmp_path, env={"STEWARDGATE_REGEX_TIMEOUT": "0"})) == (
        2, "", "error: environment: STEWARDGATE_REGEX_TIMEOUT: input should be greater than 0 (got '0')\n",
    )  # fmt: skip


# --- dataset_roots: where data may be read from (issue 17, optional) -----------------------


def _roots_case(folder: Path) -> None:
    """``inside/`` is allowed; ``outside/x.csv`` is not, reached directly and through a link."""
    (folder / "inside").mkdir()
    (folder / "outside").mkdir()
    (folder / "outside" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    (folder / "inside" / "ok.csv").write_text("a\n1\n", encoding="utf-8")
    (folder / "inside" / "link.csv").symlink_to(folder / "outside" / "x.csv")


@pytest.mark.parametrize(
    ("path", "shown"),
    [("outside/x.csv", "outside/x.csv"), ("inside/link.csv", "inside/link.csv (which is {real})"),
     ("/etc/passwd", "/etc/passwd")],
    ids=["outside", "symlink-out", "absolute"],
)  # fmt: skip
def test_a_dataset_outside_the_dataset_roots(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path, path: str, shown: str
) -> None:  # fmt: skip
    """With ``dataset_roots`` set, a suite cannot make the gate read (and print samples of) any file."""
    _roots_case(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.stewardgate]\ndataset_roots = ["inside"]\n', encoding="utf-8")
    make_suite(columns={"a": {}}, path=path, dataset_extra={"format": "csv"})
    real = tmp_path / "outside" / "x.csv"
    message = f"{shown.format(real=real)}: outside the folders datasets may be read from (dataset_roots: {tmp_path / 'inside'})"
    _unreadable(cli, tmp_path, message)


def test_a_dataset_inside_the_dataset_roots(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    _roots_case(tmp_path)
    make_suite(columns={"a": {}}, path="inside/ok.csv")
    env = {"STEWARDGATE_DATASET_ROOTS": "elsewhere:inside"}
    assert cli("run", "suite.yml", "--no-history", cwd=tmp_path, env=env).code == 0
