"""A child process for the store's concurrency and crash tests.

Run as ``python store_worker.py '<json>'`` with keys ``spec`` (see ``StoreSpec.to_json``),
``mode`` and ``dir`` (a folder for the marker files that talk to the parent):

* ``write``: open the store, touch ``<dir>/ready-<name>``, wait for ``<dir>/go``, then save
  ``count`` runs of dataset ``name`` (one ``as_of`` each), each followed by a run of the
  dataset ``shared`` for the same ``as_of`` (which the other worker writes too).
* ``open-write``: the same, but open the store only after ``go`` (to race on creating it).
* ``hang``: open the store and save one run of ``name`` whose write stops inside its
  transaction (through the writer's test seam), after touching ``<dir>/inside``; the parent
  then kills this process.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from store_testkit import StoreSpec, make_run, save

from stewardgate.store import writer

DAY0 = date(2025, 3, 1)


def _wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.0005)


def _write(spec: StoreSpec, name: str, count: int, folder: Path, *, open_first: bool) -> None:
    if not open_first:
        (folder / f"ready-{name}").touch()
        _wait_for(folder / "go")
    with spec.open() as store:
        if open_first:
            (folder / f"ready-{name}").touch()
            _wait_for(folder / "go")
        for i in range(count):
            save(store, make_run(name), f"{name}-{i}", DAY0 + timedelta(days=i))
            save(store, make_run("shared"), f"shared-{name}-{i}", DAY0 + timedelta(days=i))


def _hang(spec: StoreSpec, name: str, folder: Path) -> None:
    def stop_here(_conn: sa.Connection) -> None:
        (folder / "inside").touch()
        time.sleep(600)

    writer.after_rows_inserted = stop_here
    with spec.open() as store:
        save(store, make_run(name), f"{name}-hung", DAY0)


def main(args: dict[str, Any]) -> None:
    spec = StoreSpec.from_json(args["spec"])
    folder = Path(args["dir"])
    if args["mode"] in ("write", "open-write"):
        _write(spec, args["name"], args["count"], folder, open_first=args["mode"] == "write")
    elif args["mode"] == "hang":
        _hang(spec, args["name"], folder)
    else:
        raise ValueError(f"unknown mode {args['mode']!r}")


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
