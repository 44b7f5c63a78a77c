"""Run one command in a fresh process and measure it: wall time, peak RSS, exit code, output.

Peak RSS comes from ``os.wait4``: the kernel's resource usage of exactly that child (and any
children it waited for), so each measurement is the maximum of that one run, not of every child
the runner ever started (which is what ``getrusage(RUSAGE_CHILDREN)`` would give).
"""

from __future__ import annotations

import compileall
import contextlib
import importlib.util
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """One run of one command."""

    wall_s: float
    max_rss_kib: int
    exit_code: int
    timed_out: bool
    stdout: str
    stderr: str
    cpu_s: float = 0.0
    """User plus system CPU time of the process (all its threads): less swayed than wall time
    by other work on a busy machine, so its ratios are a second view of the same runs."""


def run_measured(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float | None = None) -> Measured:
    """Start ``argv`` in a new session, wait for it with ``wait4``, return the measurement."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()
        timer = _killer(proc.pid, timeout, timed_out)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if timer is not None:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen never waits on it again
        out.seek(0)
        err.seek(0)
        return Measured(
            wall_s=wall, max_rss_kib=int(usage.ru_maxrss), exit_code=proc.returncode,
            timed_out=timed_out.is_set(), stdout=out.read(), stderr=err.read(),
            cpu_s=usage.ru_utime + usage.ru_stime,
        )  # fmt: skip


def _killer(pid: int, timeout: float | None, flag: threading.Event) -> threading.Timer | None:
    if timeout is None:
        return None

    def kill() -> None:
        flag.set()
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.daemon = True
    timer.start()
    return timer


def child_env(*, drop: tuple[str, ...] = ("STEWARDGATE_", "PANDERA_"), **extra: str) -> dict[str, str]:
    """The environment a measured tool runs in: the runner's, without settings that would change
    what is measured (``STEWARDGATE_*``, ``PANDERA_*``) and without ``PYTHONDONTWRITEBYTECODE``.

    A user's Python caches compiled modules (pip byte-compiles a wheel's modules when it installs
    it; an editable install writes them on first import): a tool runs from ``.pyc`` files. With
    that variable set (as on some CI machines) every run would compile stewardgate's ~130 modules
    from source again, about 0.1-0.15 s of a run that polars' own ``.pyc`` files never pay.
    :func:`byte_compile` writes them before the first measurement.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop) and k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"NO_COLOR": "1"} | extra


def byte_compile(package: str = "stewardgate", src: Path | None = None) -> None:
    """Write the ``.pyc`` files of ``package`` (from ``src`` if given), as pip does on install."""
    if src is not None:
        folder = src / package
    else:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            return
        folder = Path(spec.origin).parent
    compileall.compile_dir(folder, quiet=1)


def last_json_line(text: str) -> str | None:
    """The last line of ``text`` that looks like a JSON object (tools print theirs last)."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{") and line.endswith("}"):
            return line
    return None
