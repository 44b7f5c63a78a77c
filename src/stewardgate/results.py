"""Frozen records of what a run found: check results, dataset runs, the whole run.

Statuses are ordered (``passed < skipped < info < waived < warned < failed < errored``) so that
"the most severe status wins" is ``max()``. The records serialise to the versioned JSON run
record (``RUN_SCHEMA_VERSION``); its JSON Schema is generated from these classes
(``run_record_json_schema``), so the two cannot drift apart. This module imports nothing of
ours.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from stewardgate.profile_record import Profile
else:  # pydantic reads these annotations: the record keeps (and its JSON Schema shows) the plain dict it is
    Profile = dict[str, Any]

RUN_SCHEMA_VERSION = "1"
R = TypeVar("R")


class _Ordered(str, enum.Enum):
    """A string enum compared by declaration order (not alphabetically, as ``str`` would)."""

    @property
    def rank(self) -> int:
        return _ranks(type(self))[self]

    def _cmp(self, other: object) -> int:
        if type(other) is not type(self):
            raise TypeError(f"cannot compare {type(self).__name__} with {type(other).__name__}")
        return self.rank - other.rank

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    __hash__ = str.__hash__


@cache
def _ranks(kind: type[_Ordered]) -> dict[_Ordered, int]:
    """Each member's position in its enum (looked up, not searched: a 500-column run compares
    statuses thousands of times)."""
    return {member: i for i, member in enumerate(kind)}


class Status(_Ordered):
    """Outcome of one check. Order matters: the worst status of a set is its ``max``."""

    PASSED = "passed"
    SKIPPED = "skipped"
    INFO = "info"
    WAIVED = "waived"
    WARNED = "warned"
    FAILED = "failed"
    ERRORED = "errored"


class Severity(_Ordered):
    """How much a failing check matters: ``info < warn < error``."""

    INFO = "info"
    WARN = "warn"
    ERROR = "error"


_STATUS_OF_FAILURE = {
    Severity.INFO: Status.INFO,
    Severity.WARN: Status.WARNED,
    Severity.ERROR: Status.FAILED,
}


def status_for(ok: bool, severity: Severity) -> Status:
    """The status of a check that ran: passed, or the failure status its severity implies."""
    return Status.PASSED if ok else _STATUS_OF_FAILURE[severity]


@dataclass(frozen=True)
class CheckResult:
    """What one check measured, what it expected, and its verdict.

    ``observed``/``expected`` are JSON values (a number, a dtype name, a list...).
    ``failing_count``/``failing_fraction`` count failing rows for row-level rules.
    ``samples`` are up to N failing values, already masked where the column is sensitive.
    ``details`` holds check-specific evidence (an anomaly's baseline, a drift's bins...).
    ``suite_line`` is the line of the suite that declares the check, for annotations.
    """

    check_id: str
    check: str
    status: Status
    severity: Severity
    engine: str
    message: str
    column: str | None = None
    observed: Any = None
    expected: Any = None
    failing_count: int | None = None
    failing_fraction: float | None = None
    row_count: int | None = None
    samples: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    suite_line: int | None = None


@dataclass(frozen=True)
class FileStamp:
    """One data file as it was read: path, size in bytes, modification time (ns)."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DataFingerprint:
    """What data a run read: its files and a SHA-256 over their paths, sizes and times."""

    path: str
    format: str
    files: tuple[FileStamp, ...]
    sha256: str


@dataclass(frozen=True)
class GateDecision:
    """The gate's verdict for one dataset, and why."""

    passed: bool
    fail_on: str
    blocking: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class DatasetRun:
    """Everything one suite's run produced for its dataset.

    ``error`` is set (and ``results`` may be empty) when the dataset could not be read at
    all; such a dataset fails the gate and makes the run exit 2.
    """

    dataset: str
    suite_path: str
    suite_sha256: str
    stewardship: dict[str, Any]
    results: tuple[CheckResult, ...]
    gate: GateDecision
    started_at: datetime
    finished_at: datetime
    data: DataFingerprint | None = None
    row_count: int | None = None
    error: str | None = None
    profile: Profile | None = None

    @property
    def worst(self) -> Status:
        """The dataset's status: its worst result, where a skip outranks nothing that was judged.

        A skipped check says something could not be judged, not that anything is wrong: a run
        of passes and skips is ``passed`` (``skipped`` only when every check was skipped), while
        info, waived, warned, failed and errored outrank both as their order says.
        """
        judged = [r.status for r in self.results if r.status is not Status.SKIPPED]
        if judged:
            return max(judged)
        return Status.SKIPPED if self.results else Status.PASSED

    def counts(self) -> dict[str, int]:
        """How many results have each status, in status order, zeros included."""
        out = {s.value: 0 for s in Status}
        for r in self.results:
            out[r.status.value] += 1
        return out


