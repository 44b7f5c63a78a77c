"""Access checks written under ``access:`` (docs/access.md): the data's real access, read from
the database's catalogue (PostgreSQL) or the files' modes, against the declaration. The engine
is ``access``; one observation per dataset run feeds them all.
"""

from __future__ import annotations

from stewardgate.checks.registry import CheckType, add

_SNIPPET = """
    ```yaml
    access:
      read: [analysts, reporting]
      write: [etl_loader]
      personal_data: [analysts]
      public: false
    ```
"""

add(
    CheckType(
        "access_observed",
        "access",
        "access",
        """The data's access as it is, kept with every run.

    Always passes (severity info): its `observed` is the access the run saw (owner, each grantee's
    effective privileges and where they come from, PUBLIC, row-level security and its policies; for
    files the owners, groups and modes). `stewardgate access accept` makes it the access baseline.
    If the access cannot be observed (SQLite, S3, a Spark catalog table, a file with a POSIX ACL), this and
    every other access check is errored with the reason, which blocks.
"""
        + _SNIPPET,
    )
)

add(
    CheckType(
        "access_grants",
        "access",
        "access",
        """Each role that may read or write without being declared, each declared role without its grant.

    For a PostgreSQL table every non-superuser role's effective privileges are read
    (`has_table_privilege`, `has_column_privilege`: direct grants, role membership, column
    grants, predefined roles); a role covered by a declared role it is a member of, or by the
    owner, is as declared. A MariaDB/MySQL table's grantees are accounts (`user@host`) and
    roles, with their global, database, table, column and role grants (`information_schema`,
    `mysql.roles_mapping`); a declared bare name covers its accounts. A declared role that does
    not exist fails. One result per role,
    `<dataset>.access.grants.<role>`; a writer may also read. For files the owner user and the
    group are the grantees (their `u` and `g` bits).

    Why: an undeclared reader is an access violation nobody approved; a missing grant is a
    consumer the declaration promises and the data does not serve.
"""
        + _SNIPPET,
    )
)

add(
    CheckType(
        "access_public",
        "access",
        "access",
        """Nobody else may reach the data: PUBLIC holds no privilege, no file is open to all.

    Public access is forbidden when `access.public` is false (the default) or the settings forbid
    it for the dataset's classification (`public_access_forbidden_for`, default confidential and
    restricted, whatever the suite says). With `public: true` (and no such setting) everyone may
    read, but public writing still fails. A file counts as open to all when its `o` bits allow it
    and every folder above it lets everyone through (`o+x`).
"""
        + _SNIPPET,
    )
)

add(
    CheckType(
        "access_personal_data",
        "access",
        "access",
        """Who may read the personal-data (`pii:`) columns, against `access.personal_data`.

    Planned when `access.personal_data` is declared; its roles must be readers or writers too.
    A role that may read a `pii:` column (table-level or column-level SELECT) without being
    named fails, as does a named role that cannot read them. One result per role,
    `<dataset>.access.personal_data.<role>`. On files every reader reads every column.
"""
        + _SNIPPET,
    )
)

add(
    CheckType(
        "access_owner",
        "access",
        "access",
        """The table's owner role, or every file's owner user, is `access.owner`.

    ```yaml
    access: {read: [analysts], owner: etl_owner}
    ```
""",
    )
)

add(
    CheckType(
        "access_group",
        "access",
        "access",
        """Files only: every file's group is `access.group`.

    ```yaml
    access: {read: [analysts], group: analysts}
    ```
""",
    )
)

add(
    CheckType(
        "access_row_security",
        "access",
        "access",
        """PostgreSQL only: row-level security is enabled (or forced) as declared.

    `enabled`: `relrowsecurity` is on; `forced`: `relforcerowsecurity` too (the owner is bound by
    the policies). The message lists the policies (name, command, roles).

    ```yaml
    access: {read: [analysts], row_security: forced}
    ```
""",
    )
)

add(
    CheckType(
        "access_baseline",
        "access",
        "access",
        """The observed access against the accepted access baseline: each change its own result.

    A new grantee, a new privilege, PUBLIC gaining one, another owner or changed row-level
    security since the baseline fails (`<dataset>.access.baseline.<role>`); a grantee or
    privilege gone warns. Skipped until a baseline is accepted (`stewardgate access accept
    DATASET --reason ...`, recorded in the audit chain) and on runs without a store.
"""
        + _SNIPPET,
    )
)

add(
    CheckType(
        "access_recertification",
        "access",
        "access",
        """`access.recertify_by` in the past fails; within 30 days of the as-of date it warns.

    The same verdict as the dataset's `recertification`, for the access declaration, naming
    its `approver` (required with `recertify_by`); `recertify_warn_days` in settings sets the window.

    ```yaml
    access: {read: [analysts], recertify_by: 2027-03-31, approver: ciso@example.com}
    ```
""",
    )
)

add(
    CheckType(
        "access_declared",
        "access",
        "access",
        """A suite of a classification the settings require an access declaration for, without `access:`, fails.

    ```toml
    [tool.stewardgate.governance]
    access_required_for = ["restricted"]
    ```
""",
    )
)
