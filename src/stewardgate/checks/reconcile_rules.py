"""Reconciliation checks (``reconcile:``) and referential integrity (a column's ``references:``).

Each comparison of a reconciliation is its own check; the engine is ``reconcile``: each side's
figures are computed by its own reader (SQL in the database for a table, streaming polars for
a file), and only keys (or a row comparison's chosen columns) cross between them. See
docs/reconcile.md.
"""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

add(
    CheckType(
        "reconcile_row_count",
        "reconcile",
        "reconcile",
        """The dataset's row count agrees with another dataset's, within the bounds.

    Each side counts its own rows (a table with `COUNT(*)` under its filter, a file from the
    scan). Bounds: `max_difference` (rows) and `max_fraction` (of the other dataset's count);
    each one given must hold; with neither the counts must be equal.

    Why: a copy that lost or duplicated rows on the way from the source of truth.

    ```yaml
    reconcile:
      - against: {connection: warehouse, table: sales.orders}
        row_count: {max_fraction: 0.001}
    ```
    """,
    )
)

add(
    CheckType(
        "reconcile_keys_missing",
        "reconcile",
        "reconcile",
        """Keys of the other dataset that this dataset lacks fail, counted, with the first keys.

    Distinct keys, nulls left out; `key` is one column or a list (the same names on both sides).
    Samples are the first keys in key order, masked (`***`) when a key column is personal data
    on either side. Key types must be of one family (integers of any width compare; an integer
    key against a text key is an errored check naming both types).

    ```yaml
    reconcile:
      - against: {dataset: customers}
        key: customer_id
        keys: {missing: true, extra: true}
    ```
    """,
    )
)

add(
    CheckType(
        "reconcile_keys_extra",
        "reconcile",
        "reconcile",
        """Keys of this dataset that the other dataset does not have fail, counted, with the first keys.

    The other direction of `reconcile_keys_missing` (`keys: {extra: true}`), with the same rules.
    """,
    )
)

add(
    CheckType(
        "reconcile_aggregate",
        "reconcile",
        "reconcile",
        """An aggregate of a column (sum, mean, min, max, count) agrees with the other dataset's.

    Each side aggregates its own rows; only the figures are compared. With `by` the aggregate
    is compared per group (`per: day` groups a date/datetime column by day) and the check names
    each group that diverged (or that one side lacks), with both values. Bounds as for
    `reconcile_row_count`; values that are not numbers (a date's min) must be equal.

    ```yaml
    reconcile:
      - against: {path: ../exports/ledger.parquet}
        aggregates:
          - {function: sum, column: amount, max_difference: 0.01}
          - {function: sum, column: amount, by: booked_at, per: day, max_difference: 0.01}
    ```

    Limitations: a float sum computed by two engines can differ in its last digits; give a
    small `max_difference` for float columns.
    """,
    )
)

add(
    CheckType(
        "reconcile_rows",
        "reconcile",
        "reconcile",
        """Rows of the two datasets joined by key: keys whose chosen columns differ fail.

    Only keys present on both sides are compared (the key checks count the others); nulls
    equal nulls; samples show the key and each differing value on both sides (masked for
    personal-data columns). The chosen columns cross between the readers, so keep the list short.

    ```yaml
    reconcile:
      - against: {dataset: crm_customers}
        key: customer_id
        rows: {columns: [email, status]}
    ```
    """,
    )
)

add(
    CheckType(
        "references",
        "reconcile",
        "reconcile",
        """Referential integrity: every non-null value of the column is a value of another dataset's column.

    `references: customers.id` names another suite's dataset of the same run and its column;
    the check is the key check of one column (distinct values, nulls left out, the first
    missing values as samples, masked for personal data). Check id:
    `<dataset>.columns.<column>.references`. `stewardgate import odcs` converts one-column ODCS
    `relationships` (foreignKey) into it.

    ```yaml
    columns:
      customer_id: {type: int64, references: customers.id}
    ```

    A dataset no suite of the run declares is a suite error before anything runs (exit 2).
    """,
    )
)
