"""The planned check: the one record ``plan`` prints and ``run`` executes.

"Engine" has three meanings in stewardgate, named apart here:

- the **reader** (``polars``, ``spark``; :mod:`stewardgate.readers`): what opens and reads a
  dataset, chosen by ``run --engine`` or a suite's ``engine: spark``;
- the **semantics of record** (``auto``, ``pandera``, ``gx``): the suite key ``engine:``,
  which library's semantics a data-level rule follows;
- the **executor** of one check (:data:`EXECUTORS`): what computes its result. It is
  :attr:`PlannedCheck.engine`, and it is the ``engine`` every result records.

polars' own collect engine (streaming or in-memory), which the polars reader picks for its
queries, is named apart as well: ``polars_engine`` (:data:`stewardgate.datasets.scan.PolarsEngine`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from stewardgate.results import Severity

if TYPE_CHECKING:
    from stewardgate.suite.anomaly_rules import AnomalyRule
    from stewardgate.suite.drift_model import ColumnDrift, ShareRule

EXECUTORS = (
    "pandera",
    "polars",
    "gx",
    "spark",
    "sql",
    "rows",
    "history",
    "drift",
    "governance",
    "lineage",
    "access",
    "reconcile",
)
"""Who computes a check: pandera (the schema level, and ``engine: pandera`` data rules); the
one-pass polars query (compiled column rules and GX expectations, and the schema's named
columns); Great Expectations; Spark's aggregate job; the SQL table's aggregate query; the row count (``schema.empty``); the
stored history (anomaly rules); drift against a baseline; governance (stewardship, retention,
personal data, stamps, uses); lineage (the upstreams' verdicts, joined in the run); access (the
database's grants or the files' modes against ``access:``); reconcile (another dataset's figures,
each side read by its own reader)."""

if TYPE_CHECKING:  # the union for type checkers; at run time a plain alias (the records load lazily)
    PlannedValue = (
        None | bool | int | float | str | date | list[Any] | dict[str, Any] | AnomalyRule | ColumnDrift | ShareRule
    )
else:
    PlannedValue = Any
"""A planned check's parameter, by section (see :class:`PlannedCheck`):

- ``columns``: the rule's value (a bound, a set, a pattern, a flag, a type name);
- ``schema``: the declared column names (``extra_columns``, ``order``), or the named-column
  references (``named_columns``: ``[{"column", "at"}]``);
- ``expectations``: the arguments GX receives;
- ``anomalies``: the :class:`~stewardgate.suite.anomaly_rules.AnomalyRule`;
- ``drift``: ``None`` (schema), a :class:`~stewardgate.suite.drift_model.ColumnDrift`, or the
  :class:`~stewardgate.suite.drift_model.ShareRule`;
- ``governance``: the check's resolved settings, a JSON-ready dict (it is the result's
  ``expected``).
"""


@dataclass(frozen=True)
class PlannedCheck:
    """One check to run: id, type, target column, parameter, severity, executor and why.

    ``when``: a condition the run finds out itself (None: always reports). Implicit schema drift
    (``when="baseline"``) reports only once the dataset has an accepted baseline; an unwritten
    ``schema.empty`` (``when="empty"``) only when the dataset has no rows; a waiver's report
    (``when="expiry"``) only when it expires soon or has expired.
    """

    check_id: str
    check: str
    section: str
    column: str | None
    value: PlannedValue
    severity: Severity
    engine: str
    reason: str
    suite_line: int | None
    when: str | None = None

    @property
    def args(self) -> dict[str, Any]:
        """The value of a check whose parameter is a record (governance, expectations, lineage):
        ``value`` as the mapping it is. A check without parameters (``None``) has none."""
        if self.value is None:
            return {}
        if not isinstance(self.value, dict):
            raise TypeError(f"{self.check_id}: its value is a {type(self.value).__name__}, not a record")
        return self.value

    @property
    def executor(self) -> str:
        """The executor of the check (its ``engine``; one of :data:`EXECUTORS`)."""
        return self.engine


def by_executor(planned: list[PlannedCheck]) -> dict[str, list[PlannedCheck]]:
    """The plan grouped by executor, each group in plan order: the one place that sorts checks
    to what runs them."""
    groups: dict[str, list[PlannedCheck]] = {name: [] for name in EXECUTORS}
    for p in planned:
        groups.setdefault(p.engine, []).append(p)
    return groups
