"""Backfill: one ordinary run per as-of day, oldest first, and what the nights add up to.

The suites are loaded, validated and selected once; each day is then a run with ``as_of`` set
(``{as_of}`` in ``dataset.path`` picks the day's partition). Days stay in order, so each
night's anomaly rules see the nights before it; ``options.parallel`` checks a night's datasets
in worker processes, started once for the whole backfill (:func:`stewardgate.workers.keep_pool`). A backfill sends no notifications: it replays the past.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.results import RunResult, Status
from stewardgate.runner import RunOptions, run_suites
from stewardgate.workers import keep_pool


@dataclass(frozen=True)
class Night:
    """One dataset on one day: the verdict in brief."""

    as_of: date
    dataset: str
    passed: bool
    status: str
    blocking: tuple[str, ...]
    anomalies: tuple[str, ...]
    error: str | None


@dataclass(frozen=True)
class Backfill:
    """Every night of a backfill and the exit code they add up to (the worst)."""

    nights: tuple[Night, ...]
    days: int
    exit_code: int

    def summary(self) -> str:
        """``51 nights, 1 failed (2026-10-14 orders_daily)``."""
        failed = [n for n in self.nights if not n.passed]
        datasets = len({n.dataset for n in self.nights})
        noun = f"{self.days} night{'s' if self.days != 1 else ''}"
        if datasets > 1:
            noun += f" x {datasets} datasets"
        if not failed:
            return f"{noun}, all passed"
        shown = ", ".join(f"{n.as_of} {n.dataset}" for n in failed[:5]) + (", ..." if len(failed) > 5 else "")
        return f"{noun}, {len(failed)} failed ({shown})"

    def to_json(self) -> dict[str, Any]:
        """The machine-readable form (``backfill --json``)."""
        return {
            "days": self.days, "exit_code": self.exit_code, "summary": self.summary(),
            "failed": sum(not n.passed for n in self.nights),
            "nights": [{**n.__dict__, "as_of": n.as_of.isoformat(), "blocking": list(n.blocking),
                        "anomalies": list(n.anomalies)} for n in self.nights],
        }  # fmt: skip


def nights_of(run: RunResult) -> list[Night]:
    """A run's datasets as nights."""
    return [
        Night(
            as_of=run.as_of, dataset=d.dataset, passed=d.gate.passed,
            status=(Status.ERRORED if d.error else d.worst).value, blocking=d.gate.blocking,
            anomalies=tuple(r.check_id for r in d.results if r.check == "anomaly" and r.status.rank >= Status.WARNED.rank),
            error=d.error,
        )
        for d in run.datasets
    ]  # fmt: skip


def backfill(paths: Sequence[Path], days: Sequence[date], options: RunOptions,
             on_night: Callable[[Night], None] | None = None) -> Backfill:  # fmt: skip
    """Run the suites under ``paths`` once per day in ``days`` (in order), recording history."""
    from stewardgate.runner import prepare_suites, workers_started_early

    nights, worst = [], 0
    with keep_pool(), workers_started_early(list(paths), options, nights=len(days)):  # one set for every night
        suites = prepare_suites(list(paths), replace(options, as_of=max(days)))
        options = replace(options, use_store=True, notify=None, store_path=options.store_path)
        for day in days:
            run = run_suites(suites, replace(options, as_of=day))
            for night in nights_of(run):
                nights.append(night)
                if on_night is not None:
                    on_night(night)
            worst = max(worst, run.exit_code)
    return Backfill(tuple(nights), len(days), worst)
