"""What a suite's YAML may hold before it is built into Python values: plain data, bounded.

The parser's events, checked one by one as the composer takes them (no recursion; the
composer never goes deeper than the guard allows, and nothing is built into values until the
whole document has passed), refuse with a located :class:`RefusedYAML`:

- **tags** other than YAML's plain-data ones (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!seq``, ``!!map``): ``!!python/object/...``, ``!custom``, ``!!binary``...
  Suites are data; nothing in them constructs objects;
- **nesting** deeper than :data:`MAX_DEPTH` mappings and lists (a real suite needs about 6);
- **aliases** that together repeat more than :data:`MAX_ALIASED` values (a "billion laughs"
  suite of a few hundred bytes would otherwise expand into gigabytes);
- **timestamps** that are not calendar dates (``2026-02-30``, ``2026-13-45``);
- **text** holding half of a UTF-16 surrogate pair (``"\\ud83d\\ude00"``, as JSON escapes an
  emoji): YAML reads it as two code points that are not characters, which no report can write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.nodes import ScalarNode

MAX_DEPTH = 64
MAX_ALIASED = 10_000
_CORE = "tag:yaml.org,2002:"
_DIGITS = frozenset("0123456789")
_SURROGATE = re.compile("[\ud800-\udfff]")
ALLOWED_TAGS = tuple(f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))


class RefusedYAML(ValueError):
    """YAML that parses but that a suite may not hold; with its place and key path."""

    def __init__(self, line: int, col: int, key: str, message: str) -> None:
        self.line, self.col, self.key, self.message = line, col, key, message
        super().__init__(message)


@dataclass
class _Frame:
    """A mapping or list being read: its key path, the next key, and its size so far."""

    path: tuple[str | int, ...]
    is_map: bool
    anchor: str | None
    key: Any = None
    expect_key: bool = True
    index: int = -1
    size: int = 1


class EventGuard:
    """Checks a document's events one at a time, as the parser hands them to the composer
    (:func:`guarded_parser`), so nothing deeper, larger or stranger than allowed is ever built."""

    def __init__(self, yaml: Any) -> None:
        self.yaml = yaml  # the ruamel.yaml.YAML instance: its resolver tells timestamps apart
        self.stack: list[_Frame] = []
        self.sizes: dict[str, int] = {}
        self.aliased = 0

    def see(self, event: Any) -> None:
        """Raise :class:`RefusedYAML` if ``event`` makes the document one a suite may not be."""
        stack, sizes = self.stack, self.sizes
        if isinstance(event, (ScalarEvent, AliasEvent, CollectionStartEvent)):
            path = _child_path(stack)
            _check_tag(event, path)
        if isinstance(event, ScalarEvent):
            _check_text(event, path)
            _check_timestamp(event, path, self.yaml)
            if stack and stack[-1].is_map and stack[-1].expect_key:
                stack[-1].key = event.value
            _add(stack, 1, sizes, event.anchor)
        elif isinstance(event, AliasEvent):
            size = sizes.get(event.anchor, 1)
            self.aliased += size
            if self.aliased > MAX_ALIASED:
                raise _refuse(event, path, f"aliases repeat more than {MAX_ALIASED} values in this file; "
                              "write the values out, or use fewer aliases")  # fmt: skip
            _add(stack, size, sizes, None)
        elif isinstance(event, CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _refuse(event, path, f"nested deeper than {MAX_DEPTH} levels of mappings and lists")
            stack.append(_Frame(path, is_map=type(event).__name__ == "MappingStartEvent", anchor=event.anchor))
        elif isinstance(event, CollectionEndEvent):
            done = stack.pop()
            _add(stack, done.size, sizes, done.anchor)


def guarded_parser(yaml: Any) -> type:
    """A parser class for ``yaml`` (``yaml.Parser = guarded_parser(yaml)``) that shows every
    event to an :class:`EventGuard` as the composer takes it: the document is parsed once,
    checked while it is composed, and refused before anything of it is built into values."""
    from ruamel.yaml.parser import Parser

    guard = EventGuard(yaml)

    class GuardedParser(Parser):
        def get_event(self) -> Any:
            event = super().get_event()
            guard.see(event)
            return event

    return GuardedParser


def _child_path(stack: list[_Frame]) -> tuple[str | int, ...]:
    """The key path of the node that starts now (a mapping's key gets its mapping's path)."""
    if not stack:
        return ()
    top = stack[-1]
    if not top.is_map:
        top.index += 1
        return (*top.path, top.index)
    return top.path if top.expect_key else (*top.path, str(top.key))


def _add(stack: list[_Frame], size: int, sizes: dict[str, int], anchor: str | None) -> None:
    """A node of ``size`` values is complete: count it in its parent, remember its anchor."""
    if anchor is not None:
        sizes[anchor] = size
    if not stack:
        return
    top = stack[-1]
    top.size += size
    if top.is_map:
        top.expect_key = not top.expect_key


def _check_tag(event: Any, path: tuple[str | int, ...]) -> None:
    tag = getattr(event, "tag", None)
    if tag is None or tag == "!" or str(tag) in ALLOWED_TAGS:
        return
    shown = "!!" + str(tag)[len(_CORE) :] if str(tag).startswith(_CORE) else str(tag)
    raise _refuse(event, path, f"YAML tag '{shown}' is not allowed: suites hold plain data "
                  "(allowed tags: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)")  # fmt: skip


def _check_text(event: Any, path: tuple[str | int, ...]) -> None:
    """A scalar holds characters: a ``\\ud83d``-style escape (half of a UTF-16 surrogate pair,
    as JSON writes an emoji) is not one, and no report could write it out."""
    found = _SURROGATE.search(event.value)
    if found is not None:
        raise _refuse(event, path, f"the text holds the escape \\u{ord(found.group()):04x}, half of a UTF-16 "
                      "surrogate pair, not a character; write the character itself or one escape "
                      "for it (e.g. \\U0001F600, not \\ud83d\\ude00)")  # fmt: skip


def _check_timestamp(event: Any, path: tuple[str | int, ...], yaml: Any) -> None:
    """A plain scalar that YAML reads as a timestamp must be a real calendar date and time.

    Only a scalar starting with a digit can be one (the resolver looks a timestamp up by its
    first character), so the others skip the resolver: a 500-column suite has ~1,500 scalars."""
    if event.tag is not None or not event.implicit[0] or event.value[:1] not in _DIGITS:
        return
    tag = yaml.resolver.resolve(ScalarNode, event.value, event.implicit)
    if str(tag) != f"{_CORE}timestamp":
        return
    try:
        yaml.constructor.construct_yaml_timestamp(ScalarNode(tag, event.value))
    except ValueError as exc:
        raise _refuse(event, path, f"'{event.value}' is not a valid date or time ({exc})") from None


def _refuse(event: Any, path: tuple[str | int, ...], message: str) -> RefusedYAML:
    mark = event.start_mark
    return RefusedYAML(mark.line + 1, mark.column + 1, ".".join(str(p) for p in path), message)
