"""GX validation results as our outcomes: verdict, counts, observed value, samples, wording.

Split from :mod:`stewardgate.engines.gx` (which runs GX); nothing here imports GX. An
expectation GX could not compute is ``errored``; masking follows the column's classification
(samples always, observed values unless they are a count, a share or a dtype).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from stewardgate.engines.outcome import MASK, Outcome, build_result
from stewardgate.expectations.catalogue import lookup
from stewardgate.expectations.entries import columns_of
from stewardgate.planning import PlannedCheck
from stewardgate.results import CheckResult
from stewardgate.wording import number
from stewardgate.wording import share as share_of

# Observed values that are a count, a share or a dtype, never a data value: shown unmasked.
_SAFE_OBSERVED = frozenset(
    {"expect_column_unique_value_count_to_be_between", "expect_column_proportion_of_unique_values_to_be_between",
     "expect_column_proportion_of_non_null_values_to_be_between", "expect_column_values_to_be_of_type",
     "expect_column_values_to_be_in_type_list", "expect_column_type_to_be", "expect_column_to_exist"}
)  # fmt: skip
_DETAIL_KEYS = (
    "element_count", "missing_count", "missing_percent", "unexpected_count", "unexpected_percent",
    "unexpected_percent_nonmissing", "unexpected_percent_total", "details",
)  # fmt: skip
_ARG_TEXT_SKIP = frozenset({"column", "column_A", "column_B", "column_list", "meta", "notes", "description"})


def outcome_of(p: PlannedCheck, r: Any, *, hidden: bool) -> Outcome:
    """One GX validation result as an outcome; ``hidden``: the check reads a sensitive column."""
    error = _exception_text(r.exception_info)
    if error is not None:
        return Outcome(ok=False, errored=f"GX could not compute it: {error}")
    res = dict(r.result or {})
    map_kind = kind_of(p) == "map" and "unexpected_count" in res  # of_type on pandas reports a dtype
    failing = _int(res.get("unexpected_count")) if map_kind else None
    observed = _plain(res.get("observed_value"))
    if hidden and observed is not None and p.check not in _SAFE_OBSERVED:
        observed = MASK
    details = {k: _plain(res[k]) for k in _DETAIL_KEYS if k in res and not (hidden and k == "details")}
    if "mostly" in p.args:
        details["mostly"] = p.args["mostly"]
    ok = bool(r.success)
    message = _map_message(p, res, ok) if map_kind else _aggregate_message(p, observed, ok, details)
    samples = _distinct(res.get("partial_unexpected_list") or [])  # distinct-value sets report them too
    return Outcome(ok=ok, failing=failing, observed=observed, samples=samples, details=details, message=message)


def finish(p: PlannedCheck, o: Outcome, rows: int, *, masked: bool, samples: int) -> CheckResult:
    """The result record; ``expected`` is the expectation's arguments as JSON-ready values."""
    result = build_result(p, o, row_count=rows, masked=masked, samples=samples)
    return replace(result, expected=_plain(p.value))


def _map_message(p: PlannedCheck, res: dict[str, Any], ok: bool) -> str:
    failing = _int(res.get("unexpected_count")) or 0
    total = (_int(res.get("element_count")) or 0) - (_int(res.get("missing_count")) or 0)
    noun = "non-null values" if "missing_count" in res else "values"
    if "column_A" in p.args:  # a pair: GX counts rows (pairs), and a pair with one side null is one of them
        noun = f"rows ({p.args['column_A']}, {p.args['column_B']}) compared"
    share = f" ({share_of(failing, total)})" if total else ""
    text = f"{failing:,} of {total:,} {noun}{share} are unexpected"
    mostly = p.args.get("mostly")
    if mostly is not None:
        text += f", {'within' if ok else 'beyond'} mostly {mostly} (up to {1 - mostly:.2%} allowed)"
    return text if failing or not ok else f"all {total:,} {noun} are as expected"


def _aggregate_message(p: PlannedCheck, observed: Any, ok: bool, details: dict[str, Any]) -> str:
    expected = ", ".join(f"{k}={v}" for k, v in p.args.items() if k not in _ARG_TEXT_SKIP)
    unexpected = details.get("unexpected_count")
    seen = (
        f"{unexpected:,} unexpected distinct values"
        if observed is None and unexpected is not None
        else f"observed {_short(observed)}"
    )
    text = seen + (f", expected {expected}" if expected else "")
    mismatch = details.get("details", {}).get("mismatched") if isinstance(details.get("details"), dict) else None
    if not ok and mismatch:
        text += f"; mismatched: {_short(mismatch)}"
    return text


def _exception_text(info: Any) -> str | None:
    """GX's ``exception_info``: flat for the expectation, or keyed by metric id."""
    if not isinstance(info, dict) or not info:
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for entry in entries:
        if entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error").strip().splitlines()[0]
    return None


def kind_of(p: PlannedCheck) -> str:
    """``map``, ``aggregate``, ``schema`` or ``row_count`` (from the catalogue)."""
    kind = lookup(p.check)
    return kind.kind if kind is not None else "map"


def columns_of_check(p: PlannedCheck) -> tuple[str, ...]:
    """The columns a planned expectation reads."""
    kind = lookup(p.check)
    return columns_of(kind, p.args) if kind is not None else ()


def _plain(value: Any) -> Any:
    """GX's numpy/pandas values as JSON-ready Python values."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return _plain(item())
        except (ValueError, TypeError):
            pass
    return str(value)


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _distinct(values: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(_sample_text(_plain(v)), None)
    return list(seen)


def _sample_text(value: Any) -> str:
    """A failing value as text; a pair or a record as ``(a, b)``; null and NaN as ``null``."""
    if isinstance(value, list):
        return "(" + ", ".join(_sample_text(v) for v in value) + ")"
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_sample_text(v)}" for k, v in value.items()) + ")"
    if value is None or (isinstance(value, float) and value != value):
        return "null"
    return str(value)


def _short(value: Any, limit: int = 120) -> str:
    text = str(number(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"
