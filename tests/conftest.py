"""Shared fixtures of the core tests: repository paths, a real-subprocess CLI runner, suite writers.

Helpers are reached through fixtures (``cli``, ``repo``, ``make_suite``, ``suite_writer``), never
by ``import conftest``: several folders have a ``conftest.py`` and pytest swaps them in and out
of ``sys.modules``.

Paths come from ``Path(__file__).parent``; no test changes the working directory. The CLI is
run with an explicit ``cwd`` and a scrubbed environment (no ``STEWARDGATE_*``, ``PANDERA_*`` or
``NO_COLOR`` leaks in from the caller), in one of two ways with one interface:

- ``cli``: in this process through click's ``CliRunner`` (milliseconds, not the second or two a
  new interpreter takes to import polars and pandera). It is the one place that sets the working
  directory, for the call only, as a child process would have it; an exception the command line
  does not handle fails the test (it would have been a traceback).
- ``cli_process``: ``python -m stewardgate`` in a real child process, for what only a process
  shows: exit codes as the shell sees them, signals, the environment, what ``--help`` imports,
  running under ``setpriv``. These tests are marked ``subprocess``.

Markers are added here by folder and by fixture (see :func:`pytest_collection_modifyitems`) so
the quick lane (docs/testing.md) can leave out what needs a JVM, a browser, a database or a child
process.

No test reads the clock: the child's environment pins ``STEWARDGATE_AS_OF`` to :data:`AS_OF`
(the day the sample data was taken), so every date-relative check (retention, recertification,
waiver expiry, ``{as_of}`` paths) gives the same verdict on any day; ``--as-of`` or an ``env``
entry overrides it. In-process runs pass ``RunOptions(as_of=...)`` themselves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--corpora DIR``: the corpora folder of the conformance tests (see tests/conformance/conftest.py)."""
    parser.addoption(
        "--corpora",
        metavar="DIR",
        default=None,
        help="folder holding gx-test-definitions/ and odcs-examples/ for tests/conformance "
        "(default: $STEWARDGATE_CORPORA; without either they are not run)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test by what it needs: its folder (:data:`FOLDER_MARKS`) and fixtures (:data:`FIXTURE_MARKS`).

    A test that needs something no folder or fixture shows (a subprocess of its own, Chromium)
    carries the marker itself; the markers are registered in pyproject.toml.
    """
    for item in items:
        folder = Path(item.path).relative_to(TESTS).parts[0]
        names = [*FOLDER_MARKS.get(folder, ()), *(m for f, m in FIXTURE_MARKS.items() if f in item.fixturenames)]
        for name in dict.fromkeys(names):
            if item.get_closest_marker(name) is None:
                item.add_marker(name)


TESTS = Path(__file__).parent
FOLDER_MARKS: dict[str, tuple[str, ...]] = {"spark": ("spark",), "test_s3_isolated.py": ("s3", "subprocess")}
FIXTURE_MARKS: dict[str, str] = {"cli_process": "subprocess", "pg_schema": "postgres", "spark": "spark"}
REPO = TESTS.parent
SUITES = REPO / "suites"
FAILING = REPO / "examples" / "failing"
SAMPLE_DATA = REPO / "sample_data"

AS_OF = "2026-11-27"
_SCRUBBED_PREFIXES = ("STEWARDGATE_", "PANDERA_")
_SCRUBBED_NAMES = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")


@dataclass(frozen=True)
class CliResult:
    """What one CLI invocation did: exit code and both output streams (text)."""

    code: int
    stdout: str
    stderr: str

    def __iter__(self):  # type: ignore[no-untyped-def]
        """Unpack as ``code, stdout, stderr``."""
        return iter((self.code, self.stdout, self.stderr))


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without stewardgate/pandera/colour settings, the pinned as-of date, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES) and k not in _SCRUBBED_NAMES}
    env["STEWARDGATE_AS_OF"] = AS_OF
    env.update(extra or {})
    return env


def run_cli(
    *args: str | os.PathLike[str],
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    prefix: tuple[str, ...] = (),
) -> CliResult:
    """Run ``python -m stewardgate ARGS`` in a real subprocess; return (code, stdout, stderr).

    ``prefix`` runs it through another program, e.g. ``setpriv`` to drop root's privileges.
    """
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "stewardgate", *map(str, args)],
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def invoke_cli(
    *args: str | os.PathLike[str],
    cwd: Path = REPO,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    prefix: tuple[str, ...] = (),
) -> CliResult:
    """Run the command line in this process as :func:`run_cli` runs it in a child; return (code, stdout, stderr).

    The environment is scrubbed and pinned as for the child (``CliRunner`` restores it after the
    call) and the working directory is ``cwd`` for the call only. ``timeout`` is accepted for the
    same signature and not enforced; ``prefix`` needs a real process (use ``cli_process``).
    """
    from click.testing import CliRunner

    from stewardgate.cli import cli as command_line

    if prefix:
        raise ValueError(f"running under {prefix[0]} needs a real process: use the cli_process fixture")
    overrides: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(_SCRUBBED_PREFIXES) or k in _SCRUBBED_NAMES
    }
    overrides.update({"STEWARDGATE_AS_OF": AS_OF, **(env or {})})
    before = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            command_line, [str(a) for a in args], env=overrides, prog_name="stewardgate", catch_exceptions=False
        )
    finally:
        os.chdir(before)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="session")
def cli() -> Callable[..., CliResult]:
    """The in-process CLI runner (see :func:`invoke_cli`): ``cli(*args, cwd=..., env=...)``."""
    return invoke_cli


@pytest.fixture
def workers_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--parallel`` hands every dataset to its workers at once, for tests of the workers: a run
    of a few small datasets is otherwise judged in the parent alone (stewardgate.parallelism)."""
    import stewardgate.parallelism

    monkeypatch.setattr(stewardgate.parallelism, "SERIAL_BUDGET_S", 0)


@pytest.fixture(scope="session")
def cli_process() -> Callable[..., CliResult]:
    """The subprocess CLI runner (see :func:`run_cli`), same interface as ``cli``; marks the test ``subprocess``."""
    return run_cli


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root (holds ``suites/``, ``examples/``, ``sample_data/``)."""
    return REPO


# --- writing suites -------------------------------------------------------------------------


def to_yaml(value: Any) -> str:
    """Flow-style YAML for plain data, keeping key order, dates and datetimes as YAML timestamps.

    Strings are JSON-quoted (valid YAML double-quoted scalars), so nothing is re-typed by the
    YAML reader; dates and datetimes are written unquoted so they load as timestamps again.
    """
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {to_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(to_yaml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value))


def suite_text(
    *,
    name: str = "t",
    path: str = "data.parquet",
    columns: Mapping[str, Any] | None = None,
    schema: Mapping[str, Any] | None = None,
    gate: Mapping[str, Any] | None = None,
    dataset_extra: Mapping[str, Any] | None = None,
    stewardship_extra: Mapping[str, Any] | None = None,
    top: Mapping[str, Any] | None = None,
) -> str:
    """A complete, valid suite as YAML text (block style at the top, flow style below).

    ``top`` adds further top-level keys (``engine: pandera``, ``waivers: [...]``...).
    """
    dataset = {
        "name": name,
        **({"path": path} if path is not None else {}),
        **(dataset_extra or {}),
    }  # None: a SQL table
    stewardship = {"owner": "owner@example.com", "steward": "steward@example.com", **(stewardship_extra or {})}
    lines = [
        "version: 1",
        f"dataset: {to_yaml(dataset)}",
        f"stewardship: {to_yaml(stewardship)}",
    ]
    if columns is not None and not columns:
        lines.append("columns: {}")
    elif columns is not None:
        lines.append("columns:")
        lines.extend(f"  {json.dumps(col)}: {to_yaml(spec)}" for col, spec in columns.items())
    if schema is not None:
        lines.append(f"schema: {to_yaml(schema)}")
    if gate is not None:
        lines.append(f"gate: {to_yaml(gate)}")
    lines.extend(f"{key}: {to_yaml(value)}" for key, value in (top or {}).items())
    return "\n".join(lines) + "\n"


def write_suite(
    folder: Path,
    *,
    data: Any = None,
    data_name: str = "data.parquet",
    suite_name: str = "suite.yml",
    **suite_kw: Any,
) -> Path:
    """Write ``data`` (a polars DataFrame, or bytes/str written as they are) and a suite for it.

    Returns the suite's path. ``suite_kw`` goes to :func:`suite_text`; ``path`` defaults to
    ``data_name``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if data is not None:
        target = folder / data_name
        if isinstance(data, bytes):
            target.write_bytes(data)
        elif isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        elif data_name.endswith(".csv"):
            data.write_csv(target)
        else:
            data.write_parquet(target)
    suite_kw.setdefault("path", data_name)
    suite = folder / suite_name
    suite.write_text(suite_text(**suite_kw), encoding="utf-8")
    return suite


@pytest.fixture(scope="session")
def suite_writer() -> Callable[..., Path]:
    """:func:`write_suite` itself, for module-scoped fixtures: ``suite_writer(folder, data=..., ...)``."""
    return write_suite


@pytest.fixture
def make_suite(tmp_path: Path) -> Callable[..., Path]:
    """``make_suite(data=df, columns={...}, schema={...})`` writes data and suite into tmp_path."""

    def make(**kw: Any) -> Path:
        return write_suite(kw.pop("folder", tmp_path), **kw)

    return make


# --- PostgreSQL ------------------------------------------------------------------------------

PG_URL = os.environ.get("STEWARDGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema, dropped (with everything in it) after the test.

    The server at 127.0.0.1:5432 runs on every machine of this project and in CI: a test that
    needs it fails, never skips, when it cannot be reached.
    """
    name = f"sgtest_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    except sa.exc.OperationalError as err:
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}: {err.orig}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


# --- the plan is the run --------------------------------------------------------------------


def _owner(result_id: str, planned: list[Any]) -> Any:
    """The planned check a result belongs to: its own id, or the id it expands (``drift.schema``
    into one result per change, ``personal_data`` into one per column, ``distribution.*`` into
    one per column)."""
    for p in planned:
        stem = p.check_id[:-1] if p.check_id.endswith(".*") else f"{p.check_id}."
        if result_id == p.check_id or result_id.startswith(stem):
            return p
    return None


def _assert_plan_is_the_run(planned: list[Any], results: Any) -> None:
    """Every result is a planned check, run by its planned executor; every planned check that
    always reports has a result (a ``when`` check reports only when its condition holds)."""
    owners = {r.check_id: _owner(r.check_id, planned) for r in results}
    assert [rid for rid, p in owners.items() if p is None] == [], "results the plan did not show"
    assert [(r.check_id, r.engine, owners[r.check_id].engine) for r in results
            if r.engine != owners[r.check_id].engine] == []  # fmt: skip
    reported = {p.check_id for p in owners.values() if p is not None}
    assert [p.check_id for p in planned if p.when is None and p.check_id not in reported] == [], "planned, never run"


@pytest.fixture(scope="session")
def plan_is_the_run() -> Callable[[list[Any], Any], None]:
    """``plan_is_the_run(planned, results)``: every result is a planned check run by its planned
    executor, and every planned check that always reports has a result."""
    return _assert_plan_is_the_run
