"""GitHub-flavoured Markdown summary of a run, for pull requests and ``$GITHUB_STEP_SUMMARY``.

Layout: a heading with the overall verdict; one table row per dataset (verdict and the count
of each status); then one table of the checks that did not pass, worst status first, with
what was observed, what was expected and the message. Cells escape ``|`` and HTML and fold
newlines, so data values cannot break the table. :func:`format_value` is also used by the
other reporters, so every format shows a value the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

VERDICT_MARK = {True: "✅ passed", False: "❌ failed"}
DATASET_ERROR = "⛔ not readable"
_MAX_ITEMS = 8
_MAX_CELL = 300


def format_value(value: Any) -> str:
    """A JSON value as a steward reads it: ``1,003``, ``0.0175``, ``[a, b]``, ``—`` for none."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, list | tuple):
        items = [format_value(v) for v in value[:_MAX_ITEMS]]
        more = f", … +{len(value) - _MAX_ITEMS} more" if len(value) > _MAX_ITEMS else ""
        return "[" + ", ".join(items) + more + "]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _format_float(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def format_fraction(fraction: float | None) -> str:
    """A fraction as a percentage with sensible precision: ``1.75%``, ``0.04%``, ``100%``."""
    if fraction is None:
        return "—"
    pct = fraction * 100
    if pct == 0 or pct >= 10:
        return f"{pct:.3g}%" if pct < 100 else f"{pct:.0f}%"
    return f"{pct:.2g}%" if pct < 0.1 else f"{pct:.3g}%"


def non_passing(run: RunResult) -> list[tuple[DatasetRun, CheckResult]]:
    """Every result that did not pass, worst status first, then in run order."""
    pairs = [(d, r) for d in run.datasets for r in d.results if r.status is not Status.PASSED]
    return sorted(pairs, key=lambda pair: pair[1].status.rank, reverse=True)


def cell(text: str, limit: int = _MAX_CELL) -> str:
    """Text safe inside a GFM table cell: ``|`` and HTML escaped, no links, newlines folded."""
    from stewardgate.textsafe import markdown

    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return markdown(text)


def code(text: str) -> str:
    """An inline code span that survives backticks and ``|`` inside a table cell."""
    from stewardgate.textsafe import terminal

    text = terminal(" ".join(text.split())).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _heading(run: RunResult) -> str:
    blocked = sum(not d.gate.passed for d in run.datasets)
    total = len(run.datasets)
    noun = "dataset" if total == 1 else "datasets"
    if not blocked:
        return f"## ✅ stewardgate: gate passed ({total} of {total} {noun} passed)"
    return f"## ❌ stewardgate: gate failed ({blocked} of {total} {noun} blocked)"


def _dataset_rows(run: RunResult) -> Iterator[str]:
    statuses = [s.value for s in Status]
    yield "| dataset | verdict | " + " | ".join(statuses) + " |"
    yield "|---|---|" + "---:|" * len(statuses)
    for d in run.datasets:
        verdict = DATASET_ERROR if d.error is not None else VERDICT_MARK[d.gate.passed]
        counts = d.counts()
        yield f"| {code(d.dataset)} | {verdict} | " + " | ".join(str(counts[s]) for s in statuses) + " |"


def _check_rows(run: RunResult, max_rows: int) -> Iterator[str]:
    errors = [d for d in run.datasets if d.error is not None]
    pairs = non_passing(run)
    if not errors and not pairs:
        return
    yield "| status | dataset | check | observed | expected | message |"
    yield "|---|---|---|---|---|---|"
    for d in errors:
        error = cell(d.error or "")
        yield f"| errored | {code(d.dataset)} | (dataset) | — | readable data | {error} |"
    for d, r in pairs[:max_rows]:
        yield (
            f"| {r.status.value} | {code(d.dataset)} | {code(r.check_id)} "
            f"| {cell(format_value(r.observed))} | {cell(format_value(r.expected))} "
            f"| {cell(r.message)} |"
        )
    if len(pairs) > max_rows:
        yield f"\n_… and {len(pairs) - max_rows} more; see the HTML or JSON report._"


def _footer(run: RunResult) -> str:
    seconds = (run.finished_at - run.started_at).total_seconds()
    return (
        f"<sub>run {code(run.run_id)} · as of {run.as_of.isoformat()} · "
        f"{seconds:.1f} s · stewardgate {run.tool_version}</sub>"
    )


def render(run: RunResult, *, max_rows: int = 100) -> str:
    """The run as a GitHub-flavoured Markdown summary.

    Args:
        run: the run to summarise.
        max_rows: at most this many non-passing checks are listed (worst first); the rest
            are counted in a closing line, keeping step summaries far below GitHub's 1 MiB cap.
    """
    parts = [_heading(run), "", *_dataset_rows(run), ""]
    checks = list(_check_rows(run, max_rows))
    if checks:
        parts += ["### Checks that did not pass", "", *checks, ""]
    parts.append(_footer(run))
    return "\n".join(parts) + "\n"
