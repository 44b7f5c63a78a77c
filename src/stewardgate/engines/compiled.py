"""The compiled path: every data-level contract check as one polars aggregate, in one pass.

Each planned data check becomes an aggregate expression counting its failing rows; they are
evaluated together (with any extra aggregates a caller adds, such as the metric profile) in ONE
``select`` over the lazy scan, collected with the streaming engine. Schema-level checks
(presence, dtype, undeclared columns, order) stay with pandera, validated on the schema alone.
A passing run reads the data once; failing-row samples come from a second, targeted pass that
reads only the columns of the checks that failed.

Parity with pandera's data-level validation is tested on every shared YAML case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from stewardgate.engines.applicability import as_text, bound_for, members_for, skip_reasons
from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    import polars as pl

ENGINE = "polars"
SCHEMA_CHECKS = ("required", "type", "extra_columns", "order")
_NULL_CHECKS = ("nullable", "max_null_fraction", "max_null_count")


@dataclass(frozen=True)
class CompiledQuery:
    """The aggregate expressions of a plan, by output name, and the checks that could not run."""

    checks: dict[str, PlannedCheck]
    exprs: list[pl.Expr]
    skipped: dict[str, str]
    errored: dict[str, str]


def failing_mask(p: PlannedCheck, dtype: Any) -> pl.Expr:
    """A boolean expression true on the rows that fail ``p`` (nulls never fail value rules)."""
    import polars as pl

    col = pl.col(p.column)  # type: ignore[arg-type]
    value = bound_for(p.value, dtype)
    match p.check:
        case "nullable" | "max_null_fraction" | "max_null_count":
            return col.is_null()
        case "unique":
            return col.is_duplicated() & col.is_not_null()
        case "min":
            return col < value
        case "max":
            return col > value
        case "in_set":
            members = pl.Series(members_for(list(value), dtype), strict=False)
            return col.is_not_null() & ~col.is_in(members.cast(dtype, strict=False).implode())
        case "regex":
            return col.is_not_null() & ~as_text(col, dtype).str.contains(value)
        case "min_length":
            return as_text(col, dtype).str.len_chars() < value
        case "max_length":
            return as_text(col, dtype).str.len_chars() > value
    raise ValueError(f"check '{p.check}' has no compiled form")


def compile_checks(planned: list[PlannedCheck], schema: dict[str, Any]) -> CompiledQuery:
    """One aggregate per compiled data check of the plan that can run on ``schema``.

    ``planned`` is the whole plan (the applicability rule needs its type and required checks);
    only checks planned on this engine are compiled; each counts its failing rows.

    Each expression is first resolved against an empty frame of the schema (no data is read),
    so a check that cannot run (a set of numbers on a string column, a pattern the polars regex
    engine rejects) becomes an errored check instead of failing the whole fused pass.
    """
    import polars as pl

    skips = skip_reasons(planned, schema)
    empty = pl.DataFrame(schema=schema)
    checks, exprs, errored = {}, [], {}
    for p in planned:
        if p.section != "columns" or p.engine != ENGINE or p.check in SCHEMA_CHECKS or p.check_id in skips:
            continue
        try:
            expr = _aggregate(p, schema[p.column])
            empty.select(expr)
        except Exception as exc:  # polars raises several types here; each means "cannot run"
            errored[p.check_id] = f"polars cannot evaluate the check: {_first_line(exc)}"
            continue
        name = f"__sg_{len(checks)}"
        checks[name] = p
        exprs.append(expr.alias(name))
    return CompiledQuery(checks=checks, exprs=exprs, skipped=skips, errored=errored)


def _aggregate(p: PlannedCheck, dtype: Any) -> pl.Expr:
    """The one-pass figure of a check: its failing-row count, or for ``unique`` the excess.

    Marking every row of a repeated value needs the whole column in memory; the excess
    (non-null values minus distinct ones) streams, and is zero exactly when the check passes.
    The rows involved are counted in the targeted second pass, only when it fails.
    """
    import polars as pl

    if p.check == "unique":
        col = pl.col(p.column)  # type: ignore[arg-type]
        return col.drop_nulls().len() - col.drop_nulls().n_unique()
    return failing_mask(p, dtype).sum()


def recount_queries(lf: pl.LazyFrame, failed: list[PlannedCheck], schema: dict[str, Any]) -> list[tuple[str, pl.LazyFrame]]:
    """For a failed ``unique``: the repeated values with their counts, in one aggregation
    (it streams, as ``n_unique`` does; marking every row would not)."""
    import polars as pl

    out = []
    for p in failed:
        if p.check == "unique":
            col = pl.col(p.column)  # type: ignore[arg-type]
            repeated = lf.select(col).drop_nulls().group_by(col).agg(pl.len().alias("n")).filter(pl.col("n") > 1)
            out.append((p.check_id, repeated.sort(p.column)))  # type: ignore[arg-type]
    return out


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip() or type(exc).__name__).splitlines()[0]


def outcomes_from(query: CompiledQuery, row: dict[str, Any], row_count: int) -> dict[str, Outcome]:
    """Turn the collected counts into outcomes (null thresholds compare counts with limits)."""
    out = {}
    for name, p in query.checks.items():
        failing = int(row[name] or 0)
        out[p.check_id] = _outcome(p, failing, row_count)
    return out


def _outcome(p: PlannedCheck, failing: int, rows: int) -> Outcome:
    if p.check == "max_null_fraction":
        fraction = failing / rows if rows else 0.0
        return Outcome(ok=failing <= p.value * rows, failing=failing, observed=round(fraction, 6))
    if p.check == "max_null_count":
        return Outcome(ok=failing <= p.value, failing=failing, observed=failing)
    if p.check == "unique":  # ``failing`` is the excess here; the rows involved come later
        return Outcome(ok=failing == 0, failing=0 if failing == 0 else None, observed=None)
    return Outcome(ok=failing == 0, failing=failing)


def sample_masks(failed: list[PlannedCheck], schema: dict[str, Any]) -> list[tuple[str, str, pl.Expr]]:
    """``(check_id, column, failing-row mask)`` of the failed checks that have value samples."""
    skip = (*_NULL_CHECKS, "unique")  # unique's samples come with its recount
    return [(p.check_id, p.column, failing_mask(p, schema[p.column])) for p in failed if p.check not in skip]  # type: ignore[misc, index]


def sample_failures(
    lf: pl.LazyFrame, wanted: list[tuple[str, str, pl.Expr]], limit: int,
    recounts: list[tuple[str, pl.LazyFrame]] | None = None,
) -> tuple[dict[str, list[str]], dict[str, int]]:  # fmt: skip
    """The second, targeted pass: up to ``limit`` distinct failing values per failed check,
    and the exact counts the first pass left open (see :func:`recount_queries`).

    One query per failed check, collected together (polars shares the scan where it can);
    each reads only its column.
    """
    import polars as pl

    recounts = recounts or []
    wanted = wanted if limit > 0 else []
    if not wanted and not recounts:
        return {}, {}
    # The first failing rows, not all of them: a bounded head lets the scan stop early.
    queries = [
        lf.filter(mask).select(pl.col(column).cast(pl.String)).head(limit * _SAMPLE_HEAD)
        for _, column, mask in wanted
    ]  # fmt: skip
    frames = pl.collect_all([*queries, *(q for _, q in recounts)], engine="streaming")
    samples = {cid: _distinct(f.to_series().to_list(), limit) for (cid, _, _), f in zip(wanted, frames)}
    counts = {}
    for (cid, _), f in zip(recounts, frames[len(queries):]):
        counts[cid] = int(f["n"].sum())
        samples[cid] = _distinct(f.to_series(0).cast(pl.String).to_list(), limit)
    return samples, counts


_SAMPLE_HEAD = 20  # failing rows read per wanted sample value


def _distinct(values: list[Any], limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault("null" if v is None else str(v), None)
        if len(seen) == limit:
            break
    return list(seen)


def results_for(
    query: CompiledQuery, outcomes: dict[str, Outcome], samples_by_check: dict[str, list[str]],
    *, row_count: int, masked: set[str], samples: int,
) -> list[CheckResult]:  # fmt: skip
    """Results for the compiled checks (and skipped ones), in plan order."""
    results = []
    for p in query.checks.values():
        o = outcomes[p.check_id]
        if p.check_id in samples_by_check:
            o = replace(o, samples=samples_by_check[p.check_id])
        results.append(build_result(p, o, row_count=row_count, masked=p.column in masked, samples=samples))
    return results


def unrun_results(planned: list[PlannedCheck], query: CompiledQuery, row_count: int) -> list[CheckResult]:
    """Results for the data checks that did not run: skipped (not applicable) or errored."""
    out = []
    for p in planned:
        if p.section != "columns" or p.engine != ENGINE or p.check in SCHEMA_CHECKS:
            continue
        if p.check_id in query.skipped:
            out.append(skipped(p, query.skipped[p.check_id]))
        elif p.check_id in query.errored:
            out.append(build_result(p, Outcome(ok=False, errored=query.errored[p.check_id]), row_count=row_count))
    return out
