"""Drift check types written under ``drift:`` in a suite (and on by default once a baseline exists)."""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

add(
    CheckType(
        "schema_drift",
        "drift",
        "history",
        """The data's physical schema compared with the accepted baseline, one finding per change.

    Rules and default severities: column_removed, renamed ("renamed?": a removed and an added
    column of the same type and similar values), type_changed and type_narrowed (error);
    type_widened, column_added and nullability_loosened (warn); order_changed (info). The
    baseline is the store's accepted snapshot (`stewardgate baseline accept DATASET --reason ...`)
    or a committed file (`stewardgate baseline export`). See docs/drift.md.

    ```yaml
    drift:
      baseline: store                  # or a committed file, relative to the suite
      severity: {column_added: error}  # per schema rule
    ```
    """,
    )
)


add(
    CheckType(
        "distribution_drift",
        "drift",
        "history",
        """A column's distribution compared with the baseline's profile, with no extra pass over the data.

    Numbers: PSI over the baseline's decile bins (empty bins smoothed) and a normalised
    Wasserstein distance; categories: PSI and Jensen-Shannon distance over the top values plus
    "other" and null. Defaults: PSI warn 0.1, error 0.25; JS warn 0.1, error 0.2; no verdict
    under 200 rows on either side. The result names the bins that moved most.

    ```yaml
    drift:
      distribution:
        columns: [amount, status]      # or: all, or {amount: {psi: {warn: 0.2}}}
    ```
    """,
    )
)


add(
    CheckType(
        "drift_share",
        "drift",
        "history",
        """The share of columns whose distribution drifted, judged for the whole dataset.

    ```yaml
    drift:
      distribution:
        columns: all
        share: {max_fraction: 0.3}
    ```
    """,
    )
)
