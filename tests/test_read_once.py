"""A CSV or NDJSON dataset is parsed once per run (``read_once``): into memory, or, above the
size limit, into an Arrow IPC file in a private temporary folder removed after the run. Proof
that the queries no longer parse the text: the text file is deleted inside the block and every
query still answers. A parse error is a DatasetError naming the file. A small Parquet table is
read into memory once too; a larger one streams as it is."""

from __future__ import annotations

import json
import stat
import tempfile
from pathlib import Path

import polars as pl
import pytest

from stewardgate.datasets import scan
from stewardgate.datasets.scan import open_dataset, read_once
from stewardgate.errors import DatasetError
from stewardgate.suite.models import DatasetSpec

DATA = pl.DataFrame({
    "id": list(range(1, 1001)),
    "kind": [("a", "b", None)[i % 3] for i in range(1000)],
    "amount": [i / 4 for i in range(1000)],
})  # fmt: skip


def _open(folder: Path, name: str) -> scan.ScannedDataset:
    return open_dataset(DatasetSpec(name="t", path=name), base=folder)  # type: ignore[call-arg]


def _write(folder: Path, fmt: str) -> Path:
    path = folder / f"data.{fmt}"
    DATA.write_csv(path) if fmt == "csv" else DATA.write_ndjson(path)
    return path


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``tempfile`` makes its folders during the test, so the test can look into it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_text_is_parsed_into_memory_once(tmp_path: Path, private_tmp: Path, fmt: str) -> None:
    path = _write(tmp_path, fmt)
    scanned = _open(tmp_path, path.name)
    assert scanned.known_rows is None
    with read_once(scanned) as parsed:
        path.unlink()  # every query from here on reads the parsed data, not the text
        assert parsed.known_rows == 1000
        assert parsed.frame.collect().equals(DATA)
        counts = parsed.frame.group_by("kind").agg(pl.len()).sort("kind", nulls_last=True).collect()
        assert counts.rows() == [("a", 334), ("b", 333), (None, 333)]
        assert list(private_tmp.iterdir()) == []  # small data: nothing written to disk
        assert parsed.polars_engine == "in-memory" and scanned.polars_engine == "streaming"  # queries run as suits each
    assert parsed.schema == scanned.schema and parsed.fingerprint == scanned.fingerprint


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_larger_text_is_read_once_into_a_private_ipc_file_removed_afterwards(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:  # fmt: skip
    monkeypatch.setattr(scan, "IN_MEMORY_BYTES", 0)
    path = _write(tmp_path, fmt)
    with read_once(_open(tmp_path, path.name)) as parsed:
        path.unlink()
        (folder,) = private_tmp.iterdir()
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert [f.suffix for f in folder.iterdir()] == [".arrow"]
        assert parsed.known_rows == 1000 and parsed.polars_engine == "streaming"  # a scan of the IPC file
        assert parsed.frame.select(pl.col("amount").sum()).collect().item() == DATA["amount"].sum()
    assert list(private_tmp.iterdir()) == []


def test_the_temporary_file_is_removed_when_the_run_fails(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    monkeypatch.setattr(scan, "IN_MEMORY_BYTES", 0)
    _write(tmp_path, "csv")
    with pytest.raises(RuntimeError, match="boom"), read_once(_open(tmp_path, "data.csv")):
        assert len(list(private_tmp.iterdir())) == 1
        raise RuntimeError("boom")
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("limit", [1 << 30, 0])
def test_a_parse_error_names_the_file_and_leaves_nothing_behind(
    tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:  # fmt: skip
    monkeypatch.setattr(scan, "IN_MEMORY_BYTES", limit)
    rows = "\n".join(str(i) for i in range(20_000))
    (tmp_path / "bad.csv").write_text(f"n\n{rows}\nnot-a-number\n")  # past the 10,000 rows of inference
    with pytest.raises(DatasetError) as err, read_once(_open(tmp_path, "bad.csv")):
        pass
    assert "bad.csv: cannot read the data:" in str(err.value)
    assert list(private_tmp.iterdir()) == []


def test_a_small_parquet_table_is_read_into_memory_once(tmp_path: Path) -> None:
    DATA.write_parquet(tmp_path / "d.parquet")
    scanned = _open(tmp_path, "d.parquet")
    with read_once(scanned) as parsed:
        (tmp_path / "d.parquet").unlink()
        assert parsed.known_rows == 1000 and parsed.frame.collect().equals(DATA)
        assert parsed.polars_engine == "in-memory"


def test_a_parquet_table_within_the_memory_budget_is_read_into_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan, "SMALL_ROWS", 999)
    DATA.write_parquet(tmp_path / "d.parquet")
    with read_once(_open(tmp_path, "d.parquet")) as parsed:
        (tmp_path / "d.parquet").unlink()
        assert parsed.frame.select(pl.len()).collect().item() == 1000
        assert parsed.polars_engine == "streaming"  # beyond SMALL_ROWS rows the streaming engine is faster


def test_without_the_profile_a_parquet_table_streams_as_it_is(tmp_path: Path) -> None:
    DATA.write_parquet(tmp_path / "d.parquet")
    scanned = _open(tmp_path, "d.parquet")
    with read_once(scanned, profiled=False) as parsed:
        assert parsed is scanned
    _write(tmp_path, "csv")
    with read_once(_open(tmp_path, "data.csv"), profiled=False) as parsed:  # text is parsed once all the same
        (tmp_path / "data.csv").unlink()
        assert parsed.known_rows == 1000


def test_a_larger_parquet_table_streams_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan, "SMALL_ROWS", 999)
    monkeypatch.setattr(scan, "MEMORY_BUDGET", 10_000)  # the 1,000 rows decode to about 16.7 kB
    DATA.write_parquet(tmp_path / "d.parquet")
    scanned = _open(tmp_path, "d.parquet")
    with read_once(scanned) as parsed:
        assert parsed is scanned


def test_a_run_on_csv_judges_and_profiles_as_on_parquet(tmp_path: Path, cli, suite_writer) -> None:  # type: ignore[no-untyped-def]
    records = {}
    for fmt in ("parquet", "csv"):
        columns = {"id": {"unique": True, "min": 2}, "kind": {"in_set": ["a"]}, "amount": {"max": 100}}
        suite_writer(tmp_path, data=DATA, data_name=f"d.{fmt}", suite_name=f"{fmt}.yml", columns=columns)
        store = f"sqlite:///{tmp_path}/{fmt}.db"
        code, _, err = cli("run", f"{fmt}.yml", "--json", f"{fmt}.json", "--quiet", "--store", store, cwd=tmp_path)
        assert code == 1, err
        (run,) = json.loads((tmp_path / f"{fmt}.json").read_text())["datasets"]
        records[fmt] = run
    csv, parquet = records["csv"], records["parquet"]
    assert [(r["check_id"], r["status"], r.get("failing_count")) for r in csv["results"]] == [
        (r["check_id"], r["status"], r.get("failing_count")) for r in parquet["results"]
    ]
    assert csv["profile"] == parquet["profile"]
    assert {r["check_id"]: r.get("failing_count") for r in csv["results"]}["t.columns.amount.max"] == 599
