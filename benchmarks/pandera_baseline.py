"""Baseline for context: the 12 core checks as a plain pandera (polars backend) DataFrameSchema.

    python benchmarks/pandera_baseline.py --data /tmp/sg-bench/orders-1M-s42/orders.parquet

What a team without stewardgate would write: read the file with polars, validate lazily
(``lazy=True``: every failure collected), count the failure cases per check. Validation is
forced on and to schema-and-data depth whatever ``PANDERA_VALIDATION_*`` say. Prints one JSON
line like ``limit.py``; ``t_after_import`` starts after ``import polars, pandera.polars``.
pandera reports the null-fraction check as one pass/fail, so that figure is a verdict, not a count.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context

import orders_spec as spec

T0 = time.perf_counter()

# (column, pandera check name prefix) -> figure name in truth.json's "expected" block
FIGURES = {
    ("order_id", "not_nullable"): "order_id_null",
    ("customer_id", "not_nullable"): "customer_id_null",
    ("order_ts", "not_nullable"): "order_ts_null",
    ("order_id", "field_uniqueness"): "order_id_duplicate_rows",
    ("amount", "greater_than_or_equal_to"): "amount_negative",
    ("quantity", "greater_than_or_equal_to"): "quantity_below_min",
    ("quantity", "less_than_or_equal_to"): "quantity_above_max",
    ("status", "isin"): "status_not_in_set",
    ("country", "isin"): "country_not_in_set",
    ("email", "str_contains"): "email_regex_mismatch",
}


def _null_fraction_ok(data: pa.PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select((pl.col(data.key).null_count() / pl.len()) <= spec.DISCOUNT_MAX_NULL_FRACTION)


def schema() -> pa.DataFrameSchema:
    """The 12 core checks; columns without a rule are declared (strict) but unconstrained."""
    free = {name: pa.Column(nullable=True) for name in spec.COLUMNS}
    rules = {
        "order_id": pa.Column(nullable=False, unique=True),
        "customer_id": pa.Column(nullable=False),
        "email": pa.Column(nullable=True, checks=pa.Check.str_contains(spec.EMAIL_REGEX)),
        "country": pa.Column(nullable=True, checks=pa.Check.isin(list(spec.COUNTRIES))),
        "amount": pa.Column(pl.Float64, nullable=True, checks=pa.Check.ge(spec.AMOUNT_MIN)),
        "quantity": pa.Column(nullable=True, checks=[pa.Check.ge(spec.QUANTITY_MIN), pa.Check.le(spec.QUANTITY_MAX)]),
        "status": pa.Column(nullable=True, checks=pa.Check.isin(list(spec.STATUSES))),
        "order_ts": pa.Column(nullable=False),
        "discount": pa.Column(nullable=True, checks=pa.Check(_null_fraction_ok, name="null_fraction")),
    }
    return pa.DataFrameSchema(free | rules, strict=True)


def measure(path: str) -> dict:
    """Validate the file; the failure counts per figure, plus the verdicts pandera gives."""
    df = pl.read_parquet(path)
    counts: dict = {name: 0 for name in FIGURES.values()}
    counts["row_count"] = df.height
    checks_failed: set[tuple[str, str]] = set()
    with config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        try:
            schema().validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases.group_by("column", "check").len()
            for column, check, n in cases.iter_rows():
                checks_failed.add((column, check))
                key = next((v for (c, p), v in FIGURES.items() if c == column and str(check).startswith(p)), None)
                if key is None:
                    counts.setdefault("unexpected_failures", []).append(f"{column}:{check}:{n}")
                else:
                    counts[key] += n
    counts["discount_null_fraction_within_limit"] = ("discount", "null_fraction") not in checks_failed
    counts["amount_dtype"] = "float64" if df.schema["amount"] == pl.Float64 else str(df.schema["amount"])
    counts["columns"] = list(df.columns)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the orders Parquet file")
    args = parser.parse_args(argv)
    counts = measure(args.data)
    print(json.dumps({"tool": "pandera", "t_after_import": time.perf_counter() - T0, "counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
