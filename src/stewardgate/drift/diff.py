"""``stewardgate diff OLD NEW``: schema changes and distribution drift between two datasets.

The pull-request gate: "does my change to the pipeline alter its output?" No store and no
suite are needed; OLD is the baseline. Each dataset is read once, by the one-pass metric
profile, and judged by the same rules as a run (``stewardgate.drift.judge``), so the result
is an ordinary :class:`RunResult` that every reporter renders. Without a suite, schema drift
uses the default severities and distribution drift covers every column with the default
thresholds; ``suite`` supplies the dataset name, CSV options, schema policy, drift settings,
masked columns and gate policy. Without a suite, the record's ``suite_path`` is NEW's path
(the file annotations point at).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate import __version__
from stewardgate.drift.baseline import Baseline
from stewardgate.drift.judge import Context, judge
from stewardgate.drift.schema import Side
from stewardgate.errors import DatasetError, first_line
from stewardgate.gate import BlockingPolicy, decide
from stewardgate.planning.drift import plan_for
from stewardgate.results import DatasetRun, RunResult
from stewardgate.suite.drift_model import ALL_COLUMNS, ColumnDrift, DistributionDrift, DriftSpec
from stewardgate.suite.loader import LoadedSuite

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings

_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def diff_datasets(
    old: str, new: str, *, base: Path, suite: LoadedSuite | None = None, s3: S3Settings | None = None
) -> RunResult:
    """Compare dataset ``new`` with dataset ``old`` (paths, globs or folders under ``base``, or
    ``s3://`` URLs, reached as ``s3``, the ``[tool.stewardgate.s3]`` settings, say).

    Raises:
        DatasetError: either dataset cannot be found or read.
    """
    started = datetime.now(UTC)
    name = suite.suite.dataset.name if suite else _name_of(new)
    before, _ = _observe(old, name, base, suite, started, s3)
    now, scanned = _observe(new, name, base, suite, started, s3)
    spec = _spec(suite)
    line_of = suite.line_of if suite else (lambda *keys: None)
    planned = plan_for(name, spec, line_of)
    baseline = Baseline(name, before.schema, before.profile, {"kind": "dataset", "path": old})
    results = judge(planned, _context(name, spec, suite), baseline, now)
    policy = BlockingPolicy(fail_on=suite.suite.gate.fail_on if suite else "error")
    run = DatasetRun(
        dataset=name, suite_path=str(suite.path) if suite else "",  # no suite: the data is the whole header
        suite_sha256=suite.sha256 if suite else "",
        stewardship=suite.suite.stewardship.model_dump(mode="json") if suite else {},
        results=tuple(results), gate=decide(results, policy), started_at=started,
        finished_at=datetime.now(UTC), data=scanned.fingerprint, row_count=now.rows,
    )  # fmt: skip
    return RunResult(
        run_id=uuid.uuid4().hex, tool_version=__version__, as_of=started.date(),
        started_at=started, finished_at=datetime.now(UTC), datasets=(run,),
    )  # fmt: skip


def _observe(
    path: str, name: str, base: Path, suite: LoadedSuite | None, moment: datetime, s3: S3Settings | None
) -> tuple[Side, Any]:
    """Open one dataset and profile it in one pass: its snapshot and profile."""
    from stewardgate.datasets.scan import open_dataset
    from stewardgate.engines.profile import compute_profile
    from stewardgate.suite.models import DatasetSpec

    csv = suite.suite.dataset.csv if suite else None
    fmt = suite.suite.dataset.format if suite else None
    scanned = open_dataset(DatasetSpec(name=name, path=path, format=fmt, csv=csv), base=base, s3=s3)
    try:
        profile = compute_profile(scanned.frame, as_of=moment)
    except Exception as exc:  # polars raises many types while reading; all mean "cannot read"
        first = first_line(exc)
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first}") from exc
    snapshot = {
        "columns": [{"name": n, "dtype": str(t)} for n, t in scanned.schema.items()],
        "metadata": scanned.metadata,
    }
    return Side(snapshot, profile), scanned


def _spec(suite: LoadedSuite | None) -> DriftSpec:
    """The suite's drift settings; distribution drift on every column unless it says otherwise."""
    spec = (suite.suite.drift if suite else None) or DriftSpec()
    if spec.distribution is None:
        every = DistributionDrift(columns={ALL_COLUMNS: ColumnDrift()})
        spec = spec.model_copy(update={"distribution": every})
    return spec.model_copy(update={"schema_drift": True})


def _context(name: str, spec: DriftSpec, suite: LoadedSuite | None) -> Context:
    if suite is None:
        return Context(name, spec)
    from stewardgate.planning import masked_columns

    policy = suite.suite.schema_policy
    return Context(name, spec, policy.extra_columns, policy.order, frozenset(masked_columns(suite)))


def _name_of(path: str) -> str:
    """A dataset name from NEW's path: the file stem or folder name, made a valid name."""
    parts = [p for p in Path(path).parts if not any(ch in p for ch in "*?[")]
    stem = Path(parts[-1]).stem if parts else "dataset"
    cleaned = _NAME.sub("_", stem).strip("_.-")
    return cleaned or "dataset"
