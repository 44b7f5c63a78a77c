"""The undeclared-personal-data scan: detectors on a deterministic sample of string columns.

One targeted read takes the sampled rows of the string columns only: the row positions are
drawn with ``random.Random(seed)`` from the run's row count, so the same data, sample size and
seed always give the same sample. Each column's values go through
:func:`stewardgate.governance.pii.scan_column`; matched values are never shown.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from stewardgate.engines.outcome import Outcome, build_result, skipped
from stewardgate.governance.pii import PiiMatch, scan_column
from stewardgate.levels import SENSITIVE
from stewardgate.results import CheckResult

if TYPE_CHECKING:
    import polars as pl

    from stewardgate.datasets.scan import ScannedDataset
    from stewardgate.planning import PlannedCheck
    from stewardgate.suite.models import Suite

ROW = "__sg_row"


def string_columns(schema: dict[str, Any], ignore: list[str]) -> list[str]:
    """Columns holding text (String, Categorical, Enum), except the ignored ones."""
    import polars as pl

    return [
        name for name, dtype in schema.items()
        if name not in ignore and (dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)))
    ]  # fmt: skip


def sample_rows(row_count: int, size: int, seed: int) -> list[int] | None:
    """Sorted row positions to read, or None to read every row (there are no more than ``size``)."""
    if row_count <= size:
        return None
    return sorted(random.Random(seed).sample(range(row_count), size))


def read_sample(scanned: ScannedDataset, columns: list[str], rows: list[int] | None) -> pl.DataFrame:
    """The sampled rows of ``columns`` as strings: one read of those columns only."""
    import polars as pl

    frame = scanned.frame.select([pl.col(c).cast(pl.String) for c in columns])
    if rows is not None:
        wanted = pl.Series(rows, dtype=pl.UInt64).implode()
        frame = frame.with_row_index(ROW).filter(pl.col(ROW).cast(pl.UInt64).is_in(wanted)).drop(ROW)
    return frame.collect(engine=scanned.polars_engine)


def scan_personal_data(p: PlannedCheck, suite: Suite, scanned: ScannedDataset, *, row_count: int) -> list[CheckResult]:
    """One result per string column: personal data found where the suite does not declare it?"""
    options = p.args
    columns = string_columns(scanned.schema, options["ignore_columns"])
    if not columns:
        return [skipped(p, "the data has no string columns to scan")]
    rows = sample_rows(row_count, options["sample_size"], options["seed"])
    sample = read_sample(scanned, columns, rows)
    sampled = sample.height
    results = []
    for column in columns:
        matches = scan_column(sample.get_column(column).to_list(), threshold=options["threshold"])
        outcome = _judge(column, matches, suite, sampled, options)
        per_column = replace(p, check_id=f"{p.check_id}.{column}", column=column)
        results.append(build_result(per_column, outcome, row_count=row_count))
    return results


def _judge(column: str, matches: list[PiiMatch], suite: Suite, sampled: int, options: dict[str, Any]) -> Outcome:
    spec = suite.columns.get(column)
    declared = spec.pii if spec is not None else None
    level = (spec.classification if spec is not None else None) or suite.stewardship.classification
    found = ", ".join(f"{m.kind} in {m.match_rate:.1%} of {m.checked:,} values" for m in matches)
    details: dict[str, Any] = {
        "sampled_rows": sampled, "seed": options["seed"], "threshold": options["threshold"],
        "matches": [{"kind": m.kind, "match_rate": m.match_rate, "matched": m.matched, "checked": m.checked} for m in matches],
        "declared_pii": declared, "classification": level,
    }  # fmt: skip
    observed = {m.kind: m.match_rate for m in matches}
    if not matches:
        return Outcome(ok=True, observed=observed, details=details,
                       message=f"no personal data detected in {sampled:,} sampled rows")  # fmt: skip
    if declared is None:
        kind = matches[0].kind
        return Outcome(
            ok=False, observed=observed, details=details,
            message=(f"undeclared personal data: {found} (sample of {sampled:,} rows); "
                     f"declare it (pii: {kind}) and classify the column confidential or restricted"),
        )  # fmt: skip
    if level not in SENSITIVE:
        return Outcome(
            ok=False, observed=observed, details=details,
            message=(f"personal data ({found}) in a column classified {level or 'nowhere'}; "
                     f"classify it confidential or restricted"),
        )  # fmt: skip
    return Outcome(ok=True, observed=observed, details=details,
                   message=f"declared personal data (pii: {declared}, {level}): {found}")  # fmt: skip
