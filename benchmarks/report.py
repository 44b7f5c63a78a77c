"""The benchmark's outputs: the machine it ran on, the Markdown table and the raw JSON file."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import orders_spec as spec

BASELINE = "limit-streaming"
PACKAGES = ("stewardgate", "polars", "pyarrow", "pandera", "great-expectations", "pandas", "numpy")


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory, Python and package versions, git revision, load at start."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")), None
    )
    mem_kib = next((int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), None)
    return {
        "cores": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem_kib / 2**20, 1) if mem_kib else None,
        "python": platform.python_version(), "platform": platform.platform(),
        "packages": {p: _version(p) for p in PACKAGES}, "git": _git(), "load_at_start": loadavg(),
    }  # fmt: skip


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git() -> str | None:
    here = Path(__file__).parent
    try:
        rev = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{rev}{' (uncommitted changes)' if dirty else ''}"


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def summarize(runs: list[dict[str, Any]], rows: int) -> list[dict[str, Any]]:
    """Per tool at ``rows``: medians, ratios to the streaming limit, rounds whose figures matched."""
    tools = list(dict.fromkeys(r["tool"] for r in runs if r["rows"] == rows))
    out = []
    for tool in tools:
        mine = [r for r in runs if r["rows"] == rows and r["tool"] == tool]
        done = [r for r in mine if r["completed"]]  # a crashed or timed-out run has no meaningful time
        out.append({
            "tool": tool, "rounds": len(mine), "completed": len(done),
            "exit_codes": sorted({r["exit_code"] for r in mine if not r["completed"]}),
            "wall_s": _median([r["wall_s"] for r in done]),
            "cpu_s": _median([r.get("cpu_s") for r in done]),
            "t_after_import_s": _median([r["t_after_import_s"] for r in done]),
            "max_rss_mib": _median([r["max_rss_kib"] / 1024 for r in done]),
            "matched": sum(r["counts_match"] for r in mine),
            "problems": sorted({p for r in mine for p in r["problems"]}),
        })  # fmt: skip
    base = next((s for s in out if s["tool"] == BASELINE), None)
    for s in out:
        for key in ("wall_s", "t_after_import_s", "max_rss_mib"):
            s[f"{key}_ratio"] = _ratio(s[key], base[key] if base else None)
    return out


def _ratio(value: float | None, base: float | None) -> float | None:
    return value / base if value is not None and base else None


def _num(value: float | None, fmt: str, unit: str = "") -> str:
    return "–" if value is None else format(value, fmt) + unit


def _rss(mib: float | None, floor_mib: float) -> str:
    """Peak RSS in MiB; at the runner's floor the true value is lower and unknown."""
    if mib is None:
        return "–"
    return f"≤ {floor_mib:.0f}" if mib <= floor_mib + 1 else f"{mib:.0f}"


def markdown(raw: dict[str, Any]) -> str:
    """The README table: one block per size, then the start-up comparison."""
    m = raw["machine"]
    lines = [
        f"Measured {raw['started_at'][:16].replace('T', ' ')} UTC on {m['cores']} cores ({m['cpu']}), "
        f"{m['mem_gib']} GiB RAM, Python {m['python']}, "
        + ", ".join(f"{p} {v}" for p, v in m["packages"].items() if v)
        + f"; git {m['git']}. Load average (1, 5, 15 min) at start {m['load_at_start']}, at end {raw['load_at_end']}. "
        f"Peak RSS floor (the runner's own peak): {raw['runner_max_rss_kib'] / 1024:.0f} MiB.",
        "",
    ]
    floor = raw["runner_max_rss_kib"] / 1024
    for rows in dict.fromkeys(r["rows"] for r in raw["runs"]):
        lines += _size_table(raw["runs"], rows, raw["rounds"], floor, raw.get("format", "parquet"))
    if raw["startup"]:
        lines += _startup_table(raw["startup"], floor)
    return "\n".join(lines)


