"""`stewardgate store prune` from the command line: a dry run by default, bad input refused
before anything is deleted, and `audit verify`, `runs` and `history` still work after it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

NIGHTS = ("2026-01-05", "2026-01-06", "2026-11-26", "2026-11-27")


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory, repo: Path, cli: Callable[..., Any]) -> Path:
    """The sample suites run on four nights into the default store, made once."""
    folder = tmp_path_factory.mktemp("prune")
    shutil.copytree(repo / "suites", folder / "suites")
    shutil.copytree(repo / "sample_data", folder / "sample_data")
    for night in NIGHTS:
        assert cli("run", "suites/orders.yml", "--as-of", night, "--quiet", cwd=folder).code == 0
    return folder


@pytest.fixture
def folder(nightly: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "work"
    shutil.copytree(nightly, copy)
    return copy


def _counts(folder: Path) -> tuple[int, int, int]:
    engine = sa.create_engine(f"sqlite:///{folder / '.stewardgate' / 'history.db'}")
    try:
        with engine.connect() as conn:
            return tuple(
                conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("sg_results", "sg_audit", "sg_metric_values")
            )  # type: ignore[return-value]
    finally:
        engine.dispose()


def test_a_dry_run_by_default_then_apply(folder: Path, cli: Callable[..., Any]) -> None:
    before = _counts(folder)
    dry = cli("store", "prune", "--keep", "400d", "--keep-points", "2", cwd=folder)
    assert dry.code == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == "store prune --keep 400d: dry run, nothing deleted"
    assert "runs pruned: 0 runs" in dry.stdout.splitlines()  # 400d before 2026-11-27 is 2025-10-23: nothing that old
    assert _counts(folder) == before
    done = cli("store", "prune", "--keep", "30d", "--keep-points", "2", "--apply", cwd=folder)
    assert done.code == 0, done.stderr
    assert "runs pruned: 2 runs of orders, oldest 2026-01-05" in done.stdout.splitlines()
    assert done.stdout.splitlines()[-1].startswith("checkpoint: audit entry 5 ")
    assert _counts(folder)[0] < before[0]
    verify = cli("audit", "verify", cwd=folder)
    assert verify.code == 0, verify.stdout
    assert verify.stdout.splitlines()[1].startswith(
        "audit checkpoint: entry 5 (store prune, cutoff 2026-10-28, recorded "
    )
    assert (
        "stored runs match the chain: 2 covered by record digests, 2 pruned runs by the checkpoint's digest"
        in verify.stdout
    )
    runs = cli("runs", "orders", cwd=folder)
    assert runs.code == 0, runs.stderr
    assert [line.split()[0] for line in runs.stdout.splitlines()[1:]] == [
        "2026-11-27",
        "2026-11-26",
        "2026-01-06",
        "2026-01-05",
    ]
    history = cli("history", "orders", "--metric", "row_count", cwd=folder)
    assert history.code == 0, history.stderr


def test_a_keep_that_does_not_parse_deletes_nothing(folder: Path, cli: Callable[..., Any]) -> None:
    before = _counts(folder)
    bad = cli("store", "prune", "--keep", "400 days", "--apply", cwd=folder)
    assert (bad.code, bad.stdout) == (2, "")
    assert (
        bad.stderr.strip()
        == "error: --keep: '400 days' is not a period (a period like 400d, 12w, 18mo, 7y or ISO-8601 P400D / P1Y6M)"
    )
    assert _counts(folder) == before


def test_the_store_keep_setting_is_located_when_it_does_not_parse(folder: Path, cli: Callable[..., Any]) -> None:
    (folder / "pyproject.toml").write_text(
        '[tool.stewardgate]\nsamples = 3\nstore_keep = "forever"\n', encoding="utf-8"
    )
    before = _counts(folder)
    bad = cli("store", "prune", "--apply", cwd=folder)
    assert bad.code == 2
    assert bad.stderr.startswith(f"error: {folder / 'pyproject.toml'}:3: tool.stewardgate.store_keep: "), bad.stderr
    assert "'forever' is not a period" in bad.stderr
    assert _counts(folder) == before
    (folder / "pyproject.toml").write_text('[tool.stewardgate]\nstore_keep = "30d"\n', encoding="utf-8")
    assert "runs pruned: 2 runs of orders" in cli("store", "prune", cwd=folder).stdout


def test_without_a_period_it_says_how_to_give_one(folder: Path, cli: Callable[..., Any]) -> None:
    bad = cli("store", "prune", cwd=folder)
    assert bad.code == 2
    assert (
        bad.stderr.strip()
        == "error: store prune: give --keep PERIOD (e.g. --keep 400d) or set store_keep in [tool.stewardgate]"
    )
