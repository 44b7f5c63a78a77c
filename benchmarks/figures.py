"""What each tool must report, how to read it from the tool's output, and how to compare.

Every tool reports *figures* named as in truth.json's ``expected`` block (``customer_id_null``,
``amount_negative``, ...). The limit and the pandera baseline print them directly; stewardgate's
figures are read from its ``--json`` run record (``failing_count`` per check id, ``observed``
for the null fraction and the dtype, the dataset's ``row_count``, and every result's status).

Tools count duplicates differently: the limit counts the rows beyond the first of each repeated
id (``len - n_unique``: ``order_id_duplicate_excess``); stewardgate and pandera count every row
whose id is repeated (``order_id_duplicate_rows``, twice as many for ids that occur twice).
truth.json holds both.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import orders_spec as spec

DATASET = "orders"
SG_COUNTS = {
    "columns.order_id.nullable": "order_id_null",
    "columns.customer_id.nullable": "customer_id_null",
    "columns.order_ts.nullable": "order_ts_null",
    "columns.order_id.unique": "order_id_duplicate_rows",
    "columns.amount.min": "amount_negative",
    "columns.quantity.min": "quantity_below_min",
    "columns.quantity.max": "quantity_above_max",
    "columns.status.in_set": "status_not_in_set",
    "columns.country.in_set": "country_not_in_set",
    "columns.email.regex": "email_regex_mismatch",
    "columns.discount.max_null_fraction": "discount_null",
}
SG_PASSING = ("columns.amount.type", "schema.extra_columns", *(f"columns.{c}.required" for c in spec.COLUMNS))
EXPECTATIONS = {  # expectation type -> figure its observed value must equal
    "expect_table_row_count_to_be_between": "row_count",
    "expect_column_mean_to_be_between": "amount_mean",
    "expect_column_max_to_be_between": "order_ts_max",
}
_LIMIT = ("row_count", "order_id_null", "customer_id_null", "order_ts_null", "order_id_duplicate_excess",
          "amount_negative", "quantity_below_min", "quantity_above_max", "status_not_in_set",
          "country_not_in_set", "email_regex_mismatch", "discount_null", "discount_null_fraction",
          "amount_mean", "order_ts_max", "columns", "amount_dtype")  # fmt: skip
_SG_CORE = ("row_count", *SG_COUNTS.values(), "discount_null_fraction", "amount_dtype", "column_set_ok", "gate_passed")
REQUIRED = {
    "limit": _LIMIT,
    "limit-streaming": _LIMIT,
    "limit-profile": _LIMIT,
    "limit-profile-streaming": _LIMIT,
    "stewardgate-gate": (*_SG_CORE, "amount_mean", "order_ts_max", "expectations_passed"),
    "stewardgate-core": _SG_CORE,
    "stewardgate": (*_SG_CORE, "amount_mean", "order_ts_max", "expectations_passed"),
    "stewardgate-spark": (*_SG_CORE, "amount_mean", "order_ts_max", "expectations_passed"),
    "pandera": ("row_count", *(k for k in SG_COUNTS.values() if k != "discount_null"),
                "discount_null_fraction_within_limit", "amount_dtype", "columns"),
}  # fmt: skip


def expected(truth: dict[str, Any]) -> dict[str, Any]:
    """truth.json's figures plus the verdicts derived from them."""
    exp = dict(truth["expected"])
    exp["discount_null_fraction_within_limit"] = exp["discount_null_fraction"] <= spec.DISCOUNT_MAX_NULL_FRACTION
    exp["column_set_ok"] = exp["columns"] == list(spec.COLUMNS)
    exp["gate_passed"] = False  # planted defects must block the gate
    exp["expectations_passed"] = True  # row count, mean and freshness all hold on generated data
    return exp


def compare(tool: str, got: dict[str, Any], exp: dict[str, Any]) -> list[str]:
    """Every way ``got`` differs from ``exp``: wrong, missing and unknown figures."""
    problems = [f"{key}: missing" for key in REQUIRED.get(tool, ()) if key not in got]
    for key, value in got.items():
        if key not in exp:
            problems.append(f"{key}: not a known figure ({value!r})")
        elif not _same(key, value, exp[key]):
            problems.append(f"{key}: got {value!r}, want {exp[key]!r}")
    return problems


