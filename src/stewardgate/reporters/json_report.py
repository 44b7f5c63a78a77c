"""The JSON run record (``--json PATH``): the versioned, documented machine output of a run."""

from __future__ import annotations

import json

from stewardgate.results import RunResult, run_to_dict


def render(run: RunResult) -> str:
    """The run record as indented JSON (schema: docs/run-record.schema.json)."""
    return json.dumps(run_to_dict(run), indent=2, ensure_ascii=False) + "\n"
