"""Access of local files: real owners, groups and mode bits against ``access:``, end to end
through the CLI (reports, waivers, the baseline), and the declaration's bad input.

The tests may run as root (CI does): a file's group is changed with ``chown`` (root may) so the
group is not the owner's name, and no test depends on what root itself may read. pytest's
temporary folders are ``0700``; the tests that need data open to everyone open the folders
above it (``o+x``) for the test and close them again afterwards.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.planning import plan_suite
from stewardgate.runner import RunOptions, run_suite
from stewardgate.suite.loader import load_suite

AS_OF = date(2026, 11, 27)
ME = pwd.getpwuid(os.geteuid()).pw_name


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"id": [1, 2], "email": ["a@example.com", "b@example.com"]})


@pytest.fixture
def open_folders(tmp_path: Path) -> Iterator[None]:
    """The folders from tmp_path up to (not including) the first one everyone may already pass, ``o+x`` for the test."""
    changed: list[tuple[Path, int]] = []
    for folder in (tmp_path, *tmp_path.parents):
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & stat.S_IXOTH:
            continue
        changed.append((folder, mode))
        folder.chmod(mode | stat.S_IXOTH)
    yield
    for folder, mode in changed:
        folder.chmod(mode)


@pytest.fixture
def other_group() -> str:
    """A group that is not the effective user's name (root may chown a file to any group)."""
    names = [g.gr_name for g in grp.getgrall() if g.gr_name != ME]
    if os.geteuid() != 0:
        names = [grp.getgrgid(g).gr_name for g in os.getgroups() if grp.getgrgid(g).gr_name != ME]
    assert names, "no group other than the user's own to give the data file"
    return "daemon" if "daemon" in names else names[0]


def _suite(make_suite: Callable[..., Path], access: dict[str, Any] | None, mode: int, *, classification: str = "confidential",
           top: dict[str, Any] | None = None) -> Path:  # fmt: skip
    suite = make_suite(data=_frame(), columns={"email": {"type": "string", "pii": "email"}}, schema={"extra_columns": "allow"},
                       stewardship_extra={"classification": classification},
                       top={**({"access": access} if access is not None else {}), **(top or {})})  # fmt: skip
    (suite.parent / "data.parquet").chmod(mode)
    return suite


def _access(found: list[Any] | dict[str, Any]) -> dict[str, str]:
    items = found.items() if isinstance(found, dict) else ((r.check_id, r.status.value) for r in found)
    return {cid.removeprefix("t.access."): status for cid, status in items if ".access." in cid}


def _run(suite: Path, **kw: Any) -> Any:
    return run_suite(load_suite(suite), RunOptions(as_of=AS_OF, use_store=False, **kw))


def test_world_readable_confidential_data_is_a_violation_named_with_its_mode(
    make_suite: Callable[..., Path], open_folders: None, cli: Any, tmp_path: Path
) -> None:  # fmt: skip
    suite = _suite(make_suite, {"read": [ME]}, 0o644)
    code, out, err = cli("run", suite, "--no-history", "--json", "run.json", "--junit", "run.xml", cwd=tmp_path)
    assert (code, err) == (1, ""), out
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    results = {r["check_id"]: r for r in report["datasets"][0]["results"]}
    public = results["t.access.public"]
    assert public["status"] == "failed" and public["engine"] == "access"
    assert public["message"] == (
        "everyone may read 1 of 1 files (other bits, folders open to all: data.parquet); forbidden by access.public: false"
    )
    assert results["t.access.observed"]["observed"]["modes"] == {"0644": 1}
    assert 'name="t.access.public"' in (tmp_path / "run.xml").read_text(encoding="utf-8")


def test_a_file_in_a_folder_closed_to_others_is_not_public(make_suite: Callable[..., Path]) -> None:
    suite = _suite(make_suite, {"read": [ME]}, 0o644)
    suite.parent.chmod(0o700)  # pytest's folders are closed to others already; say so
    assert _access(_run(suite).results)["public"] == "passed"


