"""The JSON run record (``--json PATH``): the versioned, documented machine output of a run."""

from __future__ import annotations

from stewardgate.results import RunResult, run_to_json


def render(run: RunResult) -> str:
    """The run record as indented JSON (schema: docs/run-record.schema.json)."""
    return run_to_json(run) + "\n"
