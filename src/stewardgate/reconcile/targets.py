"""Where the other dataset of a reconciliation (or a reference) is, and opening it.

``against: {dataset: NAME}`` names another suite's dataset: the run knows every suite it was
given (before ``--select``), by dataset name (:func:`peer_catalogue`, carried in
``RunOptions.datasets`` so worker processes know them too). A name no suite of the run declares
is a suite error, found before anything runs
(:func:`stewardgate.planning.reconcile.target_problems`). A file or a table that
cannot be opened is a DatasetError naming the suite line (exit 2), as this dataset's own would be.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.errors import DatasetError
from stewardgate.levels import SENSITIVE
from stewardgate.reconcile.sides import Side, side_of
from stewardgate.suite.loader import LoadedSuite


def peer_catalogue(suites: list[LoadedSuite]) -> dict[str, tuple[str, Any]]:
    """Every suite's dataset by name: its suite file and parsed YAML (plain data, pickles)."""
    return {s.suite.dataset.name: (str(s.path), s.located.data) for s in suites}


@dataclass(frozen=True)
class Opened:
    """The other side, its label for messages, and its columns whose values are never shown."""

    side: Side
    label: str
    masked: set[str]


@contextmanager
def open_against(
    against: Mapping[str, Any], loaded: LoadedSuite, where: str, *, options: Any, as_of: date
) -> Iterator[Opened]:  # fmt: skip
    """The other dataset, opened for the ``with`` block (a table's connections closed after)."""
    from stewardgate.suite.models import DatasetSpec, Suite

    suite_file, masked = loaded.path, set()
    label = str(against.get("dataset") or against.get("path") or f"{against.get('connection')}:{against.get('table')}")
    if "dataset" in against:
        known = getattr(options, "datasets", None) or {}
        if against["dataset"] not in known:
            raise DatasetError(f"{where}: dataset '{against['dataset']}' is not a dataset of this run")
        path, data = known[against["dataset"]]
        peer = Suite.model_validate(data)
        spec, suite_file = peer.dataset, Path(path)
        masked = {n for n, c in peer.columns.items() if c.pii is not None or c.classification in SENSITIVE}
    else:
        fields = {k: v for k, v in against.items() if k in ("path", "format", "connection", "table", "filter")}
        spec = DatasetSpec.model_validate({"name": "against", **fields})
    opened = _open(spec, suite_file, where, label, options=options, as_of=as_of)
    try:
        yield Opened(side_of(label, opened), label, masked)
    finally:
        close = getattr(opened, "close", None)
        if close is not None:
            close()


def _open(spec: Any, suite_file: Path, where: str, label: str, *, options: Any, as_of: date) -> Any:
    from stewardgate.datasets.scan import open_dataset
    from stewardgate.readers.sql.table import open_table

    try:
        if spec.is_table:
            return open_table(spec, suite=suite_file, connections=getattr(options, "connections", {}), as_of=as_of)
        return open_dataset(spec, base=suite_file.parent, as_of=as_of, roots=getattr(options, "dataset_roots", ()),
                            s3=getattr(options, "s3", None))  # fmt: skip
    except DatasetError as exc:
        raise DatasetError(f"{where}: {label} cannot be read: {exc}") from None
