"""Signals and dying workers (issue 17: 11): what a scheduler's SIGTERM, a Ctrl-C or the
out-of-memory killer leaves behind.

- SIGINT or SIGTERM at any moment: exit 130, ``error: interrupted (SIG...)`` and nothing else
  on stderr (no traceback from us or from a worker), and no process of ours left running;
- a worker killed while it checks a dataset: an error for that dataset (exit 2), the other
  datasets judged as usual, not an exit 3.

The CLI runs in a real subprocess (signals need one). Datasets are small; each run takes a
second or two, most of it starting the worker processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from stewardgate.workers import Pool, run_all

pytestmark = pytest.mark.subprocess

DEADLINE_S = 60.0


def _suites(folder: Path, names: str = "ab") -> list[str]:
    for name in names:
        pl.DataFrame({"a": list(range(1000))}).write_parquet(folder / f"{name}.parquet")
        (folder / f"{name}.yml").write_text(
            f"version: 1\ndataset: {{name: {name}, path: {name}.parquet}}\n"
            "stewardship: {owner: a@example.com, steward: b@example.com}\n"
            "columns:\n  a: {type: int64, min: 0, unique: true}\n",
            encoding="utf-8",
        )
    return [f"{name}.yml" for name in names]


AT_ONCE = "import stewardgate.__main__ as entry, stewardgate.parallelism as p; p.SERIAL_BUDGET_S = 0; entry.main()"
"""``python -m stewardgate`` (the signal handlers first, as there), its workers taking every dataset
at once: a run of these few small datasets would otherwise be judged in the parent alone
(stewardgate.parallelism), and these tests are about the workers."""


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_run_left_behind() -> Iterator[None]:
    """A test that fails before its run ends still ends the run (and its workers, by their
    parent's death) and closes its pipes: left to the garbage collector, its ``ResourceWarning``
    fails whichever test is running then."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None and _own_group(proc):
            os.killpg(proc.pid, signal.SIGKILL)
        elif proc.poll() is None:
            proc.kill()
        proc.communicate()


def _own_group(proc: subprocess.Popen[str]) -> bool:
    try:
        return os.getpgid(proc.pid) == proc.pid
    except ProcessLookupError:
        return False


def _start(folder: Path, *args: str, new_session: bool = False) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARDGATE_", "PANDERA_"))}
    proc = subprocess.Popen(
        [sys.executable, "-c", AT_ONCE, *args], cwd=folder, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=new_session,
    )  # fmt: skip
    _STARTED.append(proc)
    return proc


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


SPAWN_SETTLE_S = 0.05
"""A worker is visible as soon as it is forked, a few milliseconds before its parent stops
ignoring SIGINT for it (workers._born_ignoring_sigint): a SIGINT then can land on one of
polars' threads and be lost. :func:`_workers` waits this long more, so a test signals a run,
not that window (CI hit it once, a signal sent the moment the second worker appeared)."""


def _workers(pid: int, count: int) -> list[int]:
    """Wait until ``pid`` runs ``count`` worker processes (not counting the resource tracker),
    and :data:`SPAWN_SETTLE_S` more."""
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        found = [c for c in _children(pid) if b"spawn_main" in _cmdline(c)]
        if len(found) >= count:
            time.sleep(SPAWN_SETTLE_S)
            return found
        time.sleep(0.005)
    raise AssertionError(f"no {count} worker processes appeared")


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def _running(pids: list[int]) -> list[int]:
    """The pids that are still running (not gone, not zombies waiting for their parent)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def _all_gone(pids: list[int]) -> list[int]:
    end = time.monotonic() + 10
    while _running(pids) and time.monotonic() < end:
        time.sleep(0.05)
    return _running(pids)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_a_parallel_run_stops_it_and_every_worker(tmp_path: Path, signum: signal.Signals) -> None:
    proc = _start(tmp_path, "run", *_suites(tmp_path, "abcd"), "--parallel", "2", "--no-history")
    _workers(proc.pid, 2)
    ours = _children(proc.pid)  # the workers and multiprocessing's resource tracker
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=DEADLINE_S)
    assert (proc.returncode, stderr) == (130, f"error: interrupted ({signum.name})\n")
    assert _all_gone(ours) == []


def test_ctrl_c_reaches_the_workers_too_and_none_prints_a_traceback(tmp_path: Path) -> None:
    """A terminal's Ctrl-C signals the whole process group: the workers ignore it, the parent stops them."""
    proc = _start(tmp_path, "run", *_suites(tmp_path, "abcd"), "--parallel", "2", "--no-history", new_session=True)
    _workers(proc.pid, 2)
    ours = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=DEADLINE_S)
    assert (proc.returncode, stderr) == (130, "error: interrupted (SIGINT)\n")
    assert _all_gone(ours) == []


@pytest.mark.parametrize("moment", [0.05, 0.1, 0.2, 0.3, "while the workers import"])
def test_sigint_in_the_first_moments_is_exit_130(tmp_path: Path, moment: float | str) -> None:
    """While Python imports click and the commands, and while workers start: never "Aborted!" and
    exit 1, never a traceback. The last moment is 0.1 s after both workers appear (they import
    for ~0.35 s more), not a fixed delay: the workers are spawned 0.35-0.55 s into the run here,
    and a SIGINT in the milliseconds of a spawn can be lost (see workers._born_ignoring_sigint),
    while the whole run can end by 0.7 s, after which a SIGINT finds the interpreter shutting
    down (-2). A fixed 0.6 s (until 2026-12-07) or 0.45 s came too close to one or the other."""
    proc = _start(tmp_path, "run", *_suites(tmp_path), "--parallel", "2", "--no-history")
    if isinstance(moment, str):
        _workers(proc.pid, 2)
        time.sleep(0.1 - SPAWN_SETTLE_S)
    else:
        time.sleep(moment)
    os.kill(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=DEADLINE_S)
    assert (proc.returncode, stderr) == (130, "error: interrupted (SIGINT)\n")


