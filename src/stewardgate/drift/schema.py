"""Schema drift: what changed between the baseline's schema snapshot and the data's.

A snapshot is ``{"columns": [{"name", "dtype"}, ...], "metadata": {...}}`` (columns in file
order, polars dtype names), as the runner stores it per run. Each change is one
:class:`SchemaChange` under a rule of :data:`stewardgate.suite.drift_model.SCHEMA_RULES`:

- ``column_removed`` / ``column_added``;
- ``renamed``: a removed and an added column of the same type whose values look alike in the
  two profiles (distributions within ``RENAME_DISTANCE``); one finding instead of two;
- ``type_widened`` / ``type_narrowed`` / ``type_changed`` (see ``stewardgate.drift.types``);
- ``nullability_loosened``: a column without a single null in the baseline has nulls now
  (polars has no declared nullability, so this is read off the two profiles);
- ``order_changed``: the columns both sides hold are in another order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stewardgate.drift import measures
from stewardgate.drift.types import CHANGED, NARROWED, SAME, WIDENED, compare_types
from stewardgate.profile_record import ColumnProfile, Profile
from stewardgate.wording import fraction_text

RENAME_DISTANCE = 0.1
"""Largest value distance (JS distance, Wasserstein in std units, relative length or range
difference) at which a removed and an added column count as one renamed column."""

_TYPE_RULES = {WIDENED: "type_widened", NARROWED: "type_narrowed", CHANGED: "type_changed"}
_TYPE_WORDS = {WIDENED: "widened", NARROWED: "narrowed", CHANGED: "changed incompatibly"}


@dataclass(frozen=True)
class SchemaChange:
    """One schema change: its rule, column (None for the order), old and new, and a sentence."""

    rule: str
    column: str | None
    old: str | None
    new: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a schema snapshot and (optionally) its metric profile."""

    schema: dict[str, Any]
    profile: Profile | None = None

    @property
    def dtypes(self) -> dict[str, str]:
        return {c["name"]: str(c["dtype"]) for c in self.schema.get("columns", [])}

    def column(self, name: str) -> ColumnProfile | None:
        if self.profile is None:
            return None
        return (self.profile.get("columns") or {}).get(name)

    @property
    def rows(self) -> int:
        return int((self.profile.get("row_count") if self.profile else None) or 0)


def schema_changes(baseline: Side, current: Side) -> list[SchemaChange]:
    """Every change from ``baseline`` to ``current``, in a stable order."""
    old, new = baseline.dtypes, current.dtypes
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    renames = _renames(removed, added, baseline, current)
    changes = [_renamed(a, b, old[a], d) for a, b, d in renames]
    gone, came = {a for a, _, _ in renames}, {b for _, b, _ in renames}
    changes += [_removed(c, old[c]) for c in removed if c not in gone]
    changes += [_added(c, new[c]) for c in added if c not in came]
    for name in (c for c in old if c in new):
        verdict = compare_types(old[name], new[name])
        if verdict != SAME:
            changes.append(_retyped(name, old[name], new[name], verdict))
        loosened = _nulls_appeared(name, baseline, current)
        if loosened is not None:
            changes.append(loosened)
    order = _order_change(list(old), list(new), {a: b for a, b, _ in renames})
    return changes + ([order] if order is not None else [])


def _removed(name: str, dtype: str) -> SchemaChange:
    return SchemaChange("column_removed", name, f"{name}: {dtype}", None,
                        f"column '{name}' ({dtype}) was removed")  # fmt: skip


def _added(name: str, dtype: str) -> SchemaChange:
    return SchemaChange("column_added", name, None, f"{name}: {dtype}",
                        f"column '{name}' ({dtype}) was added")  # fmt: skip


def _renamed(old: str, new: str, dtype: str, distance: float) -> SchemaChange:
    return SchemaChange(
        "renamed", old, old, new,
        f"renamed? column '{old}' is gone and '{new}' is new, both {dtype} with alike values "
        f"(distance {distance:.3g}): one finding, not a removal and an addition",
        {"dtype": dtype, "value_distance": round(distance, 6)},
    )  # fmt: skip


