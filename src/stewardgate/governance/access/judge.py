"""The access executor: the data's observed access against the suite's ``access:``.

One observation per dataset run (:mod:`.observe_pg` for a PostgreSQL table, :mod:`.observe_mariadb`
for a MariaDB/MySQL one, :mod:`.observe_files` for local files) feeds every access check of the
plan. What cannot be observed (a SQLite table, an S3 dataset, a Spark catalog table, a file with
a POSIX ACL, a failing catalogue query) makes each check that needs it ``errored`` with the reason: it blocks, it is
never passed unchecked. Recertification and the settings' requirement are judged on the suite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.errors import first_line
from stewardgate.governance.access import baseline as access_baseline
from stewardgate.governance.access.observed import AccessUnsupported, Observed, reads, writes
from stewardgate.results import CheckResult, Severity

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.loader import LoadedSuite

SUITE_ONLY = ("access_recertification", "access_declared")
_SHOWN = 8


def judge_access(
    planned: list[PlannedCheck], loaded: LoadedSuite, opened: Any, *, as_of: date,
    open_store: Callable[[], Any] | None,
) -> list[CheckResult]:  # fmt: skip
    """Every planned access check's results, in plan order."""
    observed, problem = None, None
    needing = [p for p in planned if p.check not in SUITE_ONLY]
    if needing:
        try:
            observed = observe(loaded, opened, needing[0].args)
        except AccessUnsupported as exc:
            problem = str(exc)
        except Exception as exc:  # a failing catalogue query or stat: errored, never passed (fail closed)
            problem = f"the access could not be observed: {type(exc).__name__}: {first_line(exc)}"
    results: list[CheckResult] = []
    for p in planned:
        try:
            if p.check == "access_recertification":
                from stewardgate.governance.checks import recertification_result

                what = f"access recertification (approver {p.args['approver']})"
                results.append(replace(recertification_result(p, as_of, what), expected=expected(p)))
            elif p.check == "access_declared":
                results.append(_declared(p))
            elif observed is None:
                results.append(_result(p, False, errored=problem or "the access was not observed"))
            else:
                results += _JUDGES[p.check](p, observed, loaded, open_store)
        except Exception as exc:  # a crashing check is a result (fail closed), the run goes on
            results.append(_result(p, False, errored=f"{type(exc).__name__}: {first_line(exc)}"))
    return results


def observe(loaded: LoadedSuite, opened: Any, declared: dict[str, Any]) -> Observed:
    """The dataset's access, from its database or its files."""
    names = sorted({*declared["read"], *declared["write"], *(declared["personal_data"] or [])})
    spec = loaded.suite.dataset
    if spec.is_table:
        if not hasattr(opened, "engine"):
            raise AccessUnsupported("the table was not opened by the SQL reader")
        backend = opened.engine.url.get_backend_name()
        if backend == "postgresql":
            from stewardgate.governance.access.observe_pg import observe_table

            return observe_table(opened, spec.table or "", names, declared["personal_columns"])
        if backend in ("mysql", "mariadb"):
            from stewardgate.governance.access.observe_mariadb import observe_mariadb

            return observe_mariadb(opened, spec.table or "", names, declared["personal_columns"])
        raise AccessUnsupported(f"access is checked on PostgreSQL and MariaDB/MySQL tables and local files; a "
                                f"{backend} database has no roles or grants to compare with the declaration")  # fmt: skip
    resolved = getattr(opened, "resolved", None)
    if resolved is None:
        raise AccessUnsupported("the dataset was opened without a list of its files, so their access cannot be read")
    if resolved.remote is not None:
        raise AccessUnsupported("an S3 dataset's access is its bucket policy and object ACLs, which are not read "
                                "yet, so its access declaration cannot be judged")  # fmt: skip
    from stewardgate.governance.access.observe_files import observe_files

    return observe_files(resolved.files, resolved.display, names, loaded.folder)


