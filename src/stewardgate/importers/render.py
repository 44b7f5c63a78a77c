"""Writing an imported suite as YAML in the house style, with what was lost as a header comment.

Top-level sections are block style; each column's rules and each expectation's arguments are one
flow mapping per line, as in hand-written suites. The header names the source and lists every
finding, so the file itself says what the import could not carry over.
"""

from __future__ import annotations

import io
from typing import Any

from stewardgate.importers import Finding

_WIDTH = 4096  # never fold a flow mapping over several lines


def render_suite(data: dict[str, Any], *, source: str, tool: str, findings: list[Finding]) -> str:
    """The suite ``data`` as YAML text, headed by its origin and the import's findings."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = _WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(_styled(data), buffer)
    return _header(source, tool, findings) + buffer.getvalue()


def _header(source: str, tool: str, findings: list[Finding]) -> str:
    lines = [f"# Imported from {source} by `stewardgate import {tool}`."]
    lost = [f for f in findings if f.lost]
    if lost:
        lines.append(f"# NOT CONVERTED ({len(lost)}): these parts of the source are not checked by this suite:")
        lines.extend(f"#   - {f.where}: {f.message}" for f in lost)
    caveats = [f for f in findings if not f.lost]
    if caveats:
        lines.append("# Converted with caveats:")
        lines.extend(f"#   - {f.where}: {f.message}" for f in caveats)
    return "\n".join(_one_line(line) for line in lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split()) if text.startswith("#") else text


def _styled(data: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    top = CommentedMap()
    for key, value in data.items():
        if key == "columns":
            top[key] = CommentedMap((name, _flow(spec)) for name, spec in value.items())
        elif key == "expectations":
            top[key] = CommentedSeq(CommentedMap([(t, _flow(args))]) for entry in value for t, args in entry.items())
        elif key in ("dataset", "stewardship", "schema") and isinstance(value, dict):
            top[key] = CommentedMap((k, _flow(v) if isinstance(v, dict) else v) for k, v in value.items())
        else:
            top[key] = value
    return top


def _flow(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        out = CommentedMap((k, _flow(v)) for k, v in value.items())
        out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_flow(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value
