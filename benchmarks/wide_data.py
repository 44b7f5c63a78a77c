"""The wide benchmark table: ``--columns`` columns x ``--rows`` rows, four kinds of column in turn,
planted nulls, and the suite with one not-null rule per column.

    python benchmarks/wide_data.py --columns 500 --rows 100000 --out /tmp/sg-bench/wide-500x100k

Column ``c0001``, ``c0002``, ... kind by position (``i % 4``): a float (normal), a
high-cardinality integer (0..10^9), a low-cardinality integer (0..9), a low-cardinality text
(``v0``..``v9``). Column ``i`` holds exactly ``i % 5 * 3`` nulls (so every fifth column has none
and passes), at row positions of its own; ``truth.json`` lists them, and the number of
low-cardinality columns the profile counts. Same arguments, same bytes (seeded, no clock).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DATA_FILE, SUITE_FILE, TRUTH_FILE = "wide.parquet", "wide.yml", "truth.json"
KINDS = ("float", "big_int", "small_int", "small_text")
GENERATOR_VERSION = 1


def name(i: int) -> str:
    return f"c{i:04d}"


def kind(i: int) -> str:
    return KINDS[i % len(KINDS)]


def nulls(i: int) -> int:
    return i % 5 * 3


def generate(columns: int, rows: int, out: Path, seed: int = 7) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    data = {}
    for i in range(1, columns + 1):
        k = kind(i)
        if k == "float":
            values = pl.Series(np.round(rng.normal(100, 15, rows), 3))
        elif k == "big_int":
            values = pl.Series(rng.integers(0, 10**9, rows))
        elif k == "small_int":
            values = pl.Series(rng.integers(0, 10, rows))
        else:
            values = pl.Series([f"v{v}" for v in rng.integers(0, 10, rows)])
        where = rng.choice(rows, nulls(i), replace=False) if nulls(i) else []
        mask = np.zeros(rows, dtype=bool)
        mask[where] = True
        data[name(i)] = values.set(pl.Series(mask), None) if nulls(i) else values
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{DATA_FILE}.tmp-{os.getpid()}"
    pl.DataFrame(data).write_parquet(tmp, compression="zstd")
    os.replace(tmp, out / DATA_FILE)
    (out / SUITE_FILE).write_text(suite(columns))
    truth = {
        "generator_version": GENERATOR_VERSION, "columns": columns, "rows": rows, "seed": seed,
        "nulls": {name(i): nulls(i) for i in range(1, columns + 1)},
    }  # fmt: skip
    (out / TRUTH_FILE).write_text(json.dumps(truth, indent=1) + "\n")


def suite(columns: int) -> str:
    """One not-null rule per column, nothing else."""
    lines = [
        "version: 1", "dataset:", "  name: wide", f"  path: {DATA_FILE}",
        "stewardship:", "  owner: data-platform@example.com", "  steward: jane.doe@example.com", "columns:",
    ]  # fmt: skip
    lines += [f"  {name(i)}: {{nullable: false}}" for i in range(1, columns + 1)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--columns", type=int, required=True)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    generate(args.columns, args.rows, args.out, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