def _result(
    p: PlannedCheck, ok: bool, message: str | None = None, *, errored: str | None = None, observed: Any = None,
    failing: int | None = None, details: dict[str, Any] | None = None, suffix: str | None = None,
    severity: Severity | None = None,
) -> CheckResult:  # fmt: skip
    q = p if severity is None else replace(p, severity=severity)
    if suffix is not None:
        q = replace(q, check_id=f"{p.check_id}.{suffix}")
    outcome = Outcome(ok=ok, observed=observed, failing=failing, message=message, errored=errored,
                      details=details or {})  # fmt: skip
    return replace(build_result(q, outcome, row_count=None), expected=expected(p))


_EXPECTED: dict[str, tuple[str, ...]] = {
    "access_grants": ("read", "write", "personal_data"),
    "access_public": ("public_forbidden",),
    "access_personal_data": ("personal_data", "personal_columns"),
    "access_owner": ("owner",),
    "access_group": ("group",),
    "access_row_security": ("row_security",),
    "access_baseline": (),
}


def expected(p: PlannedCheck) -> Any:
    """What a result says it expected: the part of the declaration its check compares (the
    whole declaration for the observed access, the date and approver for recertification)."""
    keys = _EXPECTED.get(p.check)
    if keys is None:
        return p.value
    return {k: p.args[k] for k in keys if p.args.get(k) is not None} or None


def _names(values: Any, limit: int = _SHOWN) -> str:
    values = list(values)
    shown = ", ".join(map(str, values[:limit]))
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _grant_text(grant: dict[str, Any]) -> str:
    privs = [*grant.get("privileges", []), *(f"{p}({c})" for c, ps in grant.get("columns", {}).items() for p in ps)]
    via = grant.get("via") or []
    return _names(privs) + (f"; via {', '.join(via)}" if via else "")


