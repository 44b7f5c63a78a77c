"""YAML reading that remembers where every key and value stands (1-based line and column).

ruamel.yaml's composer keeps the position of every node; we build the document into plain
Python values and a flat position index keyed by the path of keys and list indexes, so
validation errors can point at the spot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """A YAML document as plain data, with the position of each key and value."""

    data: Any
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    mappings: set[Path] = field(default_factory=set)

    def position(self, path: Path, *, prefer_key: bool = False) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        for end in range(len(path), 0, -1):
            sub = path[:end]
            first, second = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            if sub in first:
                return first[sub]
            if sub in second:
                return second[sub]
        return (1, 1)

    def exists(self, path: Path) -> bool:
        return path in self.keys or path in self.values

    def line_of(self, path: Path) -> int | None:
        """The line of the key ``path`` (for annotations); None if it is not in the file."""
        pos = self.keys.get(path) or self.values.get(path)
        return pos[0] if pos else None


def load_located(text: str) -> Located:
    """Parse YAML text; raises ruamel's ``YAMLError`` (with a mark) on a syntax error or a
    repeated key, and :class:`~stewardgate.suite.yamlguard.RefusedYAML` on tags, depth, aliases
    or dates a suite may not hold (checked on the events as they are composed, before anything
    is built).

    One pass: the events (from libyaml, :mod:`stewardgate.suite.libyaml_events`, else from
    ruamel's pure-Python safe parser), each checked by the guard, composed by ruamel (YAML 1.2)
    and turned into plain values, each key and value with its node's position. A document libyaml
    does not take (a syntax error, a directive) is parsed again by ruamel's parser, whose errors
    the messages are written against. (Measured: a small suite 4.5 ms with ruamel's parser,
    2.2 ms with libyaml's events; a 500-column suite 0.20 s and 0.09 s. The round-trip loader
    plus a separate parse for the guard had taken twice as long as ruamel's safe parser.)
    """
    from stewardgate.suite import libyaml_events

    if libyaml_events.available():
        try:
            return _located(text, fast=True)
        except libyaml_events.NotForLibyaml:
            pass
    return _located(text, fast=False)


def _located(text: str, *, fast: bool) -> Located:
    from ruamel.yaml import YAML

    from stewardgate.suite.yamlguard import EventGuard, guarded_parser

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = False
    if fast:
        from stewardgate.suite.libyaml_events import LibyamlEvents

        yaml._parser = LibyamlEvents(text, EventGuard(yaml).see)  # type: ignore[attr-defined]  # the composer reads it
        node = yaml.composer.get_single_node()
    else:
        yaml.Parser = guarded_parser(yaml)
        node = yaml.compose(text)
    located = Located(data=None)
    data = None if node is None else _plain(node, (), located, yaml.constructor)
    return Located(data=data, keys=located.keys, values=located.values, mappings=located.mappings)


def _plain(node: Any, path: Path, out: Located, constructor: Any) -> Any:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    if isinstance(node, MappingNode):
        constructor.flatten_mapping(node)  # merge keys (<<: *anchor) folded in, as the constructor does
        out.mappings.add(path)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _refused_key(key_node, path)
            key = _scalar(constructor.construct_object(key_node))
            sub = (*path, str(key))
            value = _plain(value_node, sub, out, constructor)
            key = str(key) if not isinstance(key, (int, float, bool)) else key
            constructor.check_mapping_key(node, key_node, result, key, value)  # a repeated key: DuplicateKeyError
            out.keys[sub] = _position(key_node)
            out.values[sub] = _position(value_node)
            result[key] = value
        return result
    if isinstance(node, SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            out.values[(*path, i)] = _position(item)
            items.append(_plain(item, (*path, i), out, constructor))
        return items
    return _scalar(constructor.construct_object(node))


def _position(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _refused_key(node: Any, path: Path) -> Exception:
    from stewardgate.suite.yamlguard import RefusedYAML

    line, col = _position(node)
    return RefusedYAML(
        line, col, ".".join(str(p) for p in path), "a key must be a plain value, not a mapping or a list"
    )


def _scalar(node: Any) -> Any:
    """A constructed scalar as a plain Python value (a date, a datetime, text, a number...)."""
    from datetime import date, datetime

    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        return datetime(*node.timetuple()[:6], node.microsecond, tzinfo=node.tzinfo)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    return node
