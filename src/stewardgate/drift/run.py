"""Drift in a run: find the baseline (file or store), then judge this run's schema and profile.

Called by the runner after the one-pass profile is assembled; it reads no data. A suite
without a ``drift:`` section still gets schema drift, but quietly: only once a baseline has
been accepted in the store (before that there is nothing to drift from, and the run's
results stay as they were). A suite with a ``drift:`` section always shows its drift checks,
skipped with the reason while there is no baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stewardgate.drift.baseline import Baseline, from_store, read_file
from stewardgate.drift.judge import Context, errored_all, judge, skipped_all
from stewardgate.drift.schema import Side
from stewardgate.errors import InputError, StoreError
from stewardgate.planning import PlannedCheck
from stewardgate.planning.drift import ENGINE
from stewardgate.profile_record import Profile
from stewardgate.results import CheckResult
from stewardgate.suite.drift_model import DriftSpec
from stewardgate.suite.loader import LoadedSuite

OpenStore = Callable[[], Any]


def context_of(loaded: LoadedSuite, spec: DriftSpec, masked: set[str]) -> Context:
    """The judge's context from a suite: its drift spec, schema policy and masked columns."""
    policy = loaded.suite.schema_policy
    required = frozenset(
        name for name, col in loaded.suite.columns.items() if getattr(col.required, "value", col.required)
    )
    return Context(loaded.suite.dataset.name, spec, policy.extra_columns, policy.order, frozenset(masked), required)


def drift_results(
    loaded: LoadedSuite, planned: list[PlannedCheck], snapshot: dict[str, Any], profile: Profile,
    *, masked: set[str], open_store: OpenStore | None,
) -> list[CheckResult]:  # fmt: skip
    """The drift results of one dataset run.

    Args:
        loaded: the suite.
        planned: the run's plan (its drift checks are used; none without a ``drift:`` section).
        snapshot: this run's schema snapshot (``{"columns": [...], "metadata": {...}}``).
        profile: this run's metric profile.
        masked: columns whose values (category labels, decile edges) must not be shown.
        open_store: opens the history store, or None when the run reads no history.
    """
    name = loaded.suite.dataset.name
    implicit = loaded.suite.drift is None  # planned with when="baseline": quiet until one is accepted
    spec = loaded.suite.drift or DriftSpec()
    mine = [p for p in planned if p.engine == ENGINE]
    if not mine:
        return []
    try:
        baseline = _baseline(loaded, spec, open_store)
    except StoreError:
        raise
    except InputError as exc:  # an unusable baseline file: the drift checks error, the run goes on
        return errored_all(mine, str(exc))
    if baseline is None:
        return [] if implicit else skipped_all(mine, _no_baseline(name, open_store is not None))
    return judge(mine, context_of(loaded, spec, masked), baseline, Side(snapshot, profile))


def _baseline(loaded: LoadedSuite, spec: DriftSpec, open_store: OpenStore | None) -> Baseline | None:
    name = loaded.suite.dataset.name
    if spec.baseline_file is not None:
        return read_file(loaded.folder / spec.baseline_file, name)
    if open_store is None:
        return None
    with open_store() as store:
        return from_store(store, name)


def _no_baseline(dataset: str, with_store: bool) -> str:
    if not with_store:
        return ("no baseline: this run reads no history (--no-history) and the suite names no "
                "baseline file (drift.baseline)")  # fmt: skip
    return (f"no accepted baseline for '{dataset}' yet; after a good run, accept it with: "
            f"stewardgate baseline accept {dataset} --reason \"...\"")  # fmt: skip