def _same(key: str, got: Any, want: Any) -> bool:
    if key == "order_ts_max":
        return _instant(got) == _instant(want)
    if key == "discount_null_fraction":  # stewardgate rounds its observed fraction to 6 places
        return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=0, abs_tol=1e-6)
    if isinstance(want, float):
        return isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9)
    return got == want


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        return None


def from_stewardgate(record_path: Path, exp: dict[str, Any], *, full: bool) -> tuple[dict[str, Any], list[str]]:
    """Figures from a stewardgate run record, and problems that are not figures (statuses)."""
    record = json.loads(record_path.read_text())
    (run,) = record["datasets"]
    by_id = {r["check_id"].removeprefix(f"{DATASET}."): r for r in run["results"]}
    got: dict[str, Any] = {"row_count": run["row_count"], "gate_passed": run["gate"]["passed"]}
    problems: list[str] = []
    for check_id, key in SG_COUNTS.items():
        result = by_id.get(check_id)
        if result is None:
            continue
        got[key] = result["failing_count"]
        want = "failed" if check_id != "columns.discount.max_null_fraction" and exp[key] > 0 else "passed"
        if result["status"] != want:
            problems.append(f"{check_id}: status {result['status']}, want {want}")
    if "columns.discount.max_null_fraction" in by_id:
        got["discount_null_fraction"] = by_id["columns.discount.max_null_fraction"]["observed"]
    if "columns.amount.type" in by_id:
        got["amount_dtype"] = by_id["columns.amount.type"]["observed"]
    present = [by_id.get(c) for c in SG_PASSING]
    got["column_set_ok"] = all(r is not None and r["status"] == "passed" for r in present)
    known = set(SG_COUNTS) | set(SG_PASSING)
    for check_id, result in by_id.items():
        if check_id not in known and not _expectation(result):
            problems.append(f"{check_id}: unexpected result ({result['status']})")
    if full:
        _read_expectations(run["results"], got, problems)
    return got, problems


def _expectation(result: dict[str, Any]) -> str | None:
    text = f"{result.get('check', '')} {result.get('check_id', '')}"
    return next((name for name in EXPECTATIONS if name in text), None)


def _read_expectations(results: list[dict[str, Any]], got: dict[str, Any], problems: list[str]) -> None:
    found = {}
    for result in results:
        name = _expectation(result)
        if name is not None:
            found[name] = result
    missing = [name for name in EXPECTATIONS if name not in found]
    for name in missing:
        problems.append(f"{name}: no result in the run record (expectations not run?)")
    got["expectations_passed"] = not missing and all(r["status"] == "passed" for r in found.values())
    for name, result in found.items():
        figure = EXPECTATIONS[name]
        if figure == "row_count":
            if result["observed"] != got["row_count"]:
                problems.append(f"{name}: observed {result['observed']!r}, row_count {got['row_count']!r}")
        else:
            got[figure] = result["observed"]


def stored_profile(record_path: Path) -> dict[str, Any] | None:
    """The metric profile a stewardgate run record holds (``None`` with ``--no-history``)."""
    (run,) = json.loads(record_path.read_text())["datasets"]
    return run.get("profile")


CLOCK = ("freshness_seconds",)
"""Profile figures measured against the run's clock: not comparable between two processes."""


def compare_profiles(got: dict[str, Any] | None, want: dict[str, Any]) -> list[str]:
    """Every way a profile limit's profile differs from stewardgate's stored one.

    Integers, texts and lists must be equal; floats (means, std, lengths) to 1e-9 relative,
    because a sum in another order may differ in the last bits.
    """
    if not got:
        return ["profile: missing"]
    problems = [f"profile.{k}: got {got.get(k)!r}, want {want.get(k)!r}" for k in ("row_count", "quantile_sample_step")
                if got.get(k) != want.get(k)]  # fmt: skip
    for column, metrics in want["columns"].items():
        mine = got["columns"].get(column, {})
        for metric in sorted(set(metrics) | set(mine)):
            if metric in CLOCK:
                continue
            if not _close(mine.get(metric), metrics.get(metric)):
                problems.append(
                    f"profile.{column}.{metric}: got {_short(mine.get(metric))}, want {_short(metrics.get(metric))}"
                )
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _close(got: Any, want: Any) -> bool:
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(_close(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, dict) and isinstance(want, dict):
        return got.keys() == want.keys() and all(_close(got[k], want[k]) for k in got)
    if isinstance(got, float) or isinstance(want, float):
        both = isinstance(got, (int, float)) and isinstance(want, (int, float))
        return both and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return got == want
