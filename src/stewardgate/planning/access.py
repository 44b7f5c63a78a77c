"""Planning the ``access:`` section, with the settings (reads no data).

==========================================  ==================================================
id                                          planned when
==========================================  ==================================================
``<ds>.access.observed``                    ``access:`` is declared (the observed access, kept per run)
``<ds>.access.grants``                      ``access:`` is declared; one result per role that is
                                            not as declared, ``<ds>.access.grants.<role>``
``<ds>.access.public``                      ``access:`` is declared: public access forbidden (the
                                            suite, or the settings by classification), else public
                                            writing
``<ds>.access.personal_data``               ``access.personal_data`` is declared; one result per
                                            role, ``<ds>.access.personal_data.<role>``
``<ds>.access.owner`` / ``.group``          ``access.owner`` / ``access.group`` is declared
``<ds>.access.row_security``                ``access.row_security`` is declared
``<ds>.access.baseline``                    ``access:`` is declared (skipped until a baseline is accepted)
``<ds>.access.recertification``             ``access.recertify_by`` is declared
``<ds>.access.declared``                    no ``access:``, and the settings require one for the
                                            dataset's classification (``access_required_for``)
==========================================  ==================================================

The executor is ``access`` (:mod:`stewardgate.governance.access`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.planning.check import PlannedCheck
from stewardgate.planning.uses import personal_columns
from stewardgate.results import Severity

if TYPE_CHECKING:
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.access_model import AccessSpec
    from stewardgate.suite.loader import LoadedSuite

ENGINE = "access"


def plan_access(loaded: LoadedSuite, settings: GovernanceSettings | None = None) -> list[PlannedCheck]:
    """The access checks the suite's ``access:`` (or the settings) asks for, in a fixed order."""
    from stewardgate.settings import GovernanceSettings

    settings = settings or GovernanceSettings()
    spec, level = loaded.suite.access, loaded.suite.stewardship.classification
    if spec is None:
        if level is None or level not in settings.access_required_for:
            return []
        value: dict[str, Any] = {"classification": level, "required_for": list(settings.access_required_for)}
        return [_planned(loaded, "declared", value, Severity.ERROR, "access: the settings require an access "
                         f"declaration for {level} data", ("stewardship", "classification"))]  # fmt: skip
    declared = declaration(loaded, settings)
    severity = Severity(spec.severity or "error")
    planned = [
        _planned(loaded, "observed", declared, Severity.INFO, "access: the grants or file modes as they are, "
                 "kept with the run", ("access",)),
        _planned(loaded, "grants", declared, severity, "access: every role that may read or write against "
                 "access.read and access.write (effective privileges)", ("access", "read")),
    ]  # fmt: skip
    why = declared["public_forbidden"]
    said = f"public access forbidden ({why})" if why else "public reading allowed (access.public: true), writing never"
    planned.append(_planned(loaded, "public", declared, severity, f"access: {said}", ("access", "public")))
    if spec.personal_data is not None:
        planned.append(_planned(loaded, "personal_data", declared, severity, "access: who may read the "
                                "personal-data columns against access.personal_data", ("access", "personal_data")))  # fmt: skip
    for key in ("owner", "group", "row_security"):
        if getattr(spec, key) is not None:
            planned.append(_planned(loaded, key, declared, severity, f"access: access.{key} against the "
                                    "data's", ("access", key)))  # fmt: skip
    planned.append(_planned(loaded, "baseline", declared, severity, "access: the observed access against the "
                            "accepted access baseline (stewardgate access accept)", ("access",)))  # fmt: skip
    if spec.recertify_by is not None:
        recert: dict[str, Any] = {"recertify_by": spec.recertify_by.isoformat(), "warn_within_days": settings.recertify_warn_days,
                 "approver": spec.approver}  # fmt: skip
        planned.append(_planned(loaded, "recertification", recert, severity, "access: access.recertify_by in the "
                                f"past fails, within {settings.recertify_warn_days} days warns",
                                ("access", "recertify_by")))  # fmt: skip
    return planned


def declaration(loaded: LoadedSuite, settings: GovernanceSettings) -> dict[str, Any]:
    """What the access checks compare the data's access with: the suite's ``access:`` resolved
    with the settings (public forbidden and by whom) and the personal-data columns."""
    spec: AccessSpec = loaded.suite.access  # type: ignore[assignment]
    level = loaded.suite.stewardship.classification
    by_settings = level is not None and level in settings.public_access_forbidden_for
    forbidden = (f"settings: public_access_forbidden_for {level}" if by_settings and spec.public
                 else "access.public: false" if not spec.public
                 else None)  # fmt: skip
    return {
        "read": list(spec.read), "write": list(spec.write), "personal_data": spec.personal_data,
        "owner": spec.owner, "group": spec.group, "row_security": spec.row_security,
        "public_forbidden": forbidden, "classification": level, "personal_columns": personal_columns(loaded),
    }  # fmt: skip


def _planned(
    loaded: LoadedSuite, suffix: str, value: Any, severity: Severity, reason: str, at: tuple[str, ...]
) -> PlannedCheck:  # fmt: skip
    line = loaded.line_of(*at) or loaded.line_of("access") or loaded.line_of("stewardship")
    return PlannedCheck(
        check_id=f"{loaded.suite.dataset.name}.access.{suffix}", check=f"access_{suffix}", section="access",
        column=None, value=value, severity=severity, engine=ENGINE, reason=reason, suite_line=line,
    )  # fmt: skip