def test_settings_forbid_public_access_to_restricted_data_whatever_the_suite_says(
    make_suite: Callable[..., Path], open_folders: None, cli: Any, tmp_path: Path
) -> None:  # fmt: skip
    suite = _suite(make_suite, {"read": [ME], "public": True}, 0o644, classification="restricted")
    code, out, _ = cli("run", suite, "--no-history", "--json", "run.json", cwd=tmp_path)
    assert code == 1, out
    results = {r["check_id"]: r for r in json.loads((tmp_path / "run.json").read_text())["datasets"][0]["results"]}
    assert results["t.access.public"]["message"].endswith(
        "forbidden by settings: public_access_forbidden_for restricted"
    )
    suite = _suite(make_suite, {"read": [ME], "public": True}, 0o644, classification="internal")
    (public,) = [r for r in _run(suite).results if r.check_id == "t.access.public"]  # internal data may be read by all
    assert (public.status.value, public.message) == (
        "passed",
        "public reading allowed (access.public: true), no public writing",
    )
    (suite.parent / "data.parquet").chmod(0o646)  # ... but never written by all
    (public,) = [r for r in _run(suite).results if r.check_id == "t.access.public"]
    assert (public.status.value, public.message) == (
        "failed",
        "everyone may write 1 of 1 files (other bits, folders open to all: data.parquet); access.public: "
        "true allows reading, not writing",
    )


def test_an_undeclared_group_a_missing_role_and_another_owner_are_each_named(
    make_suite: Callable[..., Path], other_group: str
) -> None:  # fmt: skip
    access = {"read": ["sg_no_such_user_x"], "owner": "nobody", "group": other_group}
    suite = _suite(make_suite, access, 0o640)
    os.chown(suite.parent / "data.parquet", -1, grp.getgrnam(other_group).gr_gid)
    results = {r.check_id: r for r in _run(suite).results}
    assert _access({k: r.status.value for k, r in results.items()}) == {
        "observed": "passed", f"grants.{other_group}": "failed", "grants.sg_no_such_user_x": "failed",
        "public": "passed", "owner": "failed", "group": "passed", "baseline": "skipped",
    }  # fmt: skip
    assert results[f"t.access.grants.{other_group}"].message == (
        f"{other_group}: may read (read; via group) but is not in access.read or access.write"
    )
    assert results["t.access.grants.sg_no_such_user_x"].message == (
        "sg_no_such_user_x: is declared in access.read but does not exist as a user or group on this machine"
    )
    assert results["t.access.owner"].message == f"owned by {ME}, not nobody (access.owner)"


def test_the_plan_lists_exactly_the_access_checks_the_run_reports(
    make_suite: Callable[..., Path], plan_is_the_run: Callable[..., None]
) -> None:  # fmt: skip
    access = {"read": [ME, "sg_no_such_user_x"], "personal_data": [ME], "owner": ME, "recertify_by": date(2026, 12, 1),
              "approver": "ciso@example.com"}  # fmt: skip
    suite = _suite(make_suite, access, 0o600)
    loaded = load_suite(suite)
    plan_is_the_run(plan_suite(loaded), _run(suite).results)


@pytest.mark.parametrize(("due", "status", "message"), [
    (date(2026, 11, 1), "failed", "access recertification (approver ciso@example.com) was due on 2026-11-01, 26 days "
                                  "before 2026-11-27"),
    (date(2026, 12, 7), "warned", "access recertification (approver ciso@example.com) is due on 2026-12-07, in 10 days "
                                  "(warns within 30)"),
    (date(2027, 6, 30), "passed", "access recertification (approver ciso@example.com): recertified until 2027-06-30 "
                                  "(215 days after 2026-11-27)"),
])  # fmt: skip
def test_access_recertification_warns_before_and_fails_after(
    make_suite: Callable[..., Path], due: date, status: str, message: str
) -> None:  # fmt: skip
    suite = _suite(make_suite, {"read": [ME], "recertify_by": due, "approver": "ciso@example.com"}, 0o600)
    (result,) = [r for r in _run(suite).results if r.check_id == "t.access.recertification"]
    assert (result.status.value, result.message) == (status, message)


