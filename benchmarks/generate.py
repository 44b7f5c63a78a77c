"""Generate the benchmark's orders dataset: one Parquet file with planted defects of known counts.

    python benchmarks/generate.py --rows 1M --out /tmp/sg-bench/orders-1M-s42 [--seed 42]

writes ``orders.parquet`` (several row groups) and ``truth.json`` (the planted counts and the
figures every tool must reproduce) into ``--out``. The file is built one row group at a time
(numpy for values, polars for strings, ``pyarrow.parquet.ParquetWriter`` to write), so 50M rows
never sit in memory at once. Same rows, seed and row-group size -> identical data; no clock reads.

Planted defects (per 1M rows, scaled to N, at least 1 each, each on its own rows) are listed
in ``orders_spec.PLANTED_PER_MILLION``; discount (~20 %) and notes (~30 %) nulls are random and
their exact counts are recorded in truth.json, as are the exact mean amount and max order_ts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

import orders_spec as spec

SCHEMA = pa.schema(
    [
        ("order_id", pa.int64()), ("customer_id", pa.int64()), ("email", pa.string()),
        ("country", pa.string()), ("amount", pa.float64()), ("quantity", pa.int32()),
        ("status", pa.string()), ("order_ts", pa.timestamp("us", tz="UTC")),
        ("discount", pa.float64()), ("notes", pa.string()),
    ]
)  # fmt: skip
DATA_FILE, TRUTH_FILE = spec.DATA_FILE, spec.TRUTH_FILE
DOMAINS = ("example.com", "example.org", "example.net", "shop.example.co")
NOTES = (
    "leave at the door", "gift wrap, please", "call before delivery", "second attempt",
    "customer asked for an invoice", "fragile: glass inside", "deliver to the neighbour",
    "promo code applied at checkout",
)  # fmt: skip
STATUS_WEIGHTS = (0.10, 0.20, 0.60, 0.10)
DEFAULT_ROW_GROUP = 500_000


def plant_positions(rows: int, seed: int) -> dict[str, np.ndarray]:
    """Row positions of every planted defect, disjoint across defects, sorted within each."""
    counts = {name: spec.scaled(n, rows) for name, n in spec.PLANTED_PER_MILLION.items()}
    sizes = dict(counts, order_id_duplicate_ids=2 * counts["order_id_duplicate_ids"])
    total = sum(sizes.values())
    if total > rows // 2:
        raise SystemExit(f"--rows {rows} is too small for {total} planted defects")
    picked = np.random.default_rng([seed, 7]).choice(rows, size=total, replace=False)
    out, at = {}, 0
    for name, size in sizes.items():
        out[name] = picked[at : at + size]
        at += size
    dup = out.pop("order_id_duplicate_ids")
    out["duplicate_donor"], out["duplicate_reuser"] = dup[: len(dup) // 2], dup[len(dup) // 2 :]
    return out


def _in_chunk(positions: np.ndarray, start: int, stop: int) -> np.ndarray:
    return positions[(positions >= start) & (positions < stop)] - start


def _choice(values: tuple[str, ...], index: np.ndarray) -> pl.Series:
    return pl.Series(values).gather(pl.Series(index.astype(np.uint32)))


def _timestamps(rng: np.random.Generator, start: int, n: int, rows: int) -> np.ndarray:
    lo = int(datetime.fromisoformat(spec.ORDER_TS_START).timestamp() * 1_000_000)
    hi = int(datetime.fromisoformat(spec.ORDER_TS_END).timestamp() * 1_000_000)
    step = (hi - lo) / rows
    offsets = (np.arange(start, start + n, dtype=np.float64) + rng.random(n)) * step
    return np.minimum(lo + np.floor(offsets).astype(np.int64), hi - 1)


def _with_mask(series: pl.Series, mask: np.ndarray) -> pl.Series:
    """``series`` with nulls where ``mask`` is true."""
    return pl.select(pl.when(pl.Series(mask)).then(None).otherwise(series)).to_series().alias(series.name)


def make_chunk(rows: int, seed: int, chunk_no: int, start: int, n: int, planted: dict[str, np.ndarray]) -> pa.Table:
    """Rows ``start .. start+n`` of the dataset as an Arrow table in ``SCHEMA``."""
    rng = np.random.default_rng([seed, 1, chunk_no])
    v = _draw(rng, start, n, rows)
    at = {name: _in_chunk(pos, start, start + n) for name, pos in planted.items()}
    v["amount"][at["amount_negative"]] *= -1
    v["quantity"][at["quantity_zero"]] = 0
    v["quantity"][at["quantity_over_max"]] = spec.QUANTITY_MAX + 1
    for column, defect in (("customer", "customer_id_null"), ("email", "email_null")):
        v[f"{column}_null"] = np.zeros(n, dtype=bool)
        v[f"{column}_null"][at[defect]] = True
    donors = planted["duplicate_donor"] + 1  # donor ids (order_id = position + 1), in reuser order
    reuse_here = (planted["duplicate_reuser"] >= start) & (planted["duplicate_reuser"] < start + n)
    v["order_id"][planted["duplicate_reuser"][reuse_here] - start] = donors[reuse_here]
    return _frame(v, at).to_arrow().cast(SCHEMA)


def _draw(rng: np.random.Generator, start: int, n: int, rows: int) -> dict[str, np.ndarray]:
    """The clean random values of one chunk (the draw order is part of the data: keep it)."""
    return {
        "order_id": np.arange(start + 1, start + n + 1, dtype=np.int64),
        "customer": rng.integers(1, 200_001, size=n, dtype=np.int64),
        "domain": rng.integers(0, len(DOMAINS), size=n),
        "country": rng.integers(0, len(spec.COUNTRIES), size=n),
        "amount": np.clip(np.round(rng.lognormal(4.0, 1.0, size=n), 2), 0.5, 9999.99),
        "quantity": rng.integers(1, 21, size=n, dtype=np.int32),
        "status": rng.choice(len(spec.STATUSES), size=n, p=STATUS_WEIGHTS),
        "order_ts": _timestamps(rng, start, n, rows),
        "discount": rng.integers(0, 11, size=n) * 0.05,
        "discount_null": rng.random(n) < spec.DISCOUNT_NULL_PROBABILITY,
        "note": rng.integers(0, len(NOTES), size=n),
        "note_ref": rng.integers(1000, 100_000, size=n),
        "notes_null": rng.random(n) < spec.NOTES_NULL_PROBABILITY,
    }


def _frame(v: dict[str, np.ndarray], at: dict[str, np.ndarray]) -> pl.DataFrame:
    """The chunk's columns, strings built by polars, planted string defects scattered in."""
    email = pl.select(
        pl.concat_str(
            pl.lit("user"), pl.Series(v["customer"]).cast(pl.String), pl.lit("@"), _choice(DOMAINS, v["domain"])
        )
    ).to_series()
    bad_emails = [_malformed(int(v["customer"][i]), k) for k, i in enumerate(at["email_malformed"])]
    notes = pl.select(
        pl.concat_str(
            _choice(NOTES, v["note"]), pl.lit(" (ref "), pl.Series(v["note_ref"]).cast(pl.String), pl.lit(")")
        )
    ).to_series()
    return pl.DataFrame(
        [
            pl.Series("order_id", v["order_id"]),
            _with_mask(pl.Series("customer_id", v["customer"]), v["customer_null"]),
            _with_mask(_scatter(email, at["email_malformed"], bad_emails).alias("email"), v["email_null"]),
            _scatter(_choice(spec.COUNTRIES, v["country"]), at["country_out_of_set"], spec.BAD_COUNTRIES).alias(
                "country"
            ),
            pl.Series("amount", v["amount"]),
            pl.Series("quantity", v["quantity"]),
            _scatter(_choice(spec.STATUSES, v["status"]), at["status_out_of_set"], spec.BAD_STATUSES).alias("status"),
            pl.Series("order_ts", v["order_ts"]).cast(pl.Datetime("us", "UTC")),
            _with_mask(pl.Series("discount", v["discount"]), v["discount_null"]),
            _with_mask(notes.alias("notes"), v["notes_null"]),
        ]
    )


