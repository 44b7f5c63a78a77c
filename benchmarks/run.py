"""Benchmark stewardgate against the physical limit (and a pandera baseline) on the orders data.

    python benchmarks/run.py --rows 1M --rounds 3
    python benchmarks/run.py --rows 1M,10M,50M --rounds 3 --tools limit,limit-streaming,stewardgate

For each size: generate the data if it is not cached (``--data-dir``, default /tmp/sg-bench),
then run every tool in a FRESH process per measurement, rounds interleaved (round 1: every tool,
round 2: every tool, ...; the tool order rotates by one each round). Per run it records wall time
(total, from the runner), ``t_after_import`` (printed by the tool: from just after its imports to
the end of its work), peak RSS (``wait4``, that process only) and whether the tool's figures
match the planted truth. Then the start-up comparison: ``python -c "import polars"``,
``python -c "import stewardgate.cli"``, ``stewardgate --version``.

Writes ``<out>/bench-<time>.json`` (every raw measurement, machine and versions) and
``<out>/bench-<time>.md`` (medians, ratios to ``limit-streaming`` of the same run), copies both
to ``latest.*``, and prints the Markdown. Exit 1 when any tool's figures do not match the truth.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import figures
import orders_spec as spec
import report
from procs import Measured, byte_compile, child_env, last_json_line, run_measured

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
TOOLS = ("limit", "limit-streaming", "limit-profile", "stewardgate", "stewardgate-gate", "stewardgate-core", "pandera")
SPARK = "stewardgate-spark"  # the full suite with --engine spark on local[2]; only when asked for
GATE = "stewardgate-gate"  # the full suite with --no-history: the checks alone, no profile
PROFILE_LIMITS = ("limit-profile", "limit-profile-streaming")
PROFILED = ("stewardgate", "stewardgate-core")  # runs with a store: their run records hold the profile (the same one)
KNOWN = (*TOOLS, "limit-profile-streaming", SPARK)
EXIT_CODES = {
    "stewardgate": 1,
    "stewardgate-core": 1,
    GATE: 1,
    SPARK: 1,
}  # planted defects fail the gate; others exit 0
STEWARDGATE = str(Path(PYTHON).parent / "stewardgate")
STARTUP = {
    "python -c 'import polars'": [PYTHON, "-c", "import polars"],
    "python -c 'import stewardgate.cli'": [PYTHON, "-c", "import stewardgate.cli"],
    "stewardgate --version": [STEWARDGATE, "--version"],
    "stewardgate validate suite.yml": [STEWARDGATE, "validate", "suite.yml"],  # the 15-check suite, no data read
    "python -c 'import pandera.polars'": [PYTHON, "-c", "import pandera.polars"],
}


def dataset(rows: int, seed: int, data_dir: Path, fmt: str = "parquet") -> tuple[Path, dict[str, Any]]:
    """The cached data file and its truth, generated first when missing or out of date.

    ``fmt="csv"``: the same data written once as ``orders.csv`` next to the Parquet file.
    """
    folder = data_dir / f"orders-{spec.rows_label(rows)}-s{seed}"
    truth_file, data = folder / spec.TRUTH_FILE, folder / spec.DATA_FILE
    fresh = not _current(truth_file) or not data.exists()
    if fresh:
        print(f"generating {rows:,} rows into {folder} ...", file=sys.stderr, flush=True)
        argv = [PYTHON, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(folder), "--seed", str(seed)]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)  # own process: keeps the runner small
    if fmt == "csv":
        text = folder / spec.CSV_FILE
        if fresh or not text.exists():
            write = "import polars as pl, sys; pl.read_parquet(sys.argv[1]).write_csv(sys.argv[2] + '.tmp')"
            subprocess.run([PYTHON, "-c", write, str(data), str(text)], check=True)
            os.replace(f"{text}.tmp", text)
        data = text
    return data, json.loads(truth_file.read_text())


def _current(truth_file: Path) -> bool:
    if not truth_file.exists():
        return False
    return json.loads(truth_file.read_text()).get("generator_version") == spec.GENERATOR_VERSION


def fill_suite(template: Path, data: Path, rows: int, dest: Path) -> Path:
    """The suite template with the data path and the row-count bounds filled in."""
    slack = spec.ROW_COUNT_SLACK
    text = (
        template.read_text()
        .replace("@DATA_PATH@", str(data))
        .replace("@ROW_COUNT_MIN@", str(int(rows * (1 - slack))))
        .replace("@ROW_COUNT_MAX@", str(int(rows * (1 + slack)) + 1))
    )
    dest.write_text(text)
    return dest


def tool_argv(tool: str, data: Path, rows: int, work: Path, sg_args: list[str]) -> list[str]:
    """The command line of one measurement; ``work`` is a fresh folder of its own."""
    if tool in ("limit", "limit-streaming"):
        return [
            PYTHON,
            str(HERE / "limit.py"),
            "--data",
            str(data),
            *(["--streaming"] if tool == "limit-streaming" else []),
        ]
    if tool in PROFILE_LIMITS:
        streaming = ["--streaming"] if tool == "limit-profile-streaming" else []
        return [PYTHON, str(HERE / "limit_profile.py"), "--data", str(data), *streaming]
    if tool == "pandera":
        return [PYTHON, str(HERE / "pandera_baseline.py"), "--data", str(data)]
    if tool in ("stewardgate", "stewardgate-core", GATE, SPARK):
        template = HERE / ("suite_core.yml" if tool == "stewardgate-core" else "suite.yml")
        suite = fill_suite(template, data, rows, work / "orders.yml")
        # the history store in the run's own folder: every measurement starts from an empty store
        store = ["--store", f"sqlite:///{work / 'history.db'}"]
        store = ["--no-history"] if tool == GATE else [] if "--no-history" in sg_args else store
        run = ["run", str(suite), "--json", str(work / "run.json"), "--quiet", *store, *sg_args]
        if tool == SPARK:
            run += ["--engine", "spark", "--spark-master", "local[2]", "--spark-conf", "spark.driver.memory=8g"]
        return [PYTHON, str(HERE / "sg_timed.py"), "--tool", tool, "--", *run]
    raise SystemExit(f"unknown tool {tool!r}; known: {', '.join(KNOWN)}")


def measure_tool(tool: str, data: Path, rows: int, exp: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """One fresh-process run of ``tool``: timings, RSS, and its figures checked against ``exp``."""
    work = Path(tempfile.mkdtemp(prefix=f"{tool}-", dir=args.work_dir))
    try:
        m = run_measured(
            tool_argv(tool, data, rows, work, args.sg_args), cwd=work, env=child_env(), timeout=args.timeout
        )
        row = _row(tool, m)
        problems = _problems(tool, m, work, exp, row)
        completed = not m.timed_out and m.exit_code == EXIT_CODES.get(tool, 0)
        row.update(completed=completed, counts_match=not problems, problems=problems)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _row(tool: str, m: Measured) -> dict[str, Any]:
    line = last_json_line(m.stdout)
    printed = json.loads(line) if line else {}
    return {
        "tool": tool, "wall_s": m.wall_s, "cpu_s": m.cpu_s, "t_after_import_s": printed.get("t_after_import"),
        "t_import_s": printed.get("t_import"), "max_rss_kib": m.max_rss_kib, "exit_code": m.exit_code,
        "timed_out": m.timed_out, "figures": printed.get("counts"),
        "imported_during_run": printed.get("imported_during_run"),
        "stderr_tail": m.stderr.strip().splitlines()[-5:],
    }  # fmt: skip


def _problems(tool: str, m: Measured, work: Path, exp: dict[str, Any], row: dict[str, Any]) -> list[str]:
    if m.timed_out:
        return ["timed out"]
    problems = []
    if m.exit_code != EXIT_CODES.get(tool, 0):
        last = (m.stderr.strip().splitlines() or [""])[-1][:200]
        problems.append(f"exit code {m.exit_code}, want {EXIT_CODES.get(tool, 0)}" + (f" ({last})" if last else ""))
    if tool.startswith("stewardgate"):
        record = work / "run.json"
        if not record.exists():
            return [*problems, "no run record written"]
        got, extra = figures.from_stewardgate(record, exp, full=tool != "stewardgate-core")
        row["figures"] = got
        row["profile"] = figures.stored_profile(record)
        return [*problems, *extra, *figures.compare(tool, got, exp)]
    if row["figures"] is None:
        return [*problems, "no JSON line on stdout"]
    if tool in PROFILE_LIMITS:
        row["profile"] = json.loads(last_json_line(m.stdout) or "{}").get("profile")
    return [*problems, *figures.compare(tool, row["figures"], exp)]


def bench_size(rows: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    """All rounds for one size, tools interleaved; raw rows with size and round."""
    data, truth = dataset(rows, args.seed, args.data_dir, args.format)
    exp = figures.expected(truth)
    _warm(data)
    rows_out = []
    for rnd in range(args.rounds):
        order = args.tools[rnd % len(args.tools) :] + args.tools[: rnd % len(args.tools)]
        for tool in order:
            load1 = os.getloadavg()[0]
            row = measure_tool(tool, data, rows, exp, args) | {"rows": rows, "round": rnd + 1, "load1_before": load1}
            rows_out.append(row)
            _progress(row)
    _compare_profiles(rows_out)
    return rows_out


def _compare_profiles(rows: list[dict[str, Any]]) -> None:
    """Every profile limit's profile must equal the profile stewardgate stored in the same run
    (the core suite's and the full suite's are the same: both have the one ``unique`` column)."""
    stored = next((r["profile"] for r in rows if r["tool"] in PROFILED and r.get("profile")), None)
    for row in rows:
        if row["tool"] in PROFILE_LIMITS:
            problems = (
                ["no stewardgate profile to compare with"]
                if stored is None
                else figures.compare_profiles(row.get("profile"), stored)
            )
            row["problems"] += problems
            row["counts_match"] = row["counts_match"] and not problems
            if problems:
                print(f"  {row['tool']} r{row['round']} profile MISMATCH: {'; '.join(problems[:4])}", file=sys.stderr)


def bench_startup(rounds: int, data: Path, rows: int, work_dir: Path) -> list[dict[str, Any]]:
    """Import and start-up: each command in a fresh process, rounds interleaved."""
    out = []
    work = Path(tempfile.mkdtemp(prefix="startup-", dir=work_dir))
    try:
        fill_suite(HERE / "suite.yml", data, rows, work / "suite.yml")
        for rnd in range(rounds):
            for name, argv in STARTUP.items():
                m = run_measured(argv, cwd=work, env=child_env())
                out.append(
                    {
                        "command": name,
                        "round": rnd + 1,
                        "wall_s": m.wall_s,
                        "max_rss_kib": m.max_rss_kib,
                        "exit_code": m.exit_code,
                    }
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _warm(data: Path) -> None:
    """Read the file once so every tool, the first included, finds it in the page cache."""
    buffer = bytearray(1 << 20)  # small: the runner's own peak RSS is the floor of every child's
    with data.open("rb", buffering=0) as fh:
        while fh.readinto(buffer):
            pass


def _progress(row: dict[str, Any]) -> None:
    tai = row["t_after_import_s"]
    status = "ok" if row["counts_match"] else "MISMATCH: " + "; ".join(row["problems"][:4])
    print(
        f"{spec.rows_label(row['rows']):>5} r{row['round']} {row['tool']:<17} wall {row['wall_s']:7.2f}s  "
        f"after import {tai if tai is None else f'{tai:7.2f}s'}  rss {row['max_rss_kib'] / 1024:7.0f} MiB  {status}",
        file=sys.stderr, flush=True,
    )  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", default="1M", help="comma-separated sizes, e.g. 1M,10M,50M or 20k")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, from: {', '.join(KNOWN)}")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/sg-bench"), help="data cache")
    p.add_argument("--out", type=Path, default=HERE / "results", help="where the .md and .json go")
    p.add_argument("--startup-rounds", type=int, default=10, help="0 skips the start-up comparison")
    p.add_argument("--timeout", type=float, default=None, help="seconds per measurement")
    p.add_argument(
        "--format",
        choices=("parquet", "csv"),
        default="parquet",
        help="csv: the same data as one CSV file, read as CSV by every tool (not pandera)",
    )
    p.add_argument(
        "--sg-arg",
        dest="sg_args",
        action="append",
        default=[],
        help="extra argument for `stewardgate run` (repeatable)",
    )
    args = p.parse_args(argv)
    args.sizes = [spec.parse_rows(s) for s in args.rows.split(",")]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = sorted(set(args.tools) - set(KNOWN))
    if unknown:
        p.error(f"unknown tools: {', '.join(unknown)} (known: {', '.join(KNOWN)})")
    if args.format == "csv" and "pandera" in args.tools:
        p.error("the pandera baseline reads Parquet only: leave it out of --tools with --format csv")
    if set(PROFILE_LIMITS) & set(args.tools) and not set(PROFILED) & set(args.tools):
        p.error("a profile limit's profile is checked against stewardgate's: add stewardgate to --tools")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    args.work_dir = args.data_dir / "runs"
    args.work_dir.mkdir(exist_ok=True)
    started = datetime.now(UTC)
    machine = report.machine()
    byte_compile()
    runs = [row for rows in args.sizes for row in bench_size(rows, args)]
    first, _ = dataset(args.sizes[0], args.seed, args.data_dir, args.format)
    startup = bench_startup(args.startup_rounds, first, args.sizes[0], args.work_dir)
    raw = {
        "started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
        "machine": machine, "load_at_end": report.loadavg(), "argv": sys.argv[1:],
        "rounds": args.rounds, "seed": args.seed, "format": args.format, "tools": args.tools, "runs": runs, "startup": startup,
        # a child's peak RSS includes the runner's own peak (vfork + exec), so this is the floor
        "runner_max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }  # fmt: skip
    markdown = report.markdown(raw)
    report.write(args.out, started, raw, markdown)
    print(markdown)
    return 0 if all(r["counts_match"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
