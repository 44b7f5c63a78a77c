"""The console report: one stable, grep-friendly line per check, a summary per dataset, a gate line.

``render(run, color=..., verbosity=...)`` returns text; the CLI decides where it goes. Colour
is plain ANSI and only when asked for (the CLI asks on a terminal unless ``NO_COLOR`` is set).
Verbosity: -1 quiet (non-passing checks and the gate line), 0 normal, 1 verbose (expected,
observed and samples for every check).
"""

from __future__ import annotations

from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

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
    source = d.data.path if d.data else "?"
    lines = [_paint(f"{d.dataset}", "1", color) + f"  {d.suite_path} -> {source}{rows}"]
    if d.error:
        lines.append(f"  {_paint('ERROR', _COLORS[Status.ERRORED], color)}  {d.error}")
    width = max((len(r.check_id) for r in d.results), default=0)
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
    return f"  {label}  {r.check_id:<{width}}  {r.message}"


def _detail_lines(r: CheckResult, verbosity: int) -> list[str]:
    out = []
    if verbosity > 0:
        out.append(f"         expected: {r.expected!s}   observed: {r.observed!s}   severity: {r.severity.value}")
    if r.samples:
        out.append(f"         samples: {', '.join(r.samples)}")
    return out


def _summary_line(d: DatasetRun, color: bool) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in d.counts().items() if n)
    verdict = _paint("PASSED", "32", color) if d.gate.passed else _paint("FAILED", "31", color)
    return f"  {d.dataset}: {counts or 'no checks'} -> gate {verdict} ({d.gate.reason})"


def render_gate_line(run: RunResult, *, color: bool = False, exit_code: int | None = None) -> str:
    """The closing line: overall verdict, blocked datasets, and the exit code the process uses."""
    total = len(run.datasets)
    code = run.exit_code if exit_code is None else exit_code
    failed = [d.dataset for d in run.datasets if not d.gate.passed]
    if not failed:
        return f"gate: {_paint('PASSED', '32', color)} ({total} of {total} datasets passed, exit {code})"
    note = ", --exit-zero" if code != run.exit_code else ""
    return (
        f"gate: {_paint('FAILED', '31', color)} ({len(failed)} of {total} datasets blocked: "
        f"{', '.join(failed)}; exit {code}{note})"
    )
