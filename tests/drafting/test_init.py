"""``init`` on generated data with known properties: what is drafted, with what evidence."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.drafting.init import draft_suite
from stewardgate.errors import InternalError
from stewardgate.suite.models import Suite
from stewardgate.suite.yamlpos import load_located

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
N = 4000


def known_frame(seed: int = 3) -> pl.DataFrame:
    rng = random.Random(seed)
    return pl.DataFrame({
        "order_id": list(range(5001, 5001 + N)),                                  # key: unique
        "customer_id": [rng.randint(1, 700) for _ in range(N)],                   # key-like, repeats
        "email": [f"user{i}@example.com" if i % 50 else None for i in range(N)],  # distinct, 2% null, pii
        "status": [rng.choice(["new", "paid", "shipped", "yes"]) for _ in range(N)],
        "note": [f"free text {rng.random():.6f}" for _ in range(N)],              # many values: no in_set
        "amount": [round(rng.uniform(3.5, 900.0), 2) for _ in range(N)],
        "delta": [rng.randint(-40, 75) for _ in range(N)],
        "ts": [datetime(2025, 6, 1, tzinfo=UTC) + timedelta(minutes=11 * i) for i in range(N)],  # distinct
        "day": [date(2025, 1, 1) + timedelta(days=i % 300) for i in range(N)],
        "sparse": [1.5 if i == 17 else None for i in range(N)],                  # nearly all null
        "one_null": [None if i == 3 else i % 7 for i in range(N)],                # 1 null in 4,000
    })  # fmt: skip


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, pl.DataFrame]:
    folder = tmp_path_factory.mktemp("init")
    df = known_frame()
    df.write_parquet(folder / "known.parquet")
    draft = draft_suite(str(folder / "known.parquet"), suite_folder=folder, as_of=AS_OF, sample_rows=1000)
    return draft.text, df


def columns_of(text: str, yaml_of: Callable[[str], Any]) -> Any:
    return yaml_of(text)["columns"]


def test_a_key_column_is_suggested_unique_and_nothing_else_is(drafted: Any, yaml_of: Any, comment: Any) -> None:
    columns = columns_of(drafted[0], yaml_of)
    assert columns["order_id"]["unique"] is True
    assert comment(columns["order_id"], "unique") == "4,000 distinct values in 4,000 rows; the name looks like a key"
    unique = [name for name, spec in columns.items() if "unique" in spec]
    assert unique == ["order_id"]  # email and ts are distinct too, but not keys


def test_a_column_with_nulls_never_gets_nullable_false(drafted: Any, yaml_of: Any, comment: Any) -> None:
    text, df = drafted
    columns = columns_of(text, yaml_of)
    for name in df.columns:
        nulls = df.get_column(name).null_count()
        if nulls:
            assert "nullable" not in columns[name], name
            bound = columns[name].get("max_null_fraction")
            assert bound is None or bound > nulls / len(df), name
        else:
            assert columns[name]["nullable"] is False
            assert comment(columns[name], "nullable") == "0 nulls in 4,000 rows"
    assert columns["one_null"]["max_null_fraction"] == 0.0028
    assert (
        comment(columns["one_null"], "max_null_fraction")
        == "1 null in 4,000 rows (0.03%); upper bound with headroom (Wilson, z=3)"
    )
    assert "max_null_fraction" not in columns["sparse"]  # 99.98% null: no useful bound


def test_numeric_and_date_bounds_are_strictly_wider_than_the_observed_range(drafted: Any, yaml_of: Any) -> None:
    text, df = drafted
    columns = columns_of(text, yaml_of)
    for name in ("order_id", "customer_id", "amount", "delta"):
        low, high = df.get_column(name).min(), df.get_column(name).max()
        assert columns[name]["min"] < low, name
        assert columns[name]["max"] > high, name
        assert df.get_column(name).mean() not in (columns[name]["min"], columns[name]["max"])
    assert columns["ts"]["min"] < date(2025, 6, 1) and columns["ts"]["max"] > df.get_column("ts").max().date()
    assert columns["day"]["min"] < date(2025, 1, 1) and columns["day"]["max"] > date(2025, 10, 27)
    assert (columns["delta"]["min"], columns["delta"]["max"]) == (-60, 90)  # -40 … 75, 10% margin, rounded out


def test_an_email_column_is_suggested_pii_email(drafted: Any, yaml_of: Any, comment: Any) -> None:
    doc = yaml_of(drafted[0])
    email = doc["columns"]["email"]
    assert (email["pii"], email["classification"]) == ("email", "confidential")
    assert comment(email, "pii") == "980 of 980 sampled values (first 1,000 rows) look like e-mail addresses"
    assert doc["stewardship"]["classification"] == "confidential"
    assert [name for name, spec in doc["columns"].items() if "pii" in spec] == ["email"]


def test_low_cardinality_text_gets_in_set_and_free_text_does_not(drafted: Any, yaml_of: Any, comment: Any) -> None:
    columns = columns_of(drafted[0], yaml_of)
    assert list(columns["status"]["in_set"]) == ["new", "paid", "shipped", "yes"]
    assert comment(columns["status"], "in_set") == "4 distinct values in 4,000 rows, all listed"
    assert "in_set" not in columns["note"]
    assert "'yes'" in drafted[0]  # quoted, so no YAML 1.1 reader takes it for a boolean


def test_every_drafted_rule_carries_its_evidence(drafted: Any, yaml_of: Any, comment: Any) -> None:
    for name, spec in columns_of(drafted[0], yaml_of).items():
        for key in spec:
            assert comment(spec, key), f"{name}.{key}"


def test_a_starter_anomalies_section_watches_rows_and_key_columns(drafted: Any, yaml_of: Any) -> None:
    anomalies = yaml_of(drafted[0])["anomalies"]
    assert [dict(a) for a in anomalies] == [
        {"metric": "row_count"},
        {"metric": "null_fraction", "columns": ["order_id", "customer_id"]},
    ]


def test_the_draft_is_a_valid_suite_once_owner_and_steward_are_filled_in(drafted: Any, filled: Any) -> None:
    text = drafted[0]
    suite = Suite.model_validate(load_located(filled(text)).data)
    assert suite.stewardship.owner == "owner@example.com"
    assert text.startswith("# Drafted by `stewardgate init` from ")
    assert (
        "# All 4,000 rows were profiled in one streaming pass; personal data was looked for in a sample: the first 1,000 rows.\n"
        in text
    )


def test_a_column_holding_nan_gets_no_max(tmp_path: Path, yaml_of: Any) -> None:
    pl.DataFrame({"x": [1.0, float("nan"), 3.0]}).write_parquet(tmp_path / "nan.parquet")
    text = draft_suite(str(tmp_path / "nan.parquet"), suite_folder=tmp_path, as_of=AS_OF).text
    assert "max" not in yaml_of(text)["columns"]["x"]
    assert "  # x: no max drafted: 1 NaN value (NaN is above every bound)\n" in text


def test_personal_data_detection_fails_loudly_without_its_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pl.DataFrame({"email": ["a@example.com"]}).write_parquet(tmp_path / "p.parquet")
    monkeypatch.setitem(sys.modules, "stewardgate.governance.pii", None)  # import now raises ImportError
    with pytest.raises(
        InternalError, match=r"^the personal-data detectors \(stewardgate\.governance\.pii\.scan_column\) are missing: "
    ):
        draft_suite(str(tmp_path / "p.parquet"), suite_folder=tmp_path, as_of=AS_OF)


def test_an_empty_dataset_gets_its_types_and_nothing_it_cannot_measure(
    tmp_path: Path, yaml_of: Any, filled: Any
) -> None:
    pl.DataFrame({"id": pl.Series([], dtype=pl.Int64), "s": pl.Series([], dtype=pl.String)}).write_parquet(
        tmp_path / "e.parquet"
    )
    text = draft_suite(str(tmp_path / "e.parquet"), suite_folder=tmp_path, as_of=AS_OF).text
    doc = yaml_of(text)
    assert {name: dict(spec) for name, spec in doc["columns"].items()} == {
        "id": {"type": "int64"},
        "s": {"type": "string"},
    }
    assert [dict(a) for a in doc["anomalies"]] == [{"metric": "row_count"}]
    assert "# The data has no rows: only the column types could be drafted.\n" in text
    Suite.model_validate(load_located(filled(text)).data)
