"""The expectations that do not compile to a table's aggregate query, run on its rows.

The table-level and aggregate expectations run in the database (:mod:`.expectations`); every
other one runs where it would run on a file, on the rows of the columns those expectations read
(:mod:`.rows`: read once per dataset with connectorx, the suite's filter and ``{as_of}``
applied, typed as the catalogue's columns):

- a GX expectation with a compiled polars form (``expect_column_values_to_be_between``, a regex,
  a set, a median...) runs in that compiled polars query (:func:`stewardgate.engines.dispatch.execute`),
  executor ``polars``;
- any other (``expect_column_values_to_match_strftime_format``, a column pair...) runs in Great
  Expectations (:func:`stewardgate.engines.gx.run_expectations`), executor ``gx``.

So verdicts, counts and samples are those of the same rows in a file. An expectation reading a
column that could not be read is an errored check with the reason (it blocks, never passes).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from stewardgate.engines import compiled_gx
from stewardgate.engines.gx_outcome import columns_of_check, kind_of
from stewardgate.expectations.entries import ENGINE as GX
from stewardgate.planning import PlannedCheck
from stewardgate.readers.sql.rows import LIBRARY
from stewardgate.readers.sql.table import SqlDataset
from stewardgate.results import CheckResult

COMPILED_ON_ROWS = (f"GX expectation compiled into a polars query on the rows of its columns, read from the table "
                    f"with {LIBRARY} (GX semantics, tested against GX)")  # fmt: skip


def planned_on_rows(p: PlannedCheck) -> PlannedCheck:
    """An expectation that is not pushed down, as it runs on the table's rows (its reason says so)."""
    if p.engine == compiled_gx.ENGINE:
        return replace(p, reason=COMPILED_ON_ROWS)
    if p.engine == GX and kind_of(p) not in ("schema", "row_count"):
        cols = ", ".join(columns_of_check(p))
        return replace(p, reason=f"GX expectation: Great Expectations runs it on a pandas copy of the columns it "
                                 f"reads ({cols}), read from the table with {LIBRARY}")  # fmt: skip
    return p


def needed_columns(planned: list[PlannedCheck], ds: SqlDataset) -> list[str]:
    """The table's columns the expectations on rows read (none for GX's schema and row-count ones)."""
    wanted = {c for p in planned if kind_of(p) not in ("schema", "row_count") for c in columns_of_check(p)}
    return [n for n in ds.schema if n in wanted]


def run_on_rows(
    planned: list[PlannedCheck], ds: SqlDataset, *, row_count: int, masked: set[str], samples: int,
    regex_timeout: float,
) -> list[CheckResult]:  # fmt: skip
    """One result per expectation of ``planned`` (none pushed down), the table's rows read once."""
    if not planned:
        return []
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.readers.sql.rows import read_rows

    rows = read_rows(ds, needed_columns(planned, ds))
    results, runnable = _unreadable(planned, rows.unreadable, row_count, samples)
    frame = rows.frame if rows.frame.width else pl.DataFrame(height=row_count)  # no column read: the rows still count
    scanned = ScannedDataset(ds.resolved, frame.lazy(), ds.schema, ds.fingerprint, ds.metadata, frame.height)
    results += _compiled(runnable, scanned, masked, samples)
    results += _in_gx(runnable, scanned, row_count, masked, samples, regex_timeout)
    return results


def _unreadable(
    planned: list[PlannedCheck], unreadable: dict[str, str], row_count: int, samples: int
) -> tuple[list[CheckResult], list[PlannedCheck]]:  # fmt: skip
    """An errored result for each expectation reading a column that could not be read; the others."""
    from stewardgate.engines.gx_outcome import finish
    from stewardgate.engines.outcome import Outcome

    results, runnable = [], []
    for p in planned:
        bad = [c for c in columns_of_check(p) if c in unreadable]
        if not bad:
            runnable.append(p)
            continue
        why = "; ".join(f"column '{c}': {unreadable[c]}" for c in bad)
        text = f"the rows could not be read from the table with {LIBRARY}: {why}"
        results.append(finish(p, Outcome(ok=False, errored=text), row_count, masked=False, samples=samples))
    return results, runnable


def _compiled(planned: list[PlannedCheck], scanned: Any, masked: set[str], samples: int) -> list[CheckResult]:
    mine = [p for p in planned if p.engine == compiled_gx.ENGINE]
    if not mine:
        return []
    from stewardgate.engines.dispatch import execute

    return execute(mine, scanned, masked=masked, samples=samples).results


def _in_gx(
    planned: list[PlannedCheck], scanned: Any, row_count: int, masked: set[str], samples: int, regex_timeout: float
) -> list[CheckResult]:  # fmt: skip
    mine = [p for p in planned if p.engine == GX]
    if not mine:
        return []
    from stewardgate.engines.gx import run_expectations

    return run_expectations(mine, scanned, row_count=row_count, masked=masked, samples=samples,
                            regex_timeout=regex_timeout)  # fmt: skip
