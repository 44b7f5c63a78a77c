"""The 15-check suite on a PostgreSQL table: stewardgate (checks pushed down) against the limit for
this reader, ONE hand-written aggregate SQL query of the same figures, and against pulling the table
into polars first (then checking the pulled rows with stewardgate's polars engine).

Every round runs the three in turn (the order rotates), in this process, against the same table;
medians are reported with their ratio to the hand-written query measured in the same run. Every
tool's figures are compared with the generator's planted truth (``figures.py``): a wrong count
fails the benchmark (exit 1).

    .venv/bin/python benchmarks/sql_bench.py --rows 10M --rounds 3

The table is loaded with ``COPY`` into a schema ``sg_bench_<uuid8>`` of the database at ``--url``
(default the local test server) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import figures  # noqa: E402
import orders_spec as spec  # noqa: E402
from run import dataset, fill_suite  # noqa: E402

URL = "postgresql://postgres@127.0.0.1:5432/test"
TYPES = {"Int64": "BIGINT", "Int32": "INTEGER", "Float64": "DOUBLE PRECISION", "String": "TEXT"}


def load(conn: Any, schema: str, data: Path) -> None:
    """The Parquet file as ``schema.orders`` (COPY in CSV, 1M rows at a time), then ANALYZE."""
    lf = pl.scan_parquet(data)
    columns = []
    for name, dtype in lf.collect_schema().items():
        sql = "TIMESTAMPTZ" if isinstance(dtype, pl.Datetime) and dtype.time_zone else TYPES.get(str(dtype), "TEXT")
        columns.append(f'"{name}" {sql}')
    conn.execute(f'CREATE SCHEMA "{schema}"')
    conn.execute(f'CREATE TABLE "{schema}".orders ({", ".join(columns)})')
    rows = lf.select(pl.len()).collect().item()
    with conn.cursor() as cur, cur.copy(f'COPY "{schema}".orders FROM STDIN WITH (FORMAT csv)') as copy:
        for start in range(0, rows, 1_000_000):
            chunk = lf.slice(start, 1_000_000).collect()
            buffer = io.BytesIO()
            chunk.write_csv(buffer, include_header=False, datetime_format="%Y-%m-%d %H:%M:%S%.f%z")
            copy.write(buffer.getvalue())
    conn.execute(f'ANALYZE "{schema}".orders')


def hand_written(conn: Any, schema: str) -> dict[str, Any]:
    """The suite's figures in one aggregate query, written by hand (the limit for this reader)."""
    statuses = ", ".join(f"'{s}'" for s in spec.STATUSES)
    countries = ", ".join(f"'{c}'" for c in spec.COUNTRIES)
    row = conn.execute(f"""
        SELECT count(*), count(*) - count(order_id), count(*) - count(customer_id), count(*) - count(order_ts),
               count(order_id) - count(DISTINCT order_id),
               count(*) FILTER (WHERE amount < {spec.AMOUNT_MIN}),
               count(*) FILTER (WHERE quantity < {spec.QUANTITY_MIN}), count(*) FILTER (WHERE quantity > {spec.QUANTITY_MAX}),
               count(*) FILTER (WHERE status NOT IN ({statuses})), count(*) FILTER (WHERE country NOT IN ({countries})),
               count(*) FILTER (WHERE email !~ %s), count(*) - count(discount), avg(amount), max(order_ts)
        FROM "{schema}".orders""", (spec.EMAIL_REGEX,)).fetchone()  # fmt: skip
    keys = ["row_count", "order_id_null", "customer_id_null", "order_ts_null", "order_id_duplicate_excess",
            "amount_negative", "quantity_below_min", "quantity_above_max", "status_not_in_set", "country_not_in_set",
            "email_regex_mismatch", "discount_null"]  # fmt: skip
    got = dict(zip(keys, row[:12], strict=True))
    got["discount_null_fraction"] = got["discount_null"] / got["row_count"]
    got["amount_mean"], got["order_ts_max"] = float(row[12]), row[13].isoformat()
    return got


