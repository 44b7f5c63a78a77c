"""Text and data the governance commands print: inspections, catalog rows, audit entries."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

CATALOG_COLUMNS = (
    "dataset", "owner", "steward", "classification", "retention", "risk_tier", "completeness",
    "missing", "last_as_of", "last_status", "last_gate",
)  # fmt: skip
_HEADINGS = {
    "dataset": "DATASET", "owner": "OWNER", "steward": "STEWARD", "classification": "CLASS",
    "retention": "RETENTION", "risk_tier": "TIER", "completeness": "COMPLETE", "missing": "MISSING",
    "last_as_of": "LAST RUN", "last_status": "STATUS", "last_gate": "GATE",
    "upstream": "UPSTREAM", "permitted_uses": "USES",
}  # fmt: skip
LINEAGE_COLUMNS = ("upstream", "permitted_uses")  # in the table only when some dataset declares them


def inspection_json(found: Any) -> dict[str, Any]:
    """An :class:`~stewardgate.governance.inspect.Inspection` as JSON-ready data."""
    data: dict[str, Any] = {
        "dataset": found.display,
        "format": found.format,
        "files": [
            {"path": str(f.path), "stamp": f.stamp, "problem": f.problem, "other_metadata_keys": list(f.other_keys)}
            for f in found.files
        ],
    }
    return data if found.note is None else {**data, "note": found.note}


def inspection_lines(found: Any) -> list[str]:
    """What a dataset carries, for people: each distinct stamp, then unstamped files."""
    n = len(found.files)
    table = found.format == "table"
    lines = [
        f"{found.display}  " + ("(table comment)" if table else f"({found.format}, {n} file{'s' if n != 1 else ''})")
    ]
    if not found.groups and not found.unreadable:
        lines.append(
            "  no stewardship stamp" + (f": {found.note}" if found.note else " (write one: stewardgate stamp SUITE)")
        )
    for group in found.groups:
        stamp, s = group.stamp, group.stamp["stewardship"]
        suite = stamp.get("suite") or {}
        lines.append(
            f"  stamp v{stamp['version']} of dataset {stamp.get('dataset')}, stamped {stamp.get('stamped_at')} "
            f"from {suite.get('path')} (sha256 {str(suite.get('sha256', ''))[:12]})"
            + ("" if table else f", on {len(group.files)} of {n} files")
        )
        for key in ("owner", "steward", "classification", "retention", "risk_tier", "description", "recertify_by"):
            value = s.get(key)
            if isinstance(value, dict):
                value = f"{value.get('period')}" + (f" on {value['column']}" if value.get("column") else "")
            lines.append(f"    {key:<15} {value if value is not None else '-'}")
    for f in found.unreadable:
        lines.append(f"  {f.path}: {f.problem}")
    if found.groups and found.unstamped:
        lines.append(
            f"  {len(found.unstamped)} of {n} files carry no stamp: " + ", ".join(p.name for p in found.unstamped[:10])
        )
    keys = sorted({k for f in found.files for k in f.other_keys})
    if keys:
        lines.append(f"  other metadata keys: {', '.join(keys)}")
    return lines


def catalog_rows(entries: Sequence[Any], governance: Any) -> list[dict[str, Any]]:
    """Catalog entries as rows; ``missing``: the stewardship fields their risk tier requires."""
    rows = []
    for e in entries:
        tier = e.risk_tier or governance.default_risk_tier
        required = governance.required_by_risk_tier.get(tier, ())
        missing = [f for f in required if e.stewardship.get(f) in (None, "", [], {})]
        rows.append({
            "dataset": e.dataset, "owner": e.owner, "steward": e.steward,
            "classification": e.classification, "retention": e.retention, "risk_tier": e.risk_tier,
            "completeness": e.completeness, "missing": missing,
            "last_as_of": e.last_as_of.isoformat() if e.last_as_of else None,
            "last_status": e.last_status.value if e.last_status else None,
            "last_gate": None if e.last_gate_passed is None else ("passed" if e.last_gate_passed else "failed"),
            "last_run_id": e.last_run_id, "upstream": list(e.stewardship.get("upstream") or []),
            "permitted_uses": e.stewardship.get("permitted_uses"),
        })  # fmt: skip
    return rows


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "completeness":
        return f"{value:.0%}"
    if key in ("missing", *LINEAGE_COLUMNS):
        return ",".join(value) or "-"
    return str(value)


def catalog_table(rows: list[dict[str, Any]]) -> str:
    """Aligned columns with a heading line; a sentence when there is nothing."""
    if not rows:
        return "no datasets in the catalog (or none match the filters)"
    keys = (*CATALOG_COLUMNS, *(k for k in LINEAGE_COLUMNS if any(r[k] for r in rows)))
    cells = [[_HEADINGS[k] for k in keys]] + [[_cell(k, r[k]) for k in keys] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(keys))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells)


def catalog_csv(rows: list[dict[str, Any]]) -> str:
    """RFC 4180 CSV with a header; ``missing`` is a ``;``-separated list; no cell a spreadsheet
    would run as a formula (see :func:`stewardgate.textsafe.csv_cell`)."""
    from stewardgate.textsafe import csv_cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a CR inside a cell is then quoted too
    writer.writerow([*CATALOG_COLUMNS, "last_run_id", *LINEAGE_COLUMNS])
    for r in rows:
        values = [";".join(r[k]) if k == "missing" else r[k] for k in CATALOG_COLUMNS]
        lists = [";".join(r.get(k) or []) for k in LINEAGE_COLUMNS]
        writer.writerow([csv_cell("" if v is None else v) for v in [*values, r["last_run_id"], *lists]])
    return out.getvalue()


def entry_json(e: Any) -> dict[str, Any]:
    """An audit entry as JSON-ready data."""
    return {
        "seq": e.seq, "kind": e.kind, "subject": e.subject, "payload": e.payload,
        "recorded_at": e.recorded_at.isoformat(), "prev_hash": e.prev_hash, "hash": e.hash,
    }  # fmt: skip


def audit_lines(entries: Sequence[Any]) -> list[str]:
    """One line per entry: seq, time, kind, subject, hash prefix and a short payload."""
    if not entries:
        return ["no audit entries"]
    out = []
    for e in entries:
        payload = json.dumps(e.payload, sort_keys=True, separators=(",", ":"))
        short = payload if len(payload) <= 100 else payload[:97] + "..."
        out.append(f"{e.seq:>6}  {e.recorded_at:%Y-%m-%d %H:%M:%S}  {e.kind:<8} {e.subject:<20} {e.hash[:12]}  {short}")
    return out


def verify_lines(
    chain: Any, records: Any, anchor_problem: str | None, anchor: tuple[int, str] | None
) -> tuple[list[str], bool]:
    """What ``audit verify`` prints, and whether everything held."""
    if not chain.ok:
        before = f"{chain.checked} earlier entr{'y' if chain.checked == 1 else 'ies'} verified"
        lines = [f"audit chain BROKEN: {chain.problem}; {before}"]
    else:
        tip = f", head {chain.head[0]} sha256 {chain.head[1][:16]}" if chain.head else ""
        lines = [f"audit chain intact: {chain.checked} entries{tip}"]
    if chain.checkpoint is not None:
        c = chain.checkpoint.payload
        lines.append(f"audit checkpoint: entry {chain.checkpoint.seq} (store prune, cutoff {c.get('cutoff')}, "
                     f"recorded {chain.checkpoint.recorded_at:%Y-%m-%d %H:%M:%S} UTC) folds entries 1 to {c.get('through_seq')}; "
                     f"the chain is verified from entry {c.get('through_seq')}'s hash {str(c.get('through_hash'))[:16]}; "
                     f"{len(c.get('carried', []))} folded entries carried whole")  # fmt: skip
    if anchor_problem is not None:
        lines.append(f"audit anchor BROKEN: {anchor_problem}")
    elif anchor is not None:
        lines.append(f"audit anchor held: entry {anchor[0]} is the one anchored")
    lines += [f"stored runs BROKEN: {problem}" for problem in records.problems]
    if records.ok:
        older = (
            f" ({records.without_digest} older without a record digest: status and results checked)"
            if records.without_digest
            else ""
        )
        pruned = f", {records.pruned} pruned runs by the checkpoint's digest" if records.pruned else ""
        lines.append(f"stored runs match the chain: {records.covered} covered by record digests{pruned}{older}")
    if chain.ok and chain.head:
        lines.append(f"head: {chain.head[0]}:{chain.head[1]}  # keep it elsewhere; check later with --head")
    return lines, chain.ok and records.ok and anchor_problem is None
