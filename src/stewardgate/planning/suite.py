"""``plan_suite``: the one plan of a suite, which ``stewardgate plan`` prints and ``run`` executes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stewardgate.planning.access import plan_access
from stewardgate.planning.anomalies import plan_anomalies
from stewardgate.planning.check import PlannedCheck
from stewardgate.planning.columns import plan_columns
from stewardgate.planning.drift import plan_drift
from stewardgate.planning.expectations import plan_expectations
from stewardgate.planning.freshness import plan_freshness
from stewardgate.planning.governance import plan_governance
from stewardgate.planning.reconcile import plan_reconcile
from stewardgate.planning.schema import plan_named_columns, plan_schema
from stewardgate.planning.waivers import plan_waivers
from stewardgate.suite.loader import LoadedSuite

if TYPE_CHECKING:
    from stewardgate.readers.base import Reader
    from stewardgate.settings import GovernanceSettings


def plan_suite(
    loaded: LoadedSuite, settings: GovernanceSettings | None = None, reader: Reader | None = None
) -> list[PlannedCheck]:  # fmt: skip
    """Every check the suite declares, in suite order, as ``reader`` will execute it.

    ``settings``: the ``[tool.stewardgate.governance]`` settings (``run_by_default`` and the
    defaults of the governance checks; None: the defaults). ``reader``: the reader that will
    read the data (:mod:`stewardgate.readers`); it may move checks to executors of its own
    (Spark counts the data-level rules in its one job). None: the plan as written.
    """
    planned = [
        *plan_columns(loaded), *plan_schema(loaded), *plan_named_columns(loaded), *plan_expectations(loaded),
        *plan_anomalies(loaded), *plan_drift(loaded), *plan_governance(loaded, settings), *plan_access(loaded, settings),
        *plan_reconcile(loaded), *plan_freshness(loaded),
        *plan_waivers(loaded),
    ]  # fmt: skip
    return planned if reader is None else [reader.rewrite(p) for p in planned]