def stewardgate(suite: Path, record: Path, url: str) -> Any:
    from stewardgate.reporters import json_report
    from stewardgate.runner import RunOptions, run_paths
    from stewardgate.settings import ConnectionSettings

    os.environ["SG_BENCH_URL"] = url
    run = run_paths([suite], RunOptions(connections={"bench": ConnectionSettings(url_env="SG_BENCH_URL")}))
    record.write_text(json_report.render(run), encoding="utf-8")
    return run


def pulled(conn: Any, schema: str, work: Path, suite_template: Path, rows: int) -> float:
    """Seconds to pull the table into polars (COPY to CSV, the fastest pull at hand) and check it."""
    from stewardgate.runner import RunOptions, run_paths

    started = time.perf_counter()
    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.copy(f'COPY "{schema}".orders TO STDOUT WITH (FORMAT csv, HEADER)') as copy:
        for block in copy:
            buffer.write(block)
    frame = pl.read_csv(buffer.getvalue(), try_parse_dates=True)
    pull = time.perf_counter() - started
    frame.write_parquet(work / "pulled.parquet")
    suite = fill_suite(suite_template, work / "pulled.parquet", rows, work / "pulled.yml")
    run_paths([suite], RunOptions())
    return pull, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10M")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sg-bench"))
    parser.add_argument("--url", default=URL, help="a PostgreSQL URL (psycopg)")
    args = parser.parse_args(argv)
    import psycopg

    rows = spec.parse_rows(args.rows)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    data, truth = dataset(rows, args.seed, args.data_dir)
    exp = figures.expected(truth)
    schema = f"sg_bench_{uuid.uuid4().hex[:8]}"
    work = Path(tempfile.mkdtemp(prefix="sg-sql-bench-"))
    with psycopg.connect(args.url, autocommit=True) as conn:
        try:
            started = time.perf_counter()
            load(conn, schema, data)
            print(f"loaded {rows:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            text = (
                (HERE / "suite.yml")
                .read_text()
                .replace('path: "@DATA_PATH@"', f"connection: bench\n  table: {schema}.orders")
            )
            (work / "template.yml").write_text(text.replace("@DATA_PATH@", "unused"))
            table_suite = fill_suite(work / "template.yml", data, rows, work / "table.yml")
            times: dict[str, list[float]] = {
                "stewardgate": [],
                "hand_written": [],
                "pull_then_check": [],
                "pull_only": [],
            }
            problems: list[str] = []
            stewardgate(
                table_suite, work / "record.json", args.url.replace("postgresql://", "postgresql+psycopg://")
            )  # warm-up: imports
            for i in range(args.rounds):
                for tool in (["stewardgate", "hand_written", "pull"] * 2)[i % 3 : i % 3 + 3]:
                    t0 = time.perf_counter()
                    if tool == "stewardgate":
                        stewardgate(
                            table_suite,
                            work / "record.json",
                            args.url.replace("postgresql://", "postgresql+psycopg://"),
                        )
                        times["stewardgate"].append(time.perf_counter() - t0)
                        got, more = figures.from_stewardgate(work / "record.json", exp, full=True)
                        problems += [f"stewardgate: {p}" for p in (*figures.compare("stewardgate", got, exp), *more)]
                    elif tool == "hand_written":
                        got = hand_written(conn, schema)
                        times["hand_written"].append(time.perf_counter() - t0)
                        problems += [f"hand-written: {p}" for p in figures.compare("limit", got, exp)
                                     if not p.startswith(("columns:", "amount_dtype:"))]  # fmt: skip
                    else:
                        pull, total = pulled(conn, schema, work, HERE / "suite.yml", rows)
                        times["pull_only"].append(pull)
                        times["pull_then_check"].append(total)
        finally:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    medians = {k: statistics.median(v) for k, v in times.items()}
    limit = medians["hand_written"]
    print(json.dumps({
        "rows": rows, "rounds": args.rounds, "load": Path("/proc/loadavg").read_text().split()[:3],
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "ratio_to_hand_written": {k: round(v / limit, 2) for k, v in medians.items()},
        "all_s": {k: [round(x, 3) for x in v] for k, v in times.items()}, "problems": sorted(set(problems)),
    }, indent=2))  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
