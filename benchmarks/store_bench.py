"""The history store's size and a run's cost as history grows (issue 23, item 4).

Generates a wide table (``--columns`` columns, ``--rows`` rows, Parquet) with one not-null rule
per column, runs ``stewardgate run`` on it for ``--runs`` consecutive days into a fresh SQLite
store, and prints the bytes the store holds per run and per column, table by table (SQLite's
``dbstat``: the pages each table and index uses). Then, optionally (``--growth 1,100,1000``),
the time of one more run against stores that already hold that many runs of the dataset (the
stores are grown by copying stored runs, which is what the runs themselves would write), in
interleaved rounds, medians, with their ratio to the smallest.

    .venv/bin/python benchmarks/store_bench.py --columns 500 --rows 100k --runs 3
    .venv/bin/python benchmarks/store_bench.py --columns 50 --rows 100k --runs 2 --growth 1,100,1000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from procs import byte_compile, child_env, run_measured  # noqa: E402

START = date(2026, 1, 1)


def _count(text: str) -> int:
    text = text.lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def make_data(folder: Path, columns: int, rows: int, *, anomalies: bool = False) -> Path:
    """``columns`` int64 columns, one not-null rule per column (``anomalies``: and anomaly rules
    on the row count and every column's null fraction, so that a run reads its history)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"wide-{columns}x{rows}.parquet"
    if not data.exists():
        frame = pl.DataFrame({f"c{i:04d}": pl.int_range(0, rows, eager=True) * (i + 1) % 9973 for i in range(columns)})
        frame.write_parquet(data)
    lines = [
        "version: 1",
        f"dataset: {{name: wide, path: {data.name}}}",
        "stewardship: {owner: a@example.com, steward: b@example.com}",
        "columns:",
        *(f"  c{i:04d}: {{nullable: false}}" for i in range(columns)),
    ]
    if anomalies:
        lines += ["anomalies:", "  - {metric: row_count}",
                  f"  - {{metric: null_fraction, columns: [{', '.join(f'c{i:04d}' for i in range(columns))}]}}"]  # fmt: skip
    suite = folder / ("wide-anomalies.yml" if anomalies else "wide.yml")
    suite.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return suite


SRC = [HERE.parent / "src"]  # --src: measure another checkout's stewardgate (e.g. an older store layout)


def _env() -> dict[str, str]:
    return child_env(drop=("STEWARDGATE_",), PYTHONPATH=str(SRC[0]))


def run_once(suite: Path, store: Path, day: date) -> float:
    argv = [sys.executable, "-m", "stewardgate", "run", suite.name, "--as-of", day.isoformat(),
            "--store", f"sqlite:///{store}", "--quiet"]  # fmt: skip
    measured = run_measured(argv, cwd=suite.parent, env=_env(), timeout=600)
    if measured.exit_code not in (0, 1):
        raise SystemExit(f"stewardgate run failed (exit {measured.exit_code}): {measured.stderr[-2000:]}")
    return measured.wall_s


def table_bytes(store: Path) -> dict[str, int]:
    """Bytes of every table and index (SQLite pages in use), by name."""
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute("SELECT name, SUM(pgsize - unused) FROM dbstat GROUP BY name").fetchall()
    return {name: int(size) for name, size in rows}


def size_report(suite: Path, store: Path, runs: int, columns: int) -> dict[str, object]:
    """Bytes per run after a first run (which also writes what every later run shares: the
    metric series' names, the catalog row, the tables themselves)."""
    run_once(suite, store, START - timedelta(days=1))
    before = table_bytes(store)
    for n in range(runs):
        run_once(suite, store, START + timedelta(days=n))
    after = table_bytes(store)
    per_table = {name: (after.get(name, 0) - before.get(name, 0)) / runs for name in after}
    total = sum(per_table.values())
    return {"runs": runs, "columns": columns, "bytes_per_run": total, "bytes_per_column": total / columns,
            "by_table": dict(sorted(per_table.items(), key=lambda kv: -kv[1]))}  # fmt: skip


def grow(store: Path, target: int) -> None:
    """Copy the latest stored run (its row, results, metric values and snapshot) onto earlier
    days until the store holds ``target`` runs of the dataset: the rows those runs would have
    written. (No audit entries: the timed runs append theirs after the head, which is all a run reads.)"""
    conn = sqlite3.connect(store)
    try:
        (have,) = conn.execute("SELECT COUNT(*) FROM sg_runs").fetchone()
        source_ref, source_id = conn.execute("SELECT id, run_id FROM sg_runs ORDER BY id DESC LIMIT 1").fetchone()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(sg_runs)") if r[1] not in ("id", "run_id", "as_of")]
        listed = ", ".join(f'"{c}"' for c in columns)
        for k in range(target - have):
            day, run_id = (START - timedelta(days=k + 1)).isoformat(), f"grown-{k}"
            cursor = conn.execute(f"INSERT INTO sg_runs (run_id, as_of, {listed}) SELECT ?, ?, {listed} FROM sg_runs WHERE id = ?",
                                  (run_id, day, source_ref))  # fmt: skip
            conn.execute(
                'INSERT INTO sg_results (run_id, dataset, check_id, "check", "column", status, severity, engine, observed, expected,'
                ' failing_count, message) SELECT ?, dataset, check_id, "check", "column", status, severity, engine, observed, expected,'
                " failing_count, message FROM sg_results WHERE run_id = ?", (run_id, source_id))  # fmt: skip
            conn.execute("INSERT INTO sg_metric_values (series_id, as_of, run_ref, value, anomalous) "
                         "SELECT series_id, ?, ?, value, anomalous FROM sg_metric_values WHERE run_ref = ?",
                         (day, cursor.lastrowid, source_ref))  # fmt: skip
            conn.execute('INSERT INTO sg_schema_snapshots (run_id, dataset, as_of, "schema", accepted) '
                         'SELECT ?, dataset, ?, "schema", accepted FROM sg_schema_snapshots WHERE run_id = ?', (run_id, day, source_id))  # fmt: skip
        conn.commit()
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=500)
    parser.add_argument("--rows", default="100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--growth", default="", help="comma-separated stored-run counts, e.g. 1,100,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sg-store-bench"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--src", type=Path, default=SRC[0], help="the stewardgate sources to run (default: this checkout's)"
    )
    args = parser.parse_args()
    SRC[0] = args.src
    byte_compile(src=SRC[0])
    rows = _count(args.rows)
    work = args.work / f"{args.columns}x{rows}"
    suite = make_data(work, args.columns, rows)
    store = work / "size.db"
    for leftover in work.glob("*.db*"):
        leftover.unlink()
    report: dict[str, object] = {"loadavg_before": Path("/proc/loadavg").read_text().split()[:3]}
    size = size_report(suite, store, args.runs, args.columns)
    report["size"] = size
    print(f"{args.columns} columns x {rows:,} rows, {args.runs} runs after a first one: "
          f"{size['bytes_per_run']:,.0f} bytes per run, {size['bytes_per_column']:,.0f} bytes per column")  # fmt: skip
    for name, value in size["by_table"].items():  # type: ignore[attr-defined]
        print(f"  {name:40s} {value:>12,.0f} bytes per run")
    if args.growth:
        with_history = make_data(work, args.columns, rows, anomalies=True)
        report["growth"] = growth(with_history, [int(x) for x in args.growth.split(",")], args.rounds, work)
    report["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average before {' '.join(report['loadavg_before'])}, after {' '.join(report['loadavg_after'])}")  # type: ignore[arg-type]
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def growth(suite: Path, counts: list[int], rounds: int, work: Path) -> dict[str, object]:
    """One more run against stores holding ``counts`` runs of the dataset (a first real run,
    copied onto earlier days): interleaved rounds, medians."""
    seed_store = work / "seed.db"
    run_once(suite, seed_store, START - timedelta(days=1))
    stores = {}
    for count in counts:
        stores[count] = work / f"grown-{count}.db"
        shutil.copy(seed_store, stores[count])
        grow(stores[count], count)
    times: dict[int, list[float]] = {c: [] for c in counts}
    for r in range(rounds):
        for count in counts:
            copy = work / f"round-{count}.db"
            shutil.copy(stores[count], copy)
            times[count].append(run_once(suite, copy, START + timedelta(days=400 + r)))
            copy.unlink()
    medians = {c: statistics.median(t) for c, t in times.items()}
    base = medians[counts[0]]
    print(
        f"a run with anomaly rules on the row count and every column's null fraction, against N stored runs ({rounds} interleaved rounds, medians):"
    )
    for count in counts:
        print(f"  {count:>6,} stored runs: {medians[count]:6.2f} s  ({medians[count] / base:.2f}x of {counts[0]})")
    return {"rounds": rounds, "seconds": times, "median": medians, "ratio": {c: medians[c] / base for c in counts}}


if __name__ == "__main__":
    raise SystemExit(main())
