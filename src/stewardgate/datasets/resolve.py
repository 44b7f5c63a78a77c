"""From a suite's ``dataset.path`` to the concrete files to read, their format and layout."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from stewardgate.errors import DatasetError
from stewardgate.walk import folder_files, glob_files

FORMATS_BY_SUFFIX = {
    ".parquet": "parquet", ".pq": "parquet",
    ".csv": "csv", ".tsv": "csv",
    ".ndjson": "ndjson", ".jsonl": "ndjson",
    ".ipc": "ipc", ".arrow": "ipc", ".feather": "ipc",
}  # fmt: skip
_HIVE_PART = re.compile(r"^[^=/]+=[^/]*$")


@dataclass(frozen=True)
class ResolvedDataset:
    """What to read: the files, their format, and the root of a hive layout if any."""

    display: str
    files: tuple[Path, ...]
    format: str
    hive_root: Path | None


def resolve(path_text: str, *, base: Path, fmt: str | None, roots: tuple[Path, ...] = ()) -> ResolvedDataset:
    """Resolve ``path_text`` (relative to ``base``): a file, a glob or a (hive) folder.

    ``roots`` (the ``dataset_roots`` setting): when given, every file, symbolic links
    followed, must lie under one of them.
    """
    target = Path(os.path.normpath(base / path_text))
    display = str(target)
    if glob.has_magic(path_text):
        files = tuple(glob_files(target, error=DatasetError))
        if not files:
            raise DatasetError(f"{display}: the pattern matches no files")
        hive_root = None
    elif target.is_dir():
        files = tuple(folder_files(target, error=DatasetError, skip=_hidden))
        files = tuple(p for p in files if p.suffix in FORMATS_BY_SUFFIX or fmt is not None)
        if not files:
            raise DatasetError(f"{display}: the folder holds no data files")
        hive_root = target if any(_HIVE_PART.match(part) for f in files for part in f.relative_to(target).parts[:-1]) else None
    elif target.is_file():
        files, hive_root = (target,), None
    else:
        raise DatasetError(f"{display}: no such file or folder")
    _confine(files, roots)
    return ResolvedDataset(display=display, files=files, format=_format(files, fmt, display), hive_root=hive_root)


def _confine(files: tuple[Path, ...], roots: tuple[Path, ...]) -> None:
    """Every file inside one of ``roots`` (real paths: a symbolic link cannot lead out)."""
    if not roots:
        return
    real_roots = [os.path.realpath(r) for r in roots]
    for f in files:
        real = os.path.realpath(f)
        if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots):
            shown = f"{f} (which is {real})" if real != str(f) and real != os.path.abspath(f) else str(f)
            raise DatasetError(
                f"{shown}: outside the folders datasets may be read from "
                f"(dataset_roots: {', '.join(map(str, roots))})"
            )


def _hidden(name: str) -> bool:
    """Markers and checksums (``_SUCCESS``, ``.part-0.crc``) and folders holding them."""
    return name.startswith((".", "_"))


def _format(files: tuple[Path, ...], fmt: str | None, display: str) -> str:
    if fmt is not None:
        return fmt
    found = {FORMATS_BY_SUFFIX.get(f.suffix.lower()) for f in files}
    if None in found or len(found) != 1:
        suffixes = sorted({f.suffix or "(none)" for f in files})
        raise DatasetError(
            f"{display}: cannot tell the format from the file extension ({', '.join(suffixes)}); "
            f"set dataset.format to one of: parquet, csv, ndjson, ipc"
        )
    return found.pop()  # type: ignore[return-value]