class _Cover:
    """Whether a role is covered by a set of declared roles: itself, a role it is a member of, or the owner."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.owners = set(state.get("owners", []))
        self.member_of = state.get("member_of", {})
        self.aliases = state.get("aliases", {})  # MariaDB: the account alice@% answers to alice

    def __call__(self, role: str, allowed: set[str]) -> bool:
        selves = {role, *self.member_of.get(role, []), *self.aliases.get(role, [])}
        return bool(selves & (allowed | self.owners))


def judge_observed(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """The access as observed: always passes; its ``observed`` is what runs keep and baselines hold."""
    s = seen.state
    grantees = s["grantees"]
    public = _grant_text(s["public"]) if s["public"]["privileges"] or s["public"]["columns"] else "none"
    text = (f"{s['kind']} {s['object']}: owner {_names(s['owners']) or 'none'}; {len(grantees)} grantee"
            f"{'s' if len(grantees) != 1 else ''}"
            + (": " + "; ".join(f"{r} ({_grant_text(g)})" for r, g in list(grantees.items())[:_SHOWN]) if grantees
               else "") + f"; PUBLIC: {public}")  # fmt: skip
    if "row_security" in s:
        text += f"; row security {_rls(s['row_security'])}"
    details = {"declared_roles": {r: asdict(f) for r, f in seen.facts.items()}}
    return [_result(p, True, text, observed=s, details=details)]


def judge_grants(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """Each role that may read or write undeclared, each declared role without its grant, each
    declared role that does not exist: one result per role."""
    v, s = p.args, seen.state
    cover = _Cover(s)
    readers, writers = set(v["read"]) | set(v["write"]), set(v["write"])
    findings: dict[str, list[str]] = {}
    for role, grant in s["grantees"].items():
        if reads(grant) and not cover(role, readers):
            findings.setdefault(role, []).append(f"may read ({_grant_text(grant)}) but is not in access.read "
                                                 "or access.write")  # fmt: skip
        written = writes(grant)
        if written and not cover(role, writers):
            findings.setdefault(role, []).append(f"may write ({_names(written)}) but is not in access.write")
    where = "as a user or group on this machine" if s["kind"] == "files" else "in the database"
    for role in sorted(readers | set(v["personal_data"] or [])):
        facts = seen.facts[role]
        keys = [k for k in ("read", "write", "personal_data") if role in (v[k] or [])]
        if not facts.exists:
            findings.setdefault(role, []).append(
                f"is declared in {' and '.join(f'access.{k}' for k in keys)} but does not exist {where}"
            )
            continue
        if facts.superuser:
            continue
        if role in v["read"] and facts.cannot_read:  # a writer may read, it need not
            findings.setdefault(role, []).append(f"missing grant: cannot read {_things(s, facts.cannot_read)}")
        if role in writers and not facts.can_write:
            findings.setdefault(role, []).append(
                "missing grant: may not write ("
                + ("no file is writable to it)" if s["kind"] == "files" else "no INSERT, UPDATE or DELETE)")
            )
    if not findings:
        named = sorted(s["grantees"])
        return [_result(p, True, f"{len(named)} role{'s' if len(named) != 1 else ''} may read or write, all as "
                        f"declared{': ' + _names(named) if named else ''}", observed=named)]  # fmt: skip
    return [
        _result(p, False, f"{role}: {'; '.join(said)}", observed=s["grantees"].get(role), failing=len(said),
                suffix=role, details={"role": role, "findings": said})
        for role, said in sorted(findings.items())
    ]  # fmt: skip


def _things(state: dict[str, Any], things: tuple[str, ...]) -> str:
    if state["kind"] == "files":
        return f"{len(things)} of {state['files']} files (e.g. {things[0]})"
    return f"column{'s' if len(things) != 1 else ''} {_names(things)}"


def judge_public(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """Nobody else may reach the data: PostgreSQL ``PUBLIC`` holds no privilege, no file is open to
    all. With ``access.public: true`` (and no setting forbidding it) everyone may read, never write."""
    s, why = seen.state, p.args["public_forbidden"]
    public = s["public"]
    if why is None:
        return _public_writing(p, s, public)
    if not public["privileges"] and not public["columns"]:
        return [_result(p, True, f"no public access ({why})", observed=public)]
    if s["kind"] == "files":
        files, count = public.get("files", []), public.get("file_count", 0)
        message = (f"everyone may {' and '.join(public['privileges'])} {count} of {s['files']} files (other "
                   f"bits, folders open to all: {_names(files, 3)}); forbidden by {why}")  # fmt: skip
        return [_result(p, False, message, observed=public, failing=count, details={"files": files})]
    message = f"PUBLIC may {_grant_text(public)}; forbidden by {why}"
    return [_result(p, False, message, observed=public, failing=1)]


def _public_writing(p: PlannedCheck, s: dict[str, Any], public: dict[str, Any]) -> list[CheckResult]:
    written = writes(public)
    if not written:
        return [_result(p, True, "public reading allowed (access.public: true), no public writing", observed=public)]
    allows = "access.public: true allows reading, not writing"
    if s["kind"] == "files":
        files, count = public.get("write_files", []), public.get("write_count", 0)
        message = (f"everyone may write {count} of {s['files']} files (other bits, folders open to all: "
                   f"{_names(files, 3)}); {allows}")  # fmt: skip
        return [_result(p, False, message, observed=public, failing=count, details={"files": files})]
    return [_result(p, False, f"PUBLIC may {_names(written)}; {allows}", observed=public, failing=1)]


def judge_personal_data(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """Who may read the personal-data columns, against ``access.personal_data``: one result per role."""
    v, s = p.args, seen.state
    personal, allowed = v["personal_columns"], set(v["personal_data"] or [])
    if not personal:
        return [_result(p, True, "the suite declares no personal-data (pii:) columns", observed=[])]
    cover = _Cover(s)
    findings: dict[str, str] = {}
    for role, grant in s["grantees"].items():
        seen_cols = [c for c in personal if reads(grant, c)]
        if seen_cols and not cover(role, allowed):
            findings[role] = (f"may read the personal-data column{'s' if len(seen_cols) != 1 else ''} "
                              f"{_names(seen_cols)} but is not in access.personal_data")  # fmt: skip
    for role in sorted(allowed):
        facts = seen.facts[role]
        if facts.exists and not facts.superuser and facts.cannot_read_personal:
            findings[role] = f"missing grant: cannot read the personal-data {_things(s, facts.cannot_read_personal)}"
    if not findings:
        return [_result(p, True, f"only {_names(sorted(allowed)) or 'the owner'} may read the personal-data columns "
                        f"{_names(personal)}", observed=sorted(allowed))]  # fmt: skip
    return [_result(p, False, f"{role}: {said}", observed=s["grantees"].get(role), failing=1, suffix=role,
                    details={"role": role, "columns": personal}) for role, said in sorted(findings.items())]  # fmt: skip


def judge_owner(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """The table's owner role, or every file's owner user, is ``access.owner``."""
    owners, want = seen.state["owners"], p.args["owner"]
    if seen.state["kind"] == "mariadb":
        return [_result(p, False, errored="a MariaDB/MySQL table has no owner: access.owner applies to PostgreSQL "
                        "tables and files")]  # fmt: skip
    if owners == [want]:
        return [_result(p, True, f"owned by {want}", observed=owners)]
    return [_result(p, False, f"owned by {_names(owners)}, not {want} (access.owner)", observed=owners, failing=1)]


def judge_group(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """Every file's group is ``access.group``."""
    groups, want = seen.state.get("groups", []), p.args["group"]
    if groups == [want]:
        return [_result(p, True, f"group {want}", observed=groups)]
    return [_result(p, False, f"group {_names(groups)}, not {want} (access.group)", observed=groups, failing=1)]


