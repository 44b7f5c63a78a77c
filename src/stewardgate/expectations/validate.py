"""Checking the ``expectations:`` entries of a suite against the catalogue, without GX.

Each entry is a single-key mapping ``- expect_<type>: {arguments}``. An unknown type, an
unknown, forbidden or missing argument, a value of the wrong kind, an invalid regular
expression or inverted bounds is a located problem with a suggestion; every problem of every
entry is reported. Key paths follow the loader's style, with 0-based list indexes:
``expectations.2.expect_column_values_to_be_betwen`` and
``expectations.2.expect_column_values_to_be_between.min_valeu``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate.errors import Problem
from stewardgate.expectations.catalogue import (
    FORBIDDEN_ARGUMENTS,
    REMOVED_IN_GX1,
    Argument,
    ExpectationType,
    catalogue,
    generated_from,
    lookup,
    pass_through_argument,
    unsupported,
)
from stewardgate.wording import suggest

if TYPE_CHECKING:
    from stewardgate.suite.yamlpos import Located

_KIND_WORDS = {
    "string": "a string", "number": "a number", "integer": "an integer", "boolean": "true or false",
    "array": "a list", "object": "a mapping", "date": "a date", "datetime": "a datetime",
}  # fmt: skip
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_GX_SEVERITY_HINT = "; GX's critical is error here, its warning is warn"


@dataclass(frozen=True)
class EntryProblem:
    """A problem inside one entry: the key path below the entry, and whether it names a key."""

    path: tuple[str | int, ...]
    message: str
    at_key: bool = False


def expectation_problems(located: Located, file: str) -> list[Problem]:
    """Every problem of the suite's ``expectations:`` entries, located in the file."""
    data = located.data
    entries = data.get("expectations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []  # absent, or not a list: the suite model reports the latter
    problems = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue  # the suite model reports entries that are not mappings
        for p in check_entry(entry):
            path = ("expectations", i, *p.path)
            line, col = located.position(path, prefer_key=p.at_key)
            problems.append(Problem(file, line, col, ".".join(str(x) for x in path), p.message))
    return problems


def check_entry(entry: dict[str, Any]) -> list[EntryProblem]:
    """Problems of one ``{type: arguments}`` entry (empty when it is valid)."""
    if len(entry) != 1:
        return [_shape_problem(entry)]
    name, args = next(iter(entry.items()))
    name = str(name)
    kind = lookup(name)
    if kind is None:
        return [EntryProblem((name,), _unknown_type(name), at_key=True)]
    if args is None:
        args = {}
    if not isinstance(args, dict):
        return [
            EntryProblem((name,), f"the arguments must be a mapping such as {{column: amount}}, got {_given(args)}")
        ]
    problems = []
    for key, value in args.items():
        problems.extend(_check_argument(kind, str(key), value))
    problems.extend(_missing(kind, args))
    problems.extend(_cross_field(kind, args))
    return problems


def _shape_problem(entry: dict[str, Any]) -> EntryProblem:
    if not entry:
        return EntryProblem((), "an empty entry; write '- expect_<type>: {arguments}'")
    keys = ", ".join(f"'{k}'" for k in entry)
    return EntryProblem(
        (),
        f"one expectation per entry, found keys {keys} (indent the arguments under the type: '- expect_<type>: {{arguments}}')",
    )


def _unknown_type(name: str) -> str:
    if name in unsupported():
        return f"expectation type not supported: {unsupported()[name]}"
    if name in REMOVED_IN_GX1:
        version = generated_from().replace("great_expectations", "GX")
        return f"expectation type not supported: {version} no longer has it (removed in GX 1.0; {REMOVED_IN_GX1[name]})"
    names = list(catalogue())
    snake = _CAMEL.sub("_", name).lower()
    close = [snake] if snake in names else difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f"unknown expectation type (did you mean '{close[0]}'?)"
    return f"unknown expectation type (none of the {len(names)} supported types is close; see docs/expectations.md)"


def _check_argument(kind: ExpectationType, key: str, value: Any) -> list[EntryProblem]:
    path = (kind.name, key)
    if key in FORBIDDEN_ARGUMENTS:
        return [EntryProblem(path, f"not allowed in a suite: {FORBIDDEN_ARGUMENTS[key]}", at_key=True)]
    arg = kind.arguments.get(key) or pass_through_argument(key)
    if arg is None:
        return [EntryProblem(path, "unknown argument" + suggest(key, kind.allowed()), at_key=True)]
    return _check_value(arg, value, path)


def _check_value(arg: Argument, value: Any, path: tuple[str | int, ...]) -> list[EntryProblem]:
    if value is None:
        return [EntryProblem(path, "must not be null")] if arg.required else []
    if isinstance(value, dict) and "$PARAMETER" in value and "object" not in arg.types:
        return [EntryProblem(path, "run-time parameters ($PARAMETER) are not supported: a suite holds its values")]
    if not any(_is(kind, value) for kind in arg.types):
        return [EntryProblem(path, f"must be {_words(arg.types)}, got {_given(value)}")]
    if arg.enum and value not in arg.enum:
        hint = _GX_SEVERITY_HINT if arg.name == "severity" and value in ("critical", "warning") else ""
        return [EntryProblem(path, f"unknown value {value!r}" + suggest(str(value), [str(e) for e in arg.enum]) + hint)]
    if _is_number(value) and arg.minimum is not None and arg.maximum is not None:
        if not arg.minimum <= value <= arg.maximum:
            return [EntryProblem(path, f"must be between {arg.minimum:g} and {arg.maximum:g}, got {value!r}")]
    if isinstance(value, list):
        return _check_items(arg, value, path)
    return []


def _check_items(arg: Argument, value: list[Any], path: tuple[str | int, ...]) -> list[EntryProblem]:
    if arg.min_items is not None and len(value) < arg.min_items:
        return [EntryProblem(path, f"must hold at least {arg.min_items} item{'s' if arg.min_items != 1 else ''}")]
    problems = []
    for i, item in enumerate(value):
        if arg.items and not any(_is(kind, item) for kind in arg.items):
            problems.append(EntryProblem((*path, i), f"must be {_words(arg.items)}, got {_given(item)}"))
    return problems


def _missing(kind: ExpectationType, args: dict[str, Any]) -> list[EntryProblem]:
    problems = [
        EntryProblem((kind.name, name), "required argument is missing")
        for name, arg in kind.arguments.items()
        if arg.required and name not in args
    ]
    for group in kind.at_least_one_of:
        if all(args.get(name) is None for name in group):
            problems.append(EntryProblem((kind.name,), f"needs at least one of {', '.join(group)}"))
    return problems


def _cross_field(kind: ExpectationType, args: dict[str, Any]) -> list[EntryProblem]:
    problems = []
    low: Any = args.get("min_value")
    high: Any = args.get("max_value")
    if _comparable(low, high) and low > high:
        problems.append(EntryProblem((kind.name, "min_value"), f"min_value ({low}) is greater than max_value ({high})"))
    for key in ("regex", "regex_list"):
        patterns = args.get(key)
        for i, pattern in enumerate(patterns if isinstance(patterns, list) else [patterns]):
            if isinstance(pattern, str):
                error = _regex_error(pattern)
                if error:
                    where = (kind.name, key, i) if isinstance(patterns, list) else (kind.name, key)
                    problems.append(EntryProblem(where, f"not a valid regular expression: {error}"))
    ranges = args.get("quantile_ranges")
    if isinstance(ranges, dict):
        problems.extend(_quantile_problems(kind.name, ranges))
    return problems


def _quantile_problems(name: str, ranges: dict[str, Any]) -> list[EntryProblem]:
    path = (name, "quantile_ranges")
    quantiles, value_ranges = ranges.get("quantiles"), ranges.get("value_ranges")
    extra = sorted(set(ranges) - {"quantiles", "value_ranges"})
    if extra:
        return [EntryProblem((*path, extra[0]), "unknown key (allowed: quantiles, value_ranges)", at_key=True)]
    if not isinstance(quantiles, list) or not all(_is_number(q) and 0 <= q <= 1 for q in quantiles):
        return [EntryProblem(path, "quantiles must be a list of numbers between 0 and 1")]
    if not isinstance(value_ranges, list) or not all(isinstance(r, list) and len(r) == 2 for r in value_ranges):
        return [EntryProblem(path, "value_ranges must be a list of [min, max] pairs")]
    if len(quantiles) != len(value_ranges):
        return [EntryProblem(path, f"{len(quantiles)} quantiles but {len(value_ranges)} value_ranges")]
    return []


def _regex_error(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def _is(kind: str, value: Any) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "number": _is_number,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
        "date": lambda v: isinstance(v, date) or (isinstance(v, str) and _iso(v, date.fromisoformat)),
        "datetime": lambda v: isinstance(v, date) or (isinstance(v, str) and _iso(v, datetime.fromisoformat)),
        "any": lambda v: True,
    }
    return bool(checks.get(kind, checks["any"])(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _iso(text: str, parse: Any) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _comparable(low: Any, high: Any) -> bool:
    if _is_number(low) and _is_number(high):
        return True
    return isinstance(low, date) and type(low) is type(high)


def _words(kinds: tuple[str, ...]) -> str:
    words = [_KIND_WORDS.get(k, k) for k in kinds]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _given(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
