"""The limits of the wide benchmark: the null count of every column (the checks), and with
``--profile`` every figure of a profiled run's default profile too.

    python benchmarks/wide_limit.py --data /tmp/sg-bench/wide-500x100k/wide.parquet [--profile]

The table is read once into memory (every core decoding); the figures are one in-memory
``collect_all`` over that frame (the default, streaming engine took twice as long over a 500-column
frame in memory: 2.7 s against 1.4 s): one ``select`` of the aggregates (null counts; with ``--profile`` also min, max,
mean, std, zero and negative counts, NaN counts, text lengths), and with ``--profile`` the value
counts of the low-cardinality columns (all in one ``select`` of ``value_counts``) and p0..p100 of
every numeric column (below 400,000 rows the profile's sample is every row). It knows each
column's kind from the generator, so it needs no head sample. Prints one JSON line:
``{"tool", "t_after_import", "nulls": {column: count}, "profile": {...}}``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

import polars as pl

import wide_data

T0 = time.perf_counter()
LEVELS = [i / 100 for i in range(101)]
NAMED = {"p01": 1, "p25": 25, "p50": 50, "p75": 75, "p99": 99}
SAMPLE, TOP_K = 200_000, 20


def _aggregates(schema: pl.Schema, profile: bool) -> list[pl.Expr]:
    out = [pl.col(c).null_count().alias(f"{c}:null_count") for c in schema]
    if not profile:
        return out
    for c in schema:
        k = wide_data.kind(int(c[1:]))
        if k == "small_text":
            length = pl.col(c).str.len_chars()
            out += [length.min().alias(f"{c}:length_min"), length.mean().alias(f"{c}:length_mean"),
                    length.max().alias(f"{c}:length_max")]  # fmt: skip
            continue
        x = pl.col(c).fill_nan(None) if k == "float" else pl.col(c)
        if k == "float":
            out.append(pl.col(c).is_nan().sum().alias(f"{c}:nan_count"))
        out += [x.min().alias(f"{c}:min"), x.max().alias(f"{c}:max"), x.mean().alias(f"{c}:mean"),
                x.std().alias(f"{c}:std"), (x == 0).sum().alias(f"{c}:zero_count"),
                (x < 0).sum().alias(f"{c}:negative_count")]  # fmt: skip
    return out


def measure(path: str, *, profile: bool) -> tuple[dict, dict | None]:
    df = pl.read_parquet(path)
    lf, rows = df.lazy(), df.height
    numeric = [c for c in df.columns if wide_data.kind(int(c[1:])) != "small_text"]
    counted = [c for c in df.columns if wide_data.kind(int(c[1:])).startswith("small")]
    step = max(1, rows // SAMPLE)
    queries = [lf.select(_aggregates(df.schema, profile))]
    if profile:
        sample = lf.gather_every(step) if step > 1 else lf
        queries.append(
            sample.select(
                [
                    pl.col(c).cast(pl.Float64).fill_nan(None).quantile(LEVELS, interpolation="linear").alias(c)
                    for c in numeric
                ]
            )
        )
        queries.append(lf.select([pl.col(c).value_counts(name="n").implode() for c in counted]))
    main, *rest = pl.collect_all(queries, engine="in-memory")
    row = main.row(0, named=True)
    nulls = {c: row[f"{c}:null_count"] for c in df.columns}
    if not profile:
        return nulls, None
    quantiles, counts = rest[0].row(0, named=True), rest[1].row(0, named=True)
    return nulls, _profile(df.schema, rows, row, quantiles, counts, step)


def _profile(schema: pl.Schema, rows: int, row: dict, quantiles: dict, counts: dict, step: int) -> dict:
    columns = {}
    for c, dtype in schema.items():
        k, nulls = wide_data.kind(int(c[1:])), row[f"{c}:null_count"]
        out = {"dtype": str(dtype), "null_count": nulls, "null_fraction": nulls / rows}
        if k == "small_text":
            out.update({m: row[f"{c}:{m}"] for m in ("length_min", "length_mean", "length_max")})
        else:
            if k == "float":
                out["nan_count"] = row[f"{c}:nan_count"]
            out.update({m: _finite(row[f"{c}:{m}"]) for m in ("min", "max", "mean", "std")})
            out.update({m: row[f"{c}:{m}"] for m in ("zero_count", "negative_count")})
            q = [_finite(v) for v in quantiles[c]]
            q[0], q[-1] = float(out["min"]), float(out["max"])
            out.update({name: q[i] for name, i in NAMED.items()})
            out["quantiles"] = q
        out["distinct_count"] = None  # high cardinality, no unique check, no anomaly rule: not measured
        if c in counts:
            values = [(None if v[c] is None else str(v[c]), v["n"]) for v in counts[c]]
            out["distinct_count"] = sum(v is not None for v, _ in values)
            values.sort(key=lambda v: (-v[1], v[0] is None, v[0] or ""))
            out["top_values"] = [{"value": v, "count": n} for v, n in values[:TOP_K]]
        columns[c] = out
    return {"row_count": rows, "columns": columns, **({"quantile_sample_step": step} if step > 1 else {})}


def _finite(value: float | int | None) -> float | int | None:
    return value if value is None or isinstance(value, int) or math.isfinite(value) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--profile", action="store_true", help="the default profile's figures too")
    args = parser.parse_args(argv)
    nulls, profile = measure(args.data, profile=args.profile)
    tool = "wide-limit-profile" if args.profile else "wide-limit"
    print(json.dumps({"tool": tool, "t_after_import": time.perf_counter() - T0, "nulls": nulls, "profile": profile}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
