"""PSI, Jensen-Shannon and Wasserstein from profiles, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from stewardgate.drift import measures


def _numeric(quantiles: list[float], nulls: int = 0, std: float = 1.0) -> dict[str, object]:
    return {"quantiles": quantiles, "null_count": nulls, "std": std}


def test_psi_of_three_bins_by_hand() -> None:
    # (0.4 - 0.5) ln(0.4/0.5) + (0.4 - 0.3) ln(0.4/0.3) + 0 = 0.0223144 + 0.0287682
    assert measures.psi([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]) == pytest.approx(0.0510826, abs=1e-7)


def test_psi_over_baseline_deciles_by_hand() -> None:
    """Baseline uniform on [0, 100], current uniform on [0, 50].

    The baseline's deciles are 10, 20, ..., 90: ten bins of 10% each. The current data puts
    20% in each of the first five and nothing in the last five, whose share is smoothed to
    1e-4. PSI = 5 * (0.2 - 0.1) ln 2 + 5 * (0.0001 - 0.1) ln(0.0001 / 0.1)
              = 0.3465736 + 3.4504238 = 3.7969974.
    """
    baseline = _numeric([float(i) for i in range(101)])
    current = _numeric([i / 2 for i in range(101)])
    bins = measures.numeric_bins(baseline, current, (1000, 1000))
    assert bins.labels[:2] == ("<= 10", "(10, 20]") and bins.labels[-1] == "> 90"
    assert bins.baseline == pytest.approx([0.1] * 10)
    assert bins.current == pytest.approx([0.2] * 5 + [0.0] * 5)
    assert measures.psi(bins.baseline, bins.current) == pytest.approx(3.7969974, rel=1e-6)


def test_the_null_bin_appears_when_either_side_has_nulls() -> None:
    same = [float(i) for i in range(101)]
    bins = measures.numeric_bins(_numeric(same), _numeric(same, nulls=100), (1000, 1000))
    assert bins.labels[-1] == measures.NULL
    assert (bins.baseline[-1], bins.current[-1]) == (0.0, 0.1)
    assert sum(bins.current) == pytest.approx(1.0)
    assert bins.current[0] == pytest.approx(0.09)  # 10% of the 90% that have a value


def test_ties_merge_decile_edges() -> None:
    """A column that is 0 in 60% of rows: the deciles 10..60 are all 0 and make one edge."""
    quantiles = [0.0] * 61 + [float(i) for i in range(1, 41)]
    bins = measures.numeric_bins(_numeric(quantiles), _numeric(quantiles), (500, 500))
    assert bins.labels[0] == "<= 0"
    assert bins.baseline[0] == pytest.approx(0.6)
    assert measures.psi(bins.baseline, bins.current) == 0


def test_cdf_is_right_continuous_at_ties() -> None:
    q = [0.0] * 51 + [1.0] * 50
    assert measures.cdf_at(q, 0.0) == pytest.approx(0.5)
    assert measures.cdf_at(q, -1.0) == 0.0
    assert measures.cdf_at(q, 1.0) == 1.0


def test_js_distance_bounds_and_a_hand_value() -> None:
    assert measures.js_distance([0.5, 0.5], [0.5, 0.5]) == 0
    assert measures.js_distance([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)
    # p = (1, 0), q = (0.5, 0.5): m = (0.75, 0.25);
    # JSD = 0.5 * log2(1/0.75) + 0.5 * (0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25)) = 0.3112781
    assert measures.js_distance([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.sqrt(0.3112781), rel=1e-6)


def test_wasserstein_of_a_shift_is_the_shift_in_std_units() -> None:
    base = [float(i) for i in range(101)]
    assert measures.wasserstein(_numeric(base, std=10.0), _numeric([v + 5 for v in base])) == pytest.approx(0.5)
    assert measures.wasserstein(_numeric([3.0] * 101, std=0.0), _numeric([3.0] * 101)) == 0
    assert measures.wasserstein(_numeric([3.0] * 101, std=0.0), _numeric([4.0] * 101)) is None


def _categorical(counts: dict[str | None, int], distinct: int | None = None) -> dict[str, object]:
    top = [{"value": v, "count": n} for v, n in counts.items()]
    named = [v for v in counts if v is not None]
    return {"top_values": top, "null_count": counts.get(None, 0), "distinct_count": distinct or len(named)}


def test_category_bins_count_a_missing_value_as_zero_when_the_list_is_complete() -> None:
    before = _categorical({"a": 60, "b": 40})
    now = _categorical({"a": 50, "c": 30, None: 20})
    bins = measures.category_bins(before, now, (100, 100))
    assert bins.labels == ("a", "b", "c", measures.NULL)
    assert bins.baseline == pytest.approx((0.6, 0.4, 0.0, 0.0))
    assert bins.current == pytest.approx((0.5, 0.0, 0.3, 0.2))


def test_category_bins_fold_a_value_an_incomplete_list_does_not_name() -> None:
    """The current list names only its top 2 of 5 values: 'b' (not named) goes to (other)."""
    before = _categorical({"a": 60, "b": 40})
    now = _categorical({"a": 50, "c": 30}, distinct=5)
    bins = measures.category_bins(before, now, (100, 100))
    assert bins.labels == ("a", "c", measures.OTHER)
    assert bins.baseline == pytest.approx((0.6, 0.0, 0.4))
    assert bins.current == pytest.approx((0.5, 0.3, 0.2))
