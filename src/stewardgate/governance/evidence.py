"""Checking that the stored runs, results and catalog are the ones the audit chain recorded.

The chain (:func:`stewardgate.governance.audit.verify_chain`) proves its own entries. This
module proves the rest of the store against it, so that flipping a failed run to passed in
``sg_runs``, ``sg_results`` or ``sg_catalog`` is caught, and so is deleting audit entries:

* every stored dataset run must have its ``run`` audit entry (none: entries were removed,
  e.g. the whole chain truncated, or the run was added outside stewardgate);
* every ``run`` entry's run must be stored, its record must match the entry's
  ``record_sha256`` (entries written before digests existed are checked on the rest only),
  and its ``gate_passed`` and ``status`` columns must say what the entry says;
* its ``sg_results`` rows must be the record's results (check id and status);
* each catalog row's latest verdict must be the one its last run's entry recorded;
* runs whose detail ``store prune`` removed (their entries folded into a checkpoint) must be
  exactly the ones, with the verdicts, that the newest checkpoint's ``pruned_runs_sha256`` digests.

:func:`check_anchor` compares the chain with a head kept elsewhere (``audit verify --head``),
which catches a chain rewritten or truncated as a whole, head record included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from stewardgate.store.audit import AuditEntry
from stewardgate.store.codec import record_sha256
from stewardgate.store.evidence import RunKey, StoredEvidence, StoredRun
from stewardgate.store.prune import carried_entries, latest_checkpoint, summaries_sha256

MIN_ANCHOR_HEX = 16


@dataclass(frozen=True)
class EvidenceReport:
    """Whether the stored runs match the chain: how many were covered, and every mismatch."""

    covered: int
    without_digest: int
    problems: tuple[str, ...]
    pruned: int = 0
    """Runs whose detail ``store prune`` removed, checked against the checkpoint's digest."""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_records(entries: Sequence[AuditEntry], evidence: StoredEvidence) -> EvidenceReport:
    """Compare every stored run, its results and the catalog with the chain's run entries."""
    kept = [
        *carried_entries(latest_checkpoint(list(entries))),
        *entries,
    ]  # a checkpoint carries folded entries of runs that stay
    recorded = {(str(e.payload.get("run_id")), e.subject): e for e in kept if e.kind == "run"}
    pruned = {key for key, run in evidence.runs.items() if run.pruned}
    problems = _pruned_problems(entries, evidence, pruned) + _unrecorded(evidence, recorded, pruned)
    covered = without_digest = 0
    for key, entry in recorded.items():
        stored = evidence.runs.get(key)
        if stored is None:
            problems.append(f"{_run(key, entry)} is in the audit chain but was removed from sg_runs")
            continue
        if key not in pruned:
            covered += "record_sha256" in entry.payload
            without_digest += "record_sha256" not in entry.payload
        problems.extend(_run_problems(key, entry, stored))
    problems.extend(_catalog_problems(evidence, recorded))
    return EvidenceReport(covered, without_digest, tuple(problems), len(pruned))


def _pruned_problems(entries: Sequence[AuditEntry], evidence: StoredEvidence, pruned: set[RunKey]) -> list[str]:
    """The pruned runs' summaries must be the ones the newest checkpoint digested."""
    checkpoint = latest_checkpoint(list(entries))
    if checkpoint is None:
        if not pruned:
            return []
        return [f"{len(pruned)} stored run{'s are' if len(pruned) > 1 else ' is'} marked pruned ({_run(min(pruned))}), "
                "but no checkpoint entry of the audit chain records a prune"]  # fmt: skip
    summaries = sorted(
        [k[0], k[1], evidence.runs[k].as_of, evidence.runs[k].gate_passed, evidence.runs[k].status] for k in pruned
    )
    if summaries_sha256(summaries) != checkpoint.payload.get("pruned_runs_sha256"):
        return [f"the pruned runs were changed, added or removed: their summaries ({len(pruned)} runs) do not match "
                f"checkpoint entry {checkpoint.seq} ({checkpoint.payload.get('pruned_runs')} runs)"]  # fmt: skip
    return []


def _run(key: RunKey, entry: AuditEntry | None = None) -> str:
    where = f" (audit entry {entry.seq})" if entry is not None else ""
    return f"run {key[0]} of {key[1]}{where}"


