"""Files stewardgate writes: the umask's mode, symlinks followed, special files written through.

Issue 16 item 9 (every file was mode 0600) and issue 17 item 8 (a symlink replaced by a
regular file, ``/dev/stdout`` replaced, ``/dev/fd/1`` an internal error).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stewardgate.errors import OutputError
from stewardgate.io import atomic_write_text

GOLDEN_RECORD = Path(__file__).parents[1] / "reporters" / "golden" / "sample-run.json"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def guard_dev_stdout() -> Iterator[None]:
    """Run as root, a broken writer replaces /dev/stdout with a regular file: put the link back."""
    before = os.readlink("/dev/stdout")
    try:
        yield
    finally:
        if not os.path.islink("/dev/stdout"):
            os.unlink("/dev/stdout")
            os.symlink(before, "/dev/stdout")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path, umask_022: None) -> None:
    atomic_write_text(tmp_path / "report.html", "x")
    assert _mode(tmp_path / "report.html") == 0o644


def test_a_new_file_under_umask_027_is_group_readable_only(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "r.md", "x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "r.md") == 0o640


def test_an_existing_file_keeps_its_own_mode(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o664)
    atomic_write_text(target, "new")
    assert (_mode(target), target.read_text()) == (0o664, "new")


def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path, umask_022: None) -> None:
    real = tmp_path / "published" / "nightly.html"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.html"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["nightly.html"]  # no temp file left


def test_a_dangling_symlink_creates_its_target(tmp_path: Path, umask_022: None) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to(tmp_path / "new.md")
    atomic_write_text(link, "x")
    assert link.is_symlink() and (tmp_path / "new.md").read_text() == "x"


@pytest.mark.subprocess
def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    atomic_write_text(fifo, "through the pipe")
    out, _ = reader.communicate(timeout=30)
    assert out == b"through the pipe"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_dev_null_stays_a_device(umask_022: None) -> None:
    atomic_write_text("/dev/null", "nothing")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_is_a_located_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\Acannot write .*: it is a folder\Z"):
        atomic_write_text(tmp_path, "x")


def test_an_unwritable_folder_is_an_output_error_and_leaves_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    with pytest.raises(OutputError, match=r"\Acannot write .*file/r\.md: Not a directory\Z"):
        atomic_write_text(tmp_path / "file" / "r.md", "x")


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_report_to_own_stdout_is_written_there_in_order(
    path: str, cli_process, tmp_path: Path, guard_dev_stdout: None
) -> None:  # type: ignore[no-untyped-def]
    code, stdout, stderr = cli_process("report", "--from-json", GOLDEN_RECORD, "--markdown", path, cwd=tmp_path)
    assert (code, "Traceback" in stderr) == (0, False), stderr
    expected = (Path(__file__).parents[1] / "reporters" / "golden" / "sample-run.md").read_text()
    assert stdout == expected + f"report: {path}\n"
    assert os.path.islink("/dev/stdout")


def test_a_link_to_the_own_stdout_is_written_through(cli_process, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out").symlink_to("/proc/self/fd/1")
    code, stdout, stderr = cli_process("report", "--from-json", GOLDEN_RECORD, "--markdown", "out", cwd=tmp_path)
    assert code == 0, stderr
    assert stdout.startswith("## ") and stdout.endswith("report: out\n")
    assert (tmp_path / "out").is_symlink()


@pytest.mark.subprocess
def test_dev_stdout_as_root_on_a_pipe_is_not_replaced(tmp_path: Path, guard_dev_stdout: None) -> None:
    """Run with stdout a pipe: /dev/stdout must stay the symlink to the process's stream."""
    before = os.lstat("/dev/stdout")
    proc = subprocess.run(
        [sys.executable, "-m", "stewardgate", "report", "--from-json", str(GOLDEN_RECORD), "--markdown", "/dev/stdout"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    after = os.lstat("/dev/stdout")
    assert stat.S_ISLNK(after.st_mode) and after.st_ino == before.st_ino


def test_report_into_a_folder_exits_2_naming_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "out").mkdir()
    code, stdout, stderr = cli("report", "--from-json", GOLDEN_RECORD, "--markdown", "out", cwd=tmp_path)
    assert (code, stdout, stderr) == (2, "", "error: cannot write out: it is a folder\n")
