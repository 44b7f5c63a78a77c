"""``stewardgate init`` through the CLI: the sample datasets and every reader format and layout.

Each drafted suite must fail validation until owner and steward are filled in (with the exact
message), validate once they are, and pass ``stewardgate run`` on the data it was drafted from.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

SAMPLES = {"orders": "orders.parquet", "customers": "customers.csv", "events": "events"}


def placeholder_errors(suite: str) -> str:
    return (
        f"{suite}:10:10: stewardship.owner: '<FILL IN: owner e-mail or @handle>' is not an e-mail address or a handle\n"
        f"{suite}:11:12: stewardship.steward: '<FILL IN: steward e-mail or @handle>' is not an e-mail address or a handle\n"
        "error: 2 problems in suites; nothing was run\n"
    )


def test_init_on_each_sample_dataset_validates_once_filled_in_and_passes_run(
    cli: Callable[..., Any], tmp_path: Path, sample_data: Path, filled: Callable[[str], str]
) -> None:
    suites = tmp_path / "suites"
    for name, data in SAMPLES.items():
        code, out, err = cli("init", sample_data / data, "-o", suites / f"{name}.yml", cwd=tmp_path)
        assert (code, out) == (0, ""), err
        assert err.startswith(f"drafted {name}: ")
    code, _, err = cli("validate", "suites/orders.yml", cwd=tmp_path)
    assert (code, err) == (2, placeholder_errors("suites/orders.yml"))
    for name in SAMPLES:
        path = suites / f"{name}.yml"
        path.write_text(filled(path.read_text()))
    code, out, err = cli("validate", suites, cwd=tmp_path)
    assert code == 0, err
    code, out, err = cli("run", suites, "--no-history", cwd=tmp_path)
    assert code == 0, out + err
    assert "gate: PASSED (3 of 3 datasets passed, exit 0)" in out
    events = (suites / "events.yml").read_text()
    assert "(a hive-partitioned folder)" in events
    assert "    unique: true     # 2,100 distinct values in 2,100 rows; the name looks like a key\n" in events


def write_formats(folder: Path) -> dict[str, tuple[str, list[str]]]:
    """The same generated data in every reader format and layout: name -> (dataset, extra flags)."""
    rng = random.Random(5)
    n = 600
    df = pl.DataFrame({
        "event_id": list(range(1, n + 1)),
        "kind": [rng.choice(["view", "click", "buy"]) for _ in range(n)],
        "value": [round(rng.uniform(0.5, 80.0), 2) if i % 20 else None for i in range(n)],
        "contact": [f"person{rng.randint(1, 99)}@example.net" for _ in range(n)],
        "ts": [datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(n)],
        "day": [date(2026, 3, 1) + timedelta(days=i % 3) for i in range(n)],
    })  # fmt: skip
    data = folder / "data"
    data.mkdir()
    df.write_parquet(data / "events.parquet")
    df.write_csv(data / "events.csv")
    df.write_ndjson(data / "events.ndjson")
    df.write_ipc(data / "events.arrow")
    df.write_csv(data / "events.semicolon.txt", separator=";")
    for i, part in enumerate(df.iter_slices(200)):
        part.write_parquet(data / f"glob-{i}.parquet")
        hive = data / "hive" / f"day={date(2026, 3, 1) + timedelta(days=i)}"
        hive.mkdir(parents=True)
        part.drop("day").write_parquet(hive / "part-0.parquet")
    return {
        "parquet": ("data/events.parquet", []),
        "csv": ("data/events.csv", []),
        "ndjson": ("data/events.ndjson", []),
        "ipc": ("data/events.arrow", []),
        "semicolon": ("data/events.semicolon.txt", ["--data-format", "csv"]),
        "glob": ("data/glob-*.parquet", []),
        "hive": ("data/hive", []),
    }


@pytest.mark.slow
def test_init_works_on_every_format_and_layout(
    cli: Callable[..., Any], tmp_path: Path, filled: Callable[[str], str], yaml_of: Any, comment: Any
) -> None:
    datasets = write_formats(tmp_path)
    suites = tmp_path / "suites"
    for name, (dataset, flags) in datasets.items():
        code, _, err = cli("init", dataset, "-o", f"suites/{name}.yml", *flags, "--sample-rows", "100", cwd=tmp_path)
        assert code == 0, f"{name}: {err}"
        text = (suites / f"{name}.yml").read_text()
        assert "personal data was looked for in a sample: the first 100 rows." in text
        assert "pii: email" in text and "unique: true" in text
        (suites / f"{name}.yml").write_text(filled(text).replace(f"name: {_stem(dataset)}", f"name: {name}"))
    semicolon = yaml_of((suites / "semicolon.yml").read_text())["dataset"]
    assert (semicolon["format"], dict(semicolon["csv"])) == ("csv", {"delimiter": ";"})
    assert comment(semicolon, "csv") == "the first line is delimited by this character"
    code, out, err = cli("run", suites, "--no-history", "--quiet", cwd=tmp_path)
    assert code == 0, out + err
    assert f"gate: PASSED ({len(datasets)} of {len(datasets)} datasets passed, exit 0)" in out


def _stem(dataset: str) -> str:
    last = Path(dataset).name
    return "data" if "*" in last else last.split(".")[0]


def test_init_never_overwrites_without_force_and_never_writes_over_data(
    cli: Callable[..., Any], tmp_path: Path, sample_data: Path
) -> None:
    target = tmp_path / "orders.yml"
    target.write_text("# mine\n")
    code, _, err = cli("init", sample_data / "orders.parquet", "-o", target, cwd=tmp_path)
    assert (code, err) == (2, f"error: {target} exists; init replaces it only with --force\n")
    assert target.read_text() == "# mine\n"
    code, _, err = cli("init", sample_data / "orders.parquet", "-o", target, "--force", cwd=tmp_path)
    assert code == 0, err
    assert target.read_text().startswith("# Drafted by `stewardgate init` from ")
    data = tmp_path / "data.parquet"
    pl.DataFrame({"a": [1, 2]}).write_parquet(data)
    before = data.read_bytes()
    code, _, err = cli("init", data, "-o", data, "--force", cwd=tmp_path)
    assert (code, err) == (2, f"error: {data} is a file of the dataset; init never writes over data\n")
    assert data.read_bytes() == before


def test_init_prints_to_stdout_without_o_and_bad_input_exits_2(cli: Callable[..., Any], tmp_path: Path) -> None:
    pl.DataFrame({"id": [1, 2, 3]}).write_parquet(tmp_path / "small.parquet")
    code, out, _ = cli("init", "small.parquet", cwd=tmp_path)
    assert code == 0
    assert "  name: small\n  path: small.parquet  # relative to this file\n" in out
    code, _, err = cli("init", "missing.parquet", cwd=tmp_path)
    assert (code, err) == (2, f"error: {tmp_path / 'missing.parquet'}: no such file or folder\n")


def test_init_names_the_dataset_after_the_suite_file_and_refuses_a_name_in_use(
    cli: Callable[..., Any], tmp_path: Path, sample_data: Path, filled: Callable[[str], str]
) -> None:
    """The README's ``init ... -o suites/new_orders.yml`` beside an orders suite: both run together."""
    suites = tmp_path / "suites"
    code, _, err = cli("init", sample_data / "orders.parquet", "-o", suites / "orders.yml", cwd=tmp_path)
    assert code == 0, err
    code, _, err = cli("init", sample_data / "orders.parquet", "-o", "suites/new_orders.yml", cwd=tmp_path)
    assert (code, err.splitlines()[0]) == (0, "drafted new_orders: 2,000 rows, 9 columns -> suites/new_orders.yml")
    for path in suites.iterdir():
        path.write_text(filled(path.read_text()))
    code, out, err = cli("run", "suites", "--no-history", cwd=tmp_path)
    assert code == 0, out + err
    assert "gate: PASSED (2 of 2 datasets passed, exit 0)" in out
    code, out, err = cli(
        "init", sample_data / "orders.parquet", "-o", "suites/more.yml", "--name", "orders", cwd=tmp_path
    )
    assert (code, out, err) == (2, "", "error: suites/orders.yml already declares dataset 'orders'; two suites of one "
                                       "folder cannot share a name (choose another with --name)\n")  # fmt: skip
    assert not (suites / "more.yml").exists()
