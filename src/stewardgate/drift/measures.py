"""Distribution drift measures, computed from two metric profiles (never from the data).

The profile keeps, per numeric column, 101 quantiles (p0..p100) and, per low-cardinality
column, its most frequent values with their counts (see ``stewardgate.engines.profile``).
Everything here works on those, so drift adds no pass over the data.

- **Numeric bins.** The baseline's deciles (p10..p90, duplicates merged) cut the line into at
  most 10 bins; each side's share of a bin is read off its own quantile function (linear
  between percentiles, right-continuous at ties), scaled by its share of non-null values.
  Nulls (and NaN) form one more bin when either side has any.
- **Categories.** The values named by either side's top values, plus ``(other)`` and
  ``(null)``. A value one side does not name is counted as 0 there when that side's list is
  complete (it names every distinct value), otherwise the value is folded into ``(other)`` on
  both sides, so no share is ever guessed.
- **PSI** ``sum((c - b) * ln(c / b))`` over the bins, an empty bin's share replaced by
  ``EMPTY_SHARE`` (1e-4) first. **Jensen-Shannon distance** with base-2 logarithms (0 for
  equal distributions, 1 for disjoint ones). **Wasserstein** (earth mover's) distance between
  the two quantile functions, in units of the baseline's standard deviation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stewardgate.profile_record import ColumnProfile

EMPTY_SHARE = 1e-4
"""The share an empty bin counts as in PSI, so that its logarithm is finite."""

DECILES = tuple(range(10, 100, 10))
OTHER, NULL = "(other)", "(null)"


@dataclass(frozen=True)
class Bins:
    """Bin labels with each side's share (each side sums to 1)."""

    labels: tuple[str, ...]
    baseline: tuple[float, ...]
    current: tuple[float, ...]

    def as_details(self) -> list[dict[str, Any]]:
        """The ``bins`` evidence of a drift result, as the reporters draw it."""
        return [
            {"label": label, "baseline_share": round(b, 6), "current_share": round(c, 6)}
            for label, b, c in zip(self.labels, self.baseline, self.current, strict=True)
        ]

    def moved_most(self, n: int = 3) -> list[int]:
        """Indexes of the ``n`` bins with the largest PSI contribution, largest first."""
        parts = [_psi_term(b, c) for b, c in zip(self.baseline, self.current, strict=True)]
        order = sorted(range(len(parts)), key=lambda i: -parts[i])
        return [i for i in order[:n] if parts[i] > 0]


def psi(baseline: Sequence[float], current: Sequence[float]) -> float:
    """Population stability index of two share vectors over the same bins."""
    return sum(_psi_term(b, c) for b, c in zip(baseline, current, strict=True))


def _psi_term(b: float, c: float) -> float:
    b, c = max(b, 0.0) or EMPTY_SHARE, max(c, 0.0) or EMPTY_SHARE
    return (c - b) * math.log(c / b)


def js_distance(baseline: Sequence[float], current: Sequence[float]) -> float:
    """Jensen-Shannon distance (square root of the divergence, base 2): 0 equal, 1 disjoint."""
    total_b, total_c = sum(baseline) or 1.0, sum(current) or 1.0
    p = [x / total_b for x in baseline]
    q = [x / total_c for x in current]
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    divergence = (_kl(p, m) + _kl(q, m)) / 2
    return math.sqrt(max(divergence, 0.0))


def _kl(p: Sequence[float], m: Sequence[float]) -> float:
    return sum(a * math.log2(a / b) for a, b in zip(p, m, strict=True) if a > 0)


def cdf_at(quantiles: Sequence[float], x: float) -> float:
    """P(X <= x) read off a quantile function sampled at p0..p100 (linear between them)."""
    n = len(quantiles) - 1
    if x < quantiles[0]:
        return 0.0
    if x >= quantiles[n]:
        return 1.0
    j = max(i for i in range(n + 1) if quantiles[i] <= x)
    low, high = quantiles[j], quantiles[j + 1]
    return (j + (x - low) / (high - low)) / n


def numeric_bins(baseline: ColumnProfile, current: ColumnProfile, rows: tuple[int, int]) -> Bins:
    """The baseline's decile bins (plus a null bin) with both sides' shares."""
    bq, cq = baseline["quantiles"], current["quantiles"]
    n = len(bq) - 1
    edges = sorted({bq[d * n // 100] for d in DECILES})
    labels = [f"<= {_num(edges[0])}"]
    labels += [f"({_num(a)}, {_num(b)}]" for a, b in zip(edges, edges[1:])]
    labels.append(f"> {_num(edges[-1])}")
    shares = []
    for column, quantiles, total in ((baseline, bq, rows[0]), (current, cq, rows[1])):
        cuts = [0.0, *(cdf_at(quantiles, e) for e in edges), 1.0]
        valued = 1.0 - _missing(column, total)
        shares.append([(b - a) * valued for a, b in zip(cuts, cuts[1:])])
    missing = (_missing(baseline, rows[0]), _missing(current, rows[1]))
    if any(missing):
        labels.append(NULL)
        shares[0].append(missing[0])
        shares[1].append(missing[1])
    return Bins(tuple(labels), tuple(shares[0]), tuple(shares[1]))


def _missing(column: ColumnProfile, rows: int) -> float:
    """The share of rows with no number: nulls and NaN."""
    return ((column.get("null_count") or 0) + (column.get("nan_count") or 0)) / rows


def category_bins(baseline: ColumnProfile, current: ColumnProfile, rows: tuple[int, int]) -> Bins:
    """Categories named by either side, ``(other)`` and ``(null)``, with both sides' shares."""
    named = [_named(baseline), _named(current)]
    complete = [len(named[0]) >= (baseline.get("distinct_count") or 0),
                len(named[1]) >= (current.get("distinct_count") or 0)]  # fmt: skip
    order = sorted(named[0], key=lambda v: -named[0][v]) + [v for v in named[1] if v not in named[0]]
    kept = [v for v in order if all(v in named[i] or complete[i] for i in (0, 1))]
    labels = [*kept, OTHER, NULL]
    shares: list[list[float]] = []
    for i, (column, total) in enumerate(((baseline, rows[0]), (current, rows[1]))):
        counts = [named[i].get(v, 0) for v in kept]
        nulls = column.get("null_count") or 0
        shares.append([n / total for n in counts] + [(total - nulls - sum(counts)) / total, nulls / total])
    keep = [j for j in range(len(labels)) if j < len(kept) or shares[0][j] > 0 or shares[1][j] > 0]
    return Bins(
        tuple(labels[j] for j in keep),
        tuple(shares[0][j] for j in keep),
        tuple(shares[1][j] for j in keep),
    )


def _named(column: ColumnProfile) -> dict[str, int]:
    return {str(v["value"]): int(v["count"]) for v in column.get("top_values") or [] if v["value"] is not None}


def wasserstein(baseline: ColumnProfile, current: ColumnProfile) -> float | None:
    """The earth mover's distance of the non-null values, in baseline standard deviations.

    None when the baseline has no spread (a constant) and the values moved.
    """
    bq, cq = baseline["quantiles"], current["quantiles"]
    n = len(bq) - 1
    gaps = [abs(a - b) for a, b in zip(bq, cq, strict=True)]
    distance = sum((gaps[i] + gaps[i + 1]) / 2 for i in range(n)) / n
    spread = baseline.get("std") or 0.0
    if spread > 0:
        return distance / spread
    return 0.0 if distance == 0 else None


def _num(value: float) -> str:
    return f"{value:.4g}"
