"""Surgical edits of a suite's YAML text that keep every comment and all of its layout.

A round-trip dump re-flows what it does not understand (a flow mapping wrapped by hand over two
lines, the spaces that align a column of rules), so a reviewable diff would show lines nobody
changed. :class:`SuiteText` instead locates each node with ruamel.yaml's composer (exact
character spans) and changes only the characters of the rules it touches: a value replaced, a
``key: value`` added to or removed from a column's flow or block mapping, a comment line put
above a column, an entry appended to ``anomalies:``. Everything else stays byte for byte.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from stewardgate.errors import InternalError


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    order: int


def inline(value: Any) -> str:
    """``value`` as one line of YAML (a scalar, or a flow sequence or mapping)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(v: Any) -> Any:
        if isinstance(v, dict):
            out: Any = CommentedMap((k, flow(x)) for k, x in v.items())
        elif isinstance(v, (list, tuple)):
            out = CommentedSeq(flow(x) for x in v)
        else:
            return v
        out.fa.set_flow_style()
        return out

    yaml = YAML(typ="rt")
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(CommentedMap(v=flow(value)), buffer)  # block `v: ...`: a flow sequence would shorten {k: v}
    return buffer.getvalue().strip()[len("v: ") :]


class SuiteText:
    """A suite's text and the edits planned on it; :meth:`result` applies them all at once."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self.text = text
        self.root = YAML(typ="rt").compose(text)
        self._edits: list[_Edit] = []
        self._new_anomalies: list[str] = []

    # -- reading ---------------------------------------------------------------------------

    def column(self, name: str) -> Any:
        """The mapping node of ``columns.<name>``, or None."""
        columns = _get(self.root, "columns")
        return None if columns is None else _get(columns, name)

    def _column_key(self, name: str) -> Any:
        columns = _get(self.root, "columns")
        return next(k for k, _ in columns.value if k.value == name)

    # -- planning edits --------------------------------------------------------------------

    def set_rule(self, column: str, key: str, value: Any) -> None:
        """Set ``columns.<column>.<key>`` to ``value`` (only the value of ``{value: .., severity: ..}``)."""
        node = self._mapping(column)
        current = _get(node, key)
        if current is None:
            self._add_pair(node, key, inline(value))
            return
        if _is_mapping(current) and _get(current, "value") is not None:
            current = _get(current, "value")
        self._replace(current, inline(value))

    def remove_rule(self, column: str, key: str) -> None:
        """Remove ``columns.<column>.<key>`` (with its separator or its lines)."""
        node = self._mapping(column)
        pairs = node.value
        index = next(i for i, (k, _) in enumerate(pairs) if k.value == key)
        k, v = pairs[index]
        if node.flow_style:
            if len(pairs) == 1:
                start, end = k.start_mark.index, _leaf_end(v)
            elif index + 1 < len(pairs):
                start, end = k.start_mark.index, pairs[index + 1][0].start_mark.index
            else:
                start, end = _leaf_end(pairs[index - 1][1]), _leaf_end(v)
        else:
            start, end = self._line_start(k.start_mark.index), self._line_end(_leaf_end(v))
        self._add(start, end, "")

    def comment_column(self, column: str, lines: list[str]) -> None:
        """Comment lines just above the column's key, at its indentation."""
        key = self._column_key(column)
        indent = " " * key.start_mark.column
        self._add(self._line_start(key.start_mark.index), None, "".join(f"{indent}# {line}\n" for line in lines))

    def add_anomaly(self, rule: dict[str, Any], comment: str) -> None:
        """Append ``rule`` to ``anomalies:`` (created at the end when missing)."""
        node = _get(self.root, "anomalies")
        text = inline(rule)
        if node is None:
            self._new_anomalies.append(f"  - {text}  # {comment}\n")
        elif node.flow_style:
            key = next(k for k, _ in self.root.value if k.value == "anomalies")
            self._add(self._line_start(key.start_mark.index), None, f"# {comment}\n")
            if node.value:
                self._add(_leaf_end(node.value[-1]), None, f", {text}")
            else:
                self._add(node.start_mark.index + 1, None, text)
        else:
            indent = " " * node.start_mark.column
            self._add(self._line_end(_leaf_end(node.value[-1])), None, f"{indent}- {text}  # {comment}\n")

    def result(self) -> str:
        """The text with every planned edit applied."""
        out, edits = self.text, list(self._edits)
        if self._new_anomalies:
            lead = "" if out.endswith("\n") or not out else "\n"
            edits.append(_Edit(len(out), len(out), f"{lead}anomalies:\n{''.join(self._new_anomalies)}", len(edits)))
        for edit in sorted(edits, key=lambda e: (e.start, e.order), reverse=True):
            out = out[: edit.start] + edit.text + out[edit.end :]
        return out

    # -- helpers ---------------------------------------------------------------------------

    def _mapping(self, column: str) -> Any:
        node = self.column(column)
        if node is None or not _is_mapping(node):
            raise InternalError(f"columns.{column} is not a mapping in the suite text")
        return node

    def _add_pair(self, node: Any, key: str, value: str) -> None:
        if node.flow_style:
            if node.value:
                self._add(_leaf_end(node.value[-1][1]), None, f", {key}: {value}")
            else:
                self._add(node.start_mark.index + 1, None, f"{key}: {value}")
            return
        indent = " " * node.value[0][0].start_mark.column
        at = self._line_end(_leaf_end(node.value[-1][1]))
        lead = "" if at == 0 or self.text[at - 1] == "\n" else "\n"
        self._add(at, None, f"{lead}{indent}{key}: {value}\n")

    def _replace(self, node: Any, text: str) -> None:
        self._add(node.start_mark.index, _leaf_end(node), text)

    def _add(self, start: int, end: int | None, text: str) -> None:
        self._edits.append(_Edit(start, start if end is None else end, text, len(self._edits)))

    def _line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index: int) -> int:
        """The start of the line after the one holding ``index`` (a leaf's end)."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        newline = self.text.find("\n", index)
        return len(self.text) if newline < 0 else newline + 1


def _is_mapping(node: Any) -> bool:
    from ruamel.yaml.nodes import MappingNode

    return isinstance(node, MappingNode)


def _get(node: Any, key: str) -> Any:
    if not _is_mapping(node):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _leaf_end(node: Any) -> int:
    """Where a node's own text ends: a block collection ends at its last leaf, not the next key."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        return _leaf_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _leaf_end(node.value[-1])
    return int(node.end_mark.index)
