"""Planning the ``governance:`` section, with the settings (reads no data).

A suite with a ``governance:`` block (or every suite, when the setting
``governance.run_by_default`` is on) gets these checks, each with its own id. A suite without
either gets the ones its declarations turn on (:func:`implied_spec`; completeness, an
organisation-wide requirement, needs the block or the setting):

====================================  ======================================
id (the check type is its last part)  planned when
====================================  ======================================
``<ds>.governance.retention``        ``stewardship.retention`` is set
``<ds>.governance.personal_data``    always; one result per string column,
                                     ``<ds>.governance.personal_data.<col>``
``<ds>.governance.classification``   always
``<ds>.governance.completeness``     always (metadata completeness by risk tier)
``<ds>.governance.recertification``  ``stewardship.recertify_by`` is set
``<ds>.governance.stamp_match``      always
====================================  ======================================

Each can be turned off in the block (``stamp_match: false``) or given a severity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity
from stewardgate.suite.governance_model import CheckSwitch, GovernanceSpec, PersonalDataScan, Recertification

if TYPE_CHECKING:
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.loader import LoadedSuite

ENGINE = "governance"


def governance_spec(loaded: LoadedSuite, settings: GovernanceSettings | None) -> GovernanceSpec:
    """The suite's governance block; without one, the checks its declarations turn on.

    Declared means enforced: with no ``governance:`` block (and ``run_by_default`` off) a suite
    still gets retention (planned when ``stewardship.retention`` is set), recertification (when
    ``recertify_by`` is set), the stamp check (skipped while the data carries no stamp) and,
    when it declares a classification (the dataset's or a column's), the personal-data scan and
    the classification check. Completeness by risk tier is an organisation-wide requirement: it
    runs with a ``governance:`` block or ``run_by_default``.
    """
    from stewardgate.settings import GovernanceSettings

    spec = loaded.suite.governance
    if spec is not None:
        return spec
    if (settings or GovernanceSettings()).run_by_default:
        return GovernanceSpec()
    return implied_spec(loaded)


def implied_spec(loaded: LoadedSuite) -> GovernanceSpec:
    """The governance checks a suite's declarations turn on by themselves (no block, no setting)."""
    suite = loaded.suite
    classified = suite.stewardship.classification is not None or any(c.classification for c in suite.columns.values())
    off = {"enabled": False}
    return GovernanceSpec.model_validate({
        "completeness": off, **({} if classified else {"personal_data": off, "classification": off}),
    })  # fmt: skip


def effective_tier(loaded: LoadedSuite, settings: GovernanceSettings | None) -> str:
    """The suite's risk tier, or the settings' default tier (medium) when it names none."""
    return loaded.suite.stewardship.risk_tier or (settings.default_risk_tier if settings else "medium")


