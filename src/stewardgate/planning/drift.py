"""Planning the ``drift:`` section (and implicit schema drift): schema drift, one check per distribution column, the share.

The drift checks a suite plans: schema drift, one check per distribution column, the share.

Check ids (stable; see ``docs/drift.md``):

- ``<dataset>.drift.schema``: the schema against the baseline. When it finds changes, each
  change is its own result, ``<dataset>.drift.schema.<column>.<rule>`` (for example
  ``orders.drift.schema.amount.type_changed``) or ``<dataset>.drift.schema.order_changed``;
  with no change, this id passes;
- ``<dataset>.drift.distribution.<column>``: the column's distribution against the
  baseline's; ``<dataset>.drift.distribution.*`` plans "every other column", whose results
  carry each column's own id;
- ``<dataset>.drift.share``: the share of drifted columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.drift_model import ALL_COLUMNS, DriftSpec
from stewardgate.suite.loader import LoadedSuite

ENGINE = "drift"
SCHEMA, DISTRIBUTION, SHARE = "schema_drift", "distribution_drift", "drift_share"

LineOf = Callable[..., int | None]


BASELINE = "baseline"
"""The ``when`` of implicit schema drift: it reports only once a baseline is accepted."""


def plan_drift(loaded: LoadedSuite) -> list[PlannedCheck]:
    """The drift checks of the suite's ``drift:`` section.

    Without a ``drift:`` section schema drift still runs, but quietly: only once the dataset
    has an accepted baseline in the store. It is planned here all the same, with
    ``when="baseline"`` (the run finds out whether there is one), so the plan shows it.
    """
    spec = loaded.suite.drift
    if spec is None:
        implicit = plan_for(loaded.suite.dataset.name, DriftSpec(), loaded.line_of)
        reason = "implicit schema drift: reports only once a baseline is accepted in the store (no drift: section)"
        return [replace(p, when=BASELINE, reason=reason) for p in implicit]
    return plan_for(loaded.suite.dataset.name, spec, loaded.line_of)


def plan_for(dataset: str, spec: DriftSpec, line_of: LineOf) -> list[PlannedCheck]:
    """The drift checks ``spec`` asks for on ``dataset``, in a stable order."""
    where = f"the baseline file {spec.baseline_file}" if spec.baseline_file else "the accepted baseline in the store"
    planned = []
    if spec.schema_drift:
        planned.append(PlannedCheck(
            check_id=f"{dataset}.drift.schema", check=SCHEMA, section="drift", column=None,
            value=None, severity=Severity.ERROR, engine=ENGINE,
            reason=f"schema drift against {where}; each change is a result of its own",
            suite_line=line_of("drift", "schema") or line_of("drift"),
        ))  # fmt: skip
    dist = spec.distribution
    if dist is None:
        return planned
    for column, settings in dist.columns.items():
        planned.append(PlannedCheck(
            check_id=f"{dataset}.drift.distribution.{column}", check=DISTRIBUTION, section="drift",
            column=None if column == ALL_COLUMNS else column, value=settings,
            severity=Severity(settings.severity or "error"), engine=ENGINE,
            reason=f"distribution drift (PSI, JS / Wasserstein) on the profile against {where}",
            suite_line=line_of("drift", "distribution", "columns", column) or line_of("drift", "distribution"),
        ))  # fmt: skip
    if dist.share is not None:
        planned.append(PlannedCheck(
            check_id=f"{dataset}.drift.share", check=SHARE, section="drift", column=None,
            value=dist.share, severity=Severity(dist.share.severity), engine=ENGINE,
            reason="the share of drifted columns, from the distribution drift results",
            suite_line=line_of("drift", "distribution", "share"),
        ))  # fmt: skip
    return planned
