"""A suite's YAML events from libyaml (PyYAML's C parser), handed to ruamel.yaml's composer.

ruamel.yaml's pure-Python scanner and parser were most of a suite's load: 4.5 ms for a small
suite, 0.2 s for a 500-column one. libyaml tokenises and parses in C; each event is turned into
ruamel's own event class and goes through the same guard, composer, resolver and constructor as
before, so what a suite means is decided by the same YAML 1.2 rules (libyaml is only the parser).

libyaml is the parser for well-formed suites only. :class:`NotForLibyaml` sends the document back
to ruamel's parser, whose errors and marks every message was written against, whenever libyaml
refuses it (a syntax error, a construct it does not know) and whenever the document names a YAML
version (``%YAML 1.1`` changes how ruamel resolves plain scalars: ``yes`` is a boolean there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import yaml  # this module loads with the first suite read, not with the package (~13 ms)
from ruamel.yaml import events
from ruamel.yaml.tag import Tag


class NotForLibyaml(Exception):
    """libyaml cannot stand in for ruamel's parser on this document."""


def available() -> bool:
    """Whether PyYAML was built with libyaml here (its wheels are; a source build may not be)."""
    return bool(getattr(yaml, "__with_libyaml__", False))


class LibyamlEvents:
    """The parser side of ruamel's composer (``check_event``, ``peek_event``, ``get_event``,
    ``dispose``) over libyaml's events, each shown to ``see`` as the composer takes it."""

    def __init__(self, text: str, see: Callable[[Any], None]) -> None:
        self._events: Iterator[Any] = yaml.parse(text, Loader=yaml.CSafeLoader)
        self._next: Any = None
        self._see = see

    def peek_event(self) -> Any:
        if self._next is None:
            try:
                event = next(self._events)
            except yaml.YAMLError as exc:
                raise NotForLibyaml(str(exc)) from exc
            self._next = _ruamel_event(event)
        return self._next

    def check_event(self, *choices: Any) -> bool:
        event = self.peek_event()
        return not choices or isinstance(event, choices)

    def get_event(self) -> Any:
        event = self.peek_event()
        self._next = None
        self._see(event)
        return event

    def dispose(self) -> None:
        self._next = None


def _ruamel_event(event: Any) -> Any:
    """A PyYAML event as the ruamel.yaml event the composer expects (same fields and marks)."""
    kind = type(event)
    start, end = event.start_mark, event.end_mark
    if kind is yaml.ScalarEvent:
        return events.ScalarEvent(event.anchor, _tag(event.tag), event.implicit, event.value, start, end, event.style)
    if kind is yaml.MappingStartEvent:
        return events.MappingStartEvent(event.anchor, _tag(event.tag), event.implicit, start, end, event.flow_style)
    if kind is yaml.SequenceStartEvent:
        return events.SequenceStartEvent(event.anchor, _tag(event.tag), event.implicit, start, end, event.flow_style)
    if kind is yaml.MappingEndEvent:
        return events.MappingEndEvent(start, end)
    if kind is yaml.SequenceEndEvent:
        return events.SequenceEndEvent(start, end)
    if kind is yaml.AliasEvent:
        return events.AliasEvent(event.anchor, start, end)
    if kind is yaml.DocumentStartEvent:
        if event.version is not None or event.tags:  # %YAML or %TAG: ruamel reads directives itself
            raise NotForLibyaml("the document has a directive")
        return events.DocumentStartEvent(start, end, event.explicit)
    if kind is yaml.DocumentEndEvent:
        return events.DocumentEndEvent(start, end, event.explicit)
    if kind is yaml.StreamStartEvent:
        return events.StreamStartEvent(start, end, event.encoding)
    if kind is yaml.StreamEndEvent:
        return events.StreamEndEvent(start, end)
    raise NotForLibyaml(f"unknown event {kind.__name__}")


def _tag(tag: str | None) -> Any:
    """An explicit tag, fully resolved by libyaml (``!!str`` is ``tag:yaml.org,2002:str``)."""
    return None if tag is None else Tag(suffix=tag)
