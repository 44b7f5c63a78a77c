"""Where ``stewardgate report`` gets its run: a saved run record, or the history store.

``load_report_run`` returns the :class:`RunResult` to render; it never prints or exits.
From the store it reads the stored :class:`DatasetRun` records (the whole record of each
dataset run is kept) and puts them back together as one run:

- ``--dataset NAME`` (repeatable): the latest stored run of each dataset (latest ``as_of``,
  then latest written, as ``Store.runs`` orders them);
- ``--run-id ID``: every dataset stored under that run id; with ``--dataset``, only those.

The reports are then exactly what ``run`` wrote for those datasets, because they are rendered
from the same records.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stewardgate.errors import UsageError
from stewardgate.results import DatasetRun, RunResult


def load_report_run(
    from_json: Path | None, datasets: Sequence[str], run_id: str | None, store_url: str | None
) -> RunResult:
    """The run to report: from ``from_json``, or from the store (``datasets`` / ``run_id``)."""
    if from_json is not None:
        if datasets or run_id is not None or store_url is not None:
            raise UsageError("--from-json reads a run record; it does not go with --dataset, --run-id or --store")
        from stewardgate.results import load_run_record

        return load_run_record(from_json)
    if not datasets and run_id is None:
        raise UsageError("name the run to report: --from-json RUN.json, --dataset NAME or --run-id ID")
    from stewardgate.settings import load_settings

    settings = load_settings(cwd=Path.cwd(), flags={"store": store_url})
    return stored_run(settings.store, list(datasets), run_id)


def stored_run(url: str | None, datasets: list[str], run_id: str | None) -> RunResult:
    """Read the named dataset runs from the store at ``url`` and make them one run.

    Raises:
        UsageError: a dataset (or the run id) has no stored run, or the SQLite file is not there.
        StoreError: the store cannot be opened or read.
    """
    from stewardgate.cli.options import named_store

    with named_store(url) as store:
        keys = _run_keys(store, datasets, run_id)
        runs = [(summary, store.dataset_run(summary.run_id, summary.dataset)) for summary in keys]
    return _as_run(runs)


def _run_keys(store: Any, datasets: list[str], run_id: str | None) -> list[Any]:
    """The run summaries to report, in the order the datasets were named (else by name)."""
    if run_id is None:
        return [_latest(store, name) for name in dict.fromkeys(datasets)]
    found = {s.dataset: s for s in store.runs(None, limit=None) if s.run_id == run_id}
    if not found:
        raise UsageError(f"no run {run_id!r} in the history store at {store.where}")
    missing = [name for name in datasets if name not in found]
    if missing:
        raise UsageError(
            f"run {run_id!r} has no dataset {', '.join(map(repr, missing))} in the history store "
            f"(it has: {', '.join(sorted(found))})"
        )
    return [found[name] for name in dict.fromkeys(datasets)] if datasets else [found[n] for n in sorted(found)]


def _latest(store: Any, dataset: str) -> Any:
    summaries = store.runs(dataset, limit=1)
    if summaries:
        return summaries[0]
    known = sorted(entry.dataset for entry in store.catalog())
    hint = (
        f" (stored datasets: {', '.join(known[:10])}{', ...' if len(known) > 10 else ''})"
        if known
        else " (it holds no runs)"
    )
    raise UsageError(f"no stored run of dataset {dataset!r} in the history store at {store.where}{hint}")


def _as_run(runs: list[tuple[Any, DatasetRun]]) -> RunResult:
    """One RunResult of stored dataset runs: its id (or ids), latest as_of, overall time span."""
    summaries = [s for s, _ in runs]
    ids = list(dict.fromkeys(s.run_id for s in summaries))
    return RunResult(
        run_id=ids[0] if len(ids) == 1 else ",".join(ids),
        tool_version=summaries[0].tool_version,
        as_of=max(s.as_of for s in summaries),
        started_at=min(d.started_at for _, d in runs),
        finished_at=max(d.finished_at for _, d in runs),
        datasets=tuple(d for _, d in runs),
    )
