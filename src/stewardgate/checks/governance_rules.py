"""Governance checks written under ``governance:`` (and the expired-waiver report).

What a suite declares is checked without asking: ``stewardship.retention`` turns on
``retention``, ``recertify_by`` turns on ``recertification``, a classification (the dataset's or
a column's) turns on ``personal_data`` and ``classification``, and ``stamp_match`` always runs
(skipped while the data carries no stamp). ``completeness`` (stewardship fields by risk tier, an
organisation-wide requirement from settings) runs with a ``governance:`` block
(``governance: {}`` turns every check on; each key takes ``true``, ``false`` or
``{enabled, severity, ...}``) or on every suite when the setting
``[tool.stewardgate.governance] run_by_default = true``. The engine is
``stewardgate.governance``.
"""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

add(
    CheckType(
        "retention",
        "governance",
        "governance",
        """Rows older than the retention period fail, naming how many, the oldest, and where.

    The age is measured on `stewardship.retention.column` (a date or datetime column) from the
    run's as-of date: with `period: 400d` and `--as-of 2026-11-27`, rows dated before
    2025-10-23 are expired. The count and the oldest value come from the run's one pass over
    the data; for partitioned data a second query, only when rows are expired, names the
    partitions (hive folders, else files) that hold them.

    Why: data kept longer than its retention period is a compliance breach, not a style issue.

    ```yaml
    stewardship:
      retention: {period: 400d, column: order_ts}
    governance: {retention: true}
    ```

    Runs whenever `stewardship.retention` is declared. The retention column need not be
    declared under `columns`: any column the data has will do, checked at run time. A
    retention column missing from the data, or not a date/datetime, is an error located at
    `stewardship.retention.column` (`suite.yml:9:33: stewardship.retention.column: column
    'time_hour' is not in the data (it has: ...)`), which blocks the gate.

    Limitations: without `retention.column` the check is skipped. For CSV data of several files the
    partitions are not listed.
    """,
    )
)


add(
    CheckType(
        "personal_data",
        "governance",
        "governance",
        """Undeclared personal data: string columns whose values look like personal data fail.

    A deterministic sample of rows (`sample_size`, `seed`) of every string column is read once
    and run through detectors for e-mail addresses, phone numbers, US social security numbers,
    payment cards (Luhn check), IBANs (mod-97 check) and IPv4/IPv6 addresses. When a detector
    matches more than `threshold` of a column's non-blank values, the column must be declared
    `pii:` and classified `confidential` or `restricted` (its own classification, else the
    dataset's); otherwise it fails, naming the detector and the match rate. One result per
    string column: `<dataset>.governance.personal_data.<column>`. Values are never shown.

    Why: personal data that nobody declared is personal data nobody protects.

    ```yaml
    governance:
      personal_data: {sample_size: 20000, seed: 7, threshold: 0.3, ignore_columns: [notes]}
    ```

    Limitations: names and postal addresses are not detected; nine bare digits are not taken
    for a social security number; a sample can miss rare values.
    """,
    )
)


add(
    CheckType(
        "classification",
        "governance",
        "governance",
        """The dataset's classification must be at least its most sensitive column's.

    public < internal < confidential < restricted. A dataset classified `internal` with a
    column classified `restricted` fails (it would be handled as less sensitive than it is).
    Reads only the suite.

    ```yaml
    stewardship: {classification: restricted}
    columns:
      email: {type: string, pii: email, classification: restricted}
    ```
    """,
    )
)


add(
    CheckType(
        "completeness",
        "governance",
        "governance",
        """Metadata completeness: the stewardship fields the risk tier requires are all filled in.

    Defaults: every tier needs owner, steward and classification; medium adds retention; high
    adds description and recertify_by. A suite without `risk_tier` is judged by the default
    tier (medium). Configure it in `pyproject.toml`:

    ```toml
    [tool.stewardgate.governance]
    required_by_risk_tier = {low = ["owner", "steward"], high = ["owner", "steward", "classification", "retention", "description", "recertify_by", "known_limitations"]}
    ```
    """,
    )
)


add(
    CheckType(
        "recertification",
        "governance",
        "governance",
        """`stewardship.recertify_by` in the past fails; within 30 days of the as-of date it warns.

    Why: a steward re-confirms owner, classification and retention at least this often.

    ```yaml
    stewardship: {recertify_by: 2027-06-30}
    governance:
      recertification: {warn_within_days: 45}
    ```
    """,
    )
)


