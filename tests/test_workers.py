"""The worker pool: started once per command (or per call), fed task after task."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from stewardgate.workers import Warmed, keep_pool, run_all, started_early


def _workers() -> list[int]:
    try:
        children = [int(x) for x in Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()]
    except FileNotFoundError:
        return []
    return sorted(c for c in children if b"spawn_main" in _cmdline(c))


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _died(task: object, why: str) -> str:
    return f"{task}: {why}"


def _pid(_task: object) -> int:
    return os.getpid()


def _started(count: int) -> list[int]:
    """The workers, once ``count`` of them run (a spawned child shows as one once it has exec'd)."""
    end = time.monotonic() + 10
    while len(_workers()) < count and time.monotonic() < end:
        time.sleep(0.01)
    return _workers()


def _gone(pids: list[int]) -> bool:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if not set(pids) & set(_workers()):
            return True
        time.sleep(0.05)
    return False


def test_inside_keep_pool_the_same_workers_take_every_call() -> None:
    with keep_pool():
        first = set(run_all(list(range(6)), _pid, processes=2, on_death=_died))
        started = _workers()
        second = set(run_all(list(range(6)), _pid, processes=2, on_death=_died))
        assert _workers() == started and len(started) == 2
    assert first <= set(started) and second <= set(started)  # every task ran in one of the two
    assert _gone(started)  # the block's end stops them


def test_without_keep_pool_each_call_ends_its_workers() -> None:
    list(run_all([1, 2], _pid, processes=2, on_death=_died))
    assert _gone(_workers()) and _workers() == []


def test_a_worker_killed_between_calls_is_replaced() -> None:
    with keep_pool():
        list(run_all([0.0, 0.0], time.sleep, processes=2, on_death=_died))
        victim = _workers()[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.2)
        assert list(run_all([0.0, 0.0, 0.0], time.sleep, processes=2, on_death=_died)) == [None, None, None]
        assert victim not in _workers() and len(_workers()) == 2


def _ignored_signals(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigIgn:")), 16)


def test_a_worker_ignores_sigint_from_its_first_instruction() -> None:
    """A Ctrl-C while a worker still imports must not print half a KeyboardInterrupt traceback: the
    signal mask does not survive the spawn's exec, an ignored SIGINT does (CI caught the first)."""
    from stewardgate.workers import _Worker

    worker: _Worker[float] = _Worker(__import__("multiprocessing").get_context("spawn"), time.sleep)
    try:
        seen = _ignored_signals(worker.process.pid)  # read at once, before the child imports anything
        assert seen & (1 << (signal.SIGINT - 1)), f"SigIgn {seen:x}: SIGINT is caught or default while starting"
        assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the parent's own handler is back
    finally:
        worker.conn.close()
        worker.process.join(10)


def test_a_ctrl_c_while_a_worker_starts_waits_for_the_parent() -> None:
    """SIGINT is blocked while a worker starts: it is not lost, it reaches the parent afterwards."""
    from stewardgate.workers import _Worker

    got: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # pending on this thread (os.kill could pick another)
        signal.pthread_sigmask(signal.SIG_SETMASK, held | {signal.SIGINT})
        worker: _Worker[float] = _Worker(__import__("multiprocessing").get_context("spawn"), time.sleep)
        assert got == []
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        assert got == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
        worker.conn.close()
        worker.process.join(10)


def test_a_pool_runs_from_a_thread_other_than_the_main_one() -> None:
    """Only the main thread may set signal handlers: elsewhere the pool starts workers without."""
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.extend(run_all([0.0, 0.0], time.sleep, processes=2, on_death=_died)))
    thread.start()
    thread.join(60)
    assert out == [None, None]


def test_workers_started_early_wait_for_their_tasks_then_take_them() -> None:
    with started_early(_pid, 2):
        started = _started(2)
        assert len(started) == 2  # running before any task exists
        ran = set(run_all(list(range(6)), _pid, processes=2, on_death=_died))
        assert _workers() == started and ran <= set(started)
    assert _gone(started)


def test_workers_started_early_inside_keep_pool_are_its_workers() -> None:
    with keep_pool():
        with started_early(_pid, 2):
            started = _started(2)
        assert _workers() == started  # the inner block did not end them: keep_pool's block does
        assert set(run_all(list(range(4)), _pid, processes=2, on_death=_died)) <= set(started)
    assert _gone(started)


def test_a_run_of_many_suites_starts_its_workers_before_reading_them(tmp_path: Path) -> None:
    """From EARLY_WORKERS_FROM datasets to judge on (suite files, times the nights of a
    backfill), ``run --parallel`` starts its workers first; with fewer, they start later."""
    from stewardgate import runner

    (tmp_path / "few").mkdir()
    (tmp_path / "few" / "s.yml").write_text("version: 1\n", encoding="utf-8")
    for i in range(runner.EARLY_WORKERS_FROM):
        (tmp_path / f"s{i}.yml").write_text("version: 1\n", encoding="utf-8")
    import stewardgate.workers as workers

    with runner.workers_started_early([tmp_path / "few"], runner.RunOptions(parallel=2)):
        assert workers._kept is None  # no pool, so no worker started
    with runner.workers_started_early([tmp_path], runner.RunOptions(parallel=1)):
        assert workers._kept is None
    with runner.workers_started_early([tmp_path], runner.RunOptions(parallel=2)):
        started = _started(2)
        assert len(started) == 2
    assert _gone(started)
    nights = runner.EARLY_WORKERS_FROM  # a backfill: one suite file, a dataset to judge each night
    with runner.workers_started_early([tmp_path / "few"], runner.RunOptions(parallel=2), nights=nights):
        started = _started(2)
        assert len(started) == 2
    assert _gone(started)


_WARMED: list[bool] = []


def _warm() -> None:
    _WARMED.append(True)


def _no_warm_up() -> None:
    raise RuntimeError("no head start")


def _was_warmed(_task: object) -> bool:
    return bool(_WARMED)


def test_a_warmed_work_warms_each_worker_up_before_its_first_task() -> None:
    assert set(run_all([1, 2, 3, 4], Warmed(_was_warmed, _warm), processes=2, on_death=_died)) == {True}
    assert _WARMED == []  # in the workers, not here
    # a warm-up that fails is only a lost head start, not an error
    assert set(run_all([1, 2], Warmed(_was_warmed, _no_warm_up), processes=2, on_death=_died)) == {False}
