"""Building a dataset run's OpenLineage events: START, then COMPLETE (gate passed) or FAIL.

The checked dataset is the job's input, with the standard facets:

* ``schema`` (the columns the run saw, with the suite's descriptions), ``ownership`` (owner
  and steward), and the custom ``stewardgate_stewardship`` facet (classification, retention,
  risk tier, permitted uses, upstreams, waivers) with its own ``_schemaURL``
  (:data:`STEWARDSHIP_SCHEMA_URL`, committed as ``docs/openlineage/StewardshipDatasetFacet.json``);
* input facets ``dataQualityMetrics`` (row count and per-column null and distinct counts,
  min, max, quantiles, from the run's profile) and ``dataQualityAssertions`` (every judged
  check: ``success`` is true for passed and info results; skipped checks are left out).

FAIL means the gate failed or the data could not be read (with an ``errorMessage`` run facet).
The job is ``stewardgate`` / ``<dataset>``; a file dataset is named ``file`` / its absolute path.
Importing this module imports the OpenLineage client.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import attr
from openlineage.client.event_v2 import InputDataset, Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    RunFacet,
    data_quality_assertions_dataset,
    data_quality_metrics_input_dataset,
    error_message_run,
    job_type_job,
    ownership_dataset,
    schema_dataset,
)
from openlineage.client.serde import Serde
from openlineage.client.uuid import generate_new_uuid

from stewardgate import __version__
from stewardgate.results import DatasetRun, Status

PRODUCER = f"https://pypi.org/project/stewardgate/{__version__}/"
STEWARDSHIP_SCHEMA_URL = (
    "https://stewardgate.dev/schemas/openlineage/StewardshipDatasetFacet-1.json#/$defs/StewardshipDatasetFacet"
)
JOB_NAMESPACE = "stewardgate"
_SUCCESS = (Status.PASSED, Status.INFO)


@attr.define
class StewardshipDatasetFacet(DatasetFacet):
    """stewardgate's custom facet: how the dataset must be handled, and the exceptions in force."""

    classification: str | None = attr.field(default=None)
    retention: dict[str, Any] | None = attr.field(default=None)
    riskTier: str | None = attr.field(default=None)  # noqa: N815
    owner: str | None = attr.field(default=None)
    steward: str | None = attr.field(default=None)
    permittedUses: list[str] | None = attr.field(default=None)  # noqa: N815
    personalDataUses: list[str] | None = attr.field(default=None)  # noqa: N815
    upstream: list[str] = attr.field(factory=list)
    waivers: list[dict[str, Any]] = attr.field(factory=list)
    _additional_skip_redact: ClassVar[list[str]] = []

    @staticmethod
    def _get_schema() -> str:
        return STEWARDSHIP_SCHEMA_URL


