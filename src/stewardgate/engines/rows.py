"""The ``schema.empty`` check: a dataset with no rows, judged on the run's row count.

Every row-level rule passes on zero rows (no row breaks it), so without this check an empty
extract, a truncated load or a partition that was never written would pass the gate with no
word of it. The row count comes from the run's one pass (polars or Spark), so this check
reads nothing itself; the runner adds its result once the count is known.

With the default (``error``, not written in the suite) the result appears only when the
dataset is empty, so the output of every run with rows stays as it was; a suite that writes
``schema.empty`` gets its result on every run, passed or not.
"""

from __future__ import annotations

from stewardgate.results import CheckResult, Severity, status_for

ENGINE = "rows"


def empty_results(
    dataset: str, policy: str, row_count: int, *, declared: bool, suite_line: int | None
) -> list[CheckResult]:  # fmt: skip
    """Failed (``policy`` error) or warned (warn) for 0 rows; passed when declared and not empty."""
    ok = row_count > 0
    if policy == "allow" or (ok and not declared):
        return []
    severity = Severity(policy)
    message = f"{row_count} rows" if ok else (
        "the dataset has 0 rows: no row-level check judged anything "
        "(set schema.empty: warn or allow if it may be empty)"
    )  # fmt: skip
    return [
        CheckResult(
            check_id=f"{dataset}.schema.empty", check="empty", status=status_for(ok, severity),
            severity=severity, engine=ENGINE, message=message, observed=row_count,
            expected="at least 1 row", row_count=row_count, suite_line=suite_line,
        )
    ]  # fmt: skip
