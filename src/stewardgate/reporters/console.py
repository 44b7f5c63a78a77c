"""The console report: one stable, grep-friendly line per check, a summary per dataset, a gate line.

``render(run, color=..., verbosity=...)`` returns text; the CLI decides where it goes. Colour
is plain ANSI and only when asked for (the CLI asks on a terminal unless ``NO_COLOR`` is set).
Verbosity: -1 quiet (non-passing checks and the gate line), 0 normal, 1 verbose (expected,
observed and samples for every check).

``render_next_steps`` is the closing advice printed just above the gate line (not in quiet
mode): for a blocked run the command that shows the details and the HTML report to open; for a
passing run one short line. Like everything here it is a pure function of its arguments.
Every data-derived text (names, messages, samples, paths) goes through
:func:`stewardgate.textsafe.terminal`: no control character reaches the terminal or CI log.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from stewardgate.results import CheckResult, DatasetRun, RunResult, Status
from stewardgate.textsafe import terminal
from stewardgate.wording import number

MAX_SUITES_NAMED = 3
"""A rerun hint names the blocked suites up to this many; beyond, it repeats the run's PATHS."""

LABELS = {
    Status.PASSED: "PASS", Status.SKIPPED: "SKIP", Status.INFO: "INFO", Status.WAIVED: "WAIVE",
    Status.WARNED: "WARN", Status.FAILED: "FAIL", Status.ERRORED: "ERROR",
}  # fmt: skip
_COLORS = {
    Status.PASSED: "32", Status.SKIPPED: "2", Status.INFO: "36", Status.WAIVED: "35",
    Status.WARNED: "33", Status.FAILED: "31", Status.ERRORED: "1;31",
}  # fmt: skip


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render(run: RunResult, *, color: bool = False, verbosity: int = 0) -> str:
    """The whole console report of a run."""
    blocks = [render_dataset(d, color=color, verbosity=verbosity) for d in run.datasets]
    return "\n".join([*blocks, render_gate_line(run, color=color)]) + "\n"


def render_dataset(d: DatasetRun, *, color: bool = False, verbosity: int = 0) -> str:
    """One dataset's block: header, check lines, summary line."""
    rows = f", {d.row_count:,} rows" if d.row_count is not None else ""
    source = terminal(d.data.path) if d.data else "?"
    checked = (
        f"{terminal(d.suite_path)} -> {source}" if d.suite_path else source
    )  # diff without a suite names only the data
    lines = [_paint(terminal(d.dataset), "1", color) + f"  {checked}{rows}"]
    if d.error:
        lines.append(f"  {_paint('ERROR', _COLORS[Status.ERRORED], color)}  {terminal(d.error)}")
    width = max((len(terminal(r.check_id)) for r in d.results), default=0)
    for r in d.results:
        if verbosity < 0 and r.status in (Status.PASSED, Status.SKIPPED):
            continue
        lines.append(_check_line(r, width, color))
        if verbosity > 0 or (r.status >= Status.WARNED and r.samples):
            lines.extend(_detail_lines(r, verbosity))
    lines.append(_summary_line(d, color))
    return "\n".join(lines) + "\n"


def _check_line(r: CheckResult, width: int, color: bool) -> str:
    label = _paint(f"{LABELS[r.status]:<5}", _COLORS[r.status], color)
    return f"  {label}  {terminal(r.check_id):<{width}}  {terminal(r.message)}"


def _detail_lines(r: CheckResult, verbosity: int) -> list[str]:
    out = []
    if verbosity > 0:
        out.append(
            f"         expected: {terminal(r.expected)}   observed: {terminal(number(r.observed))}   severity: {r.severity.value}"
        )
    if r.samples:
        out.append(f"         samples: {', '.join(terminal(s) for s in r.samples)}")
    return out


def _summary_line(d: DatasetRun, color: bool) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in d.counts().items() if n)
    verdict = _paint("PASSED", "32", color) if d.gate.passed else _paint("FAILED", "31", color)
    return f"  {terminal(d.dataset)}: {counts or 'no checks'} -> gate {verdict} ({terminal(d.gate.reason)})"


def render_gate_line(
    run: RunResult, *, color: bool = False, exit_code: int | None = None, recorded: bool = True
) -> str:
    """The closing line: overall verdict, blocked datasets, and the exit code the process uses.

    ``recorded=False``: the history store refused the run; the line says what was judged but
    never that the gate passed.
    """
    total = len(run.datasets)
    code = run.exit_code if exit_code is None else exit_code
    failed = [d.dataset for d in run.datasets if not d.gate.passed]
    if not recorded:
        judged = f"{len(failed)} of {total} datasets blocked" if failed else f"{total} of {total} datasets passed"
        return f"gate: {_paint('NOT RECORDED', '31', color)} (judged: {judged}; the history store refused the write; exit {code})"
    if not failed:
        return f"gate: {_paint('PASSED', '32', color)} ({total} of {total} datasets passed, exit {code})"
    note = ", --exit-zero" if code != run.exit_code else ""
    return (
        f"gate: {_paint('FAILED', '31', color)} ({len(failed)} of {total} datasets blocked: "
        f"{', '.join(map(terminal, failed))}; exit {code}{note})"
    )


def rerun_options(*, as_of: date | None = None, store: str | None = None, no_history: bool = False) -> list[str]:
    """The run's flags that a rerun must repeat to judge the same day against the same history.

    A ``--store`` URL with a password is not repeated verbatim: the hint says
    ``"$STEWARDGATE_STORE"`` instead, so no password is printed to a log.
    """
    out = ["--as-of", as_of.isoformat()] if as_of is not None else []
    if no_history:
        out.append("--no-history")
    elif store is not None:
        from stewardgate.redact import has_secret

        out += ["--store", '"$STEWARDGATE_STORE"' if has_secret(store) else shlex.quote(store)]
    return out


def render_next_steps(
    run: RunResult,
    *,
    paths: Sequence[str] = (),
    options: Sequence[str] = (),
    reports: Sequence[Path] = (),
    verbosity: int = 0,
) -> str:
    """What to do next, as ``next: ...`` lines (empty in quiet mode).

    Args:
        run: the finished run.
        paths: the PATHS the run was given, named by the rerun hint when more than
            ``MAX_SUITES_NAMED`` suites blocked.
        options: flags the rerun repeats (see :func:`rerun_options`); already shell-quoted.
        reports: the report files written; an ``.html`` one is offered to open.
        verbosity: as for :func:`render`; verbose runs get no ``--verbose`` hint.
    """
    if verbosity < 0:
        return ""
    blocked = [d for d in run.datasets if not d.gate.passed and d.error is None]
    if not blocked:
        if not run.passed:
            return ""  # only unreadable datasets: their ERROR lines say what to fix
        warned = sum(r.status is Status.WARNED for d in run.datasets for r in d.results)
        if warned:
            return f"next: nothing blocks the release; {warned} warned check{'s' if warned != 1 else ''} above may need a look\n"
        return "next: nothing to do, every gate passed\n"
    lines = []
    if verbosity == 0:
        suites = [d.suite_path for d in blocked] if len(blocked) <= MAX_SUITES_NAMED or not paths else list(paths)
        command = terminal(" ".join(["stewardgate run", *map(shlex.quote, suites), *options, "--verbose"]))
        lines.append(f"next: {command}  # expected, observed and samples of every check")
    html = [p for p in reports if p.suffix.lower() in (".html", ".htm")]
    if html:
        lines.append(
            f"next: open {terminal(shlex.quote(str(html[0])))}  # the HTML report: evidence, charts, stewardship"
        )
    return "".join(line + "\n" for line in lines)
