"""The garbage collector's thresholds in the processes stewardgate owns (stewardgate.collector)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import stewardgate.__main__ as entry
from stewardgate import collector, runner
from tests.conftest import write_suite


@pytest.fixture(autouse=True)
def kept_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # Python's defaults, whatever the test process had
    yield
    gc.set_threshold(*before)
    gc.unfreeze()  # the command line's before_exit froze the test process's objects


def test_the_command_line_runs_with_the_tuned_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, int]] = []
    # interruptible itself is replaced: it would leave its signal handlers in the test process
    monkeypatch.setattr(entry, "interruptible", lambda action: seen.append(gc.get_threshold()))
    entry.main()
    assert seen == [collector.THRESHOLDS]


@pytest.mark.parametrize("ending", [SystemExit(1), KeyboardInterrupt()])
def test_once_the_command_has_ended_its_objects_are_left_to_the_end_of_the_process(
    monkeypatch: pytest.MonkeyPatch, ending: BaseException
) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0

    def command(action: object) -> None:
        assert gc.get_freeze_count() == 0  # not while it runs
        raise ending

    monkeypatch.setattr(entry, "interruptible", command)
    with pytest.raises(type(ending)):
        entry.main()
    assert gc.get_freeze_count() > 1000  # every object alive then, the test process's too


def test_a_worker_tunes_its_collector_when_it_starts() -> None:
    runner._warm_worker()
    assert gc.get_threshold() == collector.THRESHOLDS


def test_a_library_caller_keeps_its_own_thresholds(tmp_path: Path) -> None:
    """run_paths, called as a library, leaves the caller's collector alone."""
    suite = write_suite(tmp_path, data="a\n1\n", data_name="d.csv", columns={"a": {}})
    result = runner.run_paths([suite], runner.RunOptions(use_store=False, as_of=date(2026, 11, 27)))
    assert result.datasets[0].row_count == 1
    assert gc.get_threshold() == (700, 10, 10)
