"""Stamping stewardship into data: Parquet footers (single file, partitioned folder), CSV and
NDJSON sidecars, a file that already carries other metadata, and crashes half-way."""

from __future__ import annotations

import json
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
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stewardgate.errors import DatasetError
from stewardgate.governance import stamp
from stewardgate.governance.inspect import inspect_dataset, parse_stamp
from stewardgate.governance.stamp import stamp_suite
from stewardgate.suite.loader import load_suite

AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
STEWARDSHIP = {"owner": "sales@example.com", "steward": "jane@example.com", "classification": "confidential"}
HERE = Path(__file__).parent


def _table(n: int = 10) -> pa.Table:
    return pa.table({
        "id": pa.array(range(n), pa.int64()),
        "email": pa.array([f"u{i}@example.com" if i % 4 else None for i in range(n)]),
        "amount": pa.array([i * 1.5 for i in range(n)], pa.float64()),
        "ts": pa.array([datetime(2026, 1, 1 + i % 28, tzinfo=UTC) for i in range(n)], pa.timestamp("us", "UTC")),
        "tags": pa.array([[f"t{i}"] * (i % 3) for i in range(n)], pa.list_(pa.string())),
    })  # fmt: skip


def _write_parquet(path: Path, *, metadata: dict[bytes, bytes] | None = None, row_group_size: int = 3) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = _table()
    if metadata:
        table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, row_group_size=row_group_size, compression="zstd")


def _footer(path: Path) -> dict[str, Any]:
    """Everything about a Parquet file that stamping must keep."""
    pf = pq.ParquetFile(path)
    with pf:
        md = pf.metadata
        return {
            "data": pl.read_parquet(path),
            "arrow_schema": pf.schema_arrow.remove_metadata(),
            "parquet_schema": md.schema.to_arrow_schema().remove_metadata(),
            "parquet_columns": [
                (md.schema.column(j).path, md.schema.column(j).physical_type, str(md.schema.column(j).logical_type))
                for j in range(md.num_columns)
            ],
            "row_groups": [md.row_group(i).num_rows for i in range(md.num_row_groups)],
            "other": {k: v for k, v in (md.metadata or {}).items() if k not in (b"stewardgate", b"ARROW:schema")},
            "stamp": (md.metadata or {}).get(b"stewardgate"),
        }