def test_settings_require_an_access_declaration_by_classification(make_suite: Callable[..., Path], cli: Any,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    (tmp_path / "pyproject.toml").write_text('[tool.stewardgate.governance]\naccess_required_for = ["restricted"]\n')
    suite = _suite(make_suite, None, 0o600, classification="restricted")
    code, out, _ = cli("run", suite, "--no-history", "--json", "run.json", cwd=tmp_path)
    assert code == 1
    results = {r["check_id"]: r for r in json.loads((tmp_path / "run.json").read_text())["datasets"][0]["results"]}
    assert results["t.access.declared"]["message"] == (
        "the settings require an access: declaration for restricted data (access_required_for: restricted); "
        "declare who may read and write it"
    )


def test_an_access_finding_can_be_waived_and_the_baseline_names_a_new_grantee(
    make_suite: Callable[..., Path], other_group: str, cli: Any, tmp_path: Path
) -> None:  # fmt: skip
    waiver = {"check": f"access.grants.{other_group}", "reason": "group read until the move", "approved_by": "jane@example.com",
              "expires": date(2026, 12, 31)}  # fmt: skip
    suite = _suite(make_suite, {"read": [ME]}, 0o600, top={"waivers": [waiver]})
    code, out, err = cli("run", suite, "--json", "run.json", cwd=tmp_path)
    assert (code, err) == (0, ""), out
    code, out, err = cli("access", "accept", suite, "--reason", "reviewed", "--by", "jane@example.com", cwd=tmp_path)
    assert (code, err) == (0, ""), out
    data = suite.parent / "data.parquet"
    os.chown(data, -1, grp.getgrnam(other_group).gr_gid)
    data.chmod(0o640)
    code, out, err = cli("run", suite, "--json", "run.json", cwd=tmp_path)
    assert code == 1, out
    results = {r["check_id"]: r for r in json.loads((tmp_path / "run.json").read_text())["datasets"][0]["results"]}
    assert results[f"t.access.grants.{other_group}"]["status"] == "waived"
    assert results[f"t.access.grants.{other_group}"]["message"].endswith(", waived until 2026-12-31")
    changed = results[f"t.access.baseline.{other_group}"]
    assert changed["status"] == "failed"
    assert changed["message"].startswith(
        f"new grantee since the baseline: {other_group} (read); access baseline of run "
    )
    assert changed["message"].endswith(", accepted by jane@example.com: reviewed")
    code, out, _ = cli("audit", "log", "--kind", "access_baseline", cwd=tmp_path)
    assert code == 0 and "access_baseline" in out
    code, out, _ = cli("audit", "verify", cwd=tmp_path)
    assert code == 0 and out.startswith("audit chain intact: 4 entries")  # two runs, the waiver use, the acceptance


BAD = [
    ({"read": ["a b"]}, "suite.yml:4:18: access.read: 'a b' is not a role, user or group name (letters, digits and "
                        "_ . @ $ % -, at most 128 characters)"),
    ({"read": ["x"], "reed": ["y"]}, "suite.yml:4:25: access.reed: unknown key (did you mean 'read'? allowed: read, write, "
                                     "personal_data, public, owner, group, row_security, recertify_by, approver, severity)"),
    ({"read": ["x"], "recertify_by": date(2027, 1, 1)}, "suite.yml:4:9: access: recertify_by needs approver: who "
                                                       "re-certifies the access, and by when"),
    ({"read": ["x"], "personal_data": ["y"]}, "suite.yml:4:43: access.personal_data.0: 'y' is not one of access.read or "
                                              "access.write (declare it as a reader first: who may read the personal-data "
                                              "columns may read the data)"),
    ({"read": ["x"], "row_security": "forced"}, "suite.yml:4:41: access.row_security: row_security applies to "
                                                "PostgreSQL tables (dataset.connection), not to files"),
    ({"read": ["x", "x"]}, "suite.yml:4:18: access.read: 'x' is named more than once"),
]  # fmt: skip


@pytest.mark.parametrize(("access", "message"), BAD)
def test_a_malformed_access_declaration_is_a_located_suite_error(
    access: dict[str, Any], message: str, make_suite: Callable[..., Path], cli: Any, tmp_path: Path
) -> None:  # fmt: skip
    make_suite(data=_frame(), top={"access": access})
    code, out, err = cli("run", "suite.yml", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == message
    assert not (tmp_path / ".stewardgate").exists()  # nothing half-written: no store


def test_group_on_a_table_suite_is_a_located_suite_error(
    make_suite: Callable[..., Path], cli: Any, tmp_path: Path
) -> None:
    make_suite(
        path=None, dataset_extra={"connection": "db", "table": "t"}, top={"access": {"read": ["x"], "group": "g"}}
    )
    code, _, err = cli("validate", "suite.yml", cwd=tmp_path)
    assert code == 2
    assert err.splitlines()[0] == ("suite.yml:4:34: access.group: a table has no group: access.group applies to files "
                                   "(declare the roles in access.read instead)")  # fmt: skip


def _acl_granting_uid_1() -> bytes:
    """A POSIX access ACL (the kernel's xattr layout, version 2) that lets user 1 read: ``user:1:r--``."""
    import struct

    def entry(tag: int, perm: int, qualifier: int = 0xFFFFFFFF) -> bytes:
        return struct.pack("<HHI", tag, perm, qualifier)

    return struct.pack("<I", 2) + entry(0x01, 6) + entry(0x02, 4, 1) + entry(0x04, 4) + entry(0x10, 4) + entry(0x20, 0)


def test_a_file_with_a_posix_acl_makes_the_access_checks_errored_not_passed(make_suite: Callable[..., Path]) -> None:
    suite = _suite(make_suite, {"read": [ME]}, 0o600)
    data = suite.parent / "data.parquet"
    os.setxattr(data, "system.posix_acl_access", _acl_granting_uid_1())  # what setfacl -m u:1:r writes
    results = {r.check_id: r for r in _run(suite).results}
    assert _access({k: r.status.value for k, r in results.items()}) == {
        "observed": "errored", "grants": "errored", "public": "errored", "baseline": "errored",
    }  # fmt: skip
    assert results["t.access.grants"].message == (
        "errored: 1 file(s) carry a POSIX ACL, which is not read (e.g. data.parquet): their access is more than the "
        "mode bits show"
    )


@pytest.mark.parametrize(("opened", "reason"), [
    (type("S3", (), {"resolved": type("R", (), {"remote": object(), "files": ()})()})(),
     "an S3 dataset's access is its bucket policy and object ACLs, which are not read yet, so its access "
     "declaration cannot be judged"),
    (object(), "the dataset was opened without a list of its files, so their access cannot be read"),
])  # fmt: skip
def test_s3_datasets_and_datasets_without_files_are_errored_with_the_reason(
    opened: Any, reason: str, make_suite: Callable[..., Path]
) -> None:  # fmt: skip
    from stewardgate.governance.access.judge import judge_access

    loaded = load_suite(_suite(make_suite, {"read": [ME]}, 0o600))
    planned = [p for p in plan_suite(loaded) if p.engine == "access"]
    results = judge_access(planned, loaded, opened, as_of=AS_OF, open_store=None)
    assert {r.check_id: r.status.value for r in results} == {p.check_id: "errored" for p in planned}
    assert {r.message for r in results} == {f"errored: {reason}"}


def test_access_accept_and_show_refuse_what_is_not_there(
    make_suite: Callable[..., Path], cli: Any, tmp_path: Path
) -> None:
    suite = make_suite(data=_frame())  # no access: declared
    assert cli("run", suite, cwd=tmp_path).code == 0
    code, out, err = cli("access", "accept", suite, "--reason", "r", "--by", "jane", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "no stored run of dataset 't' in " in err and "observed its access (its suite declares no access:" in err
    code, out, err = cli("access", "show", "t", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "no accepted access baseline for dataset 't' in " in err
    code, _, err = cli("access", "accept", "nosuch", "--reason", "r", "--by", "jane", cwd=tmp_path)
    assert code == 2 and "no stored runs of dataset 'nosuch' in " in err


def test_a_glob_of_files_is_judged_file_by_file(
    make_suite: Callable[..., Path], open_folders: None, tmp_path: Path
) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    parts.chmod(0o755)
    for name, mode in (("a.parquet", 0o644), ("b.parquet", 0o600), ("c.parquet", 0o604)):
        _frame().write_parquet(parts / name)
        (parts / name).chmod(mode)
    suite = make_suite(path="parts/*.parquet", top={"access": {"read": [ME]}})
    results = {r.check_id: r for r in _run(suite).results}
    assert results["t.access.public"].message == (
        "everyone may read 2 of 3 files (other bits, folders open to all: parts/a.parquet, parts/c.parquet); "
        "forbidden by access.public: false"
    )
    assert results["t.access.public"].failing_count == 2
    assert results["t.access.observed"].observed["modes"] == {"0600": 1, "0604": 1, "0644": 1}
