"""What an engine hands the runner after reading a dataset (polars and Spark alike)."""

from __future__ import annotations

from dataclasses import dataclass

from stewardgate.profile_record import Profile
from stewardgate.results import CheckResult


@dataclass(frozen=True)
class Measured:
    """The results an engine judged on the data, and the metric profile it built.

    The runner then judges the history (anomaly rules, drift) on the profile, the same way
    whichever engine measured it.
    """

    contract: list[CheckResult]
    expected: list[CheckResult]
    governance: list[CheckResult]
    profile: Profile
