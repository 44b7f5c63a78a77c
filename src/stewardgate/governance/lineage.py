"""Lineage: a dataset's upstreams, judged as part of its run.

A suite's ``lineage.upstream`` names the datasets it is made from. Each one that is a
stewardgate dataset (a bare name) becomes the check ``<ds>.lineage.upstream.<name>``: it
passes when the upstream's gate passed, in this same run or else in its latest stored run (as
of this run's day at the latest). An upstream that failed, could not be read, or has no
verdict at all (not in the run, no stored run, or no history store) is named in the
downstream's report at severity ``warn``, or ``error`` with ``block_on_upstream_failure: true``
(the risk tier may still make a warning block). External names (``postgres://…``,
``ext:…``) are reported as skipped: stewardgate shows them and sends them along in
OpenLineage events, but cannot judge them.

The runner judges a dataset's upstreams once every upstream of the same run is judged
(:class:`UpstreamJoin`), so suites are judged upstreams first (:func:`upstream_order`) and a
dataset waits (in parallel runs) until its upstreams are in. Cycles and self-references are
suite errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from stewardgate.errors import Problem
from stewardgate.planning.lineage import ENGINE, plan_lineage  # noqa: F401 (planned in planning/)
from stewardgate.results import CheckResult, Status, status_for

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck
    from stewardgate.results import DatasetRun
    from stewardgate.suite.loader import LoadedSuite


@dataclass(frozen=True)
class Verdict:
    """What is known of an upstream: whether its gate passed, and from where."""

    passed: bool
    source: str
    reason: str


def upstreams(loaded: LoadedSuite) -> list[str]:
    """The suite's declared upstream names (external ones included)."""
    return list(loaded.suite.lineage.upstream) if loaded.suite.lineage else []


def lineage_problems(suites: list[LoadedSuite]) -> list[Problem]:
    """Self-references and cycles among the run's suites, located at the upstream entry."""
    by_name = {s.suite.dataset.name: s for s in suites}
    problems = []
    for s in suites:
        for i, up in enumerate(upstreams(s)):
            if up == s.suite.dataset.name:
                problems.append(_problem(s, i, "a dataset cannot be its own upstream"))
            elif up in by_name and _reaches(by_name, up, s.suite.dataset.name):
                problems.append(
                    _problem(s, i, f"'{up}' is downstream of {s.suite.dataset.name} too: lineage must not form a cycle")
                )
    return problems


