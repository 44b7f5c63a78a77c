"""``stewardgate suggest`` on a history built through the CLI (``backfill`` runs each day with --as-of).

The generated daily files have known properties, so each kind of proposal is expected exactly:
a rule that fails every day (too tight), a category set that never changes (can be closed), a
null threshold far above anything seen, and anomaly rules worth adding.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

FIRST = date(2026, 3, 2)  # a Monday
DAYS = 14

SUITE = """\
# Orders of the day, one file per day.
version: 1
dataset:
  name: shop
  path: data/{as_of}.parquet
stewardship:
  owner: owner@example.com
  steward: "@stewards"
columns:
  id:       {type: int64, nullable: false, unique: true}
  category: {type: string}                  # the shop's three categories
  note:     {type: string, max_null_fraction: 0.5}
  amount:   {type: float64, min: 0, max: 50}
  country:  {type: string, in_set: [x, y]}
  code:     {type: string, regex: "^[0-9]+$"}
  flag:     {type: bool}
schema: {extra_columns: error}
"""


def write_days(folder: Path) -> None:
    rng = random.Random(11)
    data = folder / "data"
    data.mkdir(parents=True)
    next_id = 1
    for i in range(DAYS):
        day = FIRST + timedelta(days=i)
        n = 300 if day.weekday() >= 5 else 500  # quiet weekends
        pl.DataFrame({
            "id": list(range(next_id, next_id + n)),
            "category": [("a", "b", "c")[j % 3] for j in range(n)],
            "note": [None if rng.random() < 0.02 else f"n{j}" for j in range(n)],
            "amount": [round(rng.uniform(10, 100), 2) for _ in range(n)],
            "country": [rng.choice(["x", "y", "z"]) for _ in range(n)],
            "code": [f"C{rng.randint(0, 99)}" for _ in range(n)],
            "flag": [rng.random() < 0.5 for _ in range(n)],
        }).write_parquet(data / f"{day}.parquet")  # fmt: skip
        next_id += n


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, cli: Callable[..., Any]) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("shop")
    write_days(folder)
    (folder / "shop.yml").write_text(SUITE)
    store = f"sqlite:///{folder / 'history.db'}"
    last = FIRST + timedelta(days=DAYS - 1)
    code, out, err = cli("backfill", "shop.yml", "--from", FIRST, "--to", last, "--store", store, cwd=folder)
    assert code == 1 and len(out.splitlines()) == DAYS + 1, err  # max: 50 and in_set fail every day; then the summary
    return folder, store


def test_suggest_proposes_the_expected_changes_as_a_diff(cli: Callable[..., Any], shop: tuple[Path, str]) -> None:
    folder, store = shop
    code, out, err = cli("suggest", "shop.yml", "--store", store, cwd=folder)
    assert code == 0, err
    assert out.startswith("--- shop.yml\n+++ shop.yml (suggested)\n@@ ")
    added = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    assert removed == [
        "  category: {type: string}                  # the shop's three categories",
        "  note:     {type: string, max_null_fraction: 0.5}",
        "  amount:   {type: float64, min: 0, max: 50}",
        "  country:  {type: string, in_set: [x, y]}",
        '  code:     {type: string, regex: "^[0-9]+$"}',
        "  flag:     {type: bool}",
    ]
    rules = [line for line in added if not line.lstrip().startswith("#")]
    assert rules[:6] == [
        "  category: {type: string, in_set: [a, b, c], nullable: false}                  # the shop's three categories",
        "  note:     {type: string, max_null_fraction: 0.072}",  # the Wilson bound of the worst run
        "  amount:   {type: float64, min: 0, max: 109, nullable: false}",
        "  country:  {type: string, in_set: [x, y, z], nullable: false}",
        '  code:     {type: string, regex: "^[0-9]+$", nullable: false}',
        "  flag:     {type: bool, nullable: false}",
    ]
    assert rules[6:] == [
        "anomalies:",
        "  - {metric: row_count, seasonality: day_of_week}  # row count 300 … 500 in 14 runs, and no rule watches it; "
        "Saturdays run 40% below the busiest weekday: seasonality: day_of_week",
        "  - {metric: null_fraction, columns: [note]}  # null fraction of note 0.80% … 2.80% in 14 runs, and no rule watches it",
    ]
    evidence = [line.strip() for line in added if line.lstrip().startswith("# suggested: ")]
    assert (
        "# suggested: max: 50 would have failed on 14 of 14 runs; values 10.04 … 99.99 seen; a margin of 10% of the range"
        in evidence
    )
    assert "# suggested: the same 3 values in all 14 runs (2026-03-02 … 2026-03-15): close the set" in evidence
    assert any(
        e.startswith("# suggested: max_null_fraction: 0.5 is far above the 2.80% null seen at most in 14 runs")
        for e in evidence
    )
    assert "# suggested: in_set: [x, y] would have failed on 14 of 14 runs; values seen outside the set: z" in evidence
    assert (
        "note: shop.columns.code.regex: failed on 14 of 14 runs; suggest cannot loosen it, review it by hand\n" in err
    )
    assert err.endswith("shop.yml: 11 proposals from 14 runs (2026-03-02 … 2026-03-15)\n")


def test_write_needs_force_then_applies_and_the_result_validates_and_passes(
    cli: Callable[..., Any], shop: tuple[Path, str], tmp_path: Path
) -> None:
    folder, store = shop
    work = tmp_path / "work"
    shutil.copytree(folder, work)
    store = f"sqlite:///{work / 'history.db'}"
    before = (work / "shop.yml").read_text()
    code, out, err = cli("suggest", "shop.yml", "--store", store, "--write", cwd=work)
    assert (code, out, err) == (2, "", "error: shop.yml exists; suggest --write replaces it only with --force\n")
    assert (work / "shop.yml").read_text() == before
    code, out, err = cli("suggest", "shop.yml", "--store", store, "--write", "--force", cwd=work)
    assert code == 0, err
    assert err.endswith("wrote shop.yml\n")
    after = (work / "shop.yml").read_text()
    assert after.startswith("# Orders of the day, one file per day.\nversion: 1\n")  # comments and layout kept
    code, out, err = cli("validate", "shop.yml", cwd=work)
    assert (code, out) == (0, "ok  shop.yml  (shop, 7 columns)\n1 suite valid\n"), err
    code, out, err = cli("suggest", "shop.yml", "--store", store, cwd=work)
    assert (code, out) == (0, "")  # nothing more to propose
    assert err.endswith("shop.yml: 0 proposals from 14 runs (2026-03-02 … 2026-03-15)\n")
    code, out, err = cli("run", "shop.yml", "--as-of", "2026-03-10", "--no-history", "--quiet", cwd=work)
    failed = [line.split()[1] for line in out.splitlines() if line.lstrip().startswith("FAIL")]
    assert failed == ["shop.columns.code.regex"], out  # only the regex, left for a person


def test_suggest_needs_seven_runs(cli: Callable[..., Any], shop: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = shop
    store = f"sqlite:///{tmp_path / 'few.db'}"
    cli("backfill", "shop.yml", "--from", FIRST, "--to", FIRST + timedelta(days=5), "--store", store, cwd=folder)
    code, out, err = cli("suggest", "shop.yml", "--store", store, cwd=folder)
    assert (code, out) == (2, "")
    assert err == (
        "error: shop.yml: suggest needs at least 7 stored runs of dataset 'shop'; "
        f"sqlite:///{tmp_path / 'few.db'} holds 6. Record more first: stewardgate run (nightly) "
        "or stewardgate backfill --from YYYY-MM-DD --to YYYY-MM-DD\n"
    )


@pytest.mark.slow
def test_suggest_on_the_nightly_example_keeps_its_layout(cli: Callable[..., Any], repo: Path, tmp_path: Path) -> None:
    nightly = tmp_path / "nightly"
    nightly.mkdir()
    text = (repo / "examples" / "nightly" / "orders_daily.yml").read_text()
    (nightly / "orders_daily.yml").write_text(text.replace("../../sample_data/", f"{repo}/sample_data/"))
    store = f"sqlite:///{tmp_path / 'h.db'}"
    code, _, err = cli(
        "backfill", "nightly", "--from", "2026-09-01", "--to", "2026-09-10", "--store", store, cwd=tmp_path
    )
    assert code == 0, err
    code, out, err = cli("suggest", "nightly/orders_daily.yml", "--store", store, cwd=tmp_path)
    assert code == 0, err
    assert "-  email:    {type: string, pii: email, max_null_fraction: 0.25}\n" in out
    assert "+  email:    {type: string, pii: email, max_null_fraction: 0.035}\n" in out
    assert "+  amount:   {type: float64, min: 0, nullable: false}\n" in out
    assert "close the set" not in out  # status has its in_set already
    assert "+  - {metric" not in out  # row count and e-mail null fraction are watched already
