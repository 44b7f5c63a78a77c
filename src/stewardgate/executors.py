"""The executors that judge after the data pass, by name: what the runner hands each group of
the plan (:func:`stewardgate.planning.by_executor`).

A reader runs the data executors of a plan in its pass (``pandera``, ``polars``, ``gx``,
``spark``: :mod:`stewardgate.readers`) and returns :class:`~stewardgate.engines.measured.Measured`;
the executors here need no pass of their own: the row count (``rows``), the stored history
(``history``: anomaly rules), a baseline (``drift``), the stewardship (``governance``, on the
figures and the data the reader gave it) and the data's access (``access``). Each is an
:class:`Executor`: its planned checks and the :class:`Judging` context in, :class:`Executed` out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from stewardgate.results import CheckResult

if TYPE_CHECKING:
    from stewardgate.engines.measured import Measured
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite


@dataclass(frozen=True)
class Judging:
    """What the executors after the pass judge on: the suite, the opened dataset, what the
    reader measured, this run's schema snapshot, the as-of date, the masked columns, and the
    history store (``open_store``; None when the run reads no history)."""

    loaded: LoadedSuite
    opened: Any
    measured: Measured
    snapshot: dict[str, Any]
    as_of: date
    masked: set[str]
    open_store: Callable[[], Any] | None
    options: Any = None
    """The run's :class:`~stewardgate.runner.RunOptions` (connections, roots, the run's datasets)."""
    moment: datetime | None = None
    """The as-of time (the freshness limits' "now"); None: the end of the as-of date."""


@dataclass(frozen=True)
class Executed:
    """An executor's results, in plan order, and the (metric, column) pairs anomaly rules flagged."""

    results: list[CheckResult]
    anomalous: frozenset[tuple[str, str | None]] = field(default_factory=frozenset)


class Executor(Protocol):
    """Judges its planned checks (possibly none) in a run."""

    def __call__(self, checks: list[PlannedCheck], ctx: Judging) -> Executed: ...


def judge_rows(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """``schema.empty`` on the pass's row count (planned unless the suite allows an empty dataset)."""
    from stewardgate.engines.rows import empty_results

    if not checks:
        return Executed([])
    loaded = ctx.loaded
    written = loaded.line_of("schema", "empty")
    return Executed(empty_results(
        loaded.suite.dataset.name, loaded.suite.schema_policy.empty, ctx.measured.profile["row_count"],
        declared=written is not None, suite_line=written or loaded.line_of("dataset"),
    ))  # fmt: skip


def judge_history(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """The anomaly rules on this run's profile against the stored history (learning without one)."""
    if not checks:
        return Executed([])
    from stewardgate.engines.anomalies import History, judge_anomalies
    from stewardgate.engines.profile import flatten_metrics

    metrics = {(m, c): v for m, c, v in flatten_metrics(ctx.measured.profile)}
    if ctx.open_store is None:
        outcome = judge_anomalies(checks, metrics, lambda wanted: {key: [] for key in wanted}, ctx.as_of)
        return Executed(outcome.results, outcome.anomalous)
    dataset = ctx.loaded.suite.dataset.name
    with ctx.open_store() as store:
        history: History = lambda wanted: store.metric_series_many(dataset, wanted, before=ctx.as_of)  # noqa: E731
        outcome = judge_anomalies(checks, metrics, history, ctx.as_of)
    return Executed(outcome.results, outcome.anomalous)


def judge_drift(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """Schema and distribution drift against the baseline (file or store); reads no data."""
    from stewardgate.drift.run import drift_results

    return Executed(drift_results(
        ctx.loaded, checks, ctx.snapshot, ctx.measured.profile, masked=ctx.masked, open_store=ctx.open_store,
    ))  # fmt: skip


def judge_stewardship(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """The governance checks on the figures and the data the reader gave them."""
    from stewardgate.governance.checks import judge_governance
    from stewardgate.planning.waivers import EXPIRY

    checks = [p for p in checks if p.when != EXPIRY]  # a waiver's expiry is judged with the waivers, last
    measured = ctx.measured
    source = measured.source or (lambda p: (ctx.opened, measured.profile["row_count"]))
    return Executed(
        judge_governance(
            checks, ctx.loaded, source, extra=measured.figures, as_of=ctx.as_of, masked=ctx.masked, moment=ctx.moment
        )
    )


def judge_reconciliations(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """Reconciliations and references: each side's figures from its own reader (:mod:`stewardgate.reconcile`)."""
    if not checks:
        return Executed([])
    from stewardgate.reconcile.run import judge_reconcile

    return Executed(judge_reconcile(
        checks, ctx.loaded, ctx.opened, row_count=ctx.measured.profile["row_count"], masked=ctx.masked,
        options=ctx.options, as_of=ctx.as_of, measured=ctx.measured.figures,
    ))  # fmt: skip


def judge_access(checks: list[PlannedCheck], ctx: Judging) -> Executed:
    """The access checks: the data's grants or file modes against ``access:``; reads no rows."""
    if not checks:
        return Executed([])
    from stewardgate.governance.access.judge import judge_access as judge

    return Executed(judge(checks, ctx.loaded, ctx.opened, as_of=ctx.as_of, open_store=ctx.open_store))


AFTER_PASS: dict[str, Executor] = {
    "rows": judge_rows,
    "history": judge_history,
    "drift": judge_drift,
    "governance": judge_stewardship,
    "reconcile": judge_reconciliations,
    "access": judge_access,
}
