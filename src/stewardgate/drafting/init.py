"""``stewardgate init``: a commented starter suite for a dataset stewardgate has never seen.

:func:`draft_suite` reads the dataset once (:mod:`~stewardgate.drafting.source`), drafts each
column (:mod:`~stewardgate.drafting.columns`), and renders the suite with ruamel.yaml's
round-trip document types, so every suggestion carries its evidence as a comment
(``nullable: false   # 0 nulls in 336,776 rows``) and the comments survive later edits by
``stewardgate suggest`` or any round-trip YAML tool.

The stewardship block holds placeholders for owner and steward that are not e-mail addresses
or handles: the suite does not validate until a person fills them in::

    suite.yml:9:10: stewardship.owner: '<FILL IN: owner e-mail or @handle>' is not an e-mail address or a handle
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stewardgate.drafting.checked import assert_valid_suite
from stewardgate.drafting.columns import DraftedColumn, PiiFinding, draft_column
from stewardgate.drafting.source import Source, read_source
from stewardgate.errors import InternalError
from stewardgate.levels import CLASSIFICATIONS, most_sensitive

if TYPE_CHECKING:
    from stewardgate.s3_settings import S3Settings

if TYPE_CHECKING:
    from stewardgate.suite.models import DataFormat

OWNER_PLACEHOLDER = "<FILL IN: owner e-mail or @handle>"
STEWARD_PLACEHOLDER = "<FILL IN: steward e-mail or @handle>"
DEFAULT_SAMPLE_ROWS = 10_000
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


@dataclass(frozen=True)
class Draft:
    """A drafted suite: its text, and what it was drafted from."""

    text: str
    name: str
    rows: int
    columns: int
    pii_columns: tuple[str, ...]
    notes: tuple[str, ...]


def draft_suite(
    dataset: str, *, suite_folder: Path, fmt: DataFormat | None = None, sample_rows: int = DEFAULT_SAMPLE_ROWS,
    pii_threshold: float = 0.5, as_of: datetime | None = None, protect: Path | None = None,
    name: str | None = None, s3: S3Settings | None = None, connection: str | None = None,
    connections: Any = None,
) -> Draft:  # fmt: skip
    """Draft a suite for ``dataset`` (a file, glob or folder) to be saved in ``suite_folder``.

    Args:
        dataset: the data, as the user named it (relative to the working folder).
        suite_folder: where the suite will live; ``dataset.path`` is written relative to it.
        fmt: the reader format, when the file extension does not tell.
        sample_rows: how many head rows the personal-data detectors look at.
        pii_threshold: the match rate above which a detector's kind is suggested.
        as_of: the moment of the profile (freshness); default now.
        protect: the file the suite will be written to; it must not be one of the data files.
        name: the dataset name (default: from the data's path).
        s3: ``[tool.stewardgate.s3]``, for an ``s3://`` dataset (kept as the suite's path).
        connection: ``dataset`` is then a table of this connection (of ``connections``, the
            settings'), profiled in its database.

    Raises:
        DatasetError: the data cannot be found or read.
        UsageError: ``protect`` is one of the dataset's files.
        InternalError: the personal-data detectors (``stewardgate.governance.pii``) are missing.
    """
    if connection is not None:  # ``dataset`` is a table of that connection (docs/sql.md)
        from stewardgate.drafting.source import read_table_source

        source = read_table_source(dataset, connection=connection, connections=connections or {}, sample_rows=sample_rows,
                                   as_of=as_of or datetime.now(UTC), name=name)  # fmt: skip
    else:
        source = read_source(
            dataset, suite_folder=suite_folder, fmt=fmt, sample_rows=sample_rows,
            as_of=as_of or datetime.now(UTC), protect=protect, name=name, s3=s3,
        )  # fmt: skip
    findings = detect_pii(source.sample, threshold=pii_threshold)
    drafted = _draft_columns(source, findings)
    text = render(source, drafted)
    assert_valid_suite(text, f"the suite drafted for {dataset}", placeholders=True)
    notes = tuple(n for c in drafted for n in c.notes)
    return Draft(text, source.spec.name, source.profile["row_count"], len(drafted), tuple(findings), notes)


def detect_pii(sample: dict[str, list[str | None]], *, threshold: float) -> dict[str, PiiFinding]:
    """The best personal-data finding per sampled column (columns with none are left out).

    Raises:
        InternalError: ``stewardgate.governance.pii`` cannot be imported. Personal data is
            never silently left unchecked.
    """
    try:
        from stewardgate.governance.pii import scan_column
    except ImportError as exc:
        raise InternalError(
            f"the personal-data detectors (stewardgate.governance.pii.scan_column) are missing: {exc}; "
            "init cannot suggest pii: or classification: without them"
        ) from exc
    found: dict[str, PiiFinding] = {}
    for name, values in sample.items():
        matches = scan_column(values, threshold=threshold)
        if matches:
            best = matches[0]
            found[name] = PiiFinding(best.kind, best.matched, best.checked)
    return found


def _draft_columns(source: Source, findings: dict[str, PiiFinding]) -> list[DraftedColumn]:
    rows = source.profile["row_count"]
    note = "values" if source.sample_rows >= rows else f"sampled values (first {source.sample_rows:,} rows)"
    return [
        draft_column(name, source.schema[name], column, rows,
                     sample=source.sample.get(name), pii=findings.get(name), sample_note=note)
        for name, column in source.profile["columns"].items()
    ]  # fmt: skip


def render(source: Source, drafted: list[DraftedColumn]) -> str:
    """The suite as commented YAML text."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    top = CommentedMap()
    top["version"] = 1
    top["dataset"] = _dataset(source)
    top["stewardship"] = _stewardship(drafted)
    top["columns"] = _columns(drafted)
    top["schema"] = _commented({"extra_columns": "warn"}, {"extra_columns": "a new column warns; error makes it block"})
    top["anomalies"] = _anomalies(drafted, rows=source.profile["row_count"])
    top.yaml_set_start_comment(_header(source))
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(top, buffer)
    return buffer.getvalue()


def _header(source: Source) -> str:
    rows, files = source.profile["row_count"], len(source.resolved.sources)
    shape = f"{files:,} {source.resolved.format} file{'s' if files != 1 else ''}"
    if source.resolved.partitioned:
        shape = "a hive-partitioned folder"
    if source.spec.is_table:
        shape = "a SQL table, profiled in its database"
    if source.sample_rows >= rows:
        sampled = "personal data was looked for in every value."
    else:
        sampled = f"personal data was looked for in a sample: the first {source.sample_rows:,} rows."
    profiled = (
        f"All {rows:,} rows were profiled in one {'query' if source.spec.is_table else 'streaming pass'}; {sampled}"
    )
    if not rows:
        profiled = "The data has no rows: only the column types could be drafted."
    lines = [
        f"Drafted by `stewardgate init` from {source.spec.path or source.resolved.display} ({shape}).",
        profiled,
        "Every suggestion says what it rests on: review them before relying on this suite.",
        "This suite does not validate until stewardship.owner and stewardship.steward are filled in.",
    ]
    return "\n".join(lines)


def _dataset(source: Source) -> Any:
    spec = source.spec
    if spec.is_table:
        return _commented({"name": spec.name, "connection": spec.connection, "table": spec.table},
                          {"connection": "a connection of the settings (docs/sql.md)"})  # fmt: skip
    assert spec.path is not None  # a dataset that is not a table is a path (DatasetSpec's validator)
    data: dict[str, Any] = {"name": spec.name, "path": spec.path}
    comments = {"path": "absolute" if os.path.isabs(spec.path) else "relative to this file"}
    if spec.format is not None:
        data["format"] = spec.format
    if spec.csv is not None:
        data["csv"] = _flow({"delimiter": spec.csv.delimiter})
        comments["csv"] = "the first line is delimited by this character"
    return _commented(data, comments)


def _stewardship(drafted: list[DraftedColumn]) -> Any:
    levels = [r.value for c in drafted for r in c.rules if r.key == "classification"]
    data: dict[str, Any] = {"owner": OWNER_PLACEHOLDER, "steward": STEWARD_PLACEHOLDER}
    comments = {
        "owner": "REQUIRED: who answers for this dataset (e-mail address or @handle)",
        "steward": "REQUIRED: who looks after it day to day",
    }
    if levels:
        data["classification"] = most_sensitive(levels)
        comments["classification"] = "personal data found: the highest of its columns' classifications"
    else:
        data["classification"] = "internal"
        comments["classification"] = "no personal data found in the sample; " + " < ".join(CLASSIFICATIONS)
    return _commented(data, comments)


def _columns(drafted: list[DraftedColumn]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    columns = CommentedMap()
    for column in drafted:
        data = {r.key: _styled(r.value) for r in column.rules}
        columns[column.name] = _commented(data, {r.key: r.evidence for r in column.rules}, indent=4)
        if column.notes:
            columns.yaml_set_comment_before_after_key(column.name, before="\n".join(column.notes), indent=2)
    return columns


def _anomalies(drafted: list[DraftedColumn], *, rows: int) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    rules = CommentedSeq([_flow({"metric": "row_count"})])
    comments = ["learns the usual row count from the run history; learning (never fails) for 7 runs"]
    key_columns = [c.name for c in drafted if c.key_like]
    if key_columns and rows:  # an empty dataset has no null fraction to learn from
        rules.append(_flow({"metric": "null_fraction", "columns": _flow(key_columns)}))
        comments.append("the key columns' null fractions")
    width = 4 + max(len(_inline(r)) for r in rules) + 2
    for i, comment in enumerate(comments):
        rules.yaml_add_eol_comment(comment, i, column=width)
    return rules


def _commented(data: dict[str, Any], comments: dict[str, str], indent: int = 2) -> Any:
    """A block mapping at ``indent`` with its comments aligned two spaces after the longest line."""
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap(data)
    width = indent + max((len(f"{k}: {_inline(v)}") for k, v in data.items()), default=0) + 2
    for key, comment in comments.items():
        if key in out:
            out.yaml_add_eol_comment(comment, key, column=width)
    return out


def _flow(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    out = CommentedMap(value) if isinstance(value, dict) else CommentedSeq(value)
    out.fa.set_flow_style()
    return out


def _styled(value: Any) -> Any:
    """Lists become flow sequences; strings YAML 1.1 would re-type are quoted."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if isinstance(value, (list, tuple)):
        return _flow([_styled(v) for v in value])
    if isinstance(value, str) and value.lower() in _YAML11_WORDS:
        return SingleQuotedScalarString(value)
    return value


def _inline(value: Any) -> str:
    """How ruamel writes ``value`` on one line (to align the comments after it)."""
    from stewardgate.drafting.yamledit import inline

    return inline(value)


__all__ = ["Draft", "detect_pii", "draft_suite", "render"]
