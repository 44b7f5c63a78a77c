"""``run --parallel N`` against serial on many datasets (issue 23, item 5).

Writes ``--datasets`` small suites (``--rows`` rows each, a few rules) or a few large ones, then
times ``stewardgate run`` over all of them serially and with ``--parallel N``, whole processes,
in interleaved rounds (serial, parallel, serial, ...), medians, and the parallel/serial ratio
measured in the same run. Also ``backfill`` over ``--nights`` nights (one pool for the whole
backfill). Each run's verdicts are checked: every dataset must pass (the planted truth: the data
meets its rules), or the benchmark exits 1.

    .venv/bin/python benchmarks/parallel_bench.py --datasets 100 --rows 1000 --rounds 3
    .venv/bin/python benchmarks/parallel_bench.py --datasets 1000 --rows 1000 --rounds 1
    .venv/bin/python benchmarks/parallel_bench.py --datasets 4 --rows 2M --rounds 3
    .venv/bin/python benchmarks/parallel_bench.py --datasets 20 --rows 1000 --nights 5 --rounds 3 --backfill
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from procs import byte_compile, child_env, run_measured  # noqa: E402


def _count(text: str) -> int:
    text = text.lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * scale)


def make_suites(folder: Path, datasets: int, rows: int) -> Path:
    """``datasets`` suites in ``folder/suites``, each on its own Parquet file that meets its rules."""
    suites = folder / "suites"
    if (folder / "done").exists():
        return suites
    suites.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame({"id": pl.int_range(0, rows, eager=True), "amount": pl.int_range(0, rows, eager=True) % 997 * 1.5,
                          "status": pl.Series(["placed", "shipped"] * (rows // 2) + ["placed"] * (rows % 2))})  # fmt: skip
    for i in range(datasets):
        name = f"d{i:04d}"
        frame.write_parquet(suites / f"{name}.parquet")
        (suites / f"{name}.yml").write_text(
            f"version: 1\ndataset: {{name: {name}, path: {name}.parquet}}\n"
            "stewardship: {owner: a@example.com, steward: b@example.com}\n"
            "columns:\n  id: {type: int64, nullable: false, unique: true}\n  amount: {min: 0}\n"
            "  status: {in_set: [placed, shipped]}\n",
            encoding="utf-8",
        )
    (folder / "done").write_text("", encoding="utf-8")
    return suites


SRC = [HERE.parent / "src"]  # --src: measure another checkout's stewardgate


def _env() -> dict[str, str]:
    return child_env(drop=("STEWARDGATE_",), PYTHONPATH=str(SRC[0]))


def timed(argv: list[str], cwd: Path, datasets: int) -> float:
    measured = run_measured([sys.executable, "-m", "stewardgate", *argv], cwd=cwd, env=_env(), timeout=3600)
    passed = measured.stdout.count("-> gate PASSED")
    if measured.exit_code != 0 or passed != datasets:
        raise SystemExit(
            f"{' '.join(argv)}: exit {measured.exit_code}, {passed} of {datasets} datasets passed\n{measured.stderr[-2000:]}"
        )
    return measured.wall_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--rows", default="1000")
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backfill", action="store_true", help="time backfill over --nights nights instead of run")
    parser.add_argument("--nights", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sg-parallel-bench"))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--src", type=Path, default=SRC[0], help="the stewardgate sources to run (default: this checkout's)"
    )
    args = parser.parse_args()
    SRC[0] = args.src
    byte_compile(src=SRC[0])
    rows = _count(args.rows)
    folder = args.work / f"{args.datasets}x{rows}"
    make_suites(folder, args.datasets, rows)
    load = [Path("/proc/loadavg").read_text().split()[:3]]
    if args.backfill:
        base = ["backfill", "suites", "--from", "2026-01-01", "--to", f"2026-01-{args.nights:02d}"]
        expected = args.datasets * args.nights
    else:
        base = ["run", "suites", "--as-of", "2026-01-01", "--no-history", "--quiet"]
        expected = args.datasets
    modes = {"serial": base, f"parallel {args.parallel}": [*base, "--parallel", str(args.parallel)]}
    times: dict[str, list[float]] = {m: [] for m in modes}
    for _ in range(args.rounds):
        for mode, argv in modes.items():
            store = folder / "history.db"
            for leftover in folder.glob("history.db*"):
                leftover.unlink()
            extra = ["--store", f"sqlite:///{store}"] if args.backfill else []
            times[mode].append(
                timed([*argv, *extra], folder, expected)
                if not args.backfill
                else _backfill(argv + extra, folder, expected)
            )
    load.append(Path("/proc/loadavg").read_text().split()[:3])
    medians = {m: statistics.median(t) for m, t in times.items()}
    serial = medians["serial"]
    what = f"backfill of {args.nights} nights x " if args.backfill else ""
    print(f"{what}{args.datasets} datasets x {rows:,} rows, {args.rounds} interleaved rounds, medians:")
    for mode, value in medians.items():
        print(
            f"  {mode:<12} {value:7.2f} s  ({value / serial:.2f}x serial)  rounds: {', '.join(f'{t:.2f}' for t in times[mode])}"
        )
    print(f"load average before {' '.join(load[0])}, after {' '.join(load[1])}")
    if args.json is not None:
        args.json.write_text(json.dumps({"args": vars(args) | {"work": str(args.work), "json": str(args.json), "src": str(args.src)},
                                         "times": times, "medians": medians, "load": load}, indent=2), encoding="utf-8")  # fmt: skip
    return 0


def _backfill(argv: list[str], cwd: Path, nights: int) -> float:
    measured = run_measured(
        [sys.executable, "-m", "stewardgate", *argv, "--format", "json"], cwd=cwd, env=_env(), timeout=3600
    )
    if measured.exit_code != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {measured.exit_code}\n{measured.stderr[-2000:]}")
    done = json.loads(measured.stdout)
    if len(done["nights"]) != nights or done["failed"]:
        raise SystemExit(
            f"{' '.join(argv)}: {len(done['nights'])} nights, {done['failed']} failed; expected {nights}, 0"
        )
    return measured.wall_s


if __name__ == "__main__":
    raise SystemExit(main())