def dataset_events(run: DatasetRun, loaded: Any, schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The START and COMPLETE/FAIL events of one dataset run, as JSON-ready dicts."""
    run_id = str(generate_new_uuid(run.started_at))
    job = Job(namespace=JOB_NAMESPACE, name=run.dataset, facets={"jobType": job_type_job.JobTypeJobFacet(
        processingType="BATCH", integration="STEWARDGATE", jobType="DATA_QUALITY", producer=PRODUCER)})  # fmt: skip
    namespace, name = dataset_name(loaded)
    facets = _dataset_facets(run, loaded, schema)
    start = RunEvent(
        eventType=RunState.START, eventTime=run.started_at.isoformat(), run=Run(runId=run_id), job=job,
        producer=PRODUCER, inputs=[InputDataset(namespace=namespace, name=name, facets=facets)],
    )  # fmt: skip
    failed = run.error is not None or not run.gate.passed
    run_facets: dict[str, RunFacet] = {"errorMessage": error_message_run.ErrorMessageRunFacet(
        message=run.error or f"gate failed: {run.gate.reason}", programmingLanguage="python", producer=PRODUCER,
    )} if failed else {}  # fmt: skip
    end = RunEvent(
        eventType=RunState.FAIL if failed else RunState.COMPLETE, eventTime=run.finished_at.isoformat(),
        run=Run(runId=run_id, facets=run_facets), job=job, producer=PRODUCER,
        inputs=[InputDataset(namespace=namespace, name=name, facets=facets, inputFacets=_quality_facets(run))],
    )  # fmt: skip
    return [json.loads(Serde.to_json(e)) for e in (start, end)]


def dataset_name(loaded: Any) -> tuple[str, str]:
    """OpenLineage's (namespace, name): ``file`` and the absolute path for files, else stewardgate and the name."""
    spec = loaded.suite.dataset
    if spec.format == "table":
        return JOB_NAMESPACE, spec.name
    return "file", str((loaded.folder / Path(spec.path)).absolute())


def _dataset_facets(run: DatasetRun, loaded: Any, schema: dict[str, Any] | None) -> dict[str, Any]:
    suite = loaded.suite
    columns = (schema or {}).get("columns") or [{"name": n, "dtype": c.type} for n, c in suite.columns.items()]
    fields = [
        schema_dataset.SchemaDatasetFacetFields(
            name=c["name"], type=c["dtype"], ordinal_position=i,
            description=suite.columns[c["name"]].description if c["name"] in suite.columns else None,
        )
        for i, c in enumerate(columns, start=1)
    ]  # fmt: skip
    s = suite.stewardship
    owners = [
        ownership_dataset.Owner(name=s.owner, type="OWNER"),
        ownership_dataset.Owner(name=s.steward, type="STEWARD"),
    ]
    from stewardgate.governance.waivers import waiver_record

    stewardship = StewardshipDatasetFacet(
        classification=s.classification, retention=s.retention.model_dump(mode="json") if s.retention else None,
        riskTier=s.risk_tier, owner=s.owner, steward=s.steward, permittedUses=s.permitted_uses,
        personalDataUses=s.personal_data_uses, upstream=list(suite.lineage.upstream) if suite.lineage else [],
        waivers=[_waiver(waiver_record(w), run) for w in suite.waivers], producer=PRODUCER,
    )  # fmt: skip
    return {
        "schema": schema_dataset.SchemaDatasetFacet(fields=fields, producer=PRODUCER),
        "ownership": ownership_dataset.OwnershipDatasetFacet(owners=owners, producer=PRODUCER),
        "stewardgate_stewardship": stewardship,
    }


def _waiver(record: dict[str, Any], run: DatasetRun) -> dict[str, Any]:
    """A waiver as the facet holds it: the suite's record and the checks it waived in this run."""
    waived = [r.check_id for r in run.results if r.status is Status.WAIVED and r.details.get("waiver") == record]
    return {**{k: v for k, v in record.items() if v is not None}, "waivedChecks": waived}


def _quality_facets(run: DatasetRun) -> dict[str, Any]:
    judged = [r for r in run.results if r.status is not Status.SKIPPED]
    assertions = [
        data_quality_assertions_dataset.Assertion(
            assertion=r.check, success=r.status in _SUCCESS, column=r.column, severity=r.severity.value,
            name=r.check_id, description=r.message, expected=_text(r.expected), actual=_text(r.observed),
            params={"status": r.status.value},
        )
        for r in judged
    ]  # fmt: skip
    facets: dict[str, Any] = {"dataQualityAssertions": data_quality_assertions_dataset.DataQualityAssertionsDatasetFacet(
        assertions=assertions, producer=PRODUCER)}  # fmt: skip
    if run.row_count is not None:
        facets["dataQualityMetrics"] = data_quality_metrics_input_dataset.DataQualityMetricsInputDatasetFacet(
            rowCount=run.row_count,
            columnMetrics=_column_metrics(run),
            producer=PRODUCER,
        )
    return facets


def _column_metrics(run: DatasetRun) -> dict[str, Any]:
    out = {}
    rows = run.row_count or 0
    columns = run.profile.get("columns") if run.profile else None
    for name, p in (columns or {}).items():
        nulls = p.get("null_count")
        quantiles = p.get("quantiles") or []
        out[name] = data_quality_metrics_input_dataset.ColumnMetrics(
            nullCount=nulls, distinctCount=p.get("distinct_count"),
            count=float(rows - nulls) if nulls is not None else None,
            min=_number(p.get("min")), max=_number(p.get("max")),
            quantiles=_quantiles(quantiles),
        )  # fmt: skip
    return out


def _quantiles(values: list[Any]) -> dict[str, float]:
    """The profile's percentiles 0, 1, 25, 50, 75, 99 and 100, keyed by their level (``"0.25"``)."""
    from stewardgate.engines.profile_values import QUANTILE_LEVELS

    if len(values) != len(QUANTILE_LEVELS):
        return {}
    return {f"{QUANTILE_LEVELS[i]:g}": float(values[i]) for i in (0, 1, 25, 50, 75, 99, 100) if values[i] is not None}


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _text(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, default=str)
