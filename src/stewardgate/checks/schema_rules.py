"""Dataset-level schema rules written under ``schema:`` in a suite."""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

add(
    CheckType(
        "extra_columns",
        "schema",
        "pandera",
        """Columns in the data that the suite does not declare: `error`, `warn` (default) or `allow`.

    Why: a new column can carry data nobody classified, or signal an upstream change.

    ```yaml
    schema: {extra_columns: error}
    ```
    """,
    )
)


add(
    CheckType(
        "order",
        "schema",
        "pandera",
        """`order: strict`: the declared columns must appear in the data in the declared order.

    Default `ignore`. Useful for positional consumers (CSV exports, COPY statements).

    ```yaml
    schema: {order: strict}
    ```
    """,
    )
)


add(
    CheckType(
        "named_columns",
        "schema",
        "polars",
        """Every column the suite names outside `columns` is in the data.

    A suite can name columns it does not declare under `columns`: an anomaly rule's
    `columns`, an expectation's `column`, `column_A`, `column_B` or `column_list`, the
    personal-data scan's `ignore_columns`, distribution drift's `columns`. This suits data
    that holds more than its contract (`schema: {extra_columns: allow}`). Validation accepts
    any such name. The run checks the data's schema, and each name the data lacks is an error
    located at the key that names it, with a suggestion. The error blocks the gate. Planned
    only when a suite names such a column. The retention column is checked by `retention`,
    which also needs it to be a date or datetime.

    ```yaml
    schema: {extra_columns: allow}
    anomalies:
      - {metric: null_fraction, columns: [email]}   # email: not declared under columns
    ```
    """,
    )
)


add(
    CheckType(
        "empty",
        "schema",
        "rows",
        """A dataset with no rows: `error` (default) fails the check, `warn` warns, `allow` passes.

    Why: every row-level rule passes on zero rows, because no row breaks it. An empty
    extract, a truncated load or a daily partition that was never written would otherwise
    pass the gate with no word of it. The count is the run's own (one pass, no extra read).

    ```yaml
    schema: {empty: warn}   # a dataset that may legitimately be empty on some days
    ```
    """,
    )
)