add(
    CheckType(
        "stamp_match",
        "governance",
        "governance",
        """What the data carries (its stewardship stamp) must agree with the suite.

    `stewardgate stamp SUITE` writes the suite's stewardship into the data (Parquet footer
    metadata, or a `<file>.stewardship.json` sidecar; a SQL table's comment on PostgreSQL and
    MariaDB). This check reads the stamps back (no data) and fails when a stamp names a
    different owner or a lower classification than the suite, or cannot be read. Other
    differences (steward, retention, risk tier, …) and files without a stamp beside stamped
    ones are reported as info: stamp again. Data without any stamp (a table whose comment is
    not a stamp, or any table in SQLite, which keeps no comments) skips the check, saying why.

    ```yaml
    governance: {stamp_match: true}
    ```
    """,
    )
)


add(
    CheckType(
        "expired_waiver",
        "waivers",
        "governance",
        """A waiver past its `expires` date no longer applies, and is reported as a warning.

    A waiver turns a failed or warned check it names (id or glob, with or without the dataset
    prefix) into `waived` up to and including `expires`. Errored checks are never waived.
    `approved_by` and `expires` are required; settings can restrict who may approve per tier.

    ```yaml
    waivers:
      - {check: "columns.email.max_null_fraction", reason: "CRM migration",
         approved_by: jane.doe@example.com, expires: 2026-12-31, ticket: DATA-12}
    ```
    """,
    )
)


add(
    CheckType(
        "permitted_uses",
        "governance",
        "governance",
        """A declared permitted use that the dataset's classification forbids fails, each use named.

    `stewardship.permitted_uses` says what the data may be used for, from the settings'
    vocabulary (default `analytics`, `reporting`, `retrieval`, `fine_tuning`, `training`);
    `stewardship.personal_data_uses` says which of them may see the personal-data columns
    (`pii:`; default none). The settings say which uses each classification allows
    (`uses_by_classification`; by default `restricted` allows only `analytics` and `reporting`).
    Reads only the suite. A use name outside the vocabulary is a suite error (exit 2).

    Why: a declaration that contradicts the policy is a finding, not a permission.

    ```yaml
    stewardship:
      classification: confidential
      permitted_uses: [analytics, reporting, retrieval]
      personal_data_uses: [analytics]
    ```

    Turn it off with `governance: {permitted_uses: false}`.
    """,
    )
)


add(
    CheckType(
        "purpose",
        "governance",
        "governance",
        """With `run --purpose USE`, every dataset must be approved for that use, or its gate fails.

    The dataset is approved when `USE` is one of its `stewardship.permitted_uses`, its
    classification allows `USE` (settings `uses_by_classification`), and, when it has
    personal-data columns (`pii:`), `USE` is one of `stewardship.personal_data_uses`. Each
    reason it is not approved is named. A suite without `permitted_uses` is approved for
    nothing. An unknown purpose is a usage error (exit 2).

    Why: the rule for prompt-time retrieval and fine-tuning data selection: a training job
    runs `stewardgate run suites/ --purpose fine_tuning` and reads only what passed.

    ```console
    $ stewardgate run suites/ --purpose fine_tuning
    ```

    Planned on every suite of a run with a purpose (not switchable per suite: the run asks).
    """,
    )
)


add(
    CheckType(
        "upstream",
        "lineage",
        "lineage",
        """An upstream dataset (`lineage.upstream`) whose gate failed is named in this dataset's report.

    Each bare name in `lineage.upstream` is another suite's dataset: its gate in the same run,
    or else its latest stored run (on or before this run's as-of date), is judged as
    `<dataset>.lineage.upstream.<name>`. A failed upstream, one that could not be read, or one
    with no verdict at all (not in the run, nothing stored) warns; with
    `block_on_upstream_failure: true` it is an error and blocks. External names (a URI such as
    `postgres://warehouse/sales.orders`, or `ext:crm.accounts`) are skipped: shown in the
    catalog, the trust sheet and OpenLineage events, not judged. In a run, upstreams are judged
    before their downstreams; a cycle is a suite error.

    ```yaml
    lineage:
      upstream: [customers, postgres://warehouse/sales.orders, ext:crm.accounts]
      block_on_upstream_failure: false
    ```
    """,
    )
)
