"""YAML reading that remembers where every key and value stands (1-based line and column).

ruamel.yaml's round-trip loader keeps positions on its mappings and sequences; we copy the
document into plain Python values and a flat position index keyed by the path of keys and
list indexes, so validation errors can point at the spot.
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
    """Parse YAML text; raises ruamel's ``YAMLError`` (with a mark) on a syntax error and
    :class:`~stewardgate.suite.yamlguard.RefusedYAML` on tags, depth, aliases or dates a
    suite may not hold (checked on the event stream before anything is built)."""
    from ruamel.yaml import YAML

    from stewardgate.suite.yamlguard import check_events

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    check_events(yaml, text)
    doc = yaml.load(text)
    located = Located(data=None)
    data = _plain(doc, (), located)
    return Located(data=data, keys=located.keys, values=located.values, mappings=located.mappings)


def _plain(node: Any, path: Path, out: Located) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out.mappings.add(path)
        result: dict[Any, Any] = {}
        for key in node:
            sub = (*path, str(key))
            try:
                k_line, k_col = node.lc.key(key)
                v_line, v_col = node.lc.value(key)
            except KeyError:  # a key merged in with `<<: *anchor` has no position of its own
                k_line, k_col = v_line, v_col = node.lc.line, node.lc.col
            out.keys[sub] = (k_line + 1, k_col + 1)
            out.values[sub] = (v_line + 1, v_col + 1)
            result[str(key) if not isinstance(key, (int, float, bool)) else key] = _plain(node[key], sub, out)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            line, col = node.lc.item(i)
            out.values[(*path, i)] = (line + 1, col + 1)
            items.append(_plain(item, (*path, i), out))
        return items
    return _scalar(node)


def _scalar(node: Any) -> Any:
    """ruamel's scalar subclasses (ScalarFloat, TimeStamp, ...) as plain Python values."""
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
