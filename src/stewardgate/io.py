"""Writing files so that a crash never leaves half of one: temp file in the same folder, then rename.

What the path names decides how it is written (:func:`atomic_write_bytes`):

* a regular file, or none yet: a temp file beside it, then renamed over it. A new file gets
  the mode the umask gives (0644 under umask 022), an existing one keeps its own mode.
* a symlink: followed; its target is written as above and the link stays a link.
* the process's own standard streams (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``,
  ``/proc/self/fd/N``): written to that open descriptor, after what was printed before.
* any other special file (a terminal, a FIFO, ``/dev/null``): opened and written through.

A file that cannot be written is an :class:`~stewardgate.errors.OutputError` (exit 2) naming it.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from stewardgate.errors import OutputError

_OWN_STREAM = re.compile(r"\A/(?:dev/(?:fd/(?P<fd>\d+)|(?P<name>stdout|stderr))|proc/self/fd/(?P<pfd>\d+))\Z")
_STREAM_FDS = {"stdout": 1, "stderr": 2}


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one, never a part.

    Raises:
        OutputError: the file (or its folder) cannot be written; nothing is left behind.
    """
    target = Path(path)
    try:
        fd = _own_stream(target)
        if fd is not None:
            _write_fd(fd, data)
        elif _is_special(target):
            with target.open("wb") as fh:
                fh.write(data)
        else:
            _replace(Path(os.path.realpath(target)), data)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise OutputError(f"cannot write {target}: {reason}") from err


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def new_file_mode() -> int:
    """The mode a new file gets under the process's umask (``0o666 & ~umask``)."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The umask, read without changing it where the system says it (Linux), else set back."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _own_stream(target: Path) -> int | None:
    match = _OWN_STREAM.match(str(target))
    if match is None:
        return None
    if match["name"]:
        return _STREAM_FDS[match["name"]]
    return int(match["fd"] or match["pfd"])


def _write_fd(fd: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what was printed before comes first
        if stream is not None:
            stream.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _is_special(target: Path) -> bool:
    """True for an existing path (after symlinks) that is neither a regular file nor a folder."""
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _replace(target: Path, data: bytes) -> None:
    if target.is_dir():
        raise IsADirectoryError(21, "it is a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else new_file_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
