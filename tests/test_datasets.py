"""Opening datasets: a file, a glob, a hive folder (partition column added), CSV options, and
the fingerprint that says what was read. Unreadable data is a DatasetError naming the path."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from stewardgate.datasets.resolve import resolve
from stewardgate.datasets.scan import collect, fingerprint, open_dataset
from stewardgate.errors import DatasetError
from stewardgate.suite.models import CsvOptions, DatasetSpec

SAMPLE_DATA = Path(__file__).parent.parent / "sample_data"


def spec(path: str, **kw: object) -> DatasetSpec:
    return DatasetSpec(name="t", path=path, **kw)  # type: ignore[arg-type]


def read(path: str, base: Path, **kw: object) -> pl.DataFrame:
    return collect(open_dataset(spec(path, **kw), base=base))


# --- layouts --------------------------------------------------------------------------------


def test_a_parquet_file(tmp_path: Path) -> None:
    pl.DataFrame({"a": [1, 2], "b": ["x", None]}).write_parquet(tmp_path / "d.parquet")
    scanned = open_dataset(spec("d.parquet"), base=tmp_path)
    assert (scanned.resolved.format, scanned.resolved.files, scanned.resolved.hive_root) == (
        "parquet", (tmp_path / "d.parquet",), None,
    )  # fmt: skip
    assert dict(scanned.schema) == {"a": pl.Int64, "b": pl.String}
    assert collect(scanned).to_dict(as_series=False) == {"a": [1, 2], "b": ["x", None]}


def test_a_path_relative_to_the_suite_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "suites").mkdir()
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "data" / "d.parquet")
    scanned = open_dataset(spec("../data/d.parquet"), base=tmp_path / "suites")
    assert scanned.resolved.files == (tmp_path / "data" / "d.parquet",)
    assert scanned.resolved.display == str(tmp_path / "data" / "d.parquet")


def test_a_glob(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    for i in range(3):
        pl.DataFrame({"a": [i, i]}).write_parquet(tmp_path / "parts" / f"p{i}.parquet")
    (tmp_path / "parts" / "notes.txt").write_text("not data", encoding="utf-8")
    scanned = open_dataset(spec("parts/*.parquet"), base=tmp_path)
    assert [f.name for f in scanned.resolved.files] == ["p0.parquet", "p1.parquet", "p2.parquet"]
    assert sorted(collect(scanned)["a"].to_list()) == [0, 0, 1, 1, 2, 2]


def test_a_hive_folder_adds_the_partition_column(tmp_path: Path) -> None:
    for day in ("2026-11-19", "2026-11-20"):
        folder = tmp_path / "events" / f"event_date={day}"
        folder.mkdir(parents=True)
        pl.DataFrame({"v": [1.0, 2.0]}).write_parquet(folder / "part-0.parquet")
    scanned = open_dataset(spec("events"), base=tmp_path)
    assert scanned.resolved.hive_root == tmp_path / "events"
    assert len(scanned.resolved.files) == 2
    assert scanned.schema["event_date"] == pl.Date
    df = collect(scanned)
    assert df.height == 4
    assert sorted(set(df["event_date"].to_list())) == [date(2026, 11, 19), date(2026, 11, 20)]


def test_a_hive_folder_written_by_spark_ignores_its_marker_and_checksum_files(tmp_path: Path) -> None:
    """The resolver skips hidden and ``_`` files (``_SUCCESS``, ``.part-0.parquet.crc``); the
    scan must read exactly the files it resolved, not the whole folder again."""
    for day in ("2026-11-19", "2026-11-20"):
        folder = tmp_path / "events" / f"event_date={day}"
        folder.mkdir(parents=True)
        pl.DataFrame({"v": [1.0, 2.0]}).write_parquet(folder / "part-0.parquet")
        (folder / ".part-0.parquet.crc").write_bytes(b"crc\x00\x00\x00\x01checksum")
    (tmp_path / "events" / "_SUCCESS").write_bytes(b"")
    scanned = open_dataset(spec("events"), base=tmp_path)
    assert len(scanned.resolved.files) == 2
    df = collect(scanned)
    assert (df.height, df.columns) == (4, ["v", "event_date"])


def test_the_sample_hive_dataset(tmp_path: Path) -> None:
    scanned = open_dataset(spec("events"), base=SAMPLE_DATA)
    assert list(scanned.schema) == ["event_id", "user_id", "event_type", "value", "ts", "event_date"]
    assert scanned.schema["ts"] == pl.Datetime("us", "UTC")
    df = collect(scanned)
    assert (df.height, df["value"].null_count()) == (2100, 105)


def test_a_plain_folder_of_files(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d" / "x.parquet")
    pl.DataFrame({"a": [2]}).write_parquet(tmp_path / "d" / "y.parquet")
    scanned = open_dataset(spec("d"), base=tmp_path)
    assert scanned.resolved.hive_root is None
    assert sorted(collect(scanned)["a"].to_list()) == [1, 2]


@pytest.mark.parametrize(
    ("name", "write", "fmt"),
    [
        ("d.ndjson", lambda df, p: df.write_ndjson(p), "ndjson"),
        ("d.arrow", lambda df, p: df.write_ipc(p), "ipc"),
        ("d.jsonl", lambda df, p: df.write_ndjson(p), "ndjson"),
    ],
)
def test_other_formats(tmp_path: Path, name: str, write: object, fmt: str) -> None:
    write(pl.DataFrame({"a": [1, 2]}), tmp_path / name)  # type: ignore[operator]
    scanned = open_dataset(spec(name), base=tmp_path)
    assert scanned.resolved.format == fmt
    assert collect(scanned)["a"].to_list() == [1, 2]


def test_a_declared_format_beats_the_extension(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("a,b\n1,2\n", encoding="utf-8")
    assert read("d.txt", tmp_path, format="csv").to_dict(as_series=False) == {"a": [1], "b": [2]}


# --- CSV options ----------------------------------------------------------------------------


def test_csv_default_parses_dates(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("id,day\n1,2026-01-02\n", encoding="utf-8")
    assert open_dataset(spec("d.csv"), base=tmp_path).schema == {"id": pl.Int64, "day": pl.Date}


def _lines(rows: int, value: object) -> str:
    return "".join(f"{i},{value(i) if callable(value) else value}\n" for i in range(rows))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("dates", lambda i: f"2026-01-{i % 28 + 1:02d}"),
        ("datetimes with a zone", lambda i: f"2026-01-02T03:04:{i % 60:02d}.123456+00:00"),
        ("naive datetimes", lambda i: f"2026-01-02 03:04:{i % 60:02d}"),
        ("text", lambda i: f"user{i}@example.com"),
        ("codes", lambda i: "NO" if i % 2 else "US"),
        ("numbers", lambda i: i * 1.5),
        ("a date column with text after row 5,000", lambda i: "unknown" if i == 5_000 else "2026-01-02"),
        ("a number column with text after row 1,000", lambda i: "n/a" if i == 5_000 else i),
        ("empty", lambda i: ""),
    ],
)
def test_csv_schema_is_polars_own_10000_row_inference_with_dates(tmp_path: Path, name: str, value: object) -> None:
    """The fast schema (types without dates, dates from the first 1,000 rows, checked on 10,000)
    is the one polars infers from 10,000 rows with date parsing, which takes 4x as long."""
    (tmp_path / "d.csv").write_text("id,v\n" + _lines(12_000, value), encoding="utf-8")
    polars_own = pl.scan_csv(tmp_path / "d.csv", try_parse_dates=True, infer_schema_length=10_000).collect_schema()
    assert open_dataset(spec("d.csv"), base=tmp_path).schema == dict(polars_own.items())


def test_csv_dates_after_1000_empty_rows_stay_text(tmp_path: Path) -> None:
    """The one difference from polars' 10,000-row inference, as documented in the scanner."""
    (tmp_path / "d.csv").write_text("id,v\n" + _lines(12_000, lambda i: "" if i < 1_000 else "2026-01-02"))
    assert open_dataset(spec("d.csv"), base=tmp_path).schema == {"id": pl.Int64, "v": pl.String}


