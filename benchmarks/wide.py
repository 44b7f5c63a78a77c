"""The wide-table benchmark: how a run's cost grows with the number of columns.

    python benchmarks/wide.py --columns 50,200,500,1000 --rows 100000 --rounds 3

For each width: a table of that many columns (``wide_data.py``: floats, integers, low-cardinality
integers and texts, planted nulls) with one not-null rule per column, generated once into
``--data-dir``; then, in fresh processes with rounds interleaved, the limits (``wide_limit.py``:
the null counts alone, and every figure of the default profile too), a profiled stewardgate
run (with a history store of its own, as a nightly run) and the gate run (``--no-history``).
Every run's figures are checked: the null counts against the planted ones (and every not-null
result's status), the profile limit's profile against the one stewardgate stored. Writes
``<out>/wide-<time>.md`` and ``.json`` (copied to ``wide-latest.*``) and prints the table;
exit 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import figures
import report
from procs import byte_compile, child_env, last_json_line, run_measured

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
TOOLS = ("wide-limit", "wide-limit-profile", "stewardgate", "stewardgate-gate")
BASE = {"stewardgate": "wide-limit-profile", "stewardgate-gate": "wide-limit"}  # each run against its own limit


def table(columns: int, rows: int, data_dir: Path) -> tuple[Path, dict[str, Any]]:
    folder = data_dir / f"wide-{columns}x{rows}"
    truth = folder / "truth.json"
    if not truth.exists() or json.loads(truth.read_text()).get("generator_version") != 1:
        print(f"generating {columns} columns x {rows:,} rows into {folder} ...", file=sys.stderr, flush=True)
        argv = [
            PYTHON,
            str(HERE / "wide_data.py"),
            "--columns",
            str(columns),
            "--rows",
            str(rows),
            "--out",
            str(folder),
        ]
        subprocess.run(argv, check=True)
    return folder, json.loads(truth.read_text())


def argv_for(tool: str, folder: Path, work: Path) -> list[str]:
    data = folder / "wide.parquet"
    if tool.startswith("wide-limit"):
        return [
            PYTHON,
            str(HERE / "wide_limit.py"),
            "--data",
            str(data),
            *(["--profile"] if tool == "wide-limit-profile" else []),
        ]
    suite = work / "wide.yml"
    suite.write_text((folder / "wide.yml").read_text().replace("path: wide.parquet", f"path: {data}"))
    store = ["--no-history"] if tool == "stewardgate-gate" else ["--store", f"sqlite:///{work / 'history.db'}"]
    return [
        PYTHON,
        str(HERE / "sg_timed.py"),
        "--tool",
        tool,
        "--",
        "run",
        str(suite),
        "--json",
        str(work / "run.json"),
        "--quiet",
        *store,
    ]


def measure(tool: str, folder: Path, truth: dict[str, Any], work_dir: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"{tool}-", dir=work_dir))
    try:
        m = run_measured(argv_for(tool, folder, work), cwd=work, env=child_env())
        printed = json.loads(last_json_line(m.stdout) or "{}")
        row = {"tool": tool, "columns": truth["columns"], "wall_s": m.wall_s, "cpu_s": m.cpu_s, "t_after_import_s": printed.get("t_after_import"),
               "max_rss_kib": m.max_rss_kib, "exit_code": m.exit_code, "profile": printed.get("profile")}  # fmt: skip
        problems = []
        if m.exit_code != (1 if tool.startswith("stewardgate") else 0):
            problems.append(f"exit code {m.exit_code}: {(m.stderr.strip().splitlines() or [''])[-1][:200]}")
        elif tool.startswith("stewardgate"):
            problems += _sg_problems(work / "run.json", truth, row)
        elif printed.get("nulls") != truth["nulls"]:
            problems.append("null counts differ from the planted ones")
        row.update(problems=problems, counts_match=not problems, completed=not problems or m.exit_code in (0, 1))
        if work.joinpath("history.db").exists():
            row["store_bytes"] = work.joinpath("history.db").stat().st_size
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sg_problems(record: Path, truth: dict[str, Any], row: dict[str, Any]) -> list[str]:
    (run,) = json.loads(record.read_text())["datasets"]
    row["profile"] = run.get("profile") if row["tool"] == "stewardgate" else None
    problems = []
    by_id = {r["check_id"]: r for r in run["results"]}
    for column, nulls in truth["nulls"].items():
        result = by_id.get(f"wide.columns.{column}.nullable")
        if (
            result is None
            or result.get("failing_count") != nulls
            or result["status"] != ("failed" if nulls else "passed")
        ):
            problems.append(
                f"{column}: not-null result {result and (result['status'], result.get('failing_count'))}, want {nulls}"
            )
        if by_id.get(f"wide.columns.{column}.required", {}).get("status") != "passed":
            problems.append(f"{column}: required did not pass")
    return problems[:5]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--columns", default="50,200,500,1000")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/sg-bench"))
    p.add_argument("--out", type=Path, default=HERE / "results")
    args = p.parse_args(argv)
    widths = [int(c) for c in args.columns.split(",")]
    work_dir = args.data_dir / "runs"
    work_dir.mkdir(parents=True, exist_ok=True)
    started, machine = datetime.now(UTC), report.machine()
    byte_compile()
    runs = []
    for columns in widths:
        folder, truth = table(columns, args.rows, args.data_dir)
        mine = []
        for rnd in range(args.rounds):
            for tool in TOOLS[rnd % len(TOOLS) :] + TOOLS[: rnd % len(TOOLS)]:
                row = measure(tool, folder, truth, work_dir) | {"round": rnd + 1, "load1_before": os.getloadavg()[0]}
                mine.append(row)
                status = "ok" if row["counts_match"] else "MISMATCH: " + "; ".join(row["problems"][:3])
                print(f"{columns:>5} cols r{rnd + 1} {tool:<19} wall {row['wall_s']:6.2f}s after import "
                      f"{row['t_after_import_s'] or 0:6.2f}s {status}", file=sys.stderr, flush=True)  # fmt: skip
        _check_profiles(mine)
        runs += mine
    raw = {"started_at": started.isoformat(), "machine": machine, "load_at_end": report.loadavg(), "rows": args.rows,
           "rounds": args.rounds, "runs": [{k: v for k, v in r.items() if k != "profile"} for r in runs]}  # fmt: skip
    text = markdown(raw, widths)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"wide-{started.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    stem.with_suffix(".md").write_text(text + "\n")
    for suffix in (".json", ".md"):
        shutil.copyfile(stem.with_suffix(suffix), args.out / f"wide-latest{suffix}")
    print(text)
    return 0 if all(r["counts_match"] for r in runs) else 1


def _check_profiles(rows: list[dict[str, Any]]) -> None:
    stored = next((r["profile"] for r in rows if r["tool"] == "stewardgate" and r.get("profile")), None)
    for row in rows:
        if row["tool"] == "wide-limit-profile":
            problems = figures.compare_profiles(row.get("profile"), stored) if stored else ["no stewardgate profile"]
            row["problems"] += problems[:5]
            row["counts_match"] = row["counts_match"] and not problems


def markdown(raw: dict[str, Any], widths: list[int]) -> str:
    med = report._median  # noqa: SLF001 - the same median as the main benchmark's tables
    m = raw["machine"]
    lines = [
        f"Measured {raw['started_at'][:16].replace('T', ' ')} UTC on {m['cores']} cores ({m['cpu']}); git {m['git']}; "
        f"load average at start {m['load_at_start']}, at end {raw['load_at_end']}. {raw['rows']:,} rows, "
        f"median of {raw['rounds']} rounds; time after import in seconds (wall total in brackets).",
        "",
        "| columns | " + " | ".join(TOOLS) + " | profiled ÷ profile limit | gate ÷ checks limit | the same in CPU time | store bytes / column | figures = truth |",
        "|---:|" + "---:|" * len(TOOLS) + "---:|---:|---:|---:|---|",
    ]  # fmt: skip
    for columns in widths:
        mine = [r for r in raw["runs"] if r["columns"] == columns]
        after = {t: med([r["t_after_import_s"] for r in mine if r["tool"] == t]) for t in TOOLS}
        wall = {t: med([r["wall_s"] for r in mine if r["tool"] == t]) for t in TOOLS}
        cpu = {t: med([r.get("cpu_s") for r in mine if r["tool"] == t]) for t in TOOLS}
        ratios = [after[t] / after[BASE[t]] if after[t] and after[BASE[t]] else None for t in BASE]
        ratios += [cpu[t] / cpu[BASE[t]] if cpu[t] and cpu[BASE[t]] else None for t in BASE]
        store = med([r.get("store_bytes") for r in mine if r["tool"] == "stewardgate"])
        ok = all(r["counts_match"] for r in mine)
        cells = [f"{report._num(after[t], '.2f')} ({report._num(wall[t], '.2f')})" for t in TOOLS]  # noqa: SLF001
        shown = [report._num(x, ".2f", "x") for x in ratios]  # noqa: SLF001
        lines.append(f"| {columns:,} | " + " | ".join(cells) + f" | {shown[0]} | {shown[1]} | {shown[2]}, {shown[3]} | "
                     + f"{report._num(store / columns if store else None, ',.0f')} | {'yes' if ok else '**no**'} |")  # fmt: skip
    notes = [
        f"- `{r['tool']}` ({r['columns']} columns, round {r['round']}): {p}" for r in raw["runs"] for p in r["problems"]
    ]
    return "\n".join([*lines, "", *(["Mismatches:", "", *notes, ""] if notes else [])])


if __name__ == "__main__":
    sys.exit(main())
