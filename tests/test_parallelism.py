"""When ``run --parallel`` hands datasets to its workers, and when the parent judges them (stewardgate.parallelism)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import stewardgate.parallelism as parallelism
import stewardgate.workers as workers
from stewardgate import runner
from stewardgate.parallelism import Spent, hand_over
from tests.conftest import write_suite

AS_OF = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("spent", "remaining", "expected", "why"),
    [
        (Spent(wall=0.1, cpu=0.15, datasets=1), 3, False, "4 x 2M rows: the rest is not worth a worker's start"),
        (Spent(wall=0.79, cpu=0.79, datasets=9), 91, False, "still within the budget"),
        (Spent(wall=0.9, cpu=0.95, datasets=150), 850, True, "many small datasets on one core: workers use the other"),
        (Spent(wall=0.85, cpu=0.9, datasets=85), 65, False, "0.65 s left: less than the workers' start earns back"),
        (Spent(wall=0.85, cpu=0.9, datasets=2), 4, True, "two slow datasets on one core: 1.7 s left"),
        (Spent(wall=1.4, cpu=2.6, datasets=2), 2, False, "4 x 10M rows: polars keeps both cores busy already"),
        (Spent(wall=5.0, cpu=5.0, datasets=1), 1, False, "one left: the parent would only wait for it"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)  # fmt: skip
def test_workers_take_over_only_when_they_can_help(spent: Spent, remaining: int, expected: bool, why: str) -> None:
    assert hand_over(spent, remaining, cores=2, budget=0.8, worth=1.5) is expected, why


def test_a_budget_of_nothing_hands_everything_over_at_once() -> None:
    assert hand_over(Spent(), 1, cores=2, budget=0) is True
    assert hand_over(Spent(), 0, cores=2, budget=0) is False


def test_spent_adds_up_the_wall_and_cpu_time_of_what_it_timed() -> None:
    spent = Spent()
    assert spent.timed(lambda: sum(range(200_000))) == sum(range(200_000))
    with pytest.raises(ZeroDivisionError):
        spent.timed(lambda: 1 / 0)
    assert spent.datasets == 2 and spent.wall > 0 and spent.cpu > 0


def _suites(folder: Path, count: int) -> list[Path]:
    """``count`` suites whose one rule fails (a null in a not-null column)."""
    return [
        write_suite(folder, data=pl.DataFrame({"a": [i, i + 1, None]}), data_name=f"d{i}.parquet",
                    suite_name=f"d{i}.yml", name=f"d{i}", columns={"a": {"type": "int64", "nullable": False}})
        for i in range(count)
    ]  # fmt: skip


def _verdicts(result: Any) -> dict[str, tuple[str, ...]]:
    return {d.dataset: tuple(f"{r.check_id}={r.status.value}" for r in d.results) for d in result.datasets}


def test_a_few_small_datasets_are_judged_in_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _suites(tmp_path, 3)
    serial = runner.run_paths(paths, runner.RunOptions(as_of=AS_OF))

    def no_workers(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no worker should have been started")

    monkeypatch.setattr(workers.Pool, "start", no_workers)
    parallel = runner.run_paths(paths, runner.RunOptions(as_of=AS_OF, parallel=2))
    assert _verdicts(parallel) == _verdicts(serial)
    assert [d.dataset for d in parallel.datasets] == ["d0", "d1", "d2"]
    assert all(d.results for d in parallel.datasets)


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The suite files handed to the workers, in order."""
    files: list[str] = []
    run_all = workers.run_all

    def spy(tasks: list[Any], work: Any, **kwargs: Any) -> Any:
        files.extend(Path(task[0]).name for task in tasks)
        return run_all(tasks, work, **kwargs)

    monkeypatch.setattr(workers, "run_all", spy)
    return files


def test_past_the_budget_the_rest_goes_to_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handed: list[str]
) -> None:
    paths = _suites(tmp_path, 4)
    monkeypatch.setattr(parallelism, "SERIAL_BUDGET_S", 1e-9)  # spent by the first dataset
    monkeypatch.setattr(parallelism, "WORTH_S", 1e-9)  # and what is left is worth the workers' start
    monkeypatch.setattr(parallelism, "SATURATED", 1e9)  # no dataset counts as filling the cores
    result = runner.run_paths(paths, runner.RunOptions(as_of=AS_OF, parallel=2))
    assert handed == ["d1.yml", "d2.yml", "d3.yml"]  # the first was judged in the parent
    assert [d.dataset for d in result.datasets] == ["d0", "d1", "d2", "d3"]
    assert {d.dataset: d.gate.passed for d in result.datasets} == {f"d{i}": False for i in range(4)}


def test_what_is_left_too_short_to_earn_a_start_stays_in_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _suites(tmp_path, 4)
    monkeypatch.setattr(parallelism, "SERIAL_BUDGET_S", 1e-9)
    monkeypatch.setattr(parallelism, "SATURATED", 1e9)  # the datasets leave a core idle
    monkeypatch.setattr(parallelism, "WORTH_S", 1e9)  # but what is left would not earn the workers' start
    monkeypatch.setattr(workers, "run_all", lambda *a, **k: pytest.fail("handed to workers"))
    result = runner.run_paths(paths, runner.RunOptions(as_of=AS_OF, parallel=2))
    assert [d.dataset for d in result.datasets] == ["d0", "d1", "d2", "d3"]


def test_datasets_that_fill_the_cores_stay_in_the_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _suites(tmp_path, 4)
    monkeypatch.setattr(parallelism, "SERIAL_BUDGET_S", 1e-9)
    monkeypatch.setattr(parallelism, "WORTH_S", 1e-9)
    monkeypatch.setattr(parallelism, "SATURATED", 0.0)  # every dataset counts as filling the cores
    monkeypatch.setattr(workers, "run_all", lambda *a, **k: pytest.fail("handed to workers"))
    result = runner.run_paths(paths, runner.RunOptions(as_of=AS_OF, parallel=2))
    assert len(result.datasets) == 4


def test_workers_started_early_take_every_dataset(
    tmp_path: Path, handed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """From EARLY_WORKERS_FROM suite files on the workers run before any dataset is judged: they
    take every one, the first included (6 here instead of the 200 it is)."""
    monkeypatch.setattr(runner, "EARLY_WORKERS_FROM", 6)
    paths = _suites(tmp_path, 6)
    result = runner.run_paths([tmp_path], runner.RunOptions(as_of=AS_OF, parallel=2))
    assert sorted(handed) == sorted(p.name for p in paths)
    assert len(result.datasets) == 6
