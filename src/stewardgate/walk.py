"""Listing files under a folder or a glob pattern, failing closed.

One walker for dataset folders, dataset globs and suite folders, so all three agree:

- a folder that cannot be listed (permissions, I/O error) raises, naming it: a gate must
  never judge part of the data, or part of the suites, because the rest could not be read;
- a symbolic link to a folder is followed, in the folder form and in the glob form alike;
  a link that leads back to a folder already being walked (a loop) raises;
- a symbolic link whose target is missing raises (it names a file that is not there).

Errors are raised as the caller's :class:`~stewardgate.errors.InputError` subclass
(``DatasetError`` for data, ``UsageError`` for suite paths). This module imports only errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from fnmatch import fnmatchcase
from glob import has_magic
from pathlib import Path

from stewardgate.errors import InputError

Skip = Callable[[str], bool]
"""Names (of files and folders) a walk passes over, e.g. markers such as ``_SUCCESS``."""


def _keep_all(name: str) -> bool:
    return False


def folder_files(root: Path, *, error: type[InputError], skip: Skip = _keep_all) -> list[Path]:
    """Every file under ``root`` (sorted), following symlinked folders; see the module doc."""
    return sorted(_walk(root, ("**",), error, skip, _chain(root)))


def glob_files(pattern: Path, *, error: type[InputError]) -> list[Path]:
    """Files matching ``pattern`` (``*``, ``?``, ``[...]`` in a name, ``**`` for any depth).

    Wildcards do not match names that start with a dot, as in the shell and :mod:`glob`.
    """
    parts = pattern.parts
    first = next(i for i, part in enumerate(parts) if has_magic(part))
    root = Path(*parts[:first]) if first else Path(".")
    if not root.is_dir():
        return []
    return sorted(set(_walk(root, parts[first:], error, _dotted, _chain(root))))


def _dotted(name: str) -> bool:
    return name.startswith(".")


def _chain(folder: Path) -> frozenset[str]:
    return frozenset({os.path.realpath(folder)})


def _walk(
    folder: Path, segments: tuple[str, ...], error: type[InputError], skip: Skip, chain: frozenset[str]
) -> Iterator[Path]:
    """Files under ``folder`` matching the remaining pattern ``segments``."""
    head, rest = segments[0], segments[1:]
    if head == "**":
        if rest:
            yield from _walk(folder, rest, error, skip, chain)
        for entry in _list(folder, error):
            if skip(entry.name):
                continue
            if _is_folder(entry, error):
                yield from _walk(_enter(entry, chain, error), segments, error, skip, chain | _chain(entry))
            elif not rest and entry.is_file():
                yield entry
        return
    if has_magic(head):
        shown = head.startswith(".")  # `.*` asks for dot names, as in the shell
        names = [e for e in _list(folder, error) if fnmatchcase(e.name, head) and (shown or not skip(e.name))]
    else:
        names = [folder / head]
    for entry in names:
        if not rest:
            if not _is_folder(entry, error) and entry.is_file():
                yield entry
        elif _is_folder(entry, error):
            yield from _walk(_enter(entry, chain, error), rest, error, skip, chain | _chain(entry))


def _list(folder: Path, error: type[InputError]) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return sorted(folder / e.name for e in entries)
    except OSError as exc:
        raise error(
            f"{folder}: cannot list the folder ({exc.strerror or type(exc).__name__}); what it holds would go unchecked"
        ) from exc


def _is_folder(entry: Path, error: type[InputError]) -> bool:
    """A folder (or a link to one); a link whose target is missing raises."""
    if entry.is_symlink() and not entry.exists():
        raise error(f"{entry}: a symbolic link to '{os.readlink(entry)}', which does not exist")
    return entry.is_dir()


def _enter(entry: Path, chain: frozenset[str], error: type[InputError]) -> Path:
    """``entry`` to walk into; a symbolic link back into the folders being walked raises."""
    if os.path.realpath(entry) in chain:
        raise error(f"{entry}: a symbolic link loop (it leads back to {os.path.realpath(entry)})")
    return entry
