"""Expectations, run through Great Expectations (1.x) on pandas, built for speed and a closed network.

GX is imported only when a suite has expectations. Each run gets its own ephemeral context
with progress bars and analytics off and a pandas data source. GX has no polars support, so it
receives numpy-backed pandas copies, and only what it needs:

- column, column-pair and multi-column expectations: the columns they name, all rows;
- row-count expectations: the row count (a frame without columns, unless the former exist);
- schema expectations (column names, count, order, types): all columns, zero rows.

GX's per-batch fingerprint (a hash of the whole frame) is switched off while we validate.
An expectation GX could not compute (its ``exception_info``, e.g. a missing column) or
could not even build is ``errored``; ``mostly`` is GX's; severity is ours. GX computes the
metrics of a suite together, so one expectation whose metric breaks (a KL divergence on a
text column) fails the whole validation: then each expectation is validated alone, and only
the broken one errors, with the metric GX could not compute. Unexpected counts,
percentages and partial unexpected values land in the result, masked for sensitive columns.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.scan import ScannedDataset, collect
from stewardgate.engines.gx_outcome import columns_of_check, finish, kind_of, outcome_of
from stewardgate.engines.gx_regex import DEFAULT_TIMEOUT_S, overtime
from stewardgate.engines.outcome import Outcome
from stewardgate.errors import DatasetError
from stewardgate.expectations.entries import ENGINE
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    import pandas as pd

META_KEY = "stewardgate_check_id"
_GX_LOCK = threading.Lock()


@dataclass
class Timings:
    """Seconds spent reading the needed columns, converting them to pandas, and in GX."""

    read: float = 0.0
    conversion: float = 0.0
    validation: float = 0.0


@dataclass
class Batch:
    """One frame (pandas, or a Spark DataFrame) and the expectations GX runs on it."""

    name: str
    frame: Any
    planned: list[PlannedCheck] = field(default_factory=list)


def run_expectations(
    planned: list[PlannedCheck], scanned: ScannedDataset, *, row_count: int, masked: set[str],
    samples: int, timings: Timings | None = None, regex_timeout: float = DEFAULT_TIMEOUT_S,
) -> list[CheckResult]:  # fmt: skip
    """Run the planned GX expectations on the dataset; one result per planned check, in plan order.

    ``row_count`` is the dataset's (already counted by the contract's pass); only the columns
    the expectations name are read again. ``regex_timeout``: see :mod:`.gx_regex`.
    """
    mine = [p for p in planned if p.engine == ENGINE]
    if not mine:
        return []
    bound = RunBounds(samples=samples, timings=timings or Timings(), regex_timeout=regex_timeout)
    return validate_and_shape(
        mine, lambda: _run(mine, scanned, row_count, bound),
        row_count=row_count, masked=masked, samples=samples,
    )  # fmt: skip


def validate_and_shape(
    mine: list[PlannedCheck], validate: Any, *, row_count: int, masked: set[str], samples: int
) -> list[CheckResult]:  # fmt: skip
    """Run ``validate`` (GX on some data source: ``(raw results by check id, errored text by
    check id)``) and shape one result per check; GX failing as a whole errors every
    expectation (fail closed)."""
    try:
        raw, errored = validate()
    except DatasetError:
        raise
    except Exception as exc:  # GX itself failed: every expectation is errored, the run goes on
        text = f"Great Expectations failed: {type(exc).__name__}: {_first_line(exc)}"
        return [finish(p, Outcome(ok=False, errored=text), row_count, masked=False, samples=samples) for p in mine]
    results = []
    for p in mine:
        hidden = any(c in masked for c in columns_of_check(p))
        if p.check_id in errored:
            outcome = Outcome(ok=False, errored=errored[p.check_id])
        elif p.check_id in raw:
            outcome = outcome_of(p, raw[p.check_id], hidden=hidden)
        else:
            outcome = Outcome(ok=False, errored="GX returned no result for this expectation")
        results.append(finish(p, outcome, row_count, masked=hidden, samples=samples))
    return results


@dataclass(frozen=True)
class RunBounds:
    """How much GX may show (samples) and take (regex time), and where the time went."""

    samples: int
    timings: Timings
    regex_timeout: float


def _run(
    mine: list[PlannedCheck], scanned: ScannedDataset, row_count: int, bound: RunBounds
) -> tuple[dict[str, Any], dict[str, str]]:
    samples, timings = bound.samples, bound.timings
    with gx_boundary() as gx:
        batches = _batches(mine, scanned, row_count, timings)
        started = time.perf_counter()
        context = gx_context(gx)
        source = context.data_sources.add_pandas("stewardgate")
        raw: dict[str, Any] = {}
        errored: dict[str, str] = {}
        for batch in batches:
            slow = overtime(batch.planned, batch.frame, timeout=bound.regex_timeout)
            errored.update(slow)
            batch.planned = [p for p in batch.planned if p.check_id not in slow]
            suite, bad = suite_of(gx, batch)
            errored.update(bad)
            if not suite.expectations:
                continue
            asset = source.add_dataframe_asset(batch.name)
            gx_batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(
                batch_parameters={"dataframe": batch.frame}
            )
            results, broken = validate_isolated(gx_batch, suite, samples)
            raw.update(results)
            errored.update(broken)
        timings.validation += time.perf_counter() - started
    return raw, errored


def validate_isolated(gx_batch: Any, suite: Any, samples: int) -> tuple[dict[str, Any], dict[str, str]]:
    """GX's results by check id, and the errored text of expectations GX could not validate.

    The suite is validated in one go; if GX fails on it as a whole, each expectation is
    validated alone, so one broken expectation does not take the others with it.
    """
    fmt = {"result_format": "SUMMARY", "partial_unexpected_count": max(samples, 1)}
    try:
        results = gx_batch.validate(suite, result_format=fmt).results
    except Exception:  # one expectation broke GX's shared metric graph: find which, below
        results = None
    if results is not None:
        return {r.expectation_config.meta[META_KEY]: r for r in results}, {}
    raw: dict[str, Any] = {}
    errored: dict[str, str] = {}
    for expectation in suite.expectations:
        check_id = expectation.meta[META_KEY]
        try:
            raw[check_id] = gx_batch.validate(expectation, result_format=fmt)
        except Exception as exc:  # GX could not validate this expectation: an errored result
            errored[check_id] = gx_failure(exc)
    return raw, errored


_METRIC_HINTS = {
    "column.partition": "GX bins the column's values into numeric ranges; for a text column give a "
    "partition_object with values and weights",
}


def gx_failure(exc: BaseException) -> str:
    """What a steward can read about an exception GX raised while validating one expectation."""
    metric = getattr(exc.args[0], "metric_name", None) if isinstance(exc, KeyError) and exc.args else None
    if metric is None:
        return f"Great Expectations failed: {type(exc).__name__}: {_first_line(exc)}"
    hint = f" ({_METRIC_HINTS[metric]})" if metric in _METRIC_HINTS else ""
    return f"GX could not compute the metric '{metric}' this expectation needs{hint}"


@contextmanager
def gx_boundary() -> Iterator[Any]:
    """Import GX quietly and switch off its whole-frame fingerprint while we validate.

    Both are process-wide settings, so one thread at a time runs GX (runs use processes).
    """
    with _GX_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GX's and pandas' deprecation noise is not the steward's
        import great_expectations as gx
        from great_expectations.execution_engine import pandas_execution_engine as engine

        saved = engine.HASH_THRESHOLD
        engine.HASH_THRESHOLD = 0  # hash only frames smaller than 0 bytes: never
        try:
            yield gx
        finally:
            engine.HASH_THRESHOLD = saved


def gx_context(gx: Any) -> Any:
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.enable_analytics(False)
    return context


def _batches(mine: list[PlannedCheck], scanned: ScannedDataset, row_count: int, timings: Timings) -> list[Batch]:
    import pandas as pd
    import polars as pl

    schema = [p for p in mine if kind_of(p) == "schema"]
    rows = [p for p in mine if kind_of(p) == "row_count"]
    data = [p for p in mine if kind_of(p) not in ("schema", "row_count")]
    batches = []
    if data:
        wanted = list(dict.fromkeys(c for p in data for c in columns_of_check(p) if c in scanned.schema))
        started = time.perf_counter()
        df = collect(scanned, wanted)
        timings.read += time.perf_counter() - started
        started = time.perf_counter()
        batches.append(Batch("data", _to_pandas(df), data + rows))
        timings.conversion += time.perf_counter() - started
    elif rows:
        batches.append(Batch("rows", pd.DataFrame(index=pd.RangeIndex(row_count)), rows))
    if schema:
        batches.append(Batch("schema", _to_pandas(pl.DataFrame(schema=scanned.schema)), schema))
    return batches


def _to_pandas(df: Any) -> pd.DataFrame:
    """A numpy-backed pandas copy (an arrow-backed one slows GX down and breaks type checks)."""
    frame: pd.DataFrame = df.to_pandas(use_pyarrow_extension_array=False)
    return frame


def suite_of(gx: Any, batch: Batch, bounds: Any = None) -> tuple[Any, dict[str, str]]:
    """The GX suite of a batch's expectations (``bounds``: how arguments meet the frame's
    types; default the pandas rule), and the errored text of arguments GX rejected, by check id."""
    from great_expectations.expectations.registry import get_expectation_impl

    expectations, rejected = [], {}
    for p in batch.planned:
        arguments = (bounds or _bounds_for)(p, batch.frame)
        meta = {**(arguments.pop("meta", None) or {}), META_KEY: p.check_id}
        try:
            expectations.append(get_expectation_impl(p.check)(**arguments, meta=meta))
        except Exception as exc:  # GX's pydantic validators (e.g. a bad strftime format)
            rejected[p.check_id] = f"GX rejected the arguments: {_first_line(exc, join=True)}"
    return gx.ExpectationSuite(name=f"stewardgate-{batch.name}", expectations=expectations), rejected


def _bounds_for(p: PlannedCheck, frame: pd.DataFrame) -> dict[str, Any]:
    """A date bound compared with a datetime column means midnight (GX cannot compare them)."""
    import pandas as pd

    arguments = dict(p.args)
    column = arguments.get("column")
    if not isinstance(column, str) or column not in frame.columns:
        return arguments
    dtype = frame[column].dtype
    if not pd.api.types.is_datetime64_any_dtype(dtype):
        return arguments
    for key in ("min_value", "max_value"):
        stamp = _timestamp(arguments.get(key))
        if stamp is not None:
            tz = getattr(dtype, "tz", None)
            arguments[key] = (
                stamp.tz_localize(tz) if tz is not None and stamp.tzinfo is None else stamp
            ).to_pydatetime()
    return arguments


def _timestamp(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return pd.Timestamp(value) if isinstance(value, date) else None


def _first_line(exc: BaseException, *, join: bool = False) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "; ".join(lines[:4]) if join else lines[0]
