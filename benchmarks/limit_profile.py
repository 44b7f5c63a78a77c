"""The profile limit: every figure of a profiled nightly run (the 15 checks and the default metric
profile) from one hand-written polars program.

    python benchmarks/limit_profile.py --data /tmp/sg-bench/orders-1M-s42/orders.parquet [--streaming]
    python benchmarks/limit_profile.py --data /tmp/sg-bench/orders-300k-s42/orders.csv

A nightly run with a history store computes the checks *and* the metric profile the anomaly
rules and drift judge (see ``stewardgate.engines.profile``), so it is judged against a limit that
does the same work: the checks' aggregates of :mod:`limit`, and per column the null count; for
numbers min, max, mean, std, zero and negative counts, NaN count, p0..p100 of the systematic
sample (every ``rows // 200,000``-th row, linear interpolation, ends exact); for text the length
in characters (min, mean, max); for timestamps min and max; the value counts (distinct count and
top 20 values) of the low-cardinality columns and the exact distinct count of ``order_id``
(the column with a ``unique`` check). It knows the data, so it needs no head sample to tell
low- from high-cardinality columns apart, and one sort of ``order_id`` gives both the duplicate
count and the distinct count (as in stewardgate: an ``n_unique`` would make the streaming
engine hold every column of the ``select`` in memory).

Without ``--streaming`` the file is read once into memory (every core decoding or parsing) and
the ``select``, a group-by per counted column and the sample run over that frame in one
``collect_all`` (polars runs them in parallel); with it, the same queries over a lazy scan in
one streaming ``collect_all`` (bounded memory, but each query decodes its columns again).
A ``.csv`` path is read as CSV, as ``limit.scan`` reads it (dates parsed, polars' default inference).
Prints one JSON line: ``{"tool", "t_after_import", "counts": {...}, "profile": {...}}``; the
runner checks the counts against the planted truth and the profile against the one stewardgate
stored in the same benchmark run (``freshness_seconds`` aside: it depends on the clock).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import polars as pl

import limit
import orders_spec as spec

T0 = time.perf_counter()

NUMERIC = ("order_id", "customer_id", "amount", "quantity", "discount")
FLOATS = ("amount", "discount")
TEXT = ("email", "country", "status", "notes")
COUNTED = ("country", "quantity", "status", "discount")  # at most 50 distinct values
TOPS = ("country", "quantity", "status")  # text and integers get top values; floats a distinct count only
LEVELS = [i / 100 for i in range(101)]
NAMED = {"p01": 1, "p25": 25, "p50": 50, "p75": 75, "p99": 99}
SAMPLE, TOP_K = 200_000, 20
CHECK_COUNTS = [e.meta.output_name() for e in limit.aggregates()][:-2]  # all but amount_mean, order_ts_max


def profile_exprs() -> list[pl.Expr]:
    """The profile's streaming aggregates, named ``<column>:<metric>``."""
    out = [pl.col(c).null_count().alias(f"{c}:null_count") for c in spec.COLUMNS]
    for c in NUMERIC:
        x = pl.col(c).fill_nan(None) if c in FLOATS else pl.col(c)
        if c in FLOATS:
            out.append(pl.col(c).is_nan().sum().alias(f"{c}:nan_count"))
        out += [x.min().alias(f"{c}:min"), x.max().alias(f"{c}:max"), x.mean().alias(f"{c}:mean"),
                x.std().alias(f"{c}:std"), (x == 0).sum().alias(f"{c}:zero_count"),
                (x < 0).sum().alias(f"{c}:negative_count")]  # fmt: skip
    for c in TEXT:
        length = pl.col(c).str.len_chars()
        out += [length.min().alias(f"{c}:length_min"), length.mean().alias(f"{c}:length_mean"),
                length.max().alias(f"{c}:length_max")]  # fmt: skip
    out += [pl.col("order_ts").min().alias("order_ts:min")]  # its max is the checks' order_ts_max
    out += [pl.col("order_id").count().alias("order_id:present")]
    return out


