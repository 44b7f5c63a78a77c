"""Baselines: the schema snapshot and metric profile that drift is judged against.

A baseline comes from one of three places:

- **the store**: the last *accepted* schema snapshot of the dataset (``stewardgate baseline
  accept``), with the profile of the run that saw it (kept in that run's stored record).
  "Last" is the store's order: the latest as-of day, then the latest written run. Nothing is
  accepted implicitly: until a steward accepts a snapshot there is no baseline;
- **a committed file** (``drift: {baseline: orders.baseline.json}``, written by
  ``stewardgate baseline export``), for CI jobs that share no store;
- **another dataset** (``stewardgate diff OLD NEW``: OLD is the baseline).

The store is used through its public API only (``latest_schema``, ``dataset_run``, ``runs``,
``mark_schema_accepted``); no table of its own is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stewardgate.errors import InputError, UsageError
from stewardgate.profile_record import Profile

FILE_FORMAT = "stewardgate-baseline"
FILE_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    """A schema snapshot, its profile (None if unknown) and where they came from.

    ``source`` is JSON: ``kind`` (``store``, ``file`` or ``dataset``) and, as known,
    ``run_id``, ``as_of``, ``accepted_by``, ``accepted_reason``, ``accepted_at``, ``path``.
    """

    dataset: str
    schema: dict[str, Any]
    profile: Profile | None
    source: dict[str, Any]

    def describe(self) -> str:
        """A short phrase naming the baseline, for result messages."""
        s = self.source
        if s["kind"] == "dataset":
            return f"dataset {s.get('path')}"
        run = f"run {str(s['run_id'])[:12]} of {s.get('as_of')}" if s.get("run_id") else ""
        if s["kind"] == "file":
            return f"baseline file {s.get('path')}" + (f" ({run})" if run else "")
        return f"baseline {run}"

    def accepted(self) -> str:
        """Who accepted the baseline, and why (empty when unknown)."""
        s = self.source
        if not s.get("accepted_by"):
            return ""
        return f"accepted by {s['accepted_by']}" + (f": {s['accepted_reason']}" if s.get("accepted_reason") else "")


def from_store(store: Any, dataset: str) -> Baseline | None:
    """The dataset's accepted baseline in ``store``, or None when none was accepted."""
    snapshot = store.latest_schema(dataset, accepted_only=True)
    if snapshot is None:
        return None
    run = store.dataset_run(snapshot.run_id, dataset)
    return Baseline(dataset, snapshot.schema, run.profile, _snapshot_source(snapshot))


def _snapshot_source(snapshot: Any) -> dict[str, Any]:
    at = snapshot.accepted_at
    return {
        "kind": "store", "run_id": snapshot.run_id, "as_of": snapshot.as_of.isoformat(),
        "accepted_by": snapshot.accepted_by, "accepted_reason": snapshot.accepted_reason,
        "accepted_at": at.isoformat() if at is not None else None,
    }  # fmt: skip


def accept(store: Any, dataset: str, *, by: str, reason: str, run_id: str | None = None) -> Baseline:
    """Make the snapshot (and profile) of ``run_id``, default the latest run, the baseline.

    Raises:
        UsageError: no such run, a run without a snapshot (its data was unreadable), or a
            run older than the accepted baseline (it could never become the latest one).
    """
    order = [r.run_id for r in store.runs(dataset, limit=None)]
    if not order:
        raise UsageError(f"no stored runs of dataset '{dataset}' in {store.where}")
    if run_id is None:
        latest = store.latest_schema(dataset, accepted_only=False)
        if latest is None:
            raise UsageError(f"no run of dataset '{dataset}' in {store.where} has a schema snapshot")
        run_id = latest.run_id
    if run_id not in order:
        raise UsageError(f"no run '{run_id}' of dataset '{dataset}' in {store.where}")
    current = store.latest_schema(dataset, accepted_only=True)
    if current is not None and order.index(run_id) > order.index(current.run_id):
        raise UsageError(
            f"run {run_id} is older than the accepted baseline (run {current.run_id} of "
            f"{current.as_of}); the baseline is the latest accepted run, so accept a later one"
        )
    store.mark_schema_accepted(run_id, dataset, by=by, reason=reason)
    found = from_store(store, dataset)
    if found is None or found.source["run_id"] != run_id:  # pragma: no cover - store invariant
        from stewardgate.errors import InternalError

        raise InternalError(f"accepting run {run_id} of '{dataset}' did not make it the baseline")
    return found


def describe_lines(baseline: Baseline) -> list[str]:
    """The baseline for a person: its source, then its columns with their types."""
    s = baseline.source
    lines = [f"{baseline.dataset}  {baseline.describe()}"]
    if baseline.accepted():
        lines.append(f"  {baseline.accepted()}" + (f" (at {s['accepted_at']})" if s.get("accepted_at") else ""))
    rows = baseline.profile.get("row_count") if baseline.profile else None
    columns = baseline.schema.get("columns", [])
    lines.append(f"  {len(columns)} columns" + (f", {rows:,} rows" if rows is not None else ", no profile"))
    width = max((len(str(c["name"])) for c in columns), default=0)
    lines += [f"    {c['name']:<{width}}  {c['dtype']}" for c in columns]
    return lines


def to_json(baseline: Baseline) -> str:
    """The committed-baseline file's text (stable key order, indented for readable diffs)."""
    source = {k: v for k, v in baseline.source.items() if k != "path"}
    data = {
        "format": FILE_FORMAT, "version": FILE_VERSION, "dataset": baseline.dataset,
        "source": source, "schema": baseline.schema, "profile": baseline.profile,
    }  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_file(path: Path, dataset: str) -> Baseline:
    """Read a committed baseline file; an unusable one is an InputError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"baseline file {path}: no such file (write it with: stewardgate baseline export {dataset} -o {path})"
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"baseline file {path}: cannot read it: {exc}") from None
    problem = _file_problem(data, dataset)
    if problem:
        raise InputError(f"baseline file {path}: {problem}")
    source = {**data.get("source", {}), "kind": "file", "path": str(path)}
    return Baseline(dataset, data["schema"], data.get("profile"), source)


def _file_problem(data: Any, dataset: str) -> str | None:
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        return "not a stewardgate baseline file"
    if data.get("version") != FILE_VERSION:
        return f"baseline file version {data.get('version')!r} is not supported (expected {FILE_VERSION})"
    if data.get("dataset") != dataset:
        return f"the baseline is of dataset {data.get('dataset')!r}, not {dataset!r}"
    columns = data.get("schema", {}).get("columns") if isinstance(data.get("schema"), dict) else None
    if not isinstance(columns, list) or not all(isinstance(c, dict) and "name" in c and "dtype" in c for c in columns):
        return "schema.columns must be a list of {name, dtype}"
    if data.get("profile") is not None and not isinstance(data["profile"], dict):
        return "profile must be a mapping or null"
    return None
