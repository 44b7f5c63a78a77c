"""Permitted uses: what a dataset may be used for, and ``run --purpose`` that enforces it.

A suite declares ``stewardship.permitted_uses`` (from the settings' vocabulary ``uses``,
default analytics, reporting, retrieval, fine_tuning, training) and, separately, which of them
may see its personal-data columns (``stewardship.personal_data_uses``; default none). Settings
say which uses each classification allows (``uses_by_classification``; by default restricted
data allows analytics and reporting only). Two checks come of it:

* ``<ds>.governance.permitted_uses``: a declared use that the classification forbids fails
  (a declaration that contradicts policy is itself a finding);
* ``<ds>.governance.purpose`` (planned only when the run names a purpose): the dataset must be
  approved for it, the classification must allow it, and when the dataset has personal-data
  columns (``pii:``) the purpose must be one of ``personal_data_uses``.

Unknown use names, in a suite or in ``--purpose``, are input errors (exit 2), never findings.
This is the blueprint's rule for prompt-time retrieval and fine-tuning data selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.errors import Problem, UsageError
from stewardgate.planning.uses import (  # noqa: F401 (one place)
    allowed_uses,
    personal_columns,
    purpose_value,
    uses_value,
)
from stewardgate.wording import suggest

if TYPE_CHECKING:
    from datetime import date

    from stewardgate.planning import PlannedCheck
    from stewardgate.results import CheckResult
    from stewardgate.settings import GovernanceSettings
    from stewardgate.suite.loader import LoadedSuite

_KEYS = ("permitted_uses", "personal_data_uses")


def use_problems(loaded: LoadedSuite, settings: GovernanceSettings) -> list[Problem]:
    """Located problems with a suite's use names: not in the vocabulary, or personal-data uses not permitted."""
    stewardship = loaded.suite.stewardship
    problems = []
    for key in _KEYS:
        for i, name in enumerate(getattr(stewardship, key) or []):
            if name not in settings.uses:
                problems.append(_problem(loaded, key, i, f"unknown use '{name}'{suggest(name, settings.uses)}"))
    permitted = set(stewardship.permitted_uses or [])
    for i, name in enumerate(stewardship.personal_data_uses or []):
        if name in settings.uses and name not in permitted:
            problems.append(_problem(loaded, "personal_data_uses", i, f"'{name}' is not one of permitted_uses"))
    return problems


def check_declarations(suites: list[LoadedSuite], settings: GovernanceSettings) -> None:
    """Use names, lineage and access declarations of these suites, together (``run`` and ``validate``):
    a SuiteError lists every problem."""
    from stewardgate.errors import SuiteError
    from stewardgate.governance.access.declaration import access_problems
    from stewardgate.governance.lineage import lineage_problems

    problems = [*lineage_problems(suites), *(p for s in suites for p in use_problems(s, settings))]
    problems += [p for s in suites for p in access_problems(s)]
    if problems:
        raise SuiteError(problems)


def _problem(loaded: LoadedSuite, key: str, index: int, message: str) -> Problem:
    keys = ("stewardship", key, index)
    line, col = loaded.located.position(keys)
    return Problem(str(loaded.path), line, col, ".".join(map(str, keys)), message)


def check_purpose(purpose: str | None, settings: GovernanceSettings) -> None:
    """``--purpose`` must name a use of the vocabulary (else a usage error, exit 2)."""
    if purpose is not None and purpose not in settings.uses:
        raise UsageError(f"--purpose: unknown purpose '{purpose}'{suggest(purpose, settings.uses)}")


def judge_permitted_uses(p: PlannedCheck, loaded: LoadedSuite, as_of: date, row_count: int) -> CheckResult:
    """Declared uses the dataset's classification forbids fail, each named."""
    from stewardgate.governance.checks import suite_result

    v = p.args
    declared = [*v["permitted_uses"], *(u for u in v["personal_data_uses"] if u not in v["permitted_uses"])]
    forbidden = [u for u in declared if u not in v["allowed"]]
    if not forbidden:
        return suite_result(
            p, True, declared, f"permitted uses {', '.join(declared) or 'none'} agree with the classification"
        )
    level = v["classification"]
    message = (f"declared use{'s' if len(forbidden) > 1 else ''} {', '.join(forbidden)} "
               f"{'are' if len(forbidden) > 1 else 'is'} not allowed for {level} data "
               f"(allowed: {', '.join(v['allowed']) or 'none'})")  # fmt: skip
    return suite_result(p, False, forbidden, message, failing=len(forbidden))


def purpose_reasons(v: dict[str, Any]) -> list[str]:
    """Why the dataset may not be used for the run's purpose (empty: it may)."""
    purpose, reasons = v["purpose"], []
    if v["permitted_uses"] is None:
        reasons.append("the suite declares no stewardship.permitted_uses")
    elif purpose not in v["permitted_uses"]:
        reasons.append(f"it is approved for {', '.join(v['permitted_uses']) or 'nothing'}, not {purpose}")
    if purpose not in v["allowed"]:
        reasons.append(f"{v['classification']} data allows {', '.join(v['allowed']) or 'no use'}")
    if v["personal_columns"] and purpose not in v["personal_data_uses"]:
        cols = ", ".join(v["personal_columns"])
        reasons.append(f"{purpose} may not see its personal-data columns ({cols}; stewardship.personal_data_uses)")
    return reasons


def judge_purpose(p: PlannedCheck, loaded: LoadedSuite, as_of: date, row_count: int) -> CheckResult:
    """The run's purpose must be a permitted use the classification allows, personal data included."""
    from stewardgate.governance.checks import suite_result

    purpose = p.args["purpose"]
    reasons = purpose_reasons(p.args)
    if not reasons:
        return suite_result(p, True, purpose, f"approved for {purpose}")
    return suite_result(p, False, purpose, f"not approved for {purpose}: {'; '.join(reasons)}", failing=len(reasons))