def distinct_ids(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The distinct non-null ``order_id`` values, from the sorted column: an ``n_unique`` in the
    ``select`` would make the streaming engine fall back to memory for the whole ``select``."""
    ids = lf.select(pl.col("order_id").drop_nulls().sort())
    return ids.select(((pl.col("order_id") != pl.col("order_id").shift(1)).sum() + (pl.len() > 0)).alias("distinct"))


def sample_quantiles(sample: pl.DataFrame) -> dict[str, list[float]]:
    exprs = [
        pl.col(c).cast(pl.Float64).fill_nan(None).quantile(LEVELS, interpolation="linear").alias(c) for c in NUMERIC
    ]
    return sample.select(exprs).row(0, named=True)


def measure(path: str, *, streaming: bool) -> tuple[dict, dict]:
    """The checks' counts and the profile of the file at ``path``."""
    if streaming:
        lf = limit.scan(path)
        rows = lf.select(pl.len()).collect().item()  # Parquet: footers only
    else:
        df = limit.read(path)
        lf, rows = df.lazy(), df.height
    schema = lf.collect_schema()
    step = max(1, rows // SAMPLE)
    checks = [e for e in limit.aggregates() if e.meta.output_name() != "order_id_duplicate_excess"]
    queries = [lf.select([*checks, *profile_exprs()]), distinct_ids(lf), lf.gather_every(step).select(NUMERIC)]
    queries += [lf.group_by(c).agg(pl.len().alias("n")) for c in COUNTED]
    main, distinct, sample, *counts = pl.collect_all(queries, engine="streaming" if streaming else "in-memory")
    row = main.row(0, named=True)
    row["order_id:distinct_count"] = distinct.item()
    row["order_id_duplicate_excess"] = row["order_id:present"] - distinct.item()
    return _counts(row, schema), _profile(
        row, schema, sample_quantiles(sample), dict(zip(COUNTED, counts, strict=True)), step
    )


def _counts(row: dict, schema: pl.Schema) -> dict:
    counts = {k: row[k] for k in CHECK_COUNTS}
    counts["discount_null_fraction"] = row["discount_null"] / row["row_count"] if row["row_count"] else None
    counts["amount_mean"] = row["amount_mean"]
    counts["order_ts_max"] = row["order_ts_max"].isoformat()
    counts["columns"] = list(schema.names())
    counts["amount_dtype"] = "float64" if schema.get("amount") == pl.Float64 else str(schema.get("amount"))
    return counts


def _profile(row: dict, schema: pl.Schema, quantiles: dict, counts: dict[str, pl.DataFrame], step: int) -> dict:
    n = row["row_count"]
    columns = {}
    for c in spec.COLUMNS:
        out = {
            "dtype": str(schema[c]),
            "null_count": row[f"{c}:null_count"],
            "null_fraction": row[f"{c}:null_count"] / n,
        }
        if c in NUMERIC:
            if c in FLOATS:
                out["nan_count"] = row[f"{c}:nan_count"]
            out.update({m: _finite(row[f"{c}:{m}"]) for m in ("min", "max", "mean", "std")})
            out.update({m: row[f"{c}:{m}"] for m in ("zero_count", "negative_count")})
            q = [_finite(v) for v in quantiles[c]]
            q[0], q[-1] = float(out["min"]), float(out["max"])
            out.update({name: q[i] for name, i in NAMED.items()})
            out["quantiles"] = q
        elif c in TEXT:
            out.update({m: row[f"{c}:{m}"] for m in ("length_min", "length_mean", "length_max")})
        else:  # order_ts (freshness_seconds depends on the clock: not compared)
            out.update({"min": row["order_ts:min"].isoformat(), "max": row["order_ts_max"].isoformat()})
        out["distinct_count"] = row["order_id:distinct_count"] if c == "order_id" else None
        if c in counts:
            frame = counts[c]
            out["distinct_count"] = frame.filter(pl.col(c).is_not_null()).height
            if c in TOPS:
                values = frame.select(pl.col(c).cast(pl.String).alias("value"), pl.col("n").alias("count")).rows()
                values.sort(key=lambda v: (-v[1], v[0] is None, v[0] or ""))
                out["top_values"] = [{"value": v, "count": k} for v, k in values[:TOP_K]]
        columns[c] = out
    return {"row_count": n, "columns": columns, **({"quantile_sample_step": step} if step > 1 else {})}


def _finite(value: float | int | None) -> float | int | None:
    return value if value is None or isinstance(value, int) or math.isfinite(value) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the orders Parquet (or .csv) file")
    parser.add_argument(
        "--streaming", action="store_true", help="one streaming collect_all instead of one in-memory frame"
    )
    args = parser.parse_args(argv)
    counts, profile = measure(args.data, streaming=args.streaming)
    tool = "limit-profile-streaming" if args.streaming else "limit-profile"
    print(json.dumps({"tool": tool, "t_after_import": time.perf_counter() - T0, "counts": counts, "profile": profile}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