def _reaches(by_name: dict[str, LoadedSuite], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name == goal:
            return True
        if name in seen or name not in by_name:
            continue
        seen.add(name)
        todo += upstreams(by_name[name])
    return False


def _problem(loaded: LoadedSuite, index: int, message: str) -> Problem:
    line, col = loaded.located.position(("lineage", "upstream", index))
    return Problem(str(loaded.path), line, col, f"lineage.upstream.{index}", message)


def upstream_order(suites: list[LoadedSuite]) -> list[LoadedSuite]:
    """The suites with every upstream of the run before its downstreams (else in the given order)."""
    by_name = {s.suite.dataset.name: s for s in suites}
    done: dict[str, LoadedSuite] = {}

    def visit(s: LoadedSuite) -> None:
        if s.suite.dataset.name in done:
            return
        done[s.suite.dataset.name] = s  # marked first: cycles are refused before this runs
        for up in upstreams(s):
            if up in by_name:
                visit(by_name[up])
        done.pop(s.suite.dataset.name)
        done[s.suite.dataset.name] = s

    for s in suites:
        visit(s)
    return list(done.values())


def run_verdict(run: DatasetRun) -> Verdict:
    """The verdict of a dataset judged in this run."""
    if run.error:
        return Verdict(False, "in this run", f"it could not be checked: {run.error}")
    return Verdict(run.gate.passed, "in this run", run.gate.reason)


def judge_upstreams(
    planned: list[PlannedCheck], known: dict[str, Verdict], stored: Callable[[str], Verdict | None] | None,
    *, no_store: str = "not in this run, and no history store to look in",
) -> list[CheckResult]:  # fmt: skip
    """One result per planned upstream check: ``known`` holds this run's verdicts; ``stored``
    looks up an upstream's latest stored run (None: there is no store to ask, ``no_store`` says why)."""
    out = []
    for p in planned:
        up = p.args["upstream"]
        if p.args["external"]:
            out.append(_result(p, Status.SKIPPED, f"skipped: external upstream {up} is not judged by stewardgate"))
            continue
        verdict = known.get(up) or (stored(up) if stored is not None else None)
        if verdict is None:
            why = "not in this run and no stored run" if stored is not None else no_store
            out.append(_result(p, status_for(False, p.severity), f"upstream {up} has no verdict ({why})"))
        elif verdict.passed:
            out.append(_result(p, Status.PASSED, f"upstream {up} passed its gate {verdict.source}", verdict))
        else:
            message = f"upstream {up} FAILED its gate {verdict.source}: {verdict.reason}"
            out.append(_result(p, status_for(False, p.severity), message, verdict))
    return out


def _result(p: PlannedCheck, status: Status, message: str, verdict: Verdict | None = None) -> CheckResult:
    details: dict[str, Any] = {"upstream": p.args["upstream"]}
    if verdict is not None:
        details.update(passed=verdict.passed, source=verdict.source)
    return CheckResult(
        check_id=p.check_id, check=p.check, status=status, severity=p.severity, engine=p.engine,
        message=message, expected="upstream gate passed", observed=None if verdict is None else verdict.passed,
        details=details, suite_line=p.suite_line,
    )  # fmt: skip


def stored_verdict(store: Any, as_of: date) -> Callable[[str], Verdict | None]:
    """An upstream's latest counting stored run on or before ``as_of``, from an open store."""

    def look(name: str) -> Verdict | None:
        for s in store.runs(name, limit=20, include_superseded=False):
            if s.as_of <= as_of:
                source = f"in its latest stored run ({s.as_of}, run {s.run_id[:12]})"
                return Verdict(s.gate_passed and not s.error, source, s.error or f"status {s.status.value}")
        return None

    return look


class UpstreamJoin:
    """Holds each judged dataset until its upstreams of the same run are judged, then completes it.

    ``complete(item, known)`` adds the upstream results to a held item (with this run's
    verdicts so far) and returns it; items come out in an order where upstreams go first.
    """

    def __init__(self, suites: list[LoadedSuite], name_of: Callable[[Any], str],
                 complete: Callable[[Any, dict[str, Verdict]], Any], verdict_of: Callable[[Any], Verdict]) -> None:  # fmt: skip
        self._in_run = {s.suite.dataset.name for s in suites}
        self._needs = {s.suite.dataset.name: [u for u in upstreams(s) if u in self._in_run] for s in suites}
        self._name_of, self._complete, self._verdict_of = name_of, complete, verdict_of
        self._known: dict[str, Verdict] = {}
        self._held: list[Any] = []

    def feed(self, item: Any) -> Iterator[Any]:
        """The items now complete (this one, and any that waited for it)."""
        self._held.append(item)
        progress = True
        while progress:
            progress = False
            for held in list(self._held):
                if all(u in self._known for u in self._needs[self._name_of(held)]):
                    self._held.remove(held)
                    done = self._complete(held, dict(self._known))
                    self._known[self._name_of(done)] = self._verdict_of(done)
                    progress = True
                    yield done

    def rest(self) -> Iterator[Any]:
        """Whatever still waits (an upstream never came): completed with what is known."""
        for held in self._held:
            yield self._complete(held, dict(self._known))
        self._held = []


def complete(
    judged: Any, known: dict[str, Verdict], loaded: LoadedSuite, *, policy: Any, as_of: date,
    open_store: Callable[[], Any] | None,
) -> Any:  # fmt: skip
    """A judged dataset (runner.Judged) with its upstream results, waivers applied, gate decided again.

    The store is opened only when an upstream is not judged in this run. A dataset that could
    not be read keeps its failing gate.
    """
    from stewardgate.gate import decide
    from stewardgate.governance.waivers import waive

    planned = plan_lineage(loaded)
    if not planned:
        return judged
    missing = [p for p in planned if not p.args["external"] and p.args["upstream"] not in known]
    if missing and open_store is not None:
        from stewardgate.errors import StoreError

        try:
            with open_store() as store:
                results = judge_upstreams(planned, known, stored_verdict(store, as_of))
        except StoreError as exc:  # the upstream's verdict is unknown, which is reported, never passed
            results = judge_upstreams(
                planned, known, None, no_store=f"not in this run; the history store could not be read: {exc}"
            )
    else:
        results = judge_upstreams(planned, known, None if missing else lambda name: None)
    results = waive(results, loaded.suite.waivers, dataset=loaded.suite.dataset.name, as_of=as_of)
    run = judged.run
    combined = [*run.results, *results]
    gate = run.gate if run.error else decide(combined, policy)
    return replace(judged, run=replace(run, results=tuple(combined), gate=gate))
