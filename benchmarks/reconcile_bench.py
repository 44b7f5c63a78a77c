"""Reconciling two datasets by key: stewardgate's ``reconcile: keys`` against a plain polars anti-join.

    python benchmarks/reconcile_bench.py --rows 10M --rounds 1

Generates two Parquet files of ``--rows`` rows (``id`` int64, ``amount`` float64) in
``--data-dir`` (default /tmp/sg-bench-reconcile, reused when present): ``here`` lacks
:data:`MISSING` planted ids of ``there`` and holds :data:`EXTRA` ids ``there`` does not have.
Each round runs, each in a FRESH process (order alternating): ``stewardgate run`` of a suite
that reconciles ``here`` with ``there`` by ``id`` (both directions: ``keys.missing`` and
``keys.extra``; ``--no-history``), and a plain polars script doing the same two streaming
anti-joins (distinct keys, counted, the first five in key order). Both must find exactly the
planted keys (exit 1 if not). Reports wall time, CPU time and peak RSS (``wait4``) of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from procs import Measured, last_json_line, run_measured  # noqa: E402

PYTHON = sys.executable
STEWARDGATE = str(Path(PYTHON).parent / "stewardgate")
MISSING = 7
EXTRA = 5
SUITE = """version: 1
dataset: {{name: here, path: {here}}}
stewardship: {{owner: bench@example.com, steward: bench@example.com}}
schema: {{extra_columns: allow}}
reconcile:
  - name: there
    against: {{path: {there}}}
    key: id
    keys: {{missing: true, extra: true}}
"""
POLARS = textwrap.dedent("""
    import json, sys
    import polars as pl
    here = pl.scan_parquet(sys.argv[1]).select("id")
    there = pl.scan_parquet(sys.argv[2]).select("id")
    out = {}
    for name, a, b in (("missing", there, here), ("extra", here, there)):
        gap = a.join(b, on="id", how="anti").unique()
        n, first = pl.collect_all([gap.select(pl.len()), gap.sort("id").head(5)], engine="streaming")
        out[name] = [int(n.item()), [str(v) for v in first["id"]]]
    print(json.dumps(out))
""")


def rows_arg(text: str) -> int:
    text = text.upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * scale)


def generate(rows: int, folder: Path, seed: int = 21) -> dict[str, list[int]]:
    """The two files and the planted truth (missing and extra ids, sorted)."""
    rng = np.random.default_rng(seed)
    missing = sorted(int(i) for i in rng.choice(rows, MISSING, replace=False))
    extra = [rows + 10 + i for i in range(EXTRA)]
    truth = {"missing": missing, "extra": extra}
    here, there = folder / f"here-{rows}.parquet", folder / f"there-{rows}.parquet"
    if not (here.exists() and there.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        ids = rng.permutation(rows).astype(np.int64)
        amount = rng.random(rows) * 100
        there_frame = pl.DataFrame({"id": ids, "amount": amount})
        there_frame.write_parquet(there, row_group_size=1_000_000)
        kept = there_frame.filter(~pl.col("id").is_in(missing))
        added = pl.DataFrame({"id": np.array(extra, dtype=np.int64), "amount": np.ones(EXTRA)})
        pl.concat([kept, added]).write_parquet(here, row_group_size=1_000_000)
    return truth


def run_stewardgate(folder: Path, rows: int, env: dict[str, str]) -> tuple[Measured, dict[str, list]]:
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp) / "suite.yml"
        suite.write_text(SUITE.format(here=folder / f"here-{rows}.parquet", there=folder / f"there-{rows}.parquet"))
        report = Path(tmp) / "run.json"
        m = run_measured([STEWARDGATE, "run", str(suite), "--no-history", "--json", str(report), "-q"], cwd=Path(tmp),
                         env=env)  # fmt: skip
        found: dict[str, list] = {}
        if report.exists():
            for r in json.loads(report.read_text())["datasets"][0]["results"]:
                for name in ("missing", "extra"):
                    if r["check_id"] == f"here.reconcile.there.keys.{name}":
                        found[name] = [r["failing_count"], list(r["samples"])]
    return m, found


def run_polars(folder: Path, rows: int, env: dict[str, str]) -> tuple[Measured, dict[str, list]]:
    m = run_measured([PYTHON, "-c", POLARS, str(folder / f"here-{rows}.parquet"), str(folder / f"there-{rows}.parquet")],
                     cwd=folder, env=env)  # fmt: skip
    line = last_json_line(m.stdout)
    return m, json.loads(line) if line else {}


def expected(truth: dict[str, list[int]]) -> dict[str, list]:
    return {k: [len(v), [str(i) for i in v[:5]]] for k, v in truth.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="10M")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "sg-bench-reconcile")
    args = ap.parse_args()
    rows = rows_arg(args.rows)
    truth = expected(generate(rows, args.data_dir))
    env = dict(os.environ)
    runs: dict[str, list[Measured]] = {"stewardgate": [], "polars anti-join": []}
    ok = True
    tools = [("stewardgate", run_stewardgate), ("polars anti-join", run_polars)]
    for r in range(args.rounds):
        for name, tool in tools[r % 2 :] + tools[: r % 2]:
            m, found = tool(args.data_dir, rows, env)
            right = found == truth
            ok &= right
            runs[name].append(m)
            print(f"round {r + 1} {name}: {m.wall_s:.2f} s ({m.cpu_s:.2f} s CPU), {m.max_rss_kib / 1024:.0f} MiB, exit {m.exit_code}, "
                  f"planted truth {'found' if right else f'NOT found: {found} != {truth}'}", file=sys.stderr)  # fmt: skip
    load = os.getloadavg()
    print(f"\n{rows:,} rows a side, {MISSING} planted missing and {EXTRA} extra keys; load average {load[0]:.1f} "
          f"(1 min), {os.cpu_count()} CPUs; medians of {args.rounds} round(s)\n")  # fmt: skip
    print("| tool | wall s | CPU s | peak RSS MiB | found the planted keys |\n|---|---:|---:|---:|---|")
    base = statistics.median(m.wall_s for m in runs["polars anti-join"])
    base_cpu = statistics.median(m.cpu_s for m in runs["polars anti-join"])
    for name, ms in runs.items():
        wall, cpu = statistics.median(m.wall_s for m in ms), statistics.median(m.cpu_s for m in ms)
        rss = statistics.median(m.max_rss_kib for m in ms) / 1024
        print(
            f"| {name} | {wall:.2f} ({wall / base:.2f}x) | {cpu:.2f} ({cpu / base_cpu:.2f}x) | {rss:.0f} | "
            f"{'yes' if ok else 'NO'} |"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