def _retyped(name: str, old: str, new: str, verdict: str) -> SchemaChange:
    return SchemaChange(_TYPE_RULES[verdict], name, old, new,
                        f"column '{name}' type {_TYPE_WORDS[verdict]}: {old} -> {new}")  # fmt: skip


def _nulls_appeared(name: str, baseline: Side, current: Side) -> SchemaChange | None:
    before, now = baseline.column(name), current.column(name)
    if before is None or now is None or not baseline.rows or before.get("null_count") != 0:
        return None
    nulls = int(now.get("null_count") or 0)
    if nulls == 0:
        return None
    share = nulls / current.rows
    return SchemaChange(
        "nullability_loosened", name, "no nulls", f"{nulls:,} nulls",
        f"column '{name}' had no nulls in the baseline ({baseline.rows:,} rows); now "
        f"{nulls:,} of {current.rows:,} rows ({fraction_text(share)}) are null",
        {"null_count": nulls, "null_fraction": round(share, 6)},
    )  # fmt: skip


def _order_change(old: list[str], new: list[str], renamed: dict[str, str]) -> SchemaChange | None:
    mapped = [renamed.get(c, c) for c in old]
    common = set(mapped) & set(new)
    before = [c for c in mapped if c in common]
    after = [c for c in new if c in common]
    if before == after:
        return None
    return SchemaChange("order_changed", None, _listing(before), _listing(after),
                        f"column order changed: {_listing(before)} -> {_listing(after)}")  # fmt: skip


def _listing(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")


def _renames(removed: list[str], added: list[str], baseline: Side, current: Side) -> list[tuple[str, str, float]]:
    """Pairs (removed, added, distance) of one type with alike values, closest pairs first."""
    old, new = baseline.dtypes, current.dtypes
    candidates = []
    for a in removed:
        for b in added:
            if old[a] != new[b]:
                continue
            distance = value_distance(baseline.column(a), current.column(b), (baseline.rows, current.rows))
            if distance is not None and distance <= RENAME_DISTANCE:
                candidates.append((distance, removed.index(a), added.index(b), a, b))
    pairs, used = [], set()
    for distance, _, _, a, b in sorted(candidates):
        if a not in used and b not in used:
            used |= {a, b}
            pairs.append((a, b, distance))
    return pairs


def value_distance(before: ColumnProfile | None, now: ColumnProfile | None, rows: tuple[int, int]) -> float | None:
    """How unlike two columns' values are, from their profiles; None when nothing tells."""
    if before is None or now is None or not rows[0] or not rows[1]:
        return None
    nulls = abs((before.get("null_fraction") or 0.0) - (now.get("null_fraction") or 0.0))
    if before.get("top_values") and now.get("top_values"):
        bins = measures.category_bins(before, now, rows)
        return max(measures.js_distance(bins.baseline, bins.current), nulls)
    if _has_quantiles(before) and _has_quantiles(now):
        moved = measures.wasserstein(before, now)
        return None if moved is None else max(moved, nulls)
    if before.get("length_mean") is not None and now.get("length_mean") is not None:
        counted = (before.get("distinct_count"), now.get("distinct_count"))  # None: not counted
        spread = (
            abs(counted[0] / rows[0] - counted[1] / rows[1])
            if counted[0] is not None and counted[1] is not None
            else 0.0
        )
        return max(_relative(before["length_mean"], now["length_mean"]), spread, nulls)
    if before.get("freshness_seconds") is not None and now.get("freshness_seconds") is not None:
        return max(_range_distance(before, now), nulls)
    return None


def _has_quantiles(column: ColumnProfile) -> bool:
    quantiles = column.get("quantiles")
    return quantiles is not None and bool(quantiles) and all(q is not None for q in quantiles)


def _relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def _range_distance(before: ColumnProfile, now: ColumnProfile) -> float:
    """How far the min and max of two date/datetime columns are apart, relative to the range."""
    lo, hi = _epoch(before["min"]), _epoch(before["max"])
    span = max(hi - lo, 86_400.0)
    return (abs(_epoch(now["min"]) - lo) + abs(_epoch(now["max"]) - hi)) / span


def _epoch(iso: str) -> float:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
