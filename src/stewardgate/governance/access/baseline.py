"""The accepted access baseline: the observed access of one stored run, accepted by a steward.

Every run keeps its observed access as the ``observed`` of its ``<ds>.access.observed`` result
(in the run's stored record and ``sg_results``). ``stewardgate access accept DATASET`` takes the
latest such run's (or ``--from-run``'s) observed access and appends it, whole, to the audit chain
as an ``access_baseline`` entry with who accepted it and why: the baseline is the newest such
entry of the dataset (a ``store prune`` checkpoint carries it on), so it needs no table of its
own and cannot be changed without the chain showing it.
"""

from __future__ import annotations

from typing import Any

from stewardgate.errors import UsageError

KIND = "access_baseline"


def observed_id(dataset: str) -> str:
    """The id of the result whose ``observed`` is the run's observed access."""
    return f"{dataset}.access.observed"


def accepted(store: Any, dataset: str) -> dict[str, Any] | None:
    """The dataset's accepted access baseline (the audit entry's payload, with ``seq``), or None."""
    from stewardgate.store.prune import CHECKPOINT, carried_entries, latest_checkpoint

    entries = store.audit_entries(kind=KIND, subject=dataset, limit=1, newest_first=True)
    if not entries:
        carried = carried_entries(latest_checkpoint(store.audit_entries(kind=CHECKPOINT)))
        entries = sorted((e for e in carried if e.kind == KIND and e.subject == dataset), key=lambda e: -e.seq)
    return {**entries[0].payload, "seq": entries[0].seq} if entries else None


def accept(store: Any, dataset: str, *, by: str, reason: str, run_id: str | None = None) -> dict[str, Any]:
    """Make the observed access of ``run_id`` (default: the latest run that observed it) the baseline.

    Raises:
        UsageError: no stored run of the dataset, no such run, or none that observed its access.
    """
    runs = store.runs(dataset, limit=None)
    if not runs:
        raise UsageError(f"no stored runs of dataset '{dataset}' in {store.where}")
    if run_id is not None and run_id not in {r.run_id for r in runs}:
        raise UsageError(f"no run '{run_id}' of dataset '{dataset}' in {store.where}")
    for summary in runs:
        if run_id is not None and summary.run_id != run_id:
            continue
        state = _observed(store, summary.run_id, dataset)
        if state is not None:
            payload = {"run_id": summary.run_id, "as_of": summary.as_of.isoformat(), "by": by, "reason": reason,
                       "access": state}  # fmt: skip
            entry = store.append_audit(KIND, dataset, payload)
            return {**entry.payload, "seq": entry.seq}
        if run_id is not None:
            break
    which = f"run '{run_id}'" if run_id else "no stored run"
    raise UsageError(f"{which} of dataset '{dataset}' in {store.where} observed its access "
                     f"(its suite declares no access:, or the observation errored)")  # fmt: skip


def _observed(store: Any, run_id: str, dataset: str) -> dict[str, Any] | None:
    from stewardgate.errors import StoreError

    try:
        run = store.dataset_run(run_id, dataset)
    except StoreError:  # a pruned record: it observed nothing we can still read
        return None
    for r in run.results:
        if r.check_id == observed_id(dataset) and r.status.value == "passed" and isinstance(r.observed, dict):
            return r.observed
    return None


def describe(baseline: dict[str, Any]) -> str:
    """``access baseline of run 1a2b3c4d5e6f of 2026-11-27, accepted by jane: reason``."""
    return (f"access baseline of run {str(baseline['run_id'])[:12]} of {baseline['as_of']}, "
            f"accepted by {baseline['by']}: {baseline['reason']}")  # fmt: skip


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """What changed from the baseline ``old`` to ``new``: ``(key, sentence, widened)`` in a fixed
    order; ``widened`` (a new grantee or privilege, another owner or row security) blocks, a
    narrowing warns."""
    found: list[tuple[str, str, bool]] = []
    if (old.get("kind"), old.get("object")) != (new.get("kind"), new.get("object")):
        found.append(("object", f"the baseline is of {old.get('kind')} {old.get('object')}, the data is "
                      f"{new.get('kind')} {new.get('object')}", True))  # fmt: skip
    if old.get("owners") != new.get("owners"):
        found.append(("owner", f"owner changed since the baseline: {_names(old.get('owners'))} -> "
                      f"{_names(new.get('owners'))}", True))  # fmt: skip
    old_g, new_g = old.get("grantees", {}), new.get("grantees", {})
    for role in sorted(set(old_g) | set(new_g)):
        before, after = _flat(old_g.get(role)), _flat(new_g.get(role))
        if role not in old_g:
            found.append((role, f"new grantee since the baseline: {role} ({', '.join(sorted(after))})", True))
        elif role not in new_g:
            found.append((role, f"no longer a grantee since the baseline: {role} (had {', '.join(sorted(before))})",
                          False))  # fmt: skip
        elif after - before:
            found.append((role, f"{role} holds more since the baseline: {', '.join(sorted(after - before))}", True))
        elif before - after:
            found.append((role, f"{role} holds less since the baseline: {', '.join(sorted(before - after))}", False))
    pub_old, pub_new = _flat(old.get("public")), _flat(new.get("public"))
    if pub_new - pub_old:
        found.append(("PUBLIC", f"PUBLIC holds more since the baseline: {', '.join(sorted(pub_new - pub_old))}", True))
    elif pub_old - pub_new:
        found.append(("PUBLIC", f"PUBLIC holds less since the baseline: {', '.join(sorted(pub_old - pub_new))}",
                      False))  # fmt: skip
    if old.get("row_security") != new.get("row_security"):
        found.append(("row_security", f"row-level security changed since the baseline: "
                      f"{_rls(old.get('row_security'))} -> {_rls(new.get('row_security'))}", True))  # fmt: skip
    return found


def _flat(grant: dict[str, Any] | None) -> set[str]:
    if not grant:
        return set()
    flat = set(grant.get("privileges", []))
    for column, privs in grant.get("columns", {}).items():
        flat |= {f"{p}({column})" for p in privs}
    return flat


def _names(values: Any) -> str:
    return ", ".join(values or []) or "none"


def _rls(value: Any) -> str:
    if not value:
        return "not observed"
    state = "forced" if value.get("forced") else "enabled" if value.get("enabled") else "off"
    policies = [p["name"] for p in value.get("policies", [])]
    return f"{state}, policies: {', '.join(policies) or 'none'}"