def plan_governance(loaded: LoadedSuite, settings: GovernanceSettings | None = None) -> list[PlannedCheck]:
    """The governance checks the suite asks for, in a fixed order."""
    from stewardgate.settings import GovernanceSettings

    spec = governance_spec(loaded, settings)
    settings = settings or GovernanceSettings()
    stewardship = loaded.suite.stewardship
    planned = []
    if spec.retention.enabled and stewardship.retention is not None:
        value = stewardship.retention.model_dump(mode="json")
        planned.append(_planned(loaded, "retention", "retention", "retention", spec.retention, value,
                                f"governance: rows older than {value['period']} on {value['column']}, from the as-of date",
                                ("stewardship", "retention")))  # fmt: skip
    if spec.personal_data.enabled:
        scan = _scan_options(spec.personal_data, settings)
        planned.append(_planned(loaded, "personal_data", "personal_data", "personal_data", spec.personal_data, scan,
                                f"governance: personal-data detectors on a sample of {scan['sample_size']:,} rows "
                                f"(seed {scan['seed']}) of every string column", ()))  # fmt: skip
    if spec.classification.enabled:
        planned.append(_planned(loaded, "classification", "classification", "classification",
                                spec.classification, _classifications(loaded),
                                "governance: the dataset's classification against its columns' (suite only)",
                                ("stewardship", "classification")))  # fmt: skip
    if spec.completeness.enabled:
        tier = effective_tier(loaded, settings)
        required = list(settings.required_by_risk_tier[tier])  # type: ignore[index]
        planned.append(_planned(loaded, "completeness", "completeness", "completeness",
                                spec.completeness, {"risk_tier": tier, "required": required},
                                f"governance: stewardship fields required for risk tier {tier}", ("stewardship",)))  # fmt: skip
    if spec.recertification.enabled and stewardship.recertify_by is not None:
        days = _recert_days(spec.recertification, settings)
        value = {"recertify_by": stewardship.recertify_by.isoformat(), "warn_within_days": days}
        planned.append(_planned(loaded, "recertification", "recertification", "recertification", spec.recertification,
                                value, f"governance: recertify_by in the past fails, within {days} days warns",
                                ("stewardship", "recertify_by")))  # fmt: skip
    if spec.stamp_match.enabled:
        planned.append(_planned(loaded, "stamp_match", "stamp_match", "stamp_match", spec.stamp_match, None,
                                "governance: the stewardship stamped into the data against the suite's", ()))  # fmt: skip
    planned += _uses_checks(loaded, spec, settings)
    from stewardgate.planning.lineage import plan_lineage

    return planned + plan_lineage(loaded)


def _uses_checks(loaded: LoadedSuite, spec: GovernanceSpec, settings: GovernanceSettings) -> list[PlannedCheck]:
    """``permitted_uses`` when the suite declares uses; ``purpose`` on every suite of a run with --purpose."""
    from stewardgate.planning.uses import purpose_value, uses_value

    planned = []
    if spec.permitted_uses.enabled and loaded.suite.stewardship.permitted_uses is not None:
        planned.append(_planned(loaded, "permitted_uses", "permitted_uses", "permitted_uses", spec.permitted_uses,
                                uses_value(loaded, settings), "governance: the declared uses against what the "
                                "classification allows (settings: uses_by_classification)",
                                ("stewardship", "permitted_uses")))  # fmt: skip
    if settings.purpose is not None:  # the run asks for it: not switched off by a suite
        planned.append(_planned(loaded, "purpose", "purpose", "purpose", CheckSwitch(), purpose_value(loaded, settings),
                                f"governance: run --purpose {settings.purpose}: approved uses, classification and "
                                "personal-data columns", ("stewardship", "permitted_uses")))  # fmt: skip
    return planned


def _planned(
    loaded: LoadedSuite, suffix: str, check: str, key: str, switch: CheckSwitch, value: Any, reason: str,
    fallback: tuple[str, ...],
) -> PlannedCheck:  # fmt: skip
    line = loaded.line_of("governance", key) or (loaded.line_of(*fallback) if fallback else None)
    return PlannedCheck(
        check_id=f"{loaded.suite.dataset.name}.governance.{suffix}", check=check, section="governance",
        column=None, value=value, severity=Severity(switch.severity or "error"), engine=ENGINE,
        reason=reason, suite_line=line or loaded.line_of("governance"),
    )  # fmt: skip


def _scan_options(scan: PersonalDataScan, settings: GovernanceSettings) -> dict[str, Any]:
    return {
        "sample_size": scan.sample_size if scan.sample_size is not None else settings.pii_sample_size,
        "seed": scan.seed if scan.seed is not None else settings.pii_seed,
        "threshold": scan.threshold if scan.threshold is not None else settings.pii_threshold,
        "ignore_columns": list(scan.ignore_columns),
    }


def _recert_days(recert: Recertification, settings: GovernanceSettings) -> int:
    return recert.warn_within_days if recert.warn_within_days is not None else settings.recertify_warn_days


def _classifications(loaded: LoadedSuite) -> dict[str, Any]:
    suite = loaded.suite
    columns = {name: spec.classification for name, spec in suite.columns.items() if spec.classification}
    return {"dataset": suite.stewardship.classification, "columns": columns}
