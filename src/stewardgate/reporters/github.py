"""GitHub Actions output: workflow-command annotations and the job step summary.

Each check that did not pass becomes one annotation on the line of the suite that declares
it, so the pull request shows it next to the YAML::

    ::error file=suites/orders.yml,line=12,title=orders.columns.amount.min::12 values are below …

``failed``/``errored`` (and an unreadable dataset) are ``::error``, ``warned``/``waived``
``::warning``, ``info`` ``::notice``; ``passed`` and ``skipped`` make none. Annotations come
worst first, because GitHub shows only the first few of each kind per step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path, PurePath

from stewardgate.reporters.junit import READ_CASE
from stewardgate.reporters.markdown import non_passing
from stewardgate.results import CheckResult, DatasetRun, RunResult, Status

COMMAND = {
    Status.ERRORED: "error",
    Status.FAILED: "error",
    Status.WARNED: "warning",
    Status.WAIVED: "warning",
    Status.INFO: "notice",
}


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF (GitHub's rules for data), and every other
    control character shown escaped (:func:`stewardgate.textsafe.terminal`)."""
    from stewardgate.textsafe import terminal

    return terminal(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value: the data rules plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_file(dataset: DatasetRun, suite_root: Path | None) -> str:
    """The suite path (the data's, for a diff without a suite) relative to ``suite_root`` when inside it."""
    path = PurePath(dataset.suite_path or (dataset.data.path if dataset.data else ""))
    if suite_root is not None:
        with contextlib.suppress(ValueError):
            path = path.relative_to(suite_root)
    return path.as_posix()


def annotation_title(dataset: DatasetRun, result: CheckResult | None) -> str:
    """``<dataset>.<check id>`` (the check id alone if it already starts with the dataset)."""
    if result is None:
        return f"{dataset.dataset}.{READ_CASE}"
    if result.check_id.startswith(f"{dataset.dataset}."):
        return result.check_id
    return f"{dataset.dataset}.{result.check_id}"


def workflow_command(command: str, message: str, *, file: str, line: int | None, title: str) -> str:
    """One ``::command key=value,…::message`` line, escaped."""
    props = [f"file={escape_property(file)}"]
    if line is not None:
        props.append(f"line={line}")
    props.append(f"title={escape_property(title)}")
    return f"::{command} {','.join(props)}::{escape_data(message)}"


def _annotations(run: RunResult, suite_root: Path | None) -> Iterator[str]:
    for d in run.datasets:
        if d.error is not None:
            file = annotation_file(d, suite_root)
            yield workflow_command("error", d.error, file=file, line=None, title=annotation_title(d, None))
    for d, r in non_passing(run):
        if r.status in COMMAND:
            yield workflow_command(
                COMMAND[r.status],
                r.message,
                file=annotation_file(d, suite_root),
                line=r.suite_line,
                title=annotation_title(d, r),
            )


def render_annotations(run: RunResult, *, suite_root: Path | None = None) -> str:
    """One workflow command per non-passing check, worst first, one per line.

    Args:
        run: the run to annotate.
        suite_root: make suite paths relative to this folder (the repository root, usually),
            since GitHub matches annotation files against repository paths.
    """
    lines = list(_annotations(run, suite_root))
    return "".join(f"{line}\n" for line in lines)


def render(run: RunResult, *, suite_root: Path | None = None) -> str:
    """The reporter entry point: the same as :func:`render_annotations`."""
    return render_annotations(run, suite_root=suite_root)


def append_step_summary(markdown: str, path: Path) -> None:
    """Append ``markdown`` to the step-summary file (the caller reads ``$GITHUB_STEP_SUMMARY``).

    Appends, never truncates: other steps of the job write to the same file.
    """
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)
