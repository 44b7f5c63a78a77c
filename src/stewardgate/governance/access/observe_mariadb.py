"""A MariaDB (or MySQL) table's access, read from ``information_schema`` and ``mysql.roles_mapping``.

A grantee is an account (``user@host``) or a role. What it may do with the table is the union of
its grants at every level that reaches the table, and of the roles granted to it (recursively:
a role it may ``SET ROLE`` to is access it has): global (``USER_PRIVILEGES``, ``*.*``), database
(``SCHEMA_PRIVILEGES``, whose database names are ``LIKE`` patterns such as ``sales\\_%``), table
(``TABLE_PRIVILEGES``) and column (``COLUMN_PRIVILEGES``). Grants to ``PUBLIC`` (MariaDB 10.11)
are reported once, as PUBLIC. Accounts holding the global ``SUPER`` privilege are listed, not
judged (as PostgreSQL's superusers). The connected user must be able to see every account's
grants (root can); one that sees only its own would report too little, so a connection that
sees no account but itself is refused. A MariaDB table has no owner and no row-level security.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from stewardgate.governance.access.observed import AccessUnsupported, Observed, RoleFacts

if TYPE_CHECKING:
    from stewardgate.readers.sql.table import SqlDataset

PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "REFERENCES", "TRIGGER")
_GLOBAL = "SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES"
_SCHEMA = ("SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES "
           "WHERE :db LIKE TABLE_SCHEMA")  # fmt: skip
_TABLE = ("SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES "
          "WHERE TABLE_SCHEMA = :db AND TABLE_NAME = :name")  # fmt: skip
_COLUMN = ("SELECT GRANTEE, COLUMN_NAME, PRIVILEGE_TYPE FROM information_schema.COLUMN_PRIVILEGES "
           "WHERE TABLE_SCHEMA = :db AND TABLE_NAME = :name")  # fmt: skip
_COLUMNS = ("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = :db AND TABLE_NAME = :name "
            "ORDER BY ORDINAL_POSITION")  # fmt: skip
_ROLES = "SELECT User, Host, Role FROM mysql.roles_mapping"
_ACCOUNTS = "SELECT User, Host, is_role FROM mysql.user"
_PUBLIC = "PUBLIC"


def observe_mariadb(dataset: SqlDataset, table: str, declared: list[str], personal: list[str]) -> Observed:
    """The access to ``table`` (``database.table`` or ``table``) and the declared roles' facts."""
    db, _, name = table.rpartition(".")
    db = db or str(dataset.run("SELECT DATABASE()")[0][0])
    args = {"db": db, "name": name}
    columns = [row[0] for row in dataset.run(_COLUMNS, args)]
    listed = dataset.run(_ACCOUNTS)
    accounts = {_account(u, h, r == "Y") for u, h, r in listed}
    roles = {u for u, h, r in listed if r == "Y" or not h}
    if len(accounts) <= 1:
        raise AccessUnsupported("the connection sees no account but its own (it needs to read mysql.user and the "
                                "grants of every account)")  # fmt: skip
    held: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # grantee -> column|"" -> privs
    via: dict[str, set[str]] = defaultdict(set)
    for grantee, privilege in dataset.run(_GLOBAL):
        _add(held, via, _grantee(grantee), "", privilege, "global (*.*)")
    for grantee, pattern, privilege in dataset.run(_SCHEMA, args):
        _add(held, via, _grantee(grantee), "", privilege, f"database {pattern}.*")
    for grantee, privilege in dataset.run(_TABLE, args):
        _add(held, via, _grantee(grantee), "", privilege, "direct")
    for grantee, column, privilege in dataset.run(_COLUMN, args):
        _add(held, via, _grantee(grantee), column, privilege, "direct")
    granted: dict[str, set[str]] = defaultdict(set)
    for user, host, role in dataset.run(_ROLES):
        granted[_account(user, host, not host)].add(role)
    supers = sorted(g for g, cols in held.items() if "SUPER" in cols.get("", set()))
    closure = {a: _closure(a, granted) for a in accounts}
    grantees = {}
    for account in sorted(accounts - {_PUBLIC, *supers}):
        entry = _entry(account, closure[account], held, via)
        if entry is not None:
            grantees[account] = entry
    public = held.get(_PUBLIC, {})
    state = {
        "kind": "mariadb", "object": f"{db}.{name}", "owners": [], "grantees": grantees,
        "public": {"privileges": sorted(public.get("", set()) & set(PRIVILEGES)),
                   "columns": {c: sorted(p) for c, p in sorted(public.items()) if c}},
        "member_of": {a: sorted(closure[a]) for a in grantees if closure[a]},
        "aliases": {a: [user] for a in grantees if (user := _user_of(a, roles)) != a},
        "superusers": supers,
    }  # fmt: skip
    facts = {d: _facts(d, accounts, roles, supers, grantees, columns, personal) for d in declared}
    return Observed(state, facts)


