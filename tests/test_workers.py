"""The worker pool: started once per command (or per call), fed task after task."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from stewardgate.workers import keep_pool, run_all


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