@dataclass(frozen=True)
class Notification:
    """One message to one notification channel about one dataset, and what became of it.

    ``status``: ``sent``, ``failed`` (after ``attempts`` tries; ``error`` says why) or
    ``suppressed`` (every due notice was already sent within the suppression interval).
    ``triggers`` were sent (or attempted); ``suppressed`` were due but held back. A failed
    notification never changes a gate.
    """

    channel: str
    kind: str
    dataset: str
    status: str
    triggers: tuple[str, ...] = ()
    suppressed: tuple[str, ...] = ()
    attempts: int = 0
    recipients: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class LineageDelivery:
    """The OpenLineage events of one dataset run (START, then COMPLETE or FAIL) and what became of them.

    ``status``: ``sent`` (written to the file, or accepted by the endpoint) or ``failed``
    (``error`` says why). ``run_uuid`` is the OpenLineage ``run.runId`` of the events. A failed
    delivery never changes a gate.
    """

    dataset: str
    target: str
    status: str
    events: int = 0
    run_uuid: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class RunResult:
    """One invocation of ``stewardgate run``: every dataset it judged, and who was notified."""

    run_id: str
    tool_version: str
    as_of: date
    started_at: datetime
    finished_at: datetime
    datasets: tuple[DatasetRun, ...]
    schema_version: str = RUN_SCHEMA_VERSION
    notifications: tuple[Notification, ...] = ()
    openlineage: tuple[LineageDelivery, ...] = ()

    @property
    def passed(self) -> bool:
        return all(d.gate.passed for d in self.datasets)

    @property
    def exit_code(self) -> int:
        """0 passed, 1 a gate failed, 2 a dataset could not be read (worst wins)."""
        if any(d.error is not None for d in self.datasets):
            return 2
        return 0 if self.passed else 1


@cache
def _adapter(cls: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def to_json_data(record: RunResult | DatasetRun) -> dict[str, Any]:
    """A run or dataset run as JSON-ready data (the shapes of the versioned run record)."""
    kind: type = type(record)  # a plain type: mypy takes a class with its own __hash__ for unhashable
    data: dict[str, Any] = _adapter(kind).dump_python(record, mode="json")
    return data


def from_json_data(cls: type[R], data: dict[str, Any]) -> R:
    """A run or dataset run read back from :func:`to_json_data`'s data."""
    kind: type = cls  # as a plain type (see to_json_data)
    record: R = _adapter(kind).validate_python(data)
    return record


def run_to_dict(run: RunResult) -> dict[str, Any]:
    """The run as JSON-ready data (the versioned run record)."""
    return to_json_data(run)


def run_to_json(run: RunResult) -> str:
    """The run record as indented JSON text: :func:`run_to_dict`'s data, serialised by
    pydantic-core in one step (a 500-column run's 2 MB took 6 ms, against 55 ms through
    ``run_to_dict`` and ``json.dumps(indent=2)``, whose indenting encoder is pure Python).
    The same values either way (NaN and infinities are null in both); only a float's spelling
    can differ (``0.00003`` here, ``3e-05`` from ``json``)."""
    text: str = _adapter(RunResult).dump_json(run, indent=2).decode("utf-8")
    return text


def run_from_dict(data: dict[str, Any]) -> RunResult:
    """Read a run record back (e.g. to render a report from ``--json`` output)."""
    return from_json_data(RunResult, data)


def run_record_json_schema() -> dict[str, Any]:
    """The JSON Schema of the run record, generated from these classes."""
    schema: dict[str, Any] = _adapter(RunResult).json_schema(mode="serialization")
    schema["$id"] = f"https://stewardgate.dev/schemas/run-record-{RUN_SCHEMA_VERSION}.json"
    schema["title"] = "stewardgate run record"
    return schema


def load_run_record(path: Any) -> RunResult:
    """Read a ``--json`` run record file; a file that is not one is an InputError naming it."""
    import json
    from pathlib import Path

    from pydantic import ValidationError

    from stewardgate.errors import InputError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return run_from_dict(data)
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"{path}: not a stewardgate run record: {first}") from None
