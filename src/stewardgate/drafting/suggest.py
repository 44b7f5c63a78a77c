"""``stewardgate suggest``: edits to a suite, proposed from its dataset's stored runs.

:func:`suggest_from_store` reads the dataset's runs (at least :data:`MIN_RUNS` with a profile),
asks the questions of :mod:`~stewardgate.drafting.proposals` (too tight, stable sets, loose null
thresholds, missing anomaly rules), and applies the answers to the suite's text with
:class:`~stewardgate.drafting.yamledit.SuiteText`, so comments and layout stay as they were.
Each changed column gets a comment line with the evidence. The result is validated before it is
returned: a proposal that would break the suite is our bug (``InternalError``), never a file
the steward has to repair. Nothing here writes a file or reads the data.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from stewardgate.drafting.checked import assert_valid_suite
from stewardgate.drafting.history import PastRun, load_history
from stewardgate.drafting.proposals import (
    MIN_RUNS,
    Proposal,
    loose_nulls,
    missing_anomalies,
    stable_sets,
    too_tight,
)  # fmt: skip
from stewardgate.drafting.verdicts import REPLAYED
from stewardgate.drafting.yamledit import SuiteText
from stewardgate.errors import InputError
from stewardgate.suite.loader import LoadedSuite

COMMENT_PREFIX = "suggested: "


@dataclass(frozen=True)
class Suggestion:
    """The proposals for one suite: the text before and after, and what was judged."""

    path: str
    before: str
    after: str
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...]
    runs: int
    first: str
    last: str

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff from the suite as it is to the suite as proposed."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=self.path, tofile=f"{self.path} (suggested)",
        )  # fmt: skip
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def suggest_from_store(loaded: LoadedSuite, store: Any) -> Suggestion:
    """Propose edits to ``loaded`` from the runs of its dataset kept in ``store``.

    Raises:
        InputError: fewer than :data:`MIN_RUNS` stored runs with a profile (exit 2).
    """
    name = loaded.suite.dataset.name
    history = load_history(store, name)
    if len(history) < MIN_RUNS:
        raise InputError(
            f"{loaded.path}: suggest needs at least {MIN_RUNS} stored runs of dataset '{name}'; "
            f"{store.where} holds {len(history)}. Record more first: stewardgate run (nightly) "
            f"or stewardgate backfill --from YYYY-MM-DD --to YYYY-MM-DD"
        )
    return suggest(loaded, history)


def suggest(loaded: LoadedSuite, history: list[PastRun]) -> Suggestion:
    """Propose edits to ``loaded`` from ``history`` (oldest first; at least one run)."""
    suite = loaded.suite
    before = loaded.path.read_text(encoding="utf-8")
    proposals = [
        *too_tight(suite, history), *stable_sets(suite, history),
        *loose_nulls(suite, history), *missing_anomalies(suite, history),
    ]  # fmt: skip
    text = SuiteText(before)
    for p in proposals:
        p.edit(text)
    by_column: dict[str, list[str]] = {}
    for p in proposals:
        if p.column is not None:
            by_column.setdefault(p.column, []).append(COMMENT_PREFIX + p.evidence)
    for column, lines in by_column.items():
        text.comment_column(column, lines)
    after = text.result()
    assert_valid_suite(after, str(loaded.path))
    return Suggestion(
        path=str(loaded.path), before=before, after=after, proposals=tuple(proposals),
        notes=tuple(_unreplayed_failures(loaded, history)), runs=len(history),
        first=history[0].as_of.isoformat(), last=history[-1].as_of.isoformat(),
    )  # fmt: skip


def _unreplayed_failures(loaded: LoadedSuite, history: list[PastRun]) -> list[str]:
    """Column rules that cannot be replayed (regex, type, required…) yet failed on most runs."""
    failed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for run in history:
        for r in run.results:
            if r.column is None or r.check in REPLAYED or r.column not in loaded.suite.columns:
                continue
            if getattr(loaded.suite.columns[r.column], r.check, None) is None:
                continue
            seen[r.check_id] += 1
            failed[r.check_id] += r.status.value in ("warned", "failed", "errored")
    return [
        f"{check}: failed on {failed[check]} of {seen[check]} runs; suggest cannot loosen it, review it by hand"
        for check in sorted(seen) if seen[check] >= MIN_RUNS and 2 * failed[check] > seen[check]
    ]  # fmt: skip
