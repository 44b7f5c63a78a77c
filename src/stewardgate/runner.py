"""Orchestration of a run, and nothing else: load, plan, scan, execute, decide.

Each step is a library call of its own module; this one strings them together for every
suite and returns the frozen :class:`RunResult`. It never prints and never exits.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from stewardgate import __version__
from stewardgate.datasets.scan import open_dataset
from stewardgate.engines.dispatch import execute
from stewardgate.errors import DatasetError
from stewardgate.gate import GatePolicy, decide, unreadable
from stewardgate.planning import plan_suite
from stewardgate.results import CheckResult, DatasetRun, RunResult
from stewardgate.suite.loader import LoadedSuite, load_suites

SENSITIVE = ("confidential", "restricted")


@dataclass(frozen=True)
class RunOptions:
    """How to run: sample count, the logical run date, and a callback per finished dataset."""

    samples: int = 5
    as_of: date | None = None
    on_dataset: Callable[[DatasetRun], None] | None = field(default=None, compare=False)


def run_paths(paths: list[Path], options: RunOptions) -> RunResult:
    """Validate every suite under ``paths`` (all problems at once), then run each one."""
    return run_suites(load_suites(paths), options)


def run_suites(suites: list[LoadedSuite], options: RunOptions) -> RunResult:
    """Run already-loaded suites; each dataset is judged on its own."""
    started = _now()
    as_of = options.as_of or started.date()
    runs = []
    for loaded in suites:
        run = run_suite(loaded, options)
        runs.append(run)
        if options.on_dataset is not None:
            options.on_dataset(run)
    return RunResult(
        run_id=uuid.uuid4().hex, tool_version=__version__, as_of=as_of,
        started_at=started, finished_at=_now(), datasets=tuple(runs),
    )  # fmt: skip


def run_suite(loaded: LoadedSuite, options: RunOptions) -> DatasetRun:
    """Run one suite against its dataset; an unreadable dataset becomes a failed DatasetRun."""
    started = _now()
    suite = loaded.suite
    policy = GatePolicy(fail_on=suite.gate.fail_on)
    base = dict(
        dataset=suite.dataset.name, suite_path=str(loaded.path), suite_sha256=loaded.sha256,
        stewardship=suite.stewardship.model_dump(mode="json"), started_at=started,
    )  # fmt: skip
    try:
        scanned = open_dataset(suite.dataset, base=loaded.folder)
        done = execute(plan_suite(loaded), scanned, masked=masked_columns(loaded), samples=options.samples)
    except DatasetError as exc:
        return DatasetRun(**base, results=(), gate=unreadable(str(exc), policy), finished_at=_now(), error=str(exc))  # type: ignore[arg-type]
    results: list[CheckResult] = done.results
    return DatasetRun(
        **base, results=tuple(results), gate=decide(results, policy), finished_at=_now(),  # type: ignore[arg-type]
        data=scanned.fingerprint, row_count=done.row_count,
    )


def masked_columns(loaded: LoadedSuite) -> set[str]:
    """Columns whose sample values must never be shown: sensitive classification or pii."""
    return {
        name for name, spec in loaded.suite.columns.items()
        if spec.pii is not None or spec.classification in SENSITIVE
    }  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)