def _size_table(runs: list[dict[str, Any]], rows: int, rounds: int, floor: float, fmt: str) -> list[str]:
    lines = [
        f"**{spec.rows_label(rows)} rows{' as CSV' if fmt == 'csv' else ''}** (median of {rounds} rounds; ratios to `{BASELINE}` of the same run)",
        "",
        "| tool | wall total (s) | after import (s) | peak RSS (MiB) | wall ÷ limit | after import ÷ limit | RSS ÷ limit | figures = truth |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    for s in summarize(runs, rows):
        match = "yes" if s["matched"] == s["rounds"] else f"**no** ({s['matched']}/{s['rounds']})"
        if s["completed"] < s["rounds"]:
            match += f"; {s['rounds'] - s['completed']} run(s) ended with exit {', '.join(map(str, s['exit_codes']))}"
        lines.append(
            f"| {s['tool']} | {_num(s['wall_s'], '.2f')} | {_num(s['t_after_import_s'], '.2f')} | "
            f"{_rss(s['max_rss_mib'], floor)} | {_num(s['wall_s_ratio'], '.2f', 'x')} | "
            f"{_num(s['t_after_import_s_ratio'], '.2f', 'x')} | {_num(s['max_rss_mib_ratio'], '.2f', 'x')} | {match} |"
        )
        notes += [f"- `{s['tool']}`: {p}" for p in s["problems"]]
    return [*lines, "", *_judged(summarize(runs, rows)), *(["Mismatches:", "", *notes, ""] if notes else [])]


PROFILE_LIMITS = ("limit-profile", "limit-profile-streaming")
JUDGED = (  # (run, its limit, label): the issue-23 ratios
    ("stewardgate", "profile", "profiled run (`stewardgate`) ÷ profile limit"),
    ("stewardgate-gate", BASELINE, "gate run (`stewardgate-gate`, `--no-history`) ÷ checks limit"),
    ("stewardgate", BASELINE, "profiled run ÷ checks limit"),
)


def _judged(summary: list[dict[str, Any]]) -> list[str]:
    """Each run against the limit doing the same work; the profile limit is the faster of the two."""
    by_tool = {s["tool"]: s for s in summary}
    profile = [by_tool[t] for t in PROFILE_LIMITS if t in by_tool and by_tool[t]["t_after_import_s"]]
    lines = []
    for run, base, label in JUDGED:
        limit = (
            min(profile, key=lambda s: s["t_after_import_s"]) if base == "profile" and profile else by_tool.get(base)
        )
        if run not in by_tool or limit is None or base == "profile" and not profile:
            continue
        after = _ratio(by_tool[run]["t_after_import_s"], limit["t_after_import_s"])
        wall = _ratio(by_tool[run]["wall_s"], limit["wall_s"])
        cpu = _ratio(by_tool[run]["cpu_s"], limit["cpu_s"])
        lines.append(f"- {label} (`{limit['tool']}`): {_num(after, '.2f', 'x')} after import, {_num(wall, '.2f', 'x')} wall, "
                     f"{_num(cpu, '.2f', 'x')} CPU time")  # fmt: skip
    return [*lines, ""] if lines else []


def _startup_table(startup: list[dict[str, Any]], floor: float) -> list[str]:
    names = list(dict.fromkeys(r["command"] for r in startup))
    med = {n: _median([r["wall_s"] for r in startup if r["command"] == n]) for n in names}
    base = med.get(names[0])
    lines = [
        f"**Import and start-up** (fresh process each, median of {max(r['round'] for r in startup)} rounds)",
        "",
        f"| command | wall (s) | peak RSS (MiB) | wall − `{names[0]}` (s) |",
        "|---|---:|---:|---:|",
    ]
    for n in names:
        rss = _median([r["max_rss_kib"] / 1024 for r in startup if r["command"] == n])
        delta = med[n] - base if med[n] is not None and base is not None else None
        failed = sorted({r["exit_code"] for r in startup if r["command"] == n and r["exit_code"] != 0})
        note = f" (exit {', '.join(map(str, failed))})" if failed else ""
        lines.append(f"| `{n}`{note} | {_num(med[n], '.3f')} | {_rss(rss, floor)} | {_num(delta, '+.3f')} |")
    return [*lines, ""]


def write(out: Path, started: datetime, raw: dict[str, Any], markdown_text: str) -> None:
    """``bench-<time>.json`` / ``.md`` in ``out``, copied to ``latest.json`` / ``latest.md``."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    stem.with_suffix(".md").write_text(markdown_text + "\n")
    for suffix in (".json", ".md"):
        shutil.copyfile(stem.with_suffix(suffix), out / f"latest{suffix}")
