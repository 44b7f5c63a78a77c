"""Planning: which checks a suite asks for, which executor runs each one, and why.

The bottom of the house above the suite model: it imports the suite, the check registry and
the expectation catalogue, and no engine, reader, store or runner. ``plan_suite`` turns a
loaded suite into :class:`PlannedCheck` records with stable ids (``orders.columns.amount.min``),
resolved severities and the suite line that declares them; one planner per suite section
(:mod:`.columns`, :mod:`.schema`, :mod:`.expectations`, :mod:`.anomalies`, :mod:`.drift`,
:mod:`.governance`). Readers and executors run plans; ``stewardgate plan`` prints them.
Nothing here reads data.
"""

from stewardgate.planning.anomalies import anomaly_check_id
from stewardgate.planning.check import EXECUTORS, PlannedCheck, by_executor
from stewardgate.planning.masking import masked_columns
from stewardgate.planning.suite import plan_suite

__all__ = ["EXECUTORS", "PlannedCheck", "anomaly_check_id", "by_executor", "masked_columns", "plan_suite"]
