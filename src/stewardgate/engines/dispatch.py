"""Executing a plan with as few passes over the data as possible.

One ``select`` carries the row count, every compiled check and any extra aggregates (the
metric profile); it is collected in one ``collect_all`` with the side queries of figures that
do not stream inside a ``select`` (repeated values of a ``unique`` column, the profile's value
counts and quantile sample; see :mod:`stewardgate.engines.side`). That is the only pass on a
passing run. A second, targeted pass samples failing values only for checks that failed. Schema-level checks go to pandera on an empty frame
of the same schema. Only when a suite forces ``engine: pandera`` for data checks is the whole
frame materialised (pandera needs it), and the aggregates then run on that in-memory frame.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.scan import ScannedDataset, collect, polars_engine_for
from stewardgate.engines import compiled, compiled_gx, pandera_polars
from stewardgate.engines.contract import needs_pandera, run_contract
from stewardgate.engines.side import SideQuery, collect_with
from stewardgate.errors import DatasetError, first_line
from stewardgate.planning import PlannedCheck, by_executor
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    import polars as pl

ROWS = "__sg_rows"


@dataclass(frozen=True)
class Execution:
    """Results in plan order, the row count, and the values of the caller's extra aggregates."""

    results: list[CheckResult]
    row_count: int
    extra: dict[str, Any] = field(default_factory=dict)
    frames: dict[str, Any] = field(default_factory=dict)
    """The side queries' frames, by key."""


def execute(
    planned: list[PlannedCheck], scanned: ScannedDataset, *, masked: set[str], samples: int,
    extra_exprs: list[pl.Expr] | None = None, side: list[SideQuery] | None = None,
    derived: list[pl.Expr] | None = None,
) -> Execution:  # fmt: skip
    """Run the contract part of a plan on a scanned dataset.

    ``extra_exprs`` join the one ``select`` (the profile, governance); they may read the
    ``derived`` columns, computed once per row before it; ``side`` queries run beside it.
    """
    import polars as pl

    on_pandera = by_executor(planned)["pandera"]
    warm = in_background(pandera_polars.load, "import-pandera") if needs_pandera(on_pandera) else None
    full_frame = any(p.check not in compiled.SCHEMA_CHECKS for p in on_pandera)
    frame = collect(scanned) if full_frame else None
    lf = frame.lazy() if frame is not None else scanned.frame
    query = compiled.compile_checks(planned, scanned.schema)
    gx_query = compiled_gx.compile_expectations(planned, scanned.schema)
    exprs = [pl.len().alias(ROWS), *query.exprs, *gx_query.exprs, *(extra_exprs or [])]
    queries = [*query.side.values(), *gx_query.side.values(), *(side or [])]
    engine = polars_engine_for(in_memory=True, rows=frame.height) if frame is not None else scanned.polars_engine
    main, frames = guard_read(
        lambda: collect_with(lf.with_columns(derived or []).select(exprs), lf, queries, polars_engine=engine), scanned
    )
    row = main.row(0, named=True)
    row_count = int(row.pop(ROWS))
    outcomes = compiled.outcomes_from(query, row, row_count, frames, samples=samples)
    failed = [p for p in query.checks.values() if not outcomes[p.check_id].ok]
    wanted = compiled.sample_masks(failed, scanned.schema)
    wanted += [(cid, _column_of(planned, cid), gx_query.masks[cid]) for cid in compiled_gx.failing(gx_query, row)]
    found = guard_read(lambda: compiled.sample_failures(lf, wanted, samples, polars_engine=engine), scanned)
    found.update(compiled_gx.absorb_side(gx_query, row, frames, samples))
    results = compiled.results_for(query, outcomes, found, row_count=row_count, masked=masked, samples=samples)
    results += compiled.unrun_results(planned, query, row_count)
    results += _expectation_results(planned, gx_query, row, row_count, scanned, found, masked, samples)
    if warm is not None:
        warm.join()
    contract_frame = frame if frame is not None else pl.DataFrame(schema=scanned.schema)
    results += run_contract(on_pandera, contract_frame, masked=masked, samples=samples, row_count=row_count)
    order = {p.check_id: i for i, p in enumerate(planned)}
    results.sort(key=lambda r: order[r.check_id])
    extra = {k: v for k, v in row.items() if not k.startswith(("__sg_", "__gx_"))}
    return Execution(results=results, row_count=row_count, extra=extra, frames=frames)


def _column_of(planned: list[PlannedCheck], check_id: str) -> str:
    return next(str(p.args["column"]) for p in planned if p.check_id == check_id)


def _expectation_results(
    planned: list[PlannedCheck], query: compiled_gx.ExpectationQuery, row: dict[str, Any], row_count: int,
    scanned: ScannedDataset, found: dict[str, list[str]], masked: set[str], samples: int,
) -> list[CheckResult]:  # fmt: skip
    """Results of the compiled expectations, shaped exactly as the GX engine shapes its own."""
    from stewardgate.engines.gx_outcome import columns_of_check, finish

    def hidden(p: PlannedCheck) -> bool:
        return any(c in masked for c in columns_of_check(p))

    outcomes = compiled_gx.outcomes(query, row, row_count, planned, scanned.schema, found, hidden)
    by_id = {p.check_id: p for p in planned}
    return [finish(by_id[cid], o, row_count, masked=hidden(by_id[cid]), samples=samples) for cid, o in outcomes.items()]


def import_in_background(*modules: str) -> threading.Thread:
    """Import ``modules`` on a thread while polars reads the data (it releases the GIL).

    The history store (SQLAlchemy) takes about a fifth of a second to import; overlapping it
    with the pass over the data hides part of that (pandera is loaded the same way, through
    :func:`in_background` and :mod:`stewardgate.engines.pandera_polars`). The import lock makes
    a concurrent import elsewhere safe, and an import error resurfaces, unhidden, when the
    module is imported for real afterwards.
    """

    def load() -> None:
        for module in modules:
            importlib.import_module(module)

    return in_background(load, f"import-{modules[0]}")


def in_background(action: Any, name: str) -> threading.Thread:
    """Start ``action`` on a daemon thread; an exception it raises is dropped (the real call
    afterwards raises it again, where it is handled)."""

    def quietly() -> None:
        try:
            action()
        except Exception:  # noqa: BLE001 - re-raised by the real call later
            return

    thread = threading.Thread(target=quietly, name=name, daemon=True)
    thread.start()
    return thread


def guard_read(action: Any, scanned: ScannedDataset) -> Any:
    """Reading errors surface at collect time: translate them to DatasetError, naming the data."""
    import polars as pl

    try:
        return action()
    except (pl.exceptions.ComputeError, pl.exceptions.SchemaError, OSError) as exc:
        first = first_line(exc)
        raise DatasetError(f"{scanned.resolved.display}: cannot read the data: {first}") from exc