_LIBRARY = """
import signal, sys
from stewardgate.cli.errors import handle_errors
from stewardgate.signals import interruptible

def wrapping():  # as pydantic-core does with what a Python callback raised while it built a schema
    try:
        signal.raise_signal(signal.SIGINT)
    except BaseException as exc:
        raise RuntimeError(f"Error building serializer: {type(exc).__name__}: {exc}") from None
    return 0

def dropping():  # a library that swallows everything, and the command goes on to its result
    try:
        signal.raise_signal(signal.SIGINT)
    except BaseException:
        pass
    return 0

def ignored():  # Python ignores what a weakref callback raises (the import system's module locks have one)
    import time, weakref
    from stewardgate import signals

    class Thing:
        pass

    thing = Thing()
    watch = weakref.ref(thing, lambda _: signals._interrupt(signal.SIGINT, None))  # the handler, in the callback
    del thing
    for _ in range(2000):  # the code around the callback, which the interruption must reach
        time.sleep(0.001)
    print("went on", watch)
    return 0

ways = {"wrapping": wrapping, "dropping": dropping, "ignored": ignored}
interruptible(lambda: sys.exit(handle_errors(ways[sys.argv[1]])))
"""


@pytest.mark.parametrize("library", ["wrapping", "dropping", "ignored"])
def test_an_interruption_a_library_wraps_or_drops_is_still_exit_130(library: str) -> None:
    """A Ctrl-C while pydantic-core built a suite model's schema came back as
    ``SchemaError: ... Interrupted: SIGINT`` and was reported as an internal error, exit 3 (seen
    in CI, one run in many). Once a stop signal has arrived, the command was interrupted: an
    error made of it, or a result reached after it was dropped, ends as exit 130. One raised
    where Python ignores exceptions (printed as "Exception ignored in: <function
    _get_module_lock.<locals>.cb>", and the run went on) is raised again in the code around it."""
    proc = subprocess.run([sys.executable, "-c", _LIBRARY, library], capture_output=True, text=True,
                          timeout=DEADLINE_S, check=False)  # fmt: skip
    assert (proc.returncode, proc.stderr, proc.stdout) == (130, "error: interrupted (SIGINT)\n", "")


def test_a_killed_worker_is_an_error_for_its_dataset(tmp_path: Path) -> None:
    """The kill comes 0.2 s after both workers exist: by then the parent has handed each its
    dataset (milliseconds after the start), and a worker still spends most of a second importing.
    Killed at first sight, a worker could die before it held a dataset; the pool then rightly
    starts another for it and the run passes (CI saw that once)."""
    proc = _start(tmp_path, "run", *_suites(tmp_path), "--parallel", "2", "--no-history")
    victim, _ = _workers(proc.pid, 2)
    time.sleep(0.2 - SPAWN_SETTLE_S)
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=DEADLINE_S)
    message = "the worker process checking it ended (killed by SIGKILL) before it finished"
    assert proc.returncode == 2, stdout + stderr
    assert stdout.count(f"  ERROR  {message}\n") == 1
    (killed,) = [line.split(":")[1].strip() for line in stderr.splitlines()]
    assert stderr == f"error: {killed}: {message}\n"
    other = "b" if killed == "a" else "a"
    assert (
        f"  {other}: 5 passed, 1 skipped -> gate PASSED (no blocking results)\n" in stdout
    )  # skipped: stamp_match, no stamp
    assert stdout.endswith(f"gate: FAILED (1 of 2 datasets blocked: {killed}; exit 2)\n")


def _died(task: float, why: str) -> str:
    return f"{task}: {why}"


def test_the_pool_replaces_a_dead_worker_and_goes_on() -> None:
    """One worker: the task it held when killed is reported as dead, the next task runs in a new one.

    The kill waits until the pool has handed the worker the 60 s task (killed while idle, the
    worker is replaced before the task is given, and the task rightly runs: CI once saw that)."""
    pool: Pool[float, str | None] = Pool(time.sleep, 1)

    def kill_the_holder() -> None:
        end = time.monotonic() + DEADLINE_S
        while not (pool._workers and pool._workers[0].task == 60.0) and time.monotonic() < end:
            time.sleep(0.005)
        os.kill(pool._workers[0].process.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_the_holder)
    killer.start()
    try:
        assert list(pool.run([60.0, 0.0], on_death=_died)) == ["60.0: killed by SIGKILL", None]
    finally:
        killer.join()
        pool.close()


def test_an_exception_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="could not convert"):
        list(run_all(["x"], float, processes=2, on_death=_died))


def test_an_interrupted_pool_leaves_no_worker() -> None:
    """An interruption (here SIGALRM raising KeyboardInterrupt once both workers run) while the
    parent waits: the generator's cleanup terminates both workers."""
    results = run_all([60.0, 60.0], time.sleep, processes=2, on_death=_died)
    seen: list[int] = []

    def stop(signum: int, frame: object) -> None:
        found = [p for p in _children(os.getpid()) if b"spawn_main" in _cmdline(p)]
        if len(found) == 2:
            seen.extend(found)
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 0.2, 0.2)
    try:
        with pytest.raises(KeyboardInterrupt):
            next(results)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(seen) == 2
    assert _all_gone(seen) == []
