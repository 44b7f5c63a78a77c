"""A PostgreSQL table's effective access, read from ``pg_catalog``.

``information_schema.table_privileges`` lists only direct grants to roles the current user
belongs to; it misses grants inherited through role membership, column-level grants and the
predefined roles (``pg_read_all_data``). So every non-superuser role is asked
``has_table_privilege`` and ``has_column_privilege`` (what PostgreSQL itself enforces), and
each privilege found is explained from ``aclexplode`` of the table's and the columns' ACLs and
the ``pg_auth_members`` closure: granted directly, through a role it is a member of, as the
owner (or a member of the owner role), through a predefined role, or to ``PUBLIC``. A role whose
privileges come only from ``PUBLIC`` is not listed as a grantee: ``PUBLIC`` is reported once.
Row-level security (``relrowsecurity``, ``relforcerowsecurity``) and its policies (``pg_policy``)
are read too. Superusers bypass every grant; they are listed, not judged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from stewardgate.governance.access.observed import AccessUnsupported, Observed, RoleFacts

if TYPE_CHECKING:
    from stewardgate.readers.sql.table import SqlDataset

TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
_PREDEFINED = {"pg_read_all_data": {"SELECT"}, "pg_write_all_data": {"INSERT", "UPDATE", "DELETE"}}
_COMMANDS = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE", "*": "ALL"}

_TABLE = """SELECT c.oid, pg_get_userbyid(c.relowner) AS owner, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = :name AND n.nspname = COALESCE(:schema, current_schema())"""
_ACL = """SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type
FROM pg_class c, aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a WHERE c.oid = :oid"""
_COLUMN_ACL = """SELECT att.attname, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
       a.privilege_type
FROM pg_attribute att, aclexplode(att.attacl) a
WHERE att.attrelid = :oid AND att.attnum > 0 AND NOT att.attisdropped AND att.attacl IS NOT NULL"""
_EFFECTIVE = (
    "SELECT r.rolname, "
    + ", ".join(f"has_table_privilege(r.oid, :oid, '{p}') AS {p.lower()}" for p in TABLE_PRIVILEGES)
    + " FROM pg_roles r WHERE NOT r.rolsuper AND r.rolname !~ '^pg_'"
)
_EFFECTIVE_COLUMNS = (
    "SELECT r.rolname, att.attname, "
    + ", ".join(f"has_column_privilege(r.oid, :oid, att.attnum, '{p}') AS {p.lower()}" for p in COLUMN_PRIVILEGES)
    + """ FROM pg_roles r, pg_attribute att
WHERE NOT r.rolsuper AND r.rolname !~ '^pg_' AND att.attrelid = :oid AND att.attnum > 0 AND NOT att.attisdropped
ORDER BY att.attnum"""
)
_MEMBERS = """WITH RECURSIVE m(member, ancestor) AS (
  SELECT member, roleid FROM pg_auth_members
  UNION SELECT m.member, a.roleid FROM m JOIN pg_auth_members a ON a.member = m.ancestor)
SELECT pg_get_userbyid(member) AS member, pg_get_userbyid(ancestor) AS ancestor FROM m"""
_SUPERUSERS = "SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY rolname"
_POLICIES = """SELECT p.polname, p.polcmd, p.polpermissive,
       ARRAY(SELECT CASE WHEN x = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x) END FROM unnest(p.polroles) x) AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr, pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
FROM pg_policy p WHERE p.polrelid = :oid ORDER BY p.polname"""
_ROLES = "SELECT rolname, rolsuper FROM pg_roles WHERE rolname = ANY(:names)"


def observe_table(dataset: SqlDataset, table: str, declared: list[str], personal: list[str]) -> Observed:
    """The effective access to ``table`` (``schema.table`` or ``table``) and the declared roles' facts."""
    schema, _, name = table.rpartition(".")
    found = dataset.run(_TABLE, {"name": name, "schema": schema or None})
    if not found:
        raise AccessUnsupported(f"table {table} is not in pg_class (this connection may not see it)")
    oid, owner, rls, forced = found[0]
    args = {"oid": oid}
    direct = _grants(dataset.run(_ACL, args))
    column_direct: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for column, grantee, privilege in dataset.run(_COLUMN_ACL, args):
        column_direct[column][privilege].add(grantee)
    ancestors: dict[str, set[str]] = defaultdict(set)
    for member, ancestor in dataset.run(_MEMBERS):
        ancestors[member].add(ancestor)
    effective = {row[0]: {p for p, held in zip(TABLE_PRIVILEGES, row[1:], strict=True) if held}
                 for row in dataset.run(_EFFECTIVE, args)}  # fmt: skip
    by_column: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for row in dataset.run(_EFFECTIVE_COLUMNS, args):
        by_column[row[0]][row[1]] = {p for p, held in zip(COLUMN_PRIVILEGES, row[2:], strict=True) if held}
    explain = _Explainer(owner, direct, column_direct, ancestors)
    grantees = {}
    for role in sorted(effective):
        entry = explain.entry(role, effective[role], by_column.get(role, {}))
        if entry is not None:
            grantees[role] = entry
    state = {
        "kind": "postgresql", "object": table, "owners": [owner], "grantees": grantees,
        "public": _public(direct, column_direct),
        "member_of": {r: sorted(ancestors[r]) for r in grantees if ancestors.get(r)},
        "row_security": {"enabled": bool(rls), "forced": bool(forced),
                         "policies": [_policy(row) for row in dataset.run(_POLICIES, args)]},
        "superusers": [row[0] for row in dataset.run(_SUPERUSERS)],
    }  # fmt: skip
    roles = {row[0]: bool(row[1]) for row in dataset.run(_ROLES, {"names": declared})} if declared else {}
    facts = {d: _facts(d, roles, effective, by_column, personal) for d in declared}
    return Observed(state, facts)


