"""Smoke run of the benchmark (benchmarks/): correctness of the counts only, no timing assertions.

Generates the orders data at 20,000 rows (every planted defect scaled down, at least 1 each,
in several row groups), then runs ``benchmarks/run.py`` for the limits (the checks', and the profile limit, whose profile
must equal the one stewardgate stored) and stewardgate's core suite, one round, and asserts that
every figure each tool reports matches the planted truth.
The full 15-check suite (with GX expectations) is left out until ``expectations:`` runs.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

BENCH = Path(__file__).parent.parent / "benchmarks"
ROWS = 20_000
SEED = 7


def _generate(out: Path, *, row_group: int = 6_000) -> dict:
    argv = [sys.executable, str(BENCH / "generate.py"), "--rows", str(ROWS), "--out", str(out),
            "--seed", str(SEED), "--row-group", str(row_group)]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True, timeout=60)
    return json.loads((out / "truth.json").read_text())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generator_plants_the_scaled_defects_deterministically(tmp_path: Path) -> None:
    truth = _generate(tmp_path / "a")
    again = _generate(tmp_path / "b")

    assert _sha256(tmp_path / "a" / "orders.parquet") == _sha256(tmp_path / "b" / "orders.parquet")
    assert truth == again
    exp = truth["expected"]
    assert (exp["row_count"], exp["customer_id_null"], exp["amount_negative"], exp["email_regex_mismatch"]) == (
        20_000, 1, 2, 1,
    )  # fmt: skip
    assert (exp["order_id_duplicate_excess"], exp["order_id_duplicate_rows"]) == (1, 2)
    assert 0.18 < exp["discount_null_fraction"] < 0.22


def test_limit_and_stewardgate_core_match_the_planted_truth(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    folder = data_dir / f"orders-20k-s{SEED}"
    _generate(folder)  # several row groups; run.py finds it in its cache
    argv = [sys.executable, str(BENCH / "run.py"), "--rows", str(ROWS), "--seed", str(SEED),
            "--rounds", "1", "--tools", "limit,limit-streaming,limit-profile,stewardgate-core", "--startup-rounds", "0",
            "--data-dir", str(data_dir), "--out", str(tmp_path / "results")]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)

    raw = json.loads((tmp_path / "results" / "latest.json").read_text())
    problems = {r["tool"]: r["problems"] for r in raw["runs"]}
    assert problems == {"limit": [], "limit-streaming": [], "limit-profile": [], "stewardgate-core": []}, done.stderr
    assert done.returncode == 0, done.stderr
    by_tool = {r["tool"]: r["figures"] for r in raw["runs"]}
    truth = json.loads((folder / "truth.json").read_text())["expected"]
    assert by_tool["limit"]["order_id_duplicate_excess"] == truth["order_id_duplicate_excess"] == 1
    assert by_tool["stewardgate-core"]["order_id_duplicate_rows"] == truth["order_id_duplicate_rows"] == 2
    assert by_tool["stewardgate-core"]["email_regex_mismatch"] == truth["email_regex_mismatch"] == 1
    assert "**20k rows**" in (tmp_path / "results" / "latest.md").read_text()
    # the profile limit's profile was compared with the one stewardgate stored (a mismatch is a problem above)
    profiles = {r["tool"]: r.get("profile") for r in raw["runs"]}
    assert profiles["limit-profile"]["columns"].keys() == profiles["stewardgate-core"]["columns"].keys()
    assert profiles["limit-profile"]["columns"]["status"]["top_values"][0]["count"] > 4_000
