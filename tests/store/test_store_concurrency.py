"""Two processes writing at once, and a process killed in the middle of a write.

The child processes run ``store_worker.py`` (next to this file) with this interpreter.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tests.store.store_testkit import StoreSpec, make_run, row_counts, save

pytestmark = pytest.mark.subprocess

WORKER = Path(__file__).parent / "store_worker.py"
COUNT = 15


def _start(spec: StoreSpec, folder: Path, **args: object) -> subprocess.Popen[bytes]:
    payload = json.dumps({"spec": spec.to_json(), "dir": str(folder), **args})
    return subprocess.Popen([sys.executable, str(WORKER), payload], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"worker ended early ({proc.returncode}): {err.decode()}")
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.01)


def _finish(proc: subprocess.Popen[bytes]) -> None:
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()


def test_two_processes_writing_at_once_both_land(spec: StoreSpec, tmp_path: Path) -> None:
    spec.open().close()  # both workers find the tables ready... and race on everything else
    workers = {name: _start(spec, tmp_path, mode="write", name=name, count=COUNT) for name in "ab"}
    for name, proc in workers.items():
        _wait_for(tmp_path / f"ready-{name}", proc)
    (tmp_path / "go").touch()
    for proc in workers.values():
        _finish(proc)
    with spec.open() as store:
        for name in "ab":
            assert len(store.metric_series(name, "row_count")) == COUNT
            assert all(row_counts(spec, f"{name}-{i}") == _FULL for i in range(COUNT))
        shared = store.runs("shared", limit=None)
        assert len(shared) == 2 * COUNT
        for day in {r.as_of for r in shared}:  # each day: one run counts, the other is replaced
            pair = [r for r in shared if r.as_of == day]
            assert sorted((r.is_rerun, r.superseded_by is None) for r in pair) == [
                (False, False),
                (True, True),
            ]
        assert len(store.metric_series("shared", "row_count")) == COUNT
        assert {e.dataset for e in store.catalog()} == {"a", "b", "shared"}


def test_processes_creating_a_new_store_at_once(spec: StoreSpec, tmp_path: Path) -> None:
    names = ("a", "b", "c")
    workers = {name: _start(spec, tmp_path, mode="open-write", name=name, count=1) for name in names}
    for name, proc in workers.items():
        _wait_for(tmp_path / f"ready-{name}", proc)
    (tmp_path / "go").touch()
    for proc in workers.values():
        _finish(proc)
    with spec.open() as store:
        assert len(store.runs()) == 2 * len(names)  # <name>-0 and shared-<name>-0 each


def test_a_process_killed_inside_its_write_leaves_no_rows(spec: StoreSpec, tmp_path: Path) -> None:
    with spec.open() as store:
        save(store, make_run("orders"), "before", date(2025, 2, 28))
    proc = _start(spec, tmp_path, mode="hang", name="orders")
    try:
        _wait_for(tmp_path / "inside", proc)
        assert row_counts(spec, "orders-hung") == _NONE  # not visible while uncommitted
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert row_counts(spec, "orders-hung") == _NONE
    with spec.open() as store:
        assert [e.last_run_id for e in store.catalog()] == ["before"]
        save(store, make_run("orders"), "after", date(2025, 3, 1))  # the store is usable again
        assert [r.run_id for r in store.runs()] == ["after", "before"]
    assert row_counts(spec, "after") == _FULL


_FULL = {"sg_runs": 1, "sg_results": 2, "sg_metric_values": 2, "sg_schema_snapshots": 1}
_NONE = dict.fromkeys(_FULL, 0)
