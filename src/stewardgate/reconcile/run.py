"""The ``reconcile`` executor: a suite's reconciliations and references, judged after the pass.

The checks of one reconciliation (and the references to one dataset) share one opening of the
other dataset. Each side computes its row count and plain aggregates in one query of its own
reader, each grouped aggregate in one ``GROUP BY``; the key checks join the two sides' keys
(:mod:`.compare`). A check that cannot be computed (a missing column, key types of two
families, a database that refuses the query) is ``errored``, with the reason; the others run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from stewardgate.engines.outcome import mask_samples
from stewardgate.errors import first_line
from stewardgate.planning import PlannedCheck
from stewardgate.reconcile import compare
from stewardgate.reconcile.figures import figure_name
from stewardgate.reconcile.sides import ROWS, Agg, Side, SqlSide, number, same_database, side_of, sql_key_gap
from stewardgate.reconcile.targets import Opened, open_against
from stewardgate.results import CheckResult, Status, status_for
from stewardgate.suite.loader import LoadedSuite

ENGINE = "reconcile"


@dataclass(frozen=True)
class Pair:
    """The two sides of one group of checks, with what must not be shown of either."""

    here: Side
    there: Opened
    here_rows: int
    masked: set[str]
    samples: int
    measured: dict[str, Any]
    """This dataset's figures from the run's pass (its plain aggregates, :mod:`.figures`)."""


def judge_reconcile(
    checks: list[PlannedCheck], loaded: LoadedSuite, opened: Any, *, row_count: int, masked: set[str],
    options: Any, as_of: date, measured: dict[str, Any] | None = None,
) -> list[CheckResult]:  # fmt: skip
    """Every planned reconciliation and reference check, in plan order (``measured``: the
    figures the reader measured in its pass, this dataset's plain aggregates among them)."""
    if not checks:
        return []
    groups: dict[str, list[PlannedCheck]] = {}
    for p in checks:
        groups.setdefault(_group_of(p), []).append(p)
    try:
        here = side_of(loaded.suite.dataset.name, opened)
    except TypeError as exc:  # e.g. Spark's frames
        return [_errored(p, str(exc)) for p in checks]
    results: list[CheckResult] = []
    samples = getattr(options, "samples", 5)
    for group in groups.values():
        first = group[0]
        with open_against(first.args["against"], loaded, _where(loaded, first), options=options, as_of=as_of) as there:
            pair = Pair(here, there, row_count, masked | there.masked, samples, measured or {})
            results += _judge_group(group, pair)
    order = {p.check_id: i for i, p in enumerate(checks)}
    return sorted(results, key=lambda r: order[r.check_id])


def _group_of(p: PlannedCheck) -> str:
    args = p.args
    return f"r{args['reconciliation']}" if "reconciliation" in args else f"ref:{args['against']['dataset']}"


def _where(loaded: LoadedSuite, p: PlannedCheck) -> str:
    if "reconciliation" in p.args:
        return loaded.where("reconcile", p.args["reconciliation"], "against")
    return loaded.where("columns", str(p.column), "references")


def _judge_group(group: list[PlannedCheck], pair: Pair) -> list[CheckResult]:
    plain = [p for p in group if p.check == "reconcile_aggregate" and not p.args["by"]]
    figures = _figures(plain, pair, rows=any(p.check == "reconcile_row_count" for p in group))
    out = []
    for p in group:
        judge = JUDGES[p.check]
        try:
            out.append(judge(p, pair, figures))
        except Exception as exc:  # a database or polars error: this check cannot be computed
            out.append(_errored(p, f"could not be computed: {first_line(exc)}"))
    return out


def _figures(plain: list[PlannedCheck], pair: Pair, *, rows: bool) -> dict[str, Any]:
    """Both sides' row counts and plain aggregates, one query on each side (None: cannot run)."""
    aggs = [_agg(p) for p in plain if _column_problem(p, pair) is None]
    known = {a.name: number(pair.measured[figure_name(a.name)]) for a in aggs if figure_name(a.name) in pair.measured}
    try:
        there = pair.there.side.figures(aggs, rows=rows)
        here = {**known, **pair.here.figures([a for a in aggs if a.name not in known], rows=False)}
    except Exception as exc:  # judged per check below
        return {"error": first_line(exc)}
    return {"here": here, "there": there}


def _agg(p: PlannedCheck) -> Agg:
    a = p.args
    return Agg(p.check_id, a["function"], a["column"], a.get("by"), a.get("per"))


def _column_problem(p: PlannedCheck, pair: Pair, columns: list[str] | None = None) -> str | None:
    """A named column one side lacks, or of types that cannot be compared."""
    key = list(p.args["key"]) if columns is not None else []
    by = p.args.get("by") if columns is None else None
    names = columns if columns is not None else [c for c in (p.args.get("column"), by) if c]
    for side, label in ((pair.here, "this dataset"), (pair.there.side, pair.there.label)):
        for c in names:
            if c not in side.schema:
                return f"{label} has no column {c} (it has: {', '.join(side.schema) or 'none'})"
    here, there = pair.here.schema, pair.there.side.schema
    if by and p.args.get("per") == "day":
        if not (here[by].is_temporal() and there[by].is_temporal()):
            return f"per: day needs a date or datetime column on both sides; {by} is {here[by]} here, {there[by]} there"
    elif by:
        key.append(by)
    values = [c for c in names if c not in key and c != by]
    return compare.type_problem([(c, here[c], c, there[c]) for c in key], pair.there.label) or compare.type_problem(
        [(c, here[c], c, there[c]) for c in values], pair.there.label, numbers_alike=True
    )


def judge_row_count(p: PlannedCheck, pair: Pair, figures: dict[str, Any]) -> CheckResult:
    if "error" in figures:
        return _errored(p, f"{pair.there.label}'s row count could not be computed: {figures['error']}")
    here, there = pair.here_rows, int(figures["there"][ROWS])
    a = p.args
    ok = compare.within(here, there, a["max_difference"], a["max_fraction"])
    message = (f"{here:,} rows here, {there:,} in {pair.there.label} (difference {here - there:+,}); "
               f"{_allowed(a)}")  # fmt: skip
    return _result(p, ok, message, observed=here, expected=_expected(a, there, pair), row_count=here,
                   details={"against": pair.there.label, "against_value": there, "difference": here - there})  # fmt: skip


def judge_keys(p: PlannedCheck, pair: Pair, figures: dict[str, Any]) -> CheckResult:
    a = p.args
    here_cols = list(a["key"])
    there_cols = list(a.get("against_key") or here_cols)
    for side, label, cols in ((pair.here, "this dataset", here_cols), (pair.there.side, pair.there.label, there_cols)):
        missing = [c for c in cols if c not in side.schema]
        if missing:
            return _errored(p, f"{label} has no key column {missing[0]} (it has: {', '.join(side.schema) or 'none'})")
    problem = compare.type_problem(
        [(h, pair.here.schema[h], t, pair.there.side.schema[t]) for h, t in zip(here_cols, there_cols, strict=True)],
        pair.there.label,
    )  # fmt: skip
    if problem is not None:
        return _errored(p, f"key types differ: {problem}")
    extra = p.check in ("reconcile_keys_extra", "references")
    count, rows, where = _key_gap(pair, here_cols, there_cols, extra=extra)
    shown = mask_samples([_key_text(r) for r in rows], masked=bool(set(here_cols) & pair.masked), limit=pair.samples)
    return _result(p, count == 0, _keys_message(p, count, pair, shown), observed=count, expected=0,
                   failing_count=count, samples=shown, row_count=pair.here_rows,
                   details={"against": pair.there.label, "key": here_cols, "compared_in": where})  # fmt: skip


def _key_gap(pair: Pair, here_cols: list[str], there_cols: list[str], *, extra: bool) -> tuple[int, list[Any], str]:
    """The keys one side lacks: in the database when both are tables behind one URL (no key
    leaves it), else the two sides' keys anti-joined in polars (streaming)."""
    here_side, there_side = pair.here, pair.there.side
    if isinstance(here_side, SqlSide) and isinstance(there_side, SqlSide) and same_database(here_side, there_side):
        if extra:
            return (*sql_key_gap(here_side, here_cols, there_side, there_cols, pair.samples), "database")
        return (*sql_key_gap(there_side, there_cols, here_side, here_cols, pair.samples), "database")
    casts = compare.targets([(h, here_side.schema[h], t, there_side.schema[t])
                             for h, t in zip(here_cols, there_cols, strict=True)])  # fmt: skip
    here = compare.aligned(here_side.keys(here_cols, here_cols), casts)
    there = compare.aligned(there_side.keys(there_cols, here_cols), casts)
    a, b = (here, there) if extra else (there, here)
    return (*compare.key_gap(a, b, here_cols, pair.samples), "polars")


def _keys_message(p: PlannedCheck, count: int, pair: Pair, shown: tuple[str, ...]) -> str:
    other = pair.there.label
    key = "/".join(p.args["key"])
    sample = f" (first: {', '.join(shown)})" if shown else ""
    if p.check == "references":
        ref = f"{other}.{'/'.join(p.args['against_key'])}"
        return (f"every value of {p.column} is a value of {ref}" if count == 0 else
                f"{count:,} distinct values of {p.column} are not values of {ref}{sample}")  # fmt: skip
    if p.check == "reconcile_keys_missing":
        return (f"every {key} of {other} is here" if count == 0 else
                f"{count:,} {key} values of {other} are missing here{sample}")  # fmt: skip
    return (f"every {key} here is in {other}" if count == 0 else
            f"{count:,} {key} values here are not in {other}{sample}")  # fmt: skip


def judge_aggregate(p: PlannedCheck, pair: Pair, figures: dict[str, Any]) -> CheckResult:
    a = p.args
    problem = _column_problem(p, pair)
    if problem is not None:
        return _errored(p, problem)
    what = f"{a['function']}({a['column']})"
    if a["by"]:
        return _grouped(p, pair, what)
    if "error" in figures:
        return _errored(p, f"could not be computed: {figures['error']}")
    here, there = figures["here"][p.check_id], figures["there"][p.check_id]
    ok = compare.within(here, there, a["max_difference"], a["max_fraction"])
    masked = a["column"] in pair.masked  # personal data: neither figure nor their difference is shown
    diff = None if masked else compare.difference(here, there)
    said = f" (difference {diff:+g})" if diff is not None else ""
    message = (f"{what} is {_shown(here, masked)} here, {_shown(there, masked)} in {pair.there.label}{said}; "
               f"{_allowed(a)}")  # fmt: skip
    return _result(p, ok, message, observed=_shown(here, masked, raw=True), expected=_expected(a, _shown(there, masked, raw=True), pair),
                   details={"against": pair.there.label, "difference": diff})  # fmt: skip


def _grouped(p: PlannedCheck, pair: Pair, what: str) -> CheckResult:
    a = p.args
    agg = _agg(p)
    gaps = compare.group_gaps(pair.here.groups(agg), pair.there.side.groups(agg), a["max_difference"],
                              a["max_fraction"])  # fmt: skip
    hide_group, hide_value = a["by"] in pair.masked, a["column"] in pair.masked
    texts = [f"{_shown(g, hide_group)}: {_shown(h, hide_value)} here, {_shown(t, hide_value)} in {pair.there.label}"
             for g, h, t in gaps]  # fmt: skip
    shown = tuple(texts[: pair.samples])
    per = f"{a['by']} (per day)" if a.get("per") else a["by"]
    message = (f"{what} agrees in every group of {per}" if not gaps else
               f"{what} differs in {len(gaps):,} groups of {per}{' (first: ' + '; '.join(shown) + ')' if shown else ''}")  # fmt: skip
    return _result(p, not gaps, f"{message}; {_allowed(a)}", observed=len(gaps), expected=0, failing_count=len(gaps),
                   samples=shown, details={"against": pair.there.label, "by": a["by"], "per": a.get("per"),
                                           "groups": [_group_record(g, h, t, hide_group, hide_value) for g, h, t in gaps[: pair.samples]]})  # fmt: skip


def _group_record(g: Any, h: Any, t: Any, hide_group: bool, hide_value: bool) -> dict[str, Any]:
    return {"group": _shown(g, hide_group, raw=True), "here": _shown(h, hide_value, raw=True),
            "against": _shown(t, hide_value, raw=True)}  # fmt: skip


def judge_rows(p: PlannedCheck, pair: Pair, figures: dict[str, Any]) -> CheckResult:
    a = p.args
    key, columns = list(a["key"]), list(a["columns"])
    problem = _column_problem(p, pair, key + columns)
    if problem is not None:
        return _errored(p, problem)
    casts = compare.targets([(c, pair.here.schema[c], c, pair.there.side.schema[c]) for c in key + columns])
    here = compare.aligned(pair.here.columns(key + columns, key + columns), casts).drop_nulls(key)
    there = compare.aligned(pair.there.side.columns(key + columns, key + columns), casts).drop_nulls(key)
    compared, differing, rows = compare.row_gap(here, there, key, columns, pair.samples)
    shown = tuple(_row_text(r, key, columns, pair) for r in rows)
    sample = f" (first: {'; '.join(shown)})" if shown else ""
    message = (f"{', '.join(columns)} agree on all {compared:,} rows matched by key" if not differing else
               f"{differing:,} keys differ in {', '.join(columns)} (of {compared:,} rows matched by key){sample}")  # fmt: skip
    return _result(p, differing == 0, message, observed=differing, expected=0, failing_count=differing,
                   samples=shown, row_count=compared, details={"against": pair.there.label, "compared": compared})  # fmt: skip


def _row_text(r: dict[str, Any], key: list[str], columns: list[str], pair: Pair) -> str:
    k = _shown(_key_text(tuple(r[c] for c in key)), bool(set(key) & pair.masked))
    diffs = [f"{c} {_shown(r[c], c in pair.masked)} here, {_shown(r[f'{c}__there'], c in pair.masked)} there"
             for c in columns if r[c] != r[f"{c}__there"]]  # fmt: skip
    return f"{'/'.join(key)}={k}: {', '.join(diffs)}"


JUDGES: dict[str, Callable[[PlannedCheck, Pair, dict[str, Any]], CheckResult]] = {
    "reconcile_row_count": judge_row_count,
    "reconcile_keys_missing": judge_keys,
    "reconcile_keys_extra": judge_keys,
    "references": judge_keys,
    "reconcile_aggregate": judge_aggregate,
    "reconcile_rows": judge_rows,
}


def _key_text(row: tuple[Any, ...]) -> str:
    return ", ".join("null" if v is None else str(v) for v in row)


def _shown(v: Any, masked: bool, *, raw: bool = False) -> Any:
    from stewardgate.engines.outcome import MASK

    if masked:
        return MASK
    if v is compare.MISSING:
        return None if raw else "(none)"
    if raw:
        return v if isinstance(v, (int, float, str, bool)) or v is None else str(v)
    if isinstance(v, float):
        return f"{v:.12g}"  # 191566.46, not 191566.45999999996
    return "null" if v is None else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def _allowed(a: dict[str, Any]) -> str:
    bounds = [f"{k} {a[k]:g}" for k in ("max_difference", "max_fraction") if a.get(k) is not None]
    return f"allowed: {' and '.join(bounds)}" if bounds else "allowed: equal"


def _expected(a: dict[str, Any], there: Any, pair: Pair) -> dict[str, Any]:
    return {"against": pair.there.label, "value": there,
            **{k: a[k] for k in ("max_difference", "max_fraction") if a.get(k) is not None}}  # fmt: skip


def _result(p: PlannedCheck, ok: bool, message: str, **kw: Any) -> CheckResult:
    return CheckResult(check_id=p.check_id, check=p.check, status=status_for(ok, p.severity), severity=p.severity,
                       engine=ENGINE, message=message, column=p.column, suite_line=p.suite_line, **kw)  # fmt: skip


def _errored(p: PlannedCheck, reason: str) -> CheckResult:
    return CheckResult(check_id=p.check_id, check=p.check, status=Status.ERRORED, severity=p.severity, engine=ENGINE,
                       message=reason, column=p.column, suite_line=p.suite_line, expected=p.args.get("against"))  # fmt: skip
