"""What ``suggest`` proposes, from a suite and its stored runs. Each generator is one question:

- :func:`too_tight`: which rules would have failed on most stored runs? Loosen each to just
  outside what every run saw (a margin, never the observed value), or drop it when no bound
  can hold (``unique`` on a column with repeats).
- :func:`stable_sets`: which text columns without ``in_set`` held the same values in every
  run? Close the set.
- :func:`loose_nulls`: which null thresholds sit far above anything seen? Tighten them to the
  Wilson upper bound of the worst run; a column with no null in any run becomes
  ``nullable: false``.
- :func:`missing_anomalies`: which anomaly rules are worth adding? The row count (with
  ``seasonality: day_of_week`` when weekends differ) and the null fraction of columns whose
  nulls come and go.

A :class:`Proposal` is a list of edits and the evidence, written as a comment above the column.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stewardgate.drafting import bounds
from stewardgate.drafting.columns import IN_SET_MAX
from stewardgate.drafting.history import PastRun
from stewardgate.drafting.verdicts import REPLAYED, as_text, moment, observed_values, would_fail
from stewardgate.drafting.yamledit import SuiteText
from stewardgate.profile_record import ColumnProfile
from stewardgate.suite.models import ColumnSpec, Suite

MIN_RUNS = 7
LOOSE_FACTOR = 2.0
"""A null threshold is 'far above' when it is at least this many times the proposed one …"""
LOOSE_MIN_GAP = 0.01
"""… and at least this much (one percentage point) above it."""
WEEKLY_RATIO = 0.8
"""Row counts have a weekly rhythm when the quietest weekday's median is below this share of
the busiest weekday's."""
_INTEGER = ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64")


@dataclass(frozen=True)
class Proposal:
    """One proposed change: where, why (the evidence), and how to make it."""

    kind: str  # too_tight | stable_set | loose_nulls | anomaly
    target: str  # columns.amount.max, anomalies
    evidence: str
    edit: Callable[[SuiteText], None]
    column: str | None = None


def rule_value(spec: ColumnSpec, rule: str) -> Any:
    """A column rule's value as written (without its severity), or None."""
    written = getattr(spec, rule)
    return None if written is None else written.value


def too_tight(suite: Suite, history: list[PastRun]) -> list[Proposal]:
    """Column rules that would have failed on most runs, loosened past every run (or dropped)."""
    out: list[Proposal] = []
    for name, spec in suite.columns.items():
        for rule in REPLAYED:
            value = rule_value(spec, rule)
            if value is None:
                continue
            verdicts = [(r, would_fail(rule, value, r.columns.get(name), r.row_count)) for r in history]
            judged = [(r, v) for r, v in verdicts if v is not None]
            failed = [r for r, v in judged if v]
            if len(judged) >= MIN_RUNS and 2 * len(failed) > len(judged):
                seen = f"{rule}: {_show(value)} would have failed on {len(failed)} of {len(judged)} runs"
                out += _loosen(name, spec, rule, value, [r for r, _ in judged], seen)
    return out


def _loosen(name: str, spec: ColumnSpec, rule: str, value: Any, runs: list[PastRun], seen: str) -> list[Proposal]:
    cols = [r.columns[name] for r in runs]
    target = f"columns.{name}.{rule}"

    def set_to(new: Any, why: str) -> list[Proposal]:
        return [Proposal("too_tight", target, f"{seen}; {why}", _setter(name, rule, new), name)]

    def drop(why: str) -> list[Proposal]:
        return [Proposal("too_tight", target, f"{seen}; {why}", _remover(name, rule), name)]

    if rule in ("min", "max"):
        return _loosen_range(name, rule, cols, set_to, drop)
    if rule in ("max_null_fraction", "nullable"):
        return _loosen_nulls(name, spec, rule, cols, runs, seen)
    if rule == "max_null_count":
        counts = [(int(c["null_count"]), r.row_count) for c, r in zip(cols, runs) if r.row_count]
        new = max(math.ceil(n * bounds.wilson_upper(k, n)) for k, n in counts)
        return set_to(new, f"up to {max(k for k, _ in counts):,} nulls in a run")
    if rule == "unique":
        return drop("repeated values are normal for this column")
    if rule == "in_set":
        allowed = {as_text(x) for x in value}
        extra = sorted({v for c in cols for v in observed_values(c) or () if v not in allowed})
        shown = ", ".join(extra[:5]) + (" …" if len(extra) > 5 else "")
        return set_to([*value, *extra], f"values seen outside the set: {shown}")
    low = min(n for c in cols if (n := c.get("length_min")) is not None)
    high = max(n for c in cols if (n := c.get("length_max")) is not None)
    new_low, new_high = bounds.length_bounds(low, high)
    lengths = f"lengths {low} … {high} seen"
    if rule == "max_length":
        return set_to(new_high, lengths)
    return set_to(new_low, lengths) if new_low is not None else drop(lengths)


