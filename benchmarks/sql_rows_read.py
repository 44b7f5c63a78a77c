"""Reading a table's rows into polars: ADBC against connectorx, on PostgreSQL, MariaDB and SQLite.

The GX expectations that do not compile to SQL run on the rows GX needs (docs/sql.md); this
measures which library reads them. A ``--rows`` table of ten columns (integers, floats, text,
a date, a timestamp, a boolean) is loaded into each database, then read whole with
``SELECT *`` by each library that reaches that database, in interleaved rounds (the order
rotates); the median and fastest wall time and the median CPU time of this process are printed
(on a shared machine the fastest round and the CPU time say more than the median). Each read is checked: row count and the sum of ``id``.

    .venv/bin/python benchmarks/sql_rows_read.py --rows 1000000 --rounds 3

PostgreSQL (127.0.0.1:5432, ``test``) and MariaDB (127.0.0.1:3306, ``test``) get a schema or
database ``sg_bench_<uuid8>``, dropped afterwards; SQLite a temporary file. ADBC has a
PostgreSQL and an SQLite driver on the package index, none for MySQL/MariaDB; they are the optional ``bench`` extra, not a dependency of a run
(``.venv/bin/pip install -e '.[bench]'`` first).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

PG = "postgresql://postgres@127.0.0.1:5432/test"
MARIA = "mysql://root@127.0.0.1:3306/test"
COLUMNS = {
    "id": ("BIGINT", "BIGINT", "INTEGER"), "qty": ("INTEGER", "INT", "INTEGER"),
    "price": ("DOUBLE PRECISION", "DOUBLE", "REAL"), "discount": ("DOUBLE PRECISION", "DOUBLE", "REAL"),
    "status": ("TEXT", "VARCHAR(20)", "TEXT"), "email": ("TEXT", "VARCHAR(80)", "TEXT"),
    "city": ("TEXT", "VARCHAR(40)", "TEXT"), "day": ("DATE", "DATE", "DATE"),
    "ts": ("TIMESTAMP", "DATETIME(6)", "TIMESTAMP"), "paid": ("BOOLEAN", "BOOLEAN", "BOOLEAN"),
}  # fmt: skip


def frame(rows: int) -> pl.DataFrame:
    """Ten columns of ``rows`` rows, deterministic."""
    i = pl.int_range(0, rows, dtype=pl.Int64)
    days = pl.lit(date(2026, 1, 1)) + pl.duration(days=i % 365)
    return pl.select(
        id=i, qty=(i % 50).cast(pl.Int32), price=(i % 997) * 0.25, discount=(i % 7) * 0.5,
        status=pl.format("s{}", i % 4), email=pl.format("user{}@example.com", i), city=pl.format("city{}", i % 40),
        day=days, ts=pl.lit(datetime(2026, 1, 1)) + pl.duration(seconds=(i % 86_400) * 17), paid=i % 3 == 0,
    )  # fmt: skip


def _create(kind: int, qualified: str) -> str:
    return f"CREATE TABLE {qualified} ({', '.join(f'{n} {t[kind]}' for n, t in COLUMNS.items())})"


def load_postgres(df: pl.DataFrame, schema: str) -> None:
    import psycopg

    with psycopg.connect(PG.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(_create(0, f"{schema}.t"))
        buffer = io.BytesIO()
        df.write_csv(buffer, include_header=False)
        with conn.cursor() as cur, cur.copy(f"COPY {schema}.t FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        conn.execute(f"ANALYZE {schema}.t")


def load_mariadb(df: pl.DataFrame, database: str) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {database}")
            cur.execute(_create(1, f"{database}.t"))
            marks = ", ".join(["%s"] * df.width)
            for start in range(0, df.height, 20_000):
                cur.executemany(f"INSERT INTO {database}.t VALUES ({marks})", df.slice(start, 20_000).rows())
    finally:
        conn.close()


def load_sqlite(df: pl.DataFrame, path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(_create(2, "t"))
    rows = [tuple(v.isoformat() if isinstance(v, (date, datetime)) else v for v in r) for r in df.rows()]
    conn.executemany(f"INSERT INTO t VALUES ({', '.join(['?'] * df.width)})", rows)
    conn.commit()
    conn.close()


def drop(schema: str) -> None:
    import psycopg
    import pymysql

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    maria = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
    try:
        with maria.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {schema}")
    finally:
        maria.close()


def readers(schema: str, sqlite: Path) -> dict[str, Callable[[], pl.DataFrame]]:
    """Each (library, database) pair there is a driver for: a function reading the whole table."""
    pg_query, my_query, lite_query = f"SELECT * FROM {schema}.t", f"SELECT * FROM {schema}.t", "SELECT * FROM t"
    lite = f"sqlite://{sqlite}"
    return {
        "postgresql / adbc": lambda: pl.read_database_uri(pg_query, PG, engine="adbc"),
        "postgresql / connectorx": lambda: pl.read_database_uri(pg_query, PG, engine="connectorx"),
        "mariadb / connectorx": lambda: pl.read_database_uri(my_query, MARIA, engine="connectorx"),
        "sqlite / adbc": lambda: pl.read_database_uri(lite_query, f"sqlite:///{sqlite}", engine="adbc"),
        "sqlite / connectorx": lambda: pl.read_database_uri(lite_query, lite, engine="connectorx"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    df = frame(args.rows)
    expected = (df.height, int(df["id"].sum()))
    schema = f"sg_bench_{uuid.uuid4().hex[:8]}"
    times: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}  # this process's CPU seconds (all its threads), not the server's
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Path(tmp) / "bench.db"
        try:
            started = time.perf_counter()
            load_postgres(df, schema)
            load_mariadb(df, schema)
            load_sqlite(df, sqlite)
            print(f"loaded {args.rows} rows x {df.width} columns in {time.perf_counter() - started:.1f} s")
            tools = readers(schema, sqlite)
            names = list(tools)
            for r in range(args.rounds):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    started, cpu = time.perf_counter(), time.process_time()
                    got = tools[name]()
                    times.setdefault(name, []).append(time.perf_counter() - started)
                    cpus.setdefault(name, []).append(time.process_time() - cpu)
                    _check(name, got, expected)
        finally:
            drop(schema)
    print(f"{'database / library':28} {'median s':>9} {'min s':>6} {'CPU s':>6}  rounds (wall s)")
    for name in names:
        t = times[name]
        row = f"{statistics.median(t):9.2f} {min(t):6.2f} {statistics.median(cpus[name]):6.2f}"
        print(f"{name:28} {row}  {' '.join(f'{x:.2f}' for x in t)}")
    return 0


def _check(name: str, got: Any, expected: tuple[int, int]) -> None:
    seen = (got.height, int(got["id"].sum()))
    if seen != expected:
        raise SystemExit(f"{name}: read {seen}, expected {expected}")


if __name__ == "__main__":
    raise SystemExit(main())