def judge_row_security(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """Row-level security is enabled (``forced``: also for the owner) as ``access.row_security`` says."""
    if seen.state["kind"] != "postgresql":
        return [_result(p, False, errored="MariaDB/MySQL has no row-level security: access.row_security applies "
                        "to PostgreSQL tables")]  # fmt: skip
    rls, want = seen.state["row_security"], p.args["row_security"]
    ok = rls["enabled"] and (want != "forced" or rls["forced"])
    said = f"row security {_rls(rls)}"
    return [_result(p, ok, said if ok else f"{said}; access.row_security: {want}", observed=rls,
                    failing=None if ok else 1)]  # fmt: skip


def _rls(rls: dict[str, Any]) -> str:
    state = "forced" if rls["enabled"] and rls["forced"] else "enabled" if rls["enabled"] else "off"
    policies = [f"{x['name']} ({x['command']} to {', '.join(x['roles'])})" for x in rls.get("policies", [])]
    return state + (f", policies: {'; '.join(policies)}" if policies else ", no policies")


def judge_baseline(p: PlannedCheck, seen: Observed, loaded: LoadedSuite, open_store: Any) -> list[CheckResult]:
    """The observed access against the accepted baseline: each change its own result."""
    name = loaded.suite.dataset.name
    if open_store is None:
        why = "no history store in this run (--no-history): no access baseline to compare with"
        return [replace(skipped(p, why), expected=expected(p))]
    with open_store() as store:
        found = access_baseline.accepted(store, name)
    if found is None:
        return [replace(skipped(p, f"no accepted access baseline (accept one: stewardgate access accept {name} "
                                "--reason \"...\")"), expected=expected(p))]  # fmt: skip
    said = access_baseline.describe(found)
    changes = access_baseline.changes(found["access"], seen.state)
    if not changes:
        return [_result(p, True, f"access as in the {said}", details={"baseline": _source(found)})]
    return [
        _result(p, False, f"{text}; {said}", suffix=key, failing=1, details={"baseline": _source(found)},
                severity=p.severity if widened else min(p.severity, Severity.WARN),
                observed=seen.state["grantees"].get(key))
        for key, text, widened in changes
    ]  # fmt: skip


def _source(found: dict[str, Any]) -> dict[str, Any]:
    return {k: found.get(k) for k in ("run_id", "as_of", "by", "reason", "seq")}


def _declared(p: PlannedCheck) -> CheckResult:
    v = p.args
    message = (f"the settings require an access: declaration for {v['classification']} data "
               f"(access_required_for: {_names(v['required_for'])}); declare who may read and write it")  # fmt: skip
    return _result(p, False, message, failing=1)


_JUDGES: dict[str, Callable[[PlannedCheck, Observed, LoadedSuite, Any], list[CheckResult]]] = {
    "access_observed": judge_observed,
    "access_grants": judge_grants,
    "access_public": judge_public,
    "access_personal_data": judge_personal_data,
    "access_owner": judge_owner,
    "access_group": judge_group,
    "access_row_security": judge_row_security,
    "access_baseline": judge_baseline,
}