def _scatter(series: pl.Series, index: np.ndarray, values: list[str] | tuple[str, ...]) -> pl.Series:
    if len(index) == 0:
        return series
    cycled = [values[k % len(values)] for k in range(len(index))]
    return series.scatter(pl.Series(index.astype(np.uint32)), pl.Series(cycled))


def _malformed(customer: int, k: int) -> str:
    """Five kinds of broken address, cycled: no @, a space, no dot in the domain, @@, upper-case TLD."""
    return (
        f"user{customer}.example.com", f"user {customer}@example.com", f"user{customer}@example",
        f"user{customer}@@example.com", f"user{customer}@example.COM",
    )[k % 5]  # fmt: skip


def generate(rows: int, out: Path, seed: int = 42, row_group: int = DEFAULT_ROW_GROUP) -> dict:
    """Write ``orders.parquet`` and ``truth.json`` into ``out``; return the truth."""
    out.mkdir(parents=True, exist_ok=True)
    planted = plant_positions(rows, seed)
    tmp = out / f".{DATA_FILE}.tmp-{os.getpid()}"
    acc = {"discount_null": 0, "notes_null": 0, "ts_max": None}
    sums = []
    with pq.ParquetWriter(tmp, SCHEMA, compression="zstd") as writer:
        for chunk_no, start in enumerate(range(0, rows, row_group)):
            table = make_chunk(rows, seed, chunk_no, start, min(row_group, rows - start), planted)
            writer.write_table(table, row_group_size=row_group)
            sums.append(float(np.sum(table.column("amount").to_numpy())))
            acc["discount_null"] += table.column("discount").null_count
            acc["notes_null"] += table.column("notes").null_count
            ts_max = table.column("order_ts").cast(pa.int64()).to_numpy().max()
            acc["ts_max"] = ts_max if acc["ts_max"] is None else max(acc["ts_max"], ts_max)
    truth = _truth(rows, seed, row_group, planted, acc, math.fsum(sums))
    os.replace(tmp, out / DATA_FILE)
    tmp_truth = out / f".{TRUTH_FILE}.tmp"
    tmp_truth.write_text(json.dumps(truth, indent=2) + "\n")
    os.replace(tmp_truth, out / TRUTH_FILE)
    return truth