def _loosen_nulls(
    name: str, spec: ColumnSpec, rule: str, cols: list[ColumnProfile], runs: list[PastRun], seen: str
) -> list[Proposal]:
    bound = bounds.worst_null_fraction_bound([(int(c["null_count"]), r.row_count) for c, r in zip(cols, runs)])
    worst = f"up to {max(c.get('null_fraction') or 0 for c in cols):.2%} null in a run"
    target = f"columns.{name}.{rule}"
    if rule == "max_null_fraction":
        if bound is None:
            return [Proposal("too_tight", target, f"{seen}; {worst}", _remover(name, rule), name)]
        why = f"{seen}; {worst}: {bound} allows every run with headroom"
        return [Proposal("too_tight", target, why, _setter(name, rule, bound), name)]
    add_bound = bound is not None and spec.max_null_fraction is None and spec.max_null_count is None

    def edit(t: SuiteText) -> None:
        t.remove_rule(name, "nullable")
        if add_bound:
            t.set_rule(name, "max_null_fraction", bound)

    why = f"{seen}; {worst}: allow nulls" + (f", at most {bound} of the rows" if add_bound else "")
    return [Proposal("too_tight", target, why, edit, name)]


def _loosen_range(name: str, rule: str, cols: list[ColumnProfile], set_to: Any, drop: Any) -> list[Proposal]:
    lows = [c["min"] for c in cols if c.get("min") is not None]
    highs = [c["max"] for c in cols if c.get("max") is not None]
    if lows and isinstance(lows[0], str):
        first, last = min(moment(x) for x in lows), max(moment(x) for x in highs)
        bound = bounds.date_bounds(first, last)[0 if rule == "min" else 1]
        return set_to(bound, f"values {first.isoformat()[:10]} … {last.isoformat()[:10]} seen; a year of margin")
    low, high = min(lows), max(highs)
    dtype = str(cols[-1].get("dtype"))
    lo, hi = bounds.numeric_bounds(low, high, integer=dtype in _INTEGER)
    new = lo if rule == "min" else hi
    seen = f"values {_show(low)} … {_show(high)} seen"
    if new is None:
        return drop(f"{seen}; no bound below 0 is drafted")
    return set_to(new, f"{seen}; a margin of 10% of the range")


def stable_sets(suite: Suite, history: list[PastRun]) -> list[Proposal]:
    """``in_set`` for text columns that held the same few values in every run."""
    out: list[Proposal] = []
    for name, spec in suite.columns.items():
        if spec.in_set is not None or spec.pii is not None or spec.type not in (None, "string", "categorical"):
            continue
        cols = [r.columns.get(name) for r in history]
        if any(c is None or not str(c.get("dtype")).startswith(("String", "Categorical", "Enum")) for c in cols):
            continue
        sets = [observed_values(c) for c in cols]  # type: ignore[arg-type]
        if any(s is None for s in sets) or len({frozenset(s) for s in sets if s is not None}) != 1:
            continue
        values = sorted(sets[0] or [])
        rows = [r.row_count - int(c["null_count"]) for r, c in zip(history, cols) if c is not None]
        if not values or len(values) > IN_SET_MAX or any(n < 2 * len(values) for n in rows):
            continue
        span = f"{history[0].as_of} … {history[-1].as_of}"
        why = f"the same {len(values)} values in all {len(history)} runs ({span}): close the set"
        edit = _setter(name, "in_set", values)
        out.append(Proposal("stable_set", f"columns.{name}.in_set", why, edit, name))
    return out