def _assert_unchanged_but_stamped(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    assert after["data"].equals(before["data"])
    for key in ("arrow_schema", "parquet_schema", "parquet_columns", "row_groups", "other"):
        assert after[key] == before[key], key
    assert after["stamp"] is not None
    return parse_stamp(after["stamp"])


def _suite(folder: Path, path: str, suite_writer: Callable[..., Path], **kw: Any) -> Path:
    return suite_writer(folder, path=path, name="orders", stewardship_extra={**STEWARDSHIP, **kw})


def test_single_parquet_file_with_other_metadata(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    data = tmp_path / "orders.parquet"
    _write_parquet(data, metadata={b"lineage": b"crm-export v3", b"owner_note": "naïve ünïcode".encode()})
    before = _footer(data)
    assert before["row_groups"] == [3, 3, 3, 1] and before["other"] == {
        b"lineage": b"crm-export v3",
        b"owner_note": "naïve ünïcode".encode(),
    }
    loaded = load_suite(_suite(tmp_path, "orders.parquet", suite_writer, risk_tier="high"))
    report = stamp_suite(loaded, at=AT)
    document = _assert_unchanged_but_stamped(before, _footer(data))
    assert [(f.path, f.where) for f in report.files] == [(data, "footer")]
    assert document == {
        "format": "stewardgate.stamp", "version": 1, "dataset": "orders",
        "stewardship": {**STEWARDSHIP, "retention": None, "risk_tier": "high", "description": None,
                        "recertify_by": None, "known_limitations": []},
        "suite": {"path": str(loaded.path), "sha256": loaded.sha256},
        "stamped_at": "2026-11-27T09:30:00Z", "tool_version": document["tool_version"],
    }  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.parquet", "suite.yml"]  # no temp file left


def test_stamping_again_replaces_the_stamp(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    data = tmp_path / "orders.parquet"
    _write_parquet(data)
    before = _footer(data)
    stamp_suite(load_suite(_suite(tmp_path, "orders.parquet", suite_writer)), at=AT)
    stamp_suite(load_suite(_suite(tmp_path, "orders.parquet", suite_writer, classification="restricted")), at=AT)
    after = _footer(data)
    assert list(pq.read_metadata(data).metadata).count(b"stewardgate") == 1
    assert _assert_unchanged_but_stamped(before, after)["stewardship"]["classification"] == "restricted"


def test_file_mode_is_kept(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    data = tmp_path / "orders.parquet"
    _write_parquet(data)
    data.chmod(0o640)
    stamp_suite(load_suite(_suite(tmp_path, "orders.parquet", suite_writer)), at=AT)
    assert data.stat().st_mode & 0o777 == 0o640


def test_partitioned_folder_every_file(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    root = tmp_path / "events"
    files = [root / f"day=2026-11-2{d}" / "part-0.parquet" for d in range(3)]
    for f in files:
        _write_parquet(f, metadata={b"writer": b"spark"})
    (root / "_SUCCESS").write_text("")
    before = {f: _footer(f) for f in files}
    report = stamp_suite(load_suite(_suite(tmp_path, "events", suite_writer)), at=AT)
    assert [f.path for f in report.files] == files
    for f in files:
        _assert_unchanged_but_stamped(before[f], _footer(f))
    found = inspect_dataset("events", base=tmp_path)
    assert len(found.groups) == 1 and found.groups[0].files == tuple(files)
    assert found.unstamped == () and (root / "_SUCCESS").read_text() == ""


@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("orders.csv", "id,email\n1,a@example.com\n2,b@example.com\n", "csv"),
    ("orders.ndjson", '{"id": 1, "email": "a@example.com"}\n{"id": 2, "email": null}\n', "ndjson"),
])  # fmt: skip
def test_text_formats_get_a_sidecar(
    tmp_path: Path, suite_writer: Callable[..., Path], name: str, text: str, fmt: str
) -> None:
    data = tmp_path / name
    data.write_text(text, encoding="utf-8")
    report = stamp_suite(load_suite(_suite(tmp_path, name, suite_writer)), at=AT)
    sidecar = tmp_path / f"{name}.stewardship.json"
    assert [(f.path, f.where, f.target) for f in report.files] == [(data, "sidecar", sidecar)]
    assert data.read_text(encoding="utf-8") == text  # the data file is not touched
    assert json.loads(sidecar.read_text(encoding="utf-8"))["stewardship"]["owner"] == "sales@example.com"
    found = inspect_dataset(name, base=tmp_path)
    assert (found.format, [g.stamp["dataset"] for g in found.groups]) == (fmt, ["orders"])


def test_a_crash_mid_write_leaves_the_old_file(
    tmp_path: Path, suite_writer: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "orders.parquet"
    _write_parquet(data, metadata={b"lineage": b"x"})
    original = data.read_bytes()

    def crash(index: int) -> None:
        if index == 1:
            raise OSError("disk full")

    monkeypatch.setattr(stamp, "after_row_group", crash)
    with pytest.raises(DatasetError) as caught:
        stamp_suite(load_suite(_suite(tmp_path, "orders.parquet", suite_writer)), at=AT)
    assert str(caught.value) == f"{data}: cannot rewrite the Parquet file: disk full"
    assert data.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.parquet", "suite.yml"]


@pytest.mark.subprocess
def test_a_killed_process_leaves_the_old_file(tmp_path: Path, suite_writer: Callable[..., Path]) -> None:
    folder = tmp_path / "orders"
    data = folder / "day=1" / "part-0.parquet"
    _write_parquet(data)
    original = data.read_bytes()
    suite = _suite(tmp_path, "orders", suite_writer)
    ready = tmp_path / "ready"
    child = subprocess.Popen([sys.executable, str(HERE / "stamp_worker.py"), str(suite), str(ready)])
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, "the worker ended before it was stopped"
            assert time.monotonic() < deadline, "the worker never reached the first row group"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert data.read_bytes() == original
    leftovers = [p.name for p in data.parent.iterdir() if p != data]
    assert len(leftovers) == 1 and leftovers[0].startswith(".part-0.parquet.") and leftovers[0].endswith(".tmp")
    found = inspect_dataset("orders", base=tmp_path)  # a hidden temp file is not part of the data
    assert [f.path for f in found.files] == [data] and found.unstamped == (data,)


def test_an_unreadable_stamp_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "a.csv.stewardship.json").write_text('{"format": "stewardgate.stamp", "version": 9}', encoding="utf-8")
    (f,) = inspect_dataset("a.csv", base=tmp_path).unreadable
    assert f.problem == "unreadable stamp: stamp version 9; this stewardgate reads version 1"
