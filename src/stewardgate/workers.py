"""Worker processes for ``run --parallel``: each task's fate is known, and nothing outlives us.

A small pool of spawned processes, each fed one task at a time over its own pipe, so the
parent always knows which task a worker holds. The workers are started once per call, or once
per command inside :func:`keep_pool` (a backfill's nights), and take task after task:

- a worker that dies (``kill -9``, the out-of-memory killer, a crash in native code) turns
  into ``on_death(task, why)`` for the one task it held; a fresh worker takes the next task
  (``concurrent.futures`` instead breaks the whole pool and loses every pending task);
- when the parent stops for any reason (done, an error, SIGINT, SIGTERM) every worker is
  terminated, then killed if it does not end within :data:`GRACE_S`. Workers ignore SIGINT:
  a Ctrl-C reaches the whole process group, and the parent alone decides what it means.

Pipes rather than queues: no feeder threads or semaphores that could keep a process alive.
This module imports nothing of ours.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

GRACE_S = 2.0
_STOPPING = {signal.SIGINT, signal.SIGTERM}


@dataclass(frozen=True)
class Warmed(Generic[T, R]):
    """``work`` whose workers first run ``warm`` once, as soon as they start, before they wait
    for a task: the imports a first task would otherwise pay (~0.15 s judging a first dataset)
    are done while the parent still prepares the tasks. ``warm`` failing is not an error."""

    work: Callable[[T], R]
    warm: Callable[[], None]

    def __call__(self, task: T) -> R:
        return self.work(task)


class _Worker(Generic[T]):
    """One process, its end of the pipe and the task it holds (None when idle)."""

    def __init__(self, context: Any, work: Callable[[T], Any]) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        with _signals_held(), _born_ignoring_sigint():  # not half-started, and deaf to Ctrl-C from birth
            self.process.start()
        child.close()
        self.task: T | None = None

    def give(self, task: T) -> None:
        self.task = task
        self.conn.send(task)


class Pool(Generic[T, R]):
    """Up to ``processes`` workers running ``work``, started when first needed and kept until
    :meth:`close`, so that one command (a backfill's every night) starts them once."""

    def __init__(self, work: Callable[[T], R], processes: int) -> None:
        self.work, self.processes = work, processes
        self._context = multiprocessing.get_context("spawn")  # polars' thread pools do not survive fork
        self._workers: list[_Worker[T]] = []

    @property
    def started(self) -> bool:
        """Whether any worker has been started (and not closed)."""
        return bool(self._workers)

    def start(self, count: int | None = None) -> None:
        """Start workers until there are ``count`` (default: ``processes``); they wait for tasks."""
        for _ in range((self.processes if count is None else count) - len(self._workers)):
            self._workers.append(_Worker(self._context, self.work))

    def run(self, tasks: list[T], on_death: Callable[[T, str], R]) -> Iterator[R]:
        """``work(task)`` for every task, yielded as each finishes (see :func:`run_all`)."""
        todo = deque(tasks)
        self.start(min(self.processes, len(todo)))
        for worker in self._workers:
            if todo:
                self._give(worker, todo.popleft())
        while any(w.task is not None for w in self._workers):
            busy = [w for w in self._workers if w.task is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    yield _finish(worker, on_death)
                    if todo:
                        self._give(worker, todo.popleft())

    def _give(self, worker: _Worker[T], task: T) -> None:
        """Hand ``task`` to ``worker``, or to a fresh worker in its place if it has died."""
        if worker.process.is_alive():
            try:
                worker.give(task)
                return
            except (BrokenPipeError, OSError):
                pass
        _stop([worker])
        fresh = _Worker(self._context, self.work)
        self._workers[self._workers.index(worker)] = fresh
        fresh.give(task)

    def close(self) -> None:
        """End every worker (see :func:`_stop`)."""
        workers, self._workers = self._workers, []
        _stop(workers)


_kept: dict[Any, Pool[Any, Any]] | None = None


@contextmanager
def keep_pool() -> Iterator[None]:
    """Within the block, :func:`run_all` keeps its workers between calls (one pool per ``work``),
    ending them when the block ends for any reason: a backfill starts its workers once, not
    every night. Workers start with the first tasks, or earlier with :func:`started_early`."""
    global _kept
    outer, _kept = _kept, {}
    try:
        yield
    finally:
        pools, _kept = _kept, outer
        for pool in pools.values():
            pool.close()


@contextmanager
def started_early(work: Callable[[Any], Any], processes: int) -> Iterator[None]:
    """The ``processes`` workers of ``work`` started now, before the tasks are known, and kept
    for the block (see :func:`keep_pool`; inside one, its pool is used).

    A spawned worker spends ~0.35 s importing before it can take a task: started while the
    parent still reads its suites, that time overlaps the reading instead of following it.
    """
    if _kept is not None:
        _kept_pool(work, processes).start()
        yield
        return
    with keep_pool():
        _kept_pool(work, processes).start()
        yield


def running(work: Callable[[Any], Any]) -> bool:
    """Whether workers of ``work`` are running in a kept pool already (started early, or by an
    earlier call inside :func:`keep_pool`)."""
    pool = _kept.get(work) if _kept is not None else None
    return pool is not None and pool.started


def _kept_pool(work: Callable[[T], R], processes: int) -> Pool[T, R]:
    """Inside :func:`keep_pool`: the pool of ``work``, made if new, with at least ``processes``."""
    assert _kept is not None
    pool: Pool[T, R] = _kept.setdefault(work, Pool(work, processes))
    pool.processes = max(pool.processes, processes)
    return pool


def run_all(tasks: list[T], work: Callable[[T], R], *, processes: int, on_death: Callable[[T, str], R]) -> Iterator[R]:
    """``work(task)`` for every task in up to ``processes`` workers, yielded as each finishes.

    An exception ``work`` raises is raised here; a worker that dies yields ``on_death``.
    Inside :func:`keep_pool` the workers outlive the call.
    """
    if _kept is not None:
        yield from _kept_pool(work, processes).run(tasks, on_death)
        return
    once: Pool[T, R] = Pool(work, processes)
    try:
        yield from once.run(tasks, on_death)
    finally:
        once.close()


def _finish(worker: _Worker[T], on_death: Callable[[T, str], R]) -> R:
    """The held task's result, or ``on_death`` when the worker ended without sending one."""
    task, worker.task = worker.task, None
    if worker.conn.poll():
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):
            pass
        else:
            if kind == "raised":
                raise value
            return value
    worker.process.join(GRACE_S)
    return on_death(task, _how_it_ended(worker.process.exitcode))  # type: ignore[arg-type]


def _how_it_ended(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exited with code {code}" if code is not None else "stopped answering"


def _stop(workers: list[_Worker[Any]]) -> None:
    """End every worker: close its pipe, terminate it, then kill what still runs.

    SIGINT and SIGTERM wait until this is done (a second Ctrl-C must not leave orphans).
    """
    with _signals_held():
        for w in workers:
            w.conn.close()
            if w.process.is_alive():
                w.process.terminate()
        for w in workers:
            w.process.join(GRACE_S)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait (blocked, not lost) until the block is done."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def _born_ignoring_sigint() -> Iterator[None]:
    """A process started in the block ignores SIGINT from its first instruction.

    The signal mask does not reach a spawned child (multiprocessing's exec starts it with none
    blocked), but an ignored SIGINT does, and Python then installs no KeyboardInterrupt handler
    of its own: a Ctrl-C while the worker still imports cannot print half a traceback.
    Called with SIGINT blocked, so a Ctrl-C meanwhile waits for the parent instead of being lost
    (Linux keeps a blocked signal pending even while it is ignored; one that was already
    pending, which ignoring would discard, is raised again). The one gap: the mask is the main
    thread's, so while the parent runs other threads (polars' pool), a Ctrl-C in the few
    milliseconds a start takes (8-24 ms measured under load) can land on one of them and be
    ignored; the next Ctrl-C works. Without this, a Ctrl-C in the second or so a worker spends
    importing printed a traceback.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread sets handlers
        yield
        return
    was_pending = signal.SIGINT in signal.sigpending()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if was_pending:
            signal.raise_signal(signal.SIGINT)  # pending again until the mask is restored


def _serve(conn: Connection, work: Callable[[Any], Any]) -> None:
    """In a worker: answer tasks until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    if isinstance(work, Warmed):
        with contextlib.suppress(Exception):  # only a head start: a task imports what it needs itself
            work.warm()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = ("done", work(task))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            answer = ("raised", exc)
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
        except Exception as exc:  # an exception that does not pickle: send its text instead
            conn.send(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
