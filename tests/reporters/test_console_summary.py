"""The console's closing advice (``next: ...`` lines) and the progress bar on a terminal.

The advice is a pure function of the run (tested on the fixture runs); the bar is tested
through the real CLI on a pseudo-terminal: drawn on a terminal for several suites, never
when standard error is not a terminal, for one suite, or under ``CI``.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pty
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest

from stewardgate.cli.progress import DatasetProgress, wanted
from stewardgate.reporters import console
from stewardgate.results import RunResult, Status

REPO = Path(__file__).parent.parent.parent


def test_a_blocked_run_names_the_command_and_the_html_report(run: RunResult) -> None:
    text = console.render_next_steps(
        run, paths=["suites/"], options=["--as-of", "2026-10-01"],
        reports=[Path("out/run.json"), Path("out/run.html")],
    )  # fmt: skip
    assert text == (
        "next: stewardgate run suites/orders.yml suites/payments.yml --as-of 2026-10-01 --verbose"
        "  # expected, observed and samples of every check\n"
        "next: open out/run.html  # the HTML report: evidence, charts, stewardship\n"
    )


def test_many_blocked_suites_repeat_the_paths_given(run: RunResult) -> None:
    many = dataclasses.replace(run, datasets=run.datasets[1:3] * 2)
    text = console.render_next_steps(many, paths=["suites/", "more suites/"])
    assert text.startswith("next: stewardgate run suites/ 'more suites/' --verbose  #")


def test_verbose_runs_get_no_verbose_hint_and_quiet_runs_no_advice(run: RunResult) -> None:
    assert console.render_next_steps(run, verbosity=1) == ""
    assert console.render_next_steps(run, verbosity=1, reports=[Path("r.html")]) == (
        "next: open r.html  # the HTML report: evidence, charts, stewardship\n"
    )
    assert console.render_next_steps(run, verbosity=-1, reports=[Path("r.html")]) == ""


def test_passing_and_unreadable_runs(run: RunResult, passing_run: RunResult) -> None:
    assert console.render_next_steps(passing_run) == "next: nothing to do, every gate passed\n"
    orders = run.datasets[1]
    warned = [dataclasses.replace(r, status=Status.WARNED) for r in orders.results[:2]]
    ok = dataclasses.replace(orders, results=tuple(warned), gate=dataclasses.replace(orders.gate, passed=True))
    assert console.render_next_steps(dataclasses.replace(run, datasets=(ok,))) == (
        "next: nothing blocks the release; 2 warned checks above may need a look\n"
    )
    unreadable = dataclasses.replace(run, datasets=(run.datasets[3],))
    assert console.render_next_steps(unreadable) == ""  # its ERROR line says what to fix


def test_rerun_options() -> None:
    assert console.rerun_options() == []
    assert console.rerun_options(as_of=date(2026, 10, 22), store="sqlite:////tmp/h.db") == [
        "--as-of",
        "2026-10-22",
        "--store",
        "sqlite:////tmp/h.db",
    ]
    assert console.rerun_options(store="postgresql://sg:secret@db/q") == ["--store", '"$STEWARDGATE_STORE"']
    assert console.rerun_options(store="x", no_history=True) == ["--no-history"]


def test_render_stays_pure_and_unchanged(run: RunResult) -> None:
    """The report itself has no advice in it: that is the CLI's closing block."""
    text = console.render(run)
    assert "next:" not in text and text.splitlines()[-1].startswith("gate: FAILED")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_only_on_a_terminal_outside_ci() -> None:
    assert wanted(_Tty(), {"TERM": "xterm"})
    assert not wanted(io.StringIO(), {"TERM": "xterm"})
    assert not wanted(_Tty(), {"TERM": "xterm", "CI": "true"})
    assert not wanted(_Tty(), {"TERM": "dumb"})
    assert not DatasetProgress(1, enabled=True).enabled
    assert DatasetProgress(2, enabled=True).enabled


def _on_terminal(args: list[str], env: dict[str, str], stdout_tty: bool = True) -> tuple[int, str, str]:
    """Run the CLI with standard error (and standard output) on a pseudo-terminal."""
    master, slave = pty.openpty()
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STEWARDGATE_", "PANDERA_")) and k not in ("NO_COLOR", "CI")
    }
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "stewardgate", *args], cwd=REPO, env={**base, "TERM": "xterm", **env},
            stdout=slave if stdout_tty else out, stderr=slave, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(slave)
        terminal = _drain(master)
        code = proc.wait(timeout=300)
        out.seek(0)
        return code, terminal, out.read().decode("utf-8")


def _drain(master: int) -> str:
    """Everything written to the terminal until the child closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.subprocess
def test_the_bar_is_drawn_for_several_datasets_and_then_removed() -> None:
    code, terminal, _ = _on_terminal(["run", "examples/failing/", "--no-history", "--quiet"], {})
    assert code == 1
    assert "checking" in terminal and "3/3" in terminal and "datasets" in terminal
    assert terminal.rstrip().endswith(
        "gate: \x1b[31mFAILED\x1b[0m (3 of 3 datasets blocked: customers, events, orders; exit 1)"
    )
    assert terminal.count("orders: 42 passed, 1 skipped, 5 failed -> gate") == 1


@pytest.mark.subprocess
def test_with_output_piped_the_blocks_stay_on_stdout_and_plain() -> None:
    code, terminal, piped = _on_terminal(["run", "examples/failing/", "--no-history", "--quiet"], {}, stdout_tty=False)
    assert code == 1
    assert "checking" in terminal and "orders: 35 passed" not in terminal
    assert "\x1b[" not in piped and piped.count(" -> gate FAILED ") == 3


@pytest.mark.subprocess
@pytest.mark.parametrize(
    ("args", "env"),
    [(["examples/failing/orders.yml"], {}), (["examples/failing/"], {"CI": "true"})],
    ids=["one-suite", "ci"],
)
def test_no_bar(args: list[str], env: dict[str, str]) -> None:
    code, terminal, _ = _on_terminal(["run", *args, "--no-history", "--quiet"], env)
    assert code == 1
    assert "checking" not in terminal and "━" not in terminal