def _grants(rows: list[Any]) -> dict[str, set[str]]:
    """privilege -> the grantees holding it directly (``PUBLIC`` among them)."""
    out: dict[str, set[str]] = defaultdict(set)
    for grantee, privilege in rows:
        out[privilege].add(grantee)
    return out


class _Explainer:
    """Why a role holds a privilege: the grants of the table and its columns, the owner, membership."""

    def __init__(self, owner: str, direct: dict[str, set[str]], column_direct: dict[str, dict[str, set[str]]],
                 ancestors: dict[str, set[str]]) -> None:  # fmt: skip
        self.owner, self.direct, self.column_direct, self.ancestors = owner, direct, column_direct, ancestors

    def sources(self, role: str, privilege: str, column: str | None = None) -> set[str]:
        """Where ``role``'s ``privilege`` comes from, ``PUBLIC`` aside (empty: from PUBLIC alone)."""
        selves = {role, *self.ancestors.get(role, set())}
        grants = self.direct.get(privilege, set()) | (
            self.column_direct.get(column, {}).get(privilege, set()) if column else set()
        )
        found = {("direct" if s == role else f"member of {s}") for s in selves & grants}
        if self.owner in selves:
            found.add("owner" if role == self.owner else f"member of {self.owner} (owner)")
        found |= {f"member of {p}" for p, privs in _PREDEFINED.items() if p in selves and privilege in privs}
        return found

    def entry(self, role: str, table: set[str], columns: dict[str, set[str]]) -> dict[str, Any] | None:
        """The role's grantee entry: privileges not from PUBLIC alone, where they come from; None if none."""
        via: set[str] = set()
        privileges = []
        for p in sorted(table):
            found = self.sources(role, p)
            if found:
                privileges.append(p)
                via |= found
        cols: dict[str, list[str]] = {}
        for column, held in columns.items():
            extra = []
            for p in sorted(held - set(privileges)):
                found = self.sources(role, p, column)
                if found:
                    extra.append(p)
                    via |= found
            if extra:
                cols[column] = extra
        if not privileges and not cols:
            return None
        return {"privileges": privileges, "columns": cols, "via": sorted(via)}


def _public(direct: dict[str, set[str]], column_direct: dict[str, dict[str, set[str]]]) -> dict[str, Any]:
    columns = {c: sorted(p for p, who in privs.items() if "PUBLIC" in who) for c, privs in column_direct.items()}
    return {"privileges": sorted(p for p, who in direct.items() if "PUBLIC" in who),
            "columns": {c: privs for c, privs in sorted(columns.items()) if privs}}  # fmt: skip


def _policy(row: Any) -> dict[str, Any]:
    name, command, permissive, roles, using, check = row
    return {"name": name, "command": _COMMANDS.get(command, command), "permissive": bool(permissive),
            "roles": sorted(roles), "using": using, "check": check}  # fmt: skip


def _facts(role: str, roles: dict[str, bool], effective: dict[str, set[str]],
           by_column: dict[str, dict[str, set[str]]], personal: list[str]) -> RoleFacts:  # fmt: skip
    if role not in roles:
        return RoleFacts(exists=False)
    if roles[role]:
        return RoleFacts(exists=True, superuser=True, can_write=True)
    columns = by_column.get(role, {})
    cannot = tuple(c for c, held in columns.items() if "SELECT" not in held)
    writes = bool(effective.get(role, set()) & {"INSERT", "UPDATE", "DELETE"}) or any(
        held & {"INSERT", "UPDATE"} for held in columns.values()
    )
    return RoleFacts(
        exists=True, cannot_read=tuple(c for c in cannot if c not in personal),
        cannot_read_personal=tuple(c for c in cannot if c in personal), can_write=writes,
    )  # fmt: skip
