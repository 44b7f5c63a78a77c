"""What a ``stamp`` killed with -9 leaves (issue 17 item 14).

Never a stamped file without an audit entry (the entry is committed before any file is
replaced), and no temporary file that outlives the next stamp.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.governance.inspect import inspect_dataset
from stewardgate.governance.stamp import stamp_suite
from stewardgate.suite.loader import load_suite

HERE = Path(__file__).parent


def _dataset(tmp_path: Path, make_suite: Callable[..., Path]) -> tuple[Path, list[Path]]:
    folder = tmp_path / "events"
    parts = [folder / f"day={d}" / "part-0.parquet" for d in (1, 2)]
    for i, part in enumerate(parts):
        part.parent.mkdir(parents=True)
        pl.DataFrame({"id": list(range(i * 10, i * 10 + 10))}).write_parquet(part, row_group_size=3)
    suite = make_suite(path="events", columns={"id": {"type": "int64"}})
    return suite, parts


def _kill_at(moment: str, suite: Path, store: Path, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    command = [
        sys.executable,
        str(HERE / "stamp_cli_worker.py"),
        moment,
        str(ready),
        str(suite),
        "--store",
        f"sqlite:///{store}",
    ]
    child = subprocess.Popen(command, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert child.poll() is None, "the worker ended before it was stopped"
            assert time.monotonic() < deadline, f"the worker never reached {moment}"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _audit_files(cli: Callable[..., Any], store: Path, tmp_path: Path) -> list[str]:
    import json

    code, out, err = cli(
        "audit", "log", "--kind", "stamp", "--format", "json", "--store", f"sqlite:///{store}", cwd=tmp_path
    )
    assert code == 0, err
    return [f for e in json.loads(out) for f in e["payload"]["files"]]


def _temps(parts: list[Path]) -> list[str]:
    return sorted(p.name for part in parts for p in part.parent.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.subprocess
@pytest.mark.parametrize("moment", ["row_group", "audit"])
def test_a_kill_never_leaves_a_stamped_file_without_an_audit_entry(
    moment: str, tmp_path: Path, make_suite: Callable[..., Path], cli: Callable[..., Any]
) -> None:  # fmt: skip
    suite, parts = _dataset(tmp_path, make_suite)
    store = tmp_path / "history.db"
    originals = [p.read_bytes() for p in parts]
    _kill_at(moment, suite, store, tmp_path)
    stamped = [
        f.path
        for f in inspect_dataset("events", base=tmp_path).files
        if f.path not in inspect_dataset("events", base=tmp_path).unstamped
    ]
    recorded = _audit_files(cli, store, tmp_path) if store.exists() else []
    assert all(str(p) in recorded for p in stamped), (stamped, recorded)
    assert [p.read_bytes() for p in parts] == originals  # killed before the entry: nothing replaced


@pytest.mark.subprocess
@pytest.mark.parametrize("moment", ["row_group", "audit"])
def test_stamping_again_after_a_kill_leaves_no_temporary_file(
    moment: str, tmp_path: Path, make_suite: Callable[..., Path], cli: Callable[..., Any]
) -> None:  # fmt: skip
    suite, parts = _dataset(tmp_path, make_suite)
    store = tmp_path / "history.db"
    _kill_at(moment, suite, store, tmp_path)
    assert _temps(parts)  # the kill left its temporary files...
    code, out, err = cli("stamp", suite, "--store", f"sqlite:///{store}", cwd=tmp_path)
    assert code == 0, err
    assert _temps(parts) == []  # ...and the next stamp removed them
    found = inspect_dataset("events", base=tmp_path)
    assert found.unstamped == () and len(found.files) == 2
    assert sorted(_audit_files(cli, store, tmp_path)) == sorted(
        str(p.relative_to(tmp_path)) if not p.is_absolute() else str(p) for p in parts
    )


def test_a_failing_record_changes_no_file(tmp_path: Path, make_suite: Callable[..., Path]) -> None:
    suite, parts = _dataset(tmp_path, make_suite)
    originals = [p.read_bytes() for p in parts]

    def refuse(_report: Any) -> None:
        raise RuntimeError("audit store refused")

    with pytest.raises(RuntimeError):
        stamp_suite(load_suite(suite), at=datetime(2026, 6, 1, tzinfo=UTC), record=refuse)
    assert [p.read_bytes() for p in parts] == originals
    assert _temps(parts) == []
