"""The CLI through real subprocesses: exit codes, the JSON run record, console output, the
read-only commands (plan, checks, schema, --version), and the environment that must not be able
to switch checks off.

The planted defects and their counts come from ``sample_data/README.md``.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from stewardgate import __version__
from stewardgate.results import run_from_dict, run_record_json_schema

ANSI = re.compile(r"\x1b\[[0-9;]*m")

# check id -> (status, failing_count, observed, samples); None means "not compared".
PLANTED: dict[str, tuple[str, int | None, Any, list[str] | None]] = {
    "orders.columns.order_id.unique": ("failed", 10, 10, ["1", "390", "823", "1132", "1508"]),
    "orders.columns.email.max_null_fraction": ("failed", 200, 0.1, []),
    "orders.columns.amount.min": ("failed", 7, 7, None),
    "orders.columns.status.in_set": ("failed", 4, 4, ["lost"]),
    "orders.columns.quantity.min": ("failed", 3, 3, ["0"]),
    "customers.columns.signup_date.required": ("failed", None, "missing", None),
    "customers.columns.age.type": ("failed", None, "string", None),
    "customers.columns.tier.in_set": ("failed", 6, 6, ["gold"]),
    "events.columns.value.max_null_fraction": ("failed", 525, 0.25, []),
    "events.columns.value.min": ("failed", 12, 12, None),
    "events.schema.extra_columns": ("failed", None, ["debug_payload"], None),
}
SKIPPED = {
    "customers.columns.signup_date.type",
    "customers.columns.signup_date.nullable",
    "customers.columns.signup_date.min",
    "customers.columns.age.min",
    "customers.columns.age.max",
    # The sample data carries no stewardship stamp yet (`stewardgate stamp` writes one).
    "orders.governance.stamp_match",
    "customers.governance.stamp_match",
    "events.governance.stamp_match",
}
# Retention is measured on signup_date, which the bad customers file lost: it cannot run.
ERRORED = {"customers.governance.retention"}
ROWS = {"orders": 2000, "customers": 500, "events": 2100}


def _validate_record(data: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(
        run_record_json_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def _by_id(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["check_id"]: r for d in record["datasets"] for r in d["results"]}


def _verdicts(record: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return sorted((r["check_id"], r["status"], r["failing_count"]) for r in _by_id(record).values())


@pytest.fixture(scope="module")
def failing(
    cli: Callable[..., Any], repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, dict[str, Any]]:
    """One run of ``examples/failing/`` with ``--json``: (CliResult, record)."""
    out = tmp_path_factory.mktemp("failing") / "run.json"
    result = cli("run", "examples/failing/", "--json", out, cwd=repo)
    return result, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def passing(
    cli: Callable[..., Any], repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Any, dict[str, Any]]:
    """One run of ``suites/`` with ``--json``: (CliResult, record)."""
    out = tmp_path_factory.mktemp("passing") / "run.json"
    result = cli("run", "suites/", "--json", out, cwd=repo)
    return result, json.loads(out.read_text(encoding="utf-8"))


# --- exit codes -----------------------------------------------------------------------------


def test_the_shell_sees_exit_0_1_and_2(cli_process: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    """The exit codes of a real process (the in-process tests below read click's): passed, failed, invalid input."""
    (tmp_path / "broken.yml").write_text("version: 1\ndataset: [\n", encoding="utf-8")
    assert cli_process("run", "suites/", "--no-history", cwd=repo).code == 0
    assert cli_process("run", "examples/failing/", "--no-history", cwd=repo).code == 1
    code, stdout, stderr = cli_process("validate", tmp_path / "broken.yml", cwd=repo)
    assert (code, stdout, "Traceback" in stderr) == (2, "", False)
    assert stderr.startswith(f"{tmp_path / 'broken.yml'}:"), stderr


def test_good_suites_pass_with_exit_0(passing: tuple[Any, dict[str, Any]]) -> None:
    result, record = passing
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "gate: PASSED (3 of 3 datasets passed, exit 0)"
    statuses = {cid: r["status"] for cid, r in _by_id(record).items()}
    assert {cid for cid, s in statuses.items() if s != "passed"} == {c for c in SKIPPED if "stamp_match" in c}
    assert {d["dataset"]: d["row_count"] for d in record["datasets"]} == ROWS


def test_failing_examples_exit_1(failing: tuple[Any, dict[str, Any]]) -> None:
    result, _ = failing
    assert (result.code, result.stderr) == (1, "")
    assert result.stdout.splitlines()[-1] == (
        "gate: FAILED (3 of 3 datasets blocked: customers, events, orders; exit 1)"
    )


def test_exit_zero_reports_but_exits_0(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, stderr = cli("run", "examples/failing/", "--exit-zero", cwd=repo)
    assert (code, stderr) == (0, "")
    assert "FAIL   orders.columns.amount.min" in stdout


def test_exit_zero_does_not_hide_an_unreadable_dataset(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    """Exit 2 means "invalid input", not "the gate failed": --exit-zero only waives exit 1.

    A suite error still exits 2 under --exit-zero; an unreadable dataset must too.
    """
    make_suite(columns={"a": {}}, path="nowhere.parquet")
    code, stdout, _ = cli("run", "suite.yml", "--exit-zero", cwd=tmp_path)
    assert "  ERROR  nowhere.parquet: no such file or folder" in stdout.splitlines()
    assert code == 2


def test_a_usage_error_exits_2(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, stderr = cli("run", cwd=repo)
    assert (code, stdout) == (2, "")
    assert stderr.endswith("Error: Missing argument 'PATHS...'.\n")


# --- the JSON run record --------------------------------------------------------------------


def test_json_record_validates_against_its_schema(
    failing: tuple[Any, dict[str, Any]], passing: tuple[Any, dict[str, Any]]
) -> None:
    for _, record in (failing, passing):
        _validate_record(record)
        assert record["schema_version"] == "1"
        assert record["tool_version"] == __version__


def test_json_record_reads_back(failing: tuple[Any, dict[str, Any]]) -> None:
    _, record = failing
    run = run_from_dict(record)
    assert run.exit_code == 1
    assert [d.dataset for d in run.datasets] == ["customers", "events", "orders"]


@pytest.mark.parametrize("check_id", sorted(PLANTED))
def test_json_record_holds_the_planted_counts(failing: tuple[Any, dict[str, Any]], check_id: str) -> None:
    status, count, observed, samples = PLANTED[check_id]
    got = _by_id(failing[1])[check_id]
    assert (got["status"], got["failing_count"], got["observed"]) == (status, count, observed)
    if samples is not None:
        assert got["samples"] == samples


def test_json_record_has_no_other_findings(failing: tuple[Any, dict[str, Any]]) -> None:
    """Exactly the planted defects fail, the checks they make moot are skipped, the rest pass."""
    by_id = _by_id(failing[1])
    assert {cid for cid, r in by_id.items() if r["status"] == "failed"} == set(PLANTED)
    assert {cid for cid, r in by_id.items() if r["status"] == "skipped"} == SKIPPED
    assert {cid for cid, r in by_id.items() if r["status"] == "errored"} == ERRORED
    others = {r["status"] for cid, r in by_id.items() if cid not in set(PLANTED) | SKIPPED | ERRORED}
    assert others == {"passed"}


def test_json_record_gate_and_fingerprint(failing: tuple[Any, dict[str, Any]], repo: Path) -> None:
    datasets = {d["dataset"]: d for d in failing[1]["datasets"]}
    assert {n: d["row_count"] for n, d in datasets.items()} == ROWS
    for name, d in datasets.items():
        assert d["gate"]["passed"] is False
        assert sorted(d["gate"]["blocking"]) == sorted(c for c in set(PLANTED) | ERRORED if c.startswith(f"{name}."))
        assert d["error"] is None
    events = datasets["events"]["data"]
    assert (events["format"], len(events["files"])) == ("parquet", 7)
    assert datasets["orders"]["stewardship"]["recertify_by"] == "2037-06-30"
    amount_min = _by_id(failing[1])["orders.columns.amount.min"]
    assert amount_min["suite_line"] == 22
    assert len(amount_min["samples"]) == 5  # the default --samples


def test_json_is_written_atomically_next_to_nothing_else(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "run.json"
    code, _, _ = cli("run", "suites/orders.yml", "--json", out, cwd=repo)
    assert code == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["run.json"]
    _validate_record(json.loads(out.read_text(encoding="utf-8")))


def test_samples_flag_limits_samples(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    code, _, _ = cli("run", "examples/failing/orders.yml", "--samples", "2", "--json", out, cwd=repo)
    assert code == 1
    by_id = _by_id(json.loads(out.read_text(encoding="utf-8")))
    assert by_id["orders.columns.order_id.unique"]["samples"] == ["1", "390"]
    assert len(by_id["orders.columns.amount.min"]["samples"]) == 2


def test_as_of_is_recorded(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    code, _, _ = cli("run", "suites/orders.yml", "--as-of", "2026-11-26", "--json", out, cwd=repo)
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["as_of"] == "2026-11-26"


# --- console output -------------------------------------------------------------------------


def test_console_shows_failures_with_samples(failing: tuple[Any, dict[str, Any]]) -> None:
    lines = failing[0].stdout.splitlines()
    i = lines.index(
        "  FAIL   orders.columns.status.in_set               4 of 2,000 rows (0.20%) are not in the allowed set"
    )
    assert lines[i + 1] == "         samples: lost"
    assert "  SKIP   customers.columns.age.min                   skipped: column type is string, not int64" in lines
    assert "  orders: 42 passed, 1 skipped, 5 failed -> gate FAILED (5 failed (fail_on: error))" in lines


def test_quiet_shows_no_pass_lines(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, _ = cli("run", "examples/failing/", "--quiet", cwd=repo)
    assert code == 1
    lines = stdout.splitlines()
    assert not [line for line in lines if line.lstrip().startswith(("PASS", "SKIP"))]
    assert sum(line.lstrip().startswith("FAIL") for line in lines) == len(PLANTED)
    assert lines[-1].startswith("gate: FAILED")


def test_verbose_shows_expected_and_observed(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, _ = cli("run", "suites/orders.yml", "--verbose", cwd=repo)
    assert code == 0
    assert "         expected: >= 0   observed: 0   severity: error" in stdout.splitlines()


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}], ids=["pipe", "pipe-NO_COLOR"])
def test_no_ansi_escapes_when_not_a_terminal(cli_process: Callable[..., Any], repo: Path, env: dict[str, str]) -> None:
    code, stdout, stderr = cli_process("run", "examples/failing/", cwd=repo, env=env)
    assert code == 1
    assert "\x1b[" not in stdout + stderr


def _run_on_tty(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with its stdout on a pseudo-terminal; return (code, what the terminal got)."""
    master, slave = pty.openpty()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARDGATE_", "PANDERA_")) and k != "NO_COLOR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "stewardgate", *args], cwd=cwd, env={**base, **env},
        stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=300), b"".join(chunks).decode("utf-8")


@pytest.mark.subprocess
def test_colour_on_a_terminal_and_none_with_no_color(repo: Path) -> None:
    code, coloured = _run_on_tty(["run", "examples/failing/orders.yml"], repo, {})
    assert code == 1
    assert "\x1b[31mFAIL \x1b[0m" in coloured
    code, plain = _run_on_tty(["run", "examples/failing/orders.yml"], repo, {"NO_COLOR": "1"})
    assert code == 1
    assert "\x1b[" not in plain
    assert ANSI.sub("", coloured) == plain


# --- read-only commands ---------------------------------------------------------------------


def test_plan_lists_every_check_with_engine_and_line(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, stderr = cli("plan", "suites/orders.yml", cwd=repo)
    assert (code, stderr) == (0, "")
    lines = stdout.splitlines()
    assert lines[0] == "orders  (suites/orders.yml, 48 checks)"
    assert len(lines) == 49
    rows = {line.split()[0]: line for line in lines[1:]}
    assert rows["orders.columns.amount.max"].split()[1:3] == ["polars", "warn"]
    assert rows["orders.columns.amount.max"].endswith("[suites/orders.yml:22]")
    assert rows["orders.columns.order_id.type"].split()[1:3] == ["pandera", "error"]
    assert rows["orders.columns.email.regex"].endswith("[suites/orders.yml:20]")  # a continuation line
    assert rows["orders.schema.extra_columns"].endswith("[suites/orders.yml:27]")
    starts = {tuple(m.start(g) for g in (2, 3, 4)) for m in map(PLAN_ROW.match, lines[1:]) if m}
    assert len(starts) == 1, "engine, severity and reason start in the same column on every row"
    assert {"governance", "pandera", "polars"} <= {line.split()[1] for line in lines[1:]}


PLAN_ROW = re.compile(r"^  (\S+) +(\S+) +(\S+) +(\S)")


def test_plan_reads_no_data(cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path) -> None:
    make_suite(columns={"a": {"min": 0}}, path="not-there.parquet")
    code, stdout, _ = cli("plan", "suite.yml", cwd=tmp_path)
    assert code == 0
    assert (
        stdout.splitlines()[0] == "t  (suite.yml, 6 checks)"
    )  # min, required, extra columns, empty, schema drift, stamp_match


def test_checks_lists_every_check_type(cli: Callable[..., Any], repo: Path) -> None:
    from stewardgate.checks.registry import all_checks

    code, stdout, stderr = cli("checks", cwd=repo)
    assert (code, stderr) == (0, "")
    names = [line.split()[1] for line in stdout.splitlines()]
    assert names == [c.name for c in all_checks()]
    assert (
        len(names) == 48
    )  # 16 column and schema rules, 8 governance checks, 1 waiver check, 3 drift checks, 1 lineage check, 10 access checks,
    # 6 reconcile checks, 3 freshness limits
    assert (
        "columns     min                     Every non-null value must be >= this bound (a number, a date or a datetime)."
        in stdout.splitlines()
    )
    assert len({line.index(line.split()[1]) for line in stdout.splitlines()}) == 1  # names line up, "governance" too


def test_checks_shows_one_check(cli: Callable[..., Any], repo: Path) -> None:
    from stewardgate.checks.registry import REGISTRY, all_checks

    all_checks()
    c = REGISTRY["min"]
    code, stdout, stderr = cli("checks", "min", cwd=repo)
    assert (code, stderr) == (0, "")
    assert stdout == f"min  (section: columns, engine: {c.engine})\n\n{c.doc}\n"
    assert "order_ts: {min: 2020-01-01}" in stdout


def test_checks_unknown_name_exits_2(cli: Callable[..., Any], repo: Path) -> None:
    code, out, err = cli("checks", "mni", cwd=repo)
    assert (code, out) == (2, "") and err.startswith(
        "error: no check type 'mni' (did you mean 'min'? allowed: access_baseline, access_declared, "
    )


def test_schema_prints_the_suite_schema(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    from stewardgate.suite.json_schema import suite_json_schema

    code, stdout, stderr = cli("schema", cwd=repo)
    assert (code, stderr) == (0, "")
    assert json.loads(stdout) == suite_json_schema()
    out = tmp_path / "schema.json"
    code, stdout, _ = cli("schema", "-o", out, cwd=repo)
    assert (code, stdout) == (0, "")
    assert json.loads(out.read_text(encoding="utf-8")) == suite_json_schema()


def test_version(cli: Callable[..., Any], repo: Path) -> None:
    assert tuple(cli("--version", cwd=repo)) == (0, f"stewardgate, version {__version__}\n", "")


def test_help_names_the_exit_codes(cli: Callable[..., Any], repo: Path) -> None:
    code, stdout, _ = cli("--help", cwd=repo)
    assert code == 0
    assert "Exit codes: 0 gate passed · 1 gate failed · 2 invalid input" in stdout


# --- settings through the CLI ---------------------------------------------------------------


def _samples_seen(cli: Callable[..., Any], folder: Path, *flags: str, env: dict[str, str] | None = None) -> int:
    out = folder / "run.json"
    code, _, stderr = cli("run", "suite.yml", "--json", out, *flags, cwd=folder, env=env)
    assert code == 1, stderr
    (result,) = [
        r for d in json.loads(out.read_text(encoding="utf-8"))["datasets"] for r in d["results"] if r["check"] == "min"
    ]
    return len(result["samples"])


def test_settings_precedence_pyproject_env_flag(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    import polars as pl

    make_suite(data=pl.DataFrame({"a": [-1, -2, -3, -4, -5, -6, -7, -8]}), columns={"a": {"min": 0}})
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")  # stops the search upwards
    assert _samples_seen(cli, tmp_path) == 5  # the default
    (tmp_path / "pyproject.toml").write_text("[tool.stewardgate]\nsamples = 3\n", encoding="utf-8")
    assert _samples_seen(cli, tmp_path) == 3
    assert _samples_seen(cli, tmp_path, env={"STEWARDGATE_SAMPLES": "4"}) == 4
    assert _samples_seen(cli, tmp_path, "--samples", "6", env={"STEWARDGATE_SAMPLES": "4"}) == 6


def test_a_bad_setting_exits_2_naming_the_layer(
    cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    make_suite(columns={"a": {}}, path="nowhere.parquet")
    code, stdout, stderr = cli("run", "suite.yml", cwd=tmp_path, env={"STEWARDGATE_SAMPLES": "many"})
    assert (code, stdout) == (2, "")
    assert (
        stderr
        == "error: environment: STEWARDGATE_SAMPLES: input should be a valid integer, unable to parse string as an integer (got 'many')\n"
    )


# --- the environment cannot switch checks off -----------------------------------------------


def _failing_suites_on(engine: str, repo: Path, folder: Path) -> Path:
    """``examples/failing`` as it is (auto), or a copy that forces ``engine: pandera``."""
    if engine == "auto":
        return repo / "examples" / "failing"
    folder.mkdir(parents=True, exist_ok=True)
    for suite in (repo / "examples" / "failing").glob("*.yml"):
        text = suite.read_text(encoding="utf-8").replace("path: ../../sample_data/", f"path: {repo / 'sample_data'}/")
        (folder / suite.name).write_text(text + "engine: pandera\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ["auto", "pandera"])
@pytest.mark.parametrize(
    "env",
    [{"PANDERA_VALIDATION_ENABLED": "False"}, {"PANDERA_VALIDATION_DEPTH": "SCHEMA_ONLY"}],
    ids=["validation-disabled", "schema-only"],
)
def test_pandera_environment_cannot_switch_checks_off(
    cli_process: Callable[..., Any], repo: Path, tmp_path: Path, failing: tuple[Any, dict[str, Any]],
    env: dict[str, str], engine: str,
) -> None:  # fmt: skip
    suites = _failing_suites_on(engine, repo, tmp_path / "suites")
    out = tmp_path / "run.json"
    code, _, stderr = cli_process("run", suites, "--json", out, cwd=repo, env=env)
    assert (code, stderr) == (1, "")
    assert _verdicts(json.loads(out.read_text(encoding="utf-8"))) == _verdicts(failing[1])