def test_csv_declared_delimiter(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a;b\n1;x\n2;y\n", encoding="utf-8")
    df = read("d.csv", tmp_path, csv=CsvOptions(delimiter=";"))
    assert df.to_dict(as_series=False) == {"a": [1, 2], "b": ["x", "y"]}


def test_csv_tab_delimiter(tmp_path: Path) -> None:
    (tmp_path / "d.tsv").write_text("a\tb\n1\tx\n", encoding="utf-8")
    assert read("d.tsv", tmp_path, csv=CsvOptions(delimiter="\t")).columns == ["a", "b"]


def test_csv_null_values(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a,b\n1,NA\nNA,x\n-,y\n", encoding="utf-8")
    df = read("d.csv", tmp_path, csv=CsvOptions(null_values=["NA", "-"]))
    assert df.to_dict(as_series=False) == {"a": [1, None, None], "b": [None, "x", "y"]}


def test_csv_without_null_values_keeps_the_strings(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a,b\n1,NA\n", encoding="utf-8")
    assert read("d.csv", tmp_path)["b"].to_list() == ["NA"]


def test_csv_declared_latin1(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes("name,city\nJosé,Málaga\nZoë,Åre\n".encode("latin-1"))
    df = read("d.csv", tmp_path, csv=CsvOptions(encoding="latin-1"))
    assert df.to_dict(as_series=False) == {"name": ["José", "Zoë"], "city": ["Málaga", "Åre"]}


def test_csv_declared_latin1_with_options(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes("name;n\nJosé;NA\n".encode("latin-1"))
    df = read("d.csv", tmp_path, csv=CsvOptions(encoding="latin-1", delimiter=";", null_values=["NA"]))
    assert df.to_dict(as_series=False) == {"name": ["José"], "n": [None]}


def test_csv_without_header(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("1,x\n2,y\n", encoding="utf-8")
    df = read("d.csv", tmp_path, csv=CsvOptions(header=False))
    assert df.height == 2


def test_csv_in_the_wrong_encoding(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_bytes("a\nJosé\n".encode("latin-1"))
    with pytest.raises(DatasetError) as info:
        open_dataset(spec("d.csv"), base=tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'd.csv'}: not valid utf-8 text at byte 5 (invalid continuation byte); "
        "set dataset.csv.encoding to the file's encoding (e.g. latin-1, cp1252)"
    )


def test_csv_with_the_wrong_delimiter(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a|b\n1|2\n", encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        open_dataset(spec("d.csv"), base=tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'd.csv'}: the first line has no ',' but looks delimited by '|'; set dataset.csv.delimiter: '|'"
    )


def test_a_one_column_csv_is_not_a_delimiter_problem(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("a\n1\n", encoding="utf-8")
    assert read("d.csv", tmp_path)["a"].to_list() == [1]


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "path", "message"),
    [
        (lambda p: None, "gone.parquet", "{base}/gone.parquet: no such file or folder"),
        (lambda p: (p / "e.parquet").write_bytes(b""), "e.parquet", "{base}/e.parquet: the file is empty"),
        (lambda p: None, "x/*.parquet", "{base}/x/*.parquet: the pattern matches no files"),
        (
            lambda p: (p / "d.bin").write_bytes(b"1"),
            "d.bin",
            "{base}/d.bin: cannot tell the format from the file extension (.bin); set dataset.format to one of: parquet, csv, ndjson, ipc",
        ),
        (
            lambda p: (p / "c.parquet").write_bytes(os.urandom(64) + b"\x00" * 64),
            "c.parquet",
            "{base}/c.parquet: not a readable Parquet file: parquet: File out of specification: "
            "The file must end with PAR1 or PARE",
        ),
    ],
    ids=["missing", "empty", "glob-nothing", "unknown-extension", "corrupt-parquet"],
)
def test_unreadable(tmp_path: Path, setup: object, path: str, message: str) -> None:
    setup(tmp_path)  # type: ignore[operator]
    with pytest.raises(DatasetError) as info:
        open_dataset(spec(path), base=tmp_path)
    assert str(info.value) == message.format(base=tmp_path)
    assert info.value.exit_code == 2


def test_a_folder_with_mixed_formats(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d" / "x.parquet")
    (tmp_path / "d" / "y.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"cannot tell the format from the file extension \(\.csv, \.parquet\)"):
        resolve("d", base=tmp_path, fmt=None)


def test_one_corrupt_file_in_a_hive_folder(tmp_path: Path) -> None:
    for day in ("a", "b"):
        (tmp_path / "h" / f"k={day}").mkdir(parents=True)
    pl.DataFrame({"v": [1]}).write_parquet(tmp_path / "h" / "k=a" / "p.parquet")
    (tmp_path / "h" / "k=b" / "p.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(DatasetError, match=rf"^{tmp_path}/h/k=b/p.parquet: not a readable Parquet file: "):
        open_dataset(spec("h"), base=tmp_path)


# --- fingerprint ----------------------------------------------------------------------------


def test_fingerprint_names_the_files(tmp_path: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "d.parquet")
    fp = open_dataset(spec("d.parquet"), base=tmp_path).fingerprint
    st = (tmp_path / "d.parquet").stat()
    assert (fp.path, fp.format, len(fp.sha256)) == (str(tmp_path / "d.parquet"), "parquet", 64)
    assert [(f.path, f.size, f.mtime_ns) for f in fp.files] == [
        (str(tmp_path / "d.parquet"), st.st_size, st.st_mtime_ns)
    ]


def test_fingerprint_is_stable_and_changes_when_a_file_changes(tmp_path: Path) -> None:
    target = tmp_path / "d.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(target)
    resolved = resolve("d.parquet", base=tmp_path, fmt=None)
    first = fingerprint(resolved)
    assert fingerprint(resolved) == first
    pl.DataFrame({"a": [1, 2, 3]}).write_parquet(target)  # new content, new size
    second = fingerprint(resolved)
    assert second.sha256 != first.sha256
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # same bytes, touched
    assert fingerprint(resolved).sha256 != second.sha256


def test_fingerprint_changes_when_a_partition_is_added(tmp_path: Path) -> None:
    (tmp_path / "h" / "k=a").mkdir(parents=True)
    pl.DataFrame({"v": [1]}).write_parquet(tmp_path / "h" / "k=a" / "p.parquet")
    before = open_dataset(spec("h"), base=tmp_path).fingerprint
    (tmp_path / "h" / "k=b").mkdir()
    pl.DataFrame({"v": [1]}).write_parquet(tmp_path / "h" / "k=b" / "p.parquet")
    after = open_dataset(spec("h"), base=tmp_path).fingerprint
    assert (len(before.files), len(after.files)) == (1, 2)
    assert before.sha256 != after.sha256


def test_parquet_key_value_metadata_is_read(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"a": [1]}).replace_schema_metadata({"steward": "jane.doe@example.com"})
    pq.write_table(table, tmp_path / "d.parquet")
    assert open_dataset(spec("d.parquet"), base=tmp_path).metadata == {"steward": "jane.doe@example.com"}