def _account(user: str, host: str, role: bool) -> str:
    return user if role or not host else f"{user}@{host}"


def _grantee(text: str) -> str:
    """``'alice'@'%'`` -> ``alice@%``; a role (``'analysts'@''``, or ``'analysts'``) -> ``analysts``.

    A user name may hold ``@`` itself (``'jane@corp'@'%'``): the host is what follows the last
    ``'@'``, as no host name holds a quote."""
    if text.startswith("'") and "'@'" in text:
        user, _, host = text[1:].rpartition("'@'")
        return _account(user, host.removesuffix("'"), False)
    return _account(text.strip("'"), "", True)


def _user_of(account: str, roles: set[str]) -> str:
    """The user an account (``user@host``) is of; a role is itself (its name may hold ``@``)."""
    return account if account in roles else account.rpartition("@")[0] or account


def _add(held: Any, via: Any, grantee: str, column: str, privilege: str, source: str) -> None:
    held[grantee][column].add(privilege)
    if privilege in PRIVILEGES:
        via[grantee].add(source)


def _closure(start: str, granted: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    todo = list(granted.get(start, set()))
    while todo:
        role = todo.pop()
        if role not in found:
            found.add(role)
            todo += granted.get(role, set())
    return found


def _entry(account: str, roles: set[str], held: Any, via: Any) -> dict[str, Any] | None:
    table: set[str] = set()
    columns: dict[str, set[str]] = defaultdict(set)
    sources: set[str] = set()
    for who in (account, *sorted(roles)):
        got = False
        for column, privs in held.get(who, {}).items():
            privs = privs & set(PRIVILEGES)
            if privs:
                got = True
                if column == "":
                    table |= privs
                else:
                    columns[column] |= privs
        if got:
            sources |= via[who] if who == account else {f"role {who}"}
    cols = {c: sorted(p - table) for c, p in sorted(columns.items()) if p - table}
    if not table and not cols:
        return None
    return {"privileges": sorted(table), "columns": cols, "via": sorted(sources)}


def _facts(name: str, accounts: set[str], roles: set[str], supers: list[str], grantees: dict[str, Any],
           columns: list[str], personal: list[str]) -> RoleFacts:  # fmt: skip
    matched = [a for a in accounts if a == name or _user_of(a, roles) == name]
    if not matched:
        return RoleFacts(exists=False)
    if any(a in supers for a in matched):
        return RoleFacts(exists=True, superuser=True, can_write=True)
    entries = [grantees[a] for a in matched if a in grantees]
    readable = {
        c for e in entries for c in columns if "SELECT" in e["privileges"] or "SELECT" in e["columns"].get(c, [])
    }
    writes = any({"INSERT", "UPDATE", "DELETE"} & set(e["privileges"]) or
                 any({"INSERT", "UPDATE"} & set(p) for p in e["columns"].values()) for e in entries)  # fmt: skip
    cannot = [c for c in columns if c not in readable]
    return RoleFacts(exists=True, cannot_read=tuple(c for c in cannot if c not in personal),
                     cannot_read_personal=tuple(c for c in cannot if c in personal), can_write=writes)  # fmt: skip
