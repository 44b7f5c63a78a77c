"""Local files' access: their owner, group and mode bits (``os.stat``; no data is read).

Each file's owner user reads and writes by its ``u`` bits, its group by its ``g`` bits, and
everyone (``public``) by its ``o`` bits, but only when every folder above the file lets
everyone through (``o+x``): a world-readable file in a ``0700`` folder is not public. A user
reaches a file through its group when the group lists the user or is the user's primary group.
A file with a POSIX ACL (``system.posix_acl_access``) grants more than its mode shows: the ACL is
not read, so such files make the check errored rather than pass.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from stewardgate.governance.access.observed import AccessUnsupported, Observed, RoleFacts

_ACL_KEY = "system.posix_acl_access"


def observe_files(files: tuple[Path, ...], display: str, declared: list[str], base: Path) -> Observed:
    """The access of every file of the dataset, folded per grantee, and the declared roles' facts
    (files named relative to ``base``, the suite's folder)."""
    if not files:
        raise AccessUnsupported(f"{display}: no local files to read the modes of (a Spark catalog table's access is "
                                "its catalog's, which is not read)")  # fmt: skip
    seen = [_file(f, base) for f in files]
    acl = [s["path"] for s in seen if s["acl"]]
    if acl:
        raise AccessUnsupported(f"{len(acl)} file(s) carry a POSIX ACL, which is not read (e.g. {acl[0]}): "
                                "their access is more than the mode bits show")  # fmt: skip
    grantees: dict[str, dict[str, Any]] = defaultdict(lambda: {"privileges": set(), "kinds": set(), "files": set()})
    public: Counter[str] = Counter()
    for s in seen:
        for name, kind, privs in ((s["owner"], "user", s["user"]), (s["group"], "group", s["grp"])):
            if privs:
                entry = grantees[name]
                entry["privileges"] |= set(privs)
                entry["kinds"].add(kind)
                entry["files"].add(s["path"])
        public.update(s["public"])
    state = {
        "kind": "files", "object": display, "files": len(seen),
        "owners": sorted({s["owner"] for s in seen}), "groups": sorted({s["group"] for s in seen}),
        "modes": dict(sorted(Counter(f"{s['mode']:04o}" for s in seen).items())),
        "grantees": {n: {"privileges": sorted(e["privileges"]), "columns": {}, "via": sorted(e["kinds"]),
                         "files": len(e["files"])} for n, e in sorted(grantees.items())},
        "public": {"privileges": sorted(public), "columns": {},
                   "files": [s["path"] for s in seen if s["public"]][:20],
                   "file_count": sum(1 for s in seen if s["public"]),
                   "write_files": [s["path"] for s in seen if "write" in s["public"]][:20],
                   "write_count": sum(1 for s in seen if "write" in s["public"])},
        "member_of": {},
    }  # fmt: skip
    return Observed(state, {d: _facts(d, seen) for d in declared})


def _file(path: Path, base: Path) -> dict[str, Any]:
    st = path.stat()
    mode = stat.S_IMODE(st.st_mode)
    open_to_all = all(os.stat(folder).st_mode & stat.S_IXOTH for folder in path.resolve().parents)
    other = _bits(mode, stat.S_IROTH, stat.S_IWOTH) if open_to_all else []
    return {
        "path": os.path.relpath(path, base), "mode": mode, "uid": st.st_uid, "gid": st.st_gid,
        "owner": _user(st.st_uid), "group": _group(st.st_gid), "user": _bits(mode, stat.S_IRUSR, stat.S_IWUSR),
        "grp": _bits(mode, stat.S_IRGRP, stat.S_IWGRP), "public": other, "acl": _has_acl(path),
    }  # fmt: skip


def _bits(mode: int, r: int, w: int) -> list[str]:
    return [name for name, bit in (("read", r), ("write", w)) if mode & bit]


def _has_acl(path: Path) -> bool:
    try:
        os.getxattr(path, _ACL_KEY)
    except OSError:  # ENODATA: no ACL; ENOTSUP: the file system keeps none
        return False
    return True


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _facts(name: str, seen: list[dict[str, Any]]) -> RoleFacts:
    """What ``name`` (a user or a group) may do with the files."""
    user, group = _lookup_user(name), _lookup_group(name)
    if user is None and group is None:
        return RoleFacts(exists=False)
    if user is not None and user.pw_uid == 0:
        return RoleFacts(exists=True, superuser=True, can_write=True)
    unreadable, writes = [], False
    for s in seen:
        privs = set(s["public"])
        if user is not None and user.pw_uid == s["uid"]:
            privs |= set(s["user"])
        if (user is not None and _in_group(user, s["gid"])) or (group is not None and group.gr_gid == s["gid"]):
            privs |= set(s["grp"])
        if "read" not in privs:
            unreadable.append(s["path"])
        writes = writes or "write" in privs
    return RoleFacts(exists=True, cannot_read=tuple(unreadable), cannot_read_personal=tuple(unreadable),
                     can_write=writes)  # fmt: skip


def _in_group(user: pwd.struct_passwd, gid: int) -> bool:
    if user.pw_gid == gid:
        return True
    try:
        return user.pw_name in grp.getgrgid(gid).gr_mem
    except KeyError:
        return False


def _lookup_user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _lookup_group(name: str) -> grp.struct_group | None:
    try:
        return grp.getgrnam(name)
    except KeyError:
        return None
