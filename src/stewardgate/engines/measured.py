"""What a reader hands the runner after reading a dataset (polars, Spark, or a remote reader)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stewardgate.profile_record import Profile
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck

Source = Callable[["PlannedCheck"], tuple[Any, int]]
"""The data a check after the pass reads, and its row count: the scanned dataset itself, or
(Spark) the same files opened by polars, or a sample when the check's value asks for one
(``sample_size``, ``seed``: the personal-data scan)."""


@dataclass(frozen=True)
class Measured:
    """The results a reader's executors judged on the data, the metric profile it built, the
    figures it was asked for (:mod:`stewardgate.engines.figures`) and where later checks read.

    The runner then runs the executors that need no data pass (governance, the history's
    anomaly rules, drift) on these, the same way whichever reader measured them.
    """

    contract: list[CheckResult]
    expected: list[CheckResult]
    profile: Profile
    figures: dict[str, Any] = field(default_factory=dict)
    source: Source | None = None
