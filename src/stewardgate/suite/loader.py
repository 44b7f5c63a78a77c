"""Finding, reading and validating suite files.

``load_suites(paths)`` reads every suite under the given files and folders, collects every
problem in every file, and raises one :class:`SuiteError` listing them all, or returns the
loaded suites. Nothing here touches data.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from stewardgate.errors import Problem, SuiteError, UsageError
from stewardgate.expectations.validate import expectation_problems
from stewardgate.suite.errors_map import problems_from
from stewardgate.suite.models import Suite
from stewardgate.suite.yamlguard import RefusedYAML
from stewardgate.suite.yamlpos import Located, load_located
from stewardgate.walk import folder_files

SUITE_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class LoadedSuite:
    """A valid suite with where it came from: file, content hash and key positions."""

    path: Path
    suite: Suite
    sha256: str
    located: Located

    @property
    def folder(self) -> Path:
        return self.path.parent

    def line_of(self, *keys: str | int) -> int | None:
        """The line of a key path such as ``("columns", "amount", "min")``, if written."""
        return self.located.line_of(tuple(keys))

    def where(self, *keys: str | int) -> str:
        """``path:line:col: key.path`` of a key, for errors found at run time (as at load)."""
        line, col = self.located.position(tuple(keys))
        spot = f"{self.path}:{line}:{col}" if line is not None else str(self.path)
        return f"{spot}: {'.'.join(map(str, keys))}"


def discover(paths: list[Path]) -> list[Path]:
    """Suite files named or found (recursively, sorted) under the named folders.

    Symlinked folders are followed; a folder that cannot be listed is an error, never skipped.
    """
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(f for f in folder_files(p, error=UsageError) if f.suffix in SUITE_SUFFIXES)
        elif p.is_file():
            found.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    if not found:
        raise UsageError(f"no suite files (*.yml, *.yaml) under {', '.join(map(str, paths))}")
    return found


def load_suites(paths: list[Path], *, unique_names: bool = True) -> list[LoadedSuite]:
    """Load every suite under ``paths``; raise one SuiteError with all problems of all files.

    ``unique_names``: two suites of one run may not name the same dataset (their results and
    history would mix); ``validate`` turns this off to check many versions side by side.
    """
    loaded: list[LoadedSuite] = []
    problems: list[Problem] = []
    for file in discover(paths):
        try:
            loaded.append(load_suite(file))
        except SuiteError as exc:
            problems.extend(exc.problems)
    if unique_names:
        problems.extend(_duplicate_names(loaded))
    if problems:
        raise SuiteError(problems)
    return loaded


def load_suite(file: Path) -> LoadedSuite:
    """Load and validate one suite file, or raise SuiteError listing its problems."""
    name = str(file)
    try:
        raw = file.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise SuiteError([Problem(name, None, None, "", f"cannot read file: {exc.strerror}")]) from exc
    except UnicodeDecodeError as exc:
        raise SuiteError([Problem(name, None, None, "", f"not UTF-8 text ({exc.reason})")]) from exc
    located = _parse(name, text)
    if not isinstance(located.data, dict):
        what = "empty" if located.data is None else f"a {type(located.data).__name__}"
        raise SuiteError([Problem(name, 1, 1, "", f"a suite must be a mapping of keys, this file is {what}")])
    expectations = expectation_problems(located, name)  # GX vocabulary, from the static catalogue
    try:
        suite = Suite.model_validate(located.data)
    except ValidationError as exc:
        raise SuiteError(_in_file_order([*problems_from(exc, located, Suite, name), *expectations])) from None
    if expectations:
        raise SuiteError(_in_file_order(expectations))
    return LoadedSuite(path=file, suite=suite, sha256=hashlib.sha256(raw).hexdigest(), located=located)


def declared_names(folder: Path) -> dict[str, Path]:
    """Dataset name -> suite file, for the suites found under ``folder`` (parsed, not validated).

    A drafted suite that does not validate yet still claims its name; files that are not
    YAML mappings with a ``dataset.name`` are left out.
    """
    names: dict[str, Path] = {}
    for file in discover([folder]) if folder.is_dir() and any(folder.rglob("*.y*ml")) else []:
        try:
            data = _parse(str(file), file.read_text(encoding="utf-8")).data
        except (OSError, UnicodeDecodeError, SuiteError):
            continue
        name = (
            data.get("dataset", {}).get("name")
            if isinstance(data, dict) and isinstance(data.get("dataset"), dict)
            else None
        )
        if isinstance(name, str):
            names.setdefault(name, file)
    return names


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.col or 0, p.key))


def _parse(name: str, text: str) -> Located:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return load_located(text)
    except RefusedYAML as exc:
        raise SuiteError([Problem(name, exc.line, exc.col, exc.key, exc.message)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = " ".join(s for s in (exc.context, exc.problem) if s) or "invalid YAML"
        raise SuiteError([Problem(name, line, col, "", f"invalid YAML: {what}")]) from None
    except YAMLError as exc:
        raise SuiteError([Problem(name, None, None, "", f"invalid YAML: {exc}")]) from None


def _duplicate_names(loaded: list[LoadedSuite]) -> list[Problem]:
    counts = Counter(s.suite.dataset.name for s in loaded)
    problems = []
    for s in loaded:
        if counts[s.suite.dataset.name] > 1:
            line, col = s.located.position(("dataset", "name"))
            problems.append(
                Problem(str(s.path), line, col, "dataset.name",
                        f"dataset name '{s.suite.dataset.name}' is used by {counts[s.suite.dataset.name]} suites in this run; names must be unique")
            )  # fmt: skip
    return problems
