"""The lineage section's planner: one check per declared upstream (judged by
:mod:`stewardgate.governance.lineage` once the upstreams' verdicts are known)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stewardgate.results import Severity
from stewardgate.suite.lineage_model import is_external

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite

ENGINE = "lineage"
"""The executor of upstream checks: the run's join of verdicts (``runner._upstream_join``)."""


def plan_lineage(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One check per declared upstream, in suite order."""
    from stewardgate.planning import PlannedCheck

    lineage = loaded.suite.lineage
    if lineage is None:
        return []
    severity = Severity.ERROR if lineage.block_on_upstream_failure else Severity.WARN
    name = loaded.suite.dataset.name
    planned = []
    for i, upstream in enumerate(lineage.upstream):
        external = is_external(upstream)
        reason = ("lineage: external upstream, shown and sent along, not judged" if external else
                  "lineage: the upstream's gate in this run, else its latest stored run")  # fmt: skip
        planned.append(PlannedCheck(
            check_id=f"{name}.lineage.upstream.{upstream}", check="upstream", section="lineage", column=None,
            value={"upstream": upstream, "external": external}, severity=severity, engine=ENGINE, reason=reason,
            suite_line=loaded.line_of("lineage", "upstream", i),
        ))  # fmt: skip
    return planned