def _unrecorded(evidence: StoredEvidence, recorded: dict[RunKey, AuditEntry], pruned: set[RunKey]) -> list[str]:
    missing = sorted(key for key in evidence.runs if key not in recorded and key not in pruned)
    if not missing:
        return []
    more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
    return [
        f"{len(missing)} stored run{'s have' if len(missing) > 1 else ' has'} no audit entry "
        f"({_run(missing[0])}{more}): audit entries were removed, or runs were added outside stewardgate"
    ]


def _run_problems(key: RunKey, entry: AuditEntry, stored: StoredRun) -> list[str]:
    payload, problems = entry.payload, []
    digest = payload.get("record_sha256")
    if digest is not None and not stored.pruned and record_sha256(stored.record) != digest:
        problems.append(
            f"{_run(key, entry)}: its stored record was changed (it does not match the digest in its audit entry)"
        )
    if stored.gate_passed != payload.get("gate_passed") or stored.status != payload.get("status"):
        problems.append(
            f"{_run(key, entry)}: sg_runs says gate {_gate(stored.gate_passed)}, status {stored.status}; "
            f"its audit entry says gate {_gate(payload.get('gate_passed'))}, status {payload.get('status')}"
        )
    if not stored.pruned and stored.results != _record_results(stored.record):
        problems.append(f"{_run(key, entry)}: its sg_results rows were changed (they do not match its stored record)")
    return problems


def _record_results(record: str) -> tuple[tuple[str, str], ...]:
    try:
        items = json.loads(record).get("results", [])
        return tuple(sorted((str(r["check_id"]), str(r["status"])) for r in items))
    except (ValueError, AttributeError, KeyError, TypeError):
        return (("<unreadable record>", ""),)


def _catalog_problems(evidence: StoredEvidence, recorded: dict[RunKey, AuditEntry]) -> list[str]:
    problems = []
    for row in evidence.catalog:
        if row.last_run_id is None:
            continue
        entry = recorded.get((row.last_run_id, row.dataset))
        if entry is None:
            problems.append(
                f"sg_catalog names {_run((row.last_run_id, row.dataset))} as latest, which has no audit entry"
            )
        elif row.last_gate_passed != entry.payload.get("gate_passed") or row.last_status != entry.payload.get("status"):
            problems.append(
                f"sg_catalog row of {row.dataset} was changed: it says gate {_gate(row.last_gate_passed)}, "
                f"status {row.last_status}; {_run((row.last_run_id, row.dataset), entry)} says gate "
                f"{_gate(entry.payload.get('gate_passed'))}, status {entry.payload.get('status')}"
            )
    return problems


def _gate(passed: object) -> str:
    return {True: "passed", False: "failed"}.get(passed, "unknown")  # type: ignore[call-overload]


def parse_anchor(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` (the hash in full or its first 16 or more hex digits) -> ``(seq, hash)``.

    Raises:
        ValueError: not of that form (the message says what is allowed).
    """
    seq, colon, digest = text.strip().partition(":")
    digest = digest.lower()
    if not colon or not seq.isdigit() or int(seq) < 1 or not (MIN_ANCHOR_HEX <= len(digest) <= 64):
        raise ValueError(
            f"--head {text!r}: expected SEQ:SHA256 as `audit verify` prints it (e.g. 12:3f9a…, at least {MIN_ANCHOR_HEX} hex digits)"
        )
    if any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"--head {text!r}: the hash must be hexadecimal")
    return int(seq), digest


def check_anchor(entries: Sequence[AuditEntry], anchor: tuple[int, str]) -> str | None:
    """None when the chain holds entry ``seq`` with that hash; else what is wrong."""
    seq, digest = anchor
    found = next((e for e in entries if e.seq == seq), None)
    checkpoint = latest_checkpoint(list(entries))
    through = int(checkpoint.payload.get("through_seq", 0)) if checkpoint is not None else 0
    if found is None and checkpoint is not None and seq <= through:
        if seq == through:
            held = str(checkpoint.payload.get("through_hash", "")).startswith(digest)
            return (
                None
                if held
                else f"entry {seq} is not the one anchored (checkpoint entry {checkpoint.seq} records another hash for it): the chain was rewritten"
            )
        return f"entry {seq} was folded into checkpoint entry {checkpoint.seq} by `store prune` (it folds entries up to {through}): keep a newer head"
    if found is None:
        last = entries[-1].seq if entries else 0
        return f"the chain was truncated: it ends at entry {last}, the anchor names entry {seq}"
    if not found.hash.startswith(digest):
        return f"entry {seq} is not the one anchored (its hash is {found.hash[:16]}…, the anchor says {digest[:16]}…): the chain was rewritten"
    return None