def _truth(rows: int, seed: int, row_group: int, planted: dict, acc: dict, amount_sum: float) -> dict:
    n = {name: len(pos) for name, pos in planted.items()}
    dup = n["duplicate_reuser"]
    ts_max = datetime.fromtimestamp(int(acc["ts_max"]) / 1_000_000, tz=datetime.fromisoformat(spec.ORDER_TS_END).tzinfo)
    expected = {
        "row_count": rows,
        "order_id_null": 0, "customer_id_null": n["customer_id_null"], "order_ts_null": 0,
        "order_id_duplicate_excess": dup, "order_id_duplicate_rows": 2 * dup,
        "amount_negative": n["amount_negative"],
        "quantity_below_min": n["quantity_zero"], "quantity_above_max": n["quantity_over_max"],
        "status_not_in_set": n["status_out_of_set"], "country_not_in_set": n["country_out_of_set"],
        "email_regex_mismatch": n["email_malformed"],
        "discount_null": acc["discount_null"],
        "discount_null_fraction": acc["discount_null"] / rows,
        "amount_mean": amount_sum / rows,
        "order_ts_max": ts_max.isoformat(),
        "columns": list(spec.COLUMNS),
        "amount_dtype": "float64",
    }  # fmt: skip
    return {
        "generator_version": spec.GENERATOR_VERSION, "rows": rows, "seed": seed,
        "row_group_rows": row_group, "file": DATA_FILE,
        "planted": n | {"notes_null": acc["notes_null"]},
        "expected": expected,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", required=True, type=spec.parse_rows, help="rows, e.g. 20000, 1M, 50M")
    parser.add_argument("--out", required=True, type=Path, help="folder for orders.parquet and truth.json")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--row-group", type=int, default=DEFAULT_ROW_GROUP, help="rows per row group (and per chunk)")
    args = parser.parse_args(argv)
    truth = generate(args.rows, args.out, args.seed, args.row_group)
    print(json.dumps(truth["expected"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
