"""A store that cannot be written (issue 17 item 16): what was judged is printed and written,
then exit 2, never a silent pass and never nothing.

Read-only is tried two ways: a SQLite file and folder without write permission (run without
root's override, as CI runs as root), and a PostgreSQL session that may only read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
AS_OF = "2026-06-01"


def _suite(make_suite: Callable[..., Path]) -> Path:
    data = pl.DataFrame({"id": [1, 2, 3], "x": [1.0, 2.0, -1.0]})
    return make_suite(data=data, columns={"id": {"type": "int64", "unique": True}, "x": {"type": "float64", "min": 0}})


def _run(
    folder: Path, *args: str, prefix: list[str] | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [*(prefix or []), sys.executable, "-m", "stewardgate", "run", "suite.yml", "--as-of", AS_OF, *args]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("STEWARDGATE_")} | (env or {})
    return subprocess.run(command, cwd=folder, env=environ, capture_output=True, text=True, timeout=300, check=False)


def _assert_judged_then_exit_2(proc: subprocess.CompletedProcess[str], folder: Path) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "FAIL   t.columns.x.min" in proc.stdout  # the verdicts were printed
    assert proc.stdout.rstrip().splitlines()[-1] == (
        "gate: NOT RECORDED (judged: 1 of 1 datasets blocked; the history store refused the write; exit 2)"
    )
    assert "PASSED" not in proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot ")
    assert errors[0].endswith("the results above were judged but not recorded (1 of 1 dataset runs not stored: t)")
    record = json.loads((folder / "run.json").read_text())  # the report was written
    assert [d["dataset"] for d in record["datasets"]] == ["t"]
    assert (folder / "run.md").read_text().startswith("## ")


@pytest.mark.subprocess
def test_a_read_only_sqlite_store_prints_and_writes_what_was_judged(
    make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    _suite(make_suite)
    first = _run(tmp_path, "--as-of", "2026-05-31")
    assert first.returncode == 1, first.stderr
    db = tmp_path / ".stewardgate" / "history.db"  # the default store, in the working folder
    db.chmod(0o444)
    proc = _run(tmp_path, "--json", "run.json", "--markdown", "run.md", prefix=NO_OVERRIDE)
    _assert_judged_then_exit_2(proc, tmp_path)
    assert "attempt to write a readonly database" in proc.stderr


@pytest.mark.subprocess
def test_a_store_folder_that_cannot_be_read_fails_the_dataset_and_exits_2(
    make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    """SQLite cannot even read (its WAL files cannot be made): the drift check's history is
    unreadable, so the dataset cannot be checked; still shown, still written, exit 2."""
    _suite(make_suite)
    assert _run(tmp_path, "--as-of", "2026-05-31").returncode == 1
    store = tmp_path / ".stewardgate"
    for p in store.iterdir():
        p.chmod(0o444)
    store.chmod(0o555)
    try:
        proc = _run(tmp_path, "--json", "run.json", prefix=NO_OVERRIDE)
    finally:
        store.chmod(0o755)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "  ERROR  cannot open the history store at sqlite:///" in proc.stdout, proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("gate: NOT RECORDED (judged: 1 of 1 datasets blocked;")
    assert json.loads((tmp_path / "run.json").read_text())["datasets"][0]["error"].startswith(
        "cannot open the history store"
    )


@pytest.mark.subprocess
def test_a_read_only_postgresql_store_prints_and_writes_what_was_judged(
    make_suite: Callable[..., Path], tmp_path: Path, pg_schema: str
) -> None:  # fmt: skip
    from urllib.parse import quote

    _suite(make_suite)
    base = os.environ.get("STEWARDGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    writable = f"{base}?options={quote(f'-csearch_path={pg_schema}')}"
    assert _run(tmp_path, "--store", writable).returncode == 1
    read_only = f"{base}?options={quote(f'-csearch_path={pg_schema} -cdefault_transaction_read_only=on')}"
    proc = _run(tmp_path, "--store", read_only, "--json", "run.json", "--markdown", "run.md")
    _assert_judged_then_exit_2(proc, tmp_path)
    assert "read-only transaction" in proc.stderr


@pytest.mark.subprocess
def test_an_unreachable_store_fails_the_dataset_shows_it_and_exits_2(
    make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    """The schema-drift baseline cannot be read: the dataset cannot be checked, and says so."""
    _suite(make_suite)
    proc = _run(tmp_path, "--store", "postgresql://sg@127.0.0.1:1/test", "--json", "run.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "  ERROR  cannot open the history store at postgresql+psycopg://sg@127.0.0.1:1/test" in proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].startswith("gate: NOT RECORDED (judged: 1 of 1 datasets blocked;")
    assert json.loads((tmp_path / "run.json").read_text())["datasets"][0]["gate"]["passed"] is False


def test_the_library_raises_with_the_judged_run(make_suite: Callable[..., Path], tmp_path: Path) -> Any:
    import pytest

    from stewardgate.errors import UnrecordedRunError
    from stewardgate.runner import RunOptions, run_paths

    suite = _suite(make_suite)
    options = RunOptions(use_store=True, store_url="postgresql://sg@127.0.0.1:1/test", as_of=None)
    with pytest.raises(UnrecordedRunError) as caught:
        run_paths([suite], options)
    assert [d.dataset for d in caught.value.run.datasets] == ["t"]
    assert caught.value.exit_code == 2