def loose_nulls(suite: Suite, history: list[PastRun]) -> list[Proposal]:
    """Null thresholds far above what was seen, tightened; ``nullable: false`` where none was."""
    out: list[Proposal] = []
    for name, spec in suite.columns.items():
        cols = [r.columns.get(name) for r in history]
        if any(c is None for c in cols):
            continue
        counts = [(int(c["null_count"]), r.row_count) for c, r in zip(cols, history) if c is not None]
        limit = rule_value(spec, "max_null_fraction")
        if limit is not None:
            bound = bounds.worst_null_fraction_bound(counts)
            worst = max(k / n for k, n in counts if n)
            if bound is not None and bound * LOOSE_FACTOR <= limit and limit - bound >= LOOSE_MIN_GAP:
                why = (
                    f"max_null_fraction: {limit} is far above the {worst:.2%} null seen at most in "
                    f"{len(history)} runs; {bound} still allows the worst run with headroom"
                )
                edit = _setter(name, "max_null_fraction", bound)
                out.append(Proposal("loose_nulls", f"columns.{name}.max_null_fraction", why, edit, name))
        elif rule_value(spec, "nullable") is True and spec.max_null_count is None and all(k == 0 for k, _ in counts):
            why = f"no null in any of {len(history)} runs ({sum(n for _, n in counts):,} rows): nullable: false"
            out.append(Proposal("loose_nulls", f"columns.{name}.nullable", why, _setter(name, "nullable", False), name))
    return out


def missing_anomalies(suite: Suite, history: list[PastRun]) -> list[Proposal]:
    """A ``row_count`` rule, and ``null_fraction`` for columns with nulls nobody watches."""
    out: list[Proposal] = []
    watched = {(r.metric, c) for r in suite.anomalies for c in (r.columns or (None,))}
    if not any(metric == "row_count" for metric, _ in watched):
        counts = [r.row_count for r in history]
        rule: dict[str, Any] = {"metric": "row_count"}
        why = f"row count {min(counts):,} … {max(counts):,} in {len(history)} runs, and no rule watches it"
        quiet = weekly_dip(history)
        if quiet is not None:
            rule["seasonality"] = "day_of_week"
            why += f"; {quiet}"
        out.append(Proposal("anomaly", "anomalies", why, _appender(rule, why)))
    varying: dict[str, str] = {}
    for name in suite.columns:
        fractions = [r.columns[name].get("null_fraction") or 0.0 for r in history if name in r.columns]
        if ("null_fraction", name) not in watched and any(fractions):
            varying[name] = f"{name} {min(fractions):.2%} … {max(fractions):.2%}"
    if varying:
        several = len(varying) > 1
        why = (
            f"null fraction{'s' if several else ''} of {', '.join(varying.values())} in {len(history)} runs, "
            f"and no rule watches {'them' if several else 'it'}"
        )
        out.append(
            Proposal("anomaly", "anomalies", why, _appender({"metric": "null_fraction", "columns": list(varying)}, why))
        )
    return out


def weekly_dip(history: list[PastRun]) -> str | None:
    """'weekends run 40% lower'-style evidence of a weekly rhythm in the row count, or None."""
    by_day: dict[int, list[int]] = defaultdict(list)
    for r in history:
        by_day[r.as_of.weekday()].append(r.row_count)
    if len(by_day) < 7 or any(len(v) < 2 for v in by_day.values()):
        return None
    medians = {d: statistics.median(v) for d, v in by_day.items()}
    low, high = min(medians.values()), max(medians.values())
    if high <= 0 or low / high >= WEEKLY_RATIO:
        return None
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    quiet = min(medians, key=lambda d: medians[d])
    return f"{names[quiet]}s run {1 - low / high:.0%} below the busiest weekday: seasonality: day_of_week"


def _setter(column: str, rule: str, value: Any) -> Callable[[SuiteText], None]:
    return lambda text: text.set_rule(column, rule, value)


def _remover(column: str, rule: str) -> Callable[[SuiteText], None]:
    return lambda text: text.remove_rule(column, rule)


def _appender(rule: dict[str, Any], comment: str) -> Callable[[SuiteText], None]:
    return lambda text: text.add_anomaly(rule, comment)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
