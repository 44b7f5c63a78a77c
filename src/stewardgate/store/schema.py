"""The tables of the history store, in their latest layout (see ``docs/store.md``).

SQLAlchemy Core only, with portable types: JSON is kept as text (``json.dumps``), booleans
as ``Boolean``, dates as ``Date``, times as UTC ``DateTime``. A dataset run is identified by
``(run_id, dataset)``: one ``stewardgate run`` judges several datasets under one ``run_id``.
A fresh store is created from these tables; an older store is brought here by the steps in
:mod:`stewardgate.store.migrations`, so a change here needs a step there.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

_NAME = 255
_ID = 128
_RUN_FK = ("run_id", "dataset")
_RUN_REF = ("sg_runs.run_id", "sg_runs.dataset")

meta = sa.Table(
    "stewardgate_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(_NAME), nullable=False),
)

runs = sa.Table(
    "sg_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(_ID), nullable=False),
    sa.Column("dataset", sa.String(_NAME), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("suite_path", sa.Text, nullable=False),
    sa.Column("suite_sha256", sa.String(64), nullable=False),
    sa.Column("data_sha256", sa.String(64)),
    sa.Column("row_count", sa.BigInteger),
    sa.Column("gate_passed", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("tool_version", sa.String(64), nullable=False),
    sa.Column("is_rerun", sa.Boolean, nullable=False),
    sa.Column("superseded_by", sa.String(_ID)),
    sa.Column("record", sa.Text, nullable=False),  # '' since version 3: the record is in record_zlib
    sa.Column("record_zlib", sa.LargeBinary),
    sa.Column("pruned_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint(*_RUN_FK, name="uq_sg_runs_run_dataset"),
    sa.Index("ix_sg_runs_dataset_as_of", "dataset", "as_of"),
)

results = sa.Table(
    "sg_results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(_ID), nullable=False),
    sa.Column("dataset", sa.String(_NAME), nullable=False),
    sa.Column("check_id", sa.String(512), nullable=False),
    sa.Column("check", sa.String(_NAME), nullable=False),
    sa.Column("column", sa.String(_NAME)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("engine", sa.String(64), nullable=False),
    sa.Column("observed", sa.Text),
    sa.Column("expected", sa.Text),
    sa.Column("failing_count", sa.BigInteger),
    sa.Column("message", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(_RUN_FK, _RUN_REF, name="fk_sg_results_run"),
    sa.Index("ix_sg_results_run", *_RUN_FK),
)

metric_series = sa.Table(
    "sg_metric_series",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(_NAME), nullable=False),
    sa.Column("metric", sa.String(_NAME), nullable=False),
    sa.Column("column", sa.String(_NAME), nullable=False),
    sa.UniqueConstraint("dataset", "metric", "column", name="uq_sg_metric_series"),
)
"""One row per metric of a dataset (version 3); ``column`` is ``''`` for a table-level metric.
The names live here once, not in every value row."""

metric_values = sa.Table(
    "sg_metric_values",
    metadata,
    sa.Column("series_id", sa.Integer, sa.ForeignKey("sg_metric_series.id", name="fk_sg_metric_values_series"),
              primary_key=True),
    sa.Column("as_of", sa.Date, primary_key=True),
    sa.Column("run_ref", sa.Integer, sa.ForeignKey("sg_runs.id", name="fk_sg_metric_values_run"), primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("anomalous", sa.Boolean, nullable=False),
    sqlite_with_rowid=False,
)  # fmt: skip
"""One value of a series from one run (version 3): keyed by ``(series, as_of, run)``, which is
the order the anomaly windows read it in; on SQLite the table is its own index (WITHOUT
ROWID), so a value costs its ~25 bytes once."""

schema_snapshots = sa.Table(
    "sg_schema_snapshots",
    metadata,
    sa.Column("run_id", sa.String(_ID), primary_key=True),
    sa.Column("dataset", sa.String(_NAME), primary_key=True),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("schema", sa.Text, nullable=False),
    sa.Column("accepted", sa.Boolean, nullable=False),
    sa.Column("accepted_by", sa.String(_NAME)),
    sa.Column("accepted_reason", sa.Text),
    sa.Column("accepted_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(_RUN_FK, _RUN_REF, name="fk_sg_schema_snapshots_run"),
    sa.Index("ix_sg_schema_snapshots_dataset_as_of", "dataset", "as_of"),
)

catalog = sa.Table(
    "sg_catalog",
    metadata,
    sa.Column("dataset", sa.String(_NAME), primary_key=True),
    sa.Column("owner", sa.String(_NAME)),
    sa.Column("steward", sa.String(_NAME)),
    sa.Column("classification", sa.String(64)),
    sa.Column("retention", sa.String(_NAME)),
    sa.Column("risk_tier", sa.String(64)),
    sa.Column("stewardship", sa.Text),
    sa.Column("completeness", sa.Float),
    sa.Column("last_run_id", sa.String(_ID)),
    sa.Column("last_as_of", sa.Date),
    sa.Column("last_status", sa.String(16)),
    sa.Column("last_gate_passed", sa.Boolean),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

audit = sa.Table(
    "sg_audit",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("subject", sa.String(512), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_sg_audit_kind_subject", "kind", "subject"),
)
"""The audit chain (version 2): each entry's ``hash`` is SHA-256 over the canonical JSON of
its fields and ``prev_hash``, the previous entry's hash; see :mod:`stewardgate.store.audit`."""
