"""Sending a run's OpenLineage events: to a file (NDJSON, written atomically) or an HTTP endpoint.

``run --openlineage FILE`` writes every event of the run, one JSON object a line, to a temp
file renamed into place once all are built. ``run --openlineage http(s)://host[:port][/path]``
posts each event with the OpenLineage client's HTTP transport (path default
``/api/v1/lineage``), a few quick retries, ``timeout`` seconds each. Every dataset run gets one
:class:`~stewardgate.results.LineageDelivery` in the run record; an endpoint that does not
answer is a ``failed`` delivery (the CLI prints it on stderr), never a changed gate or a lost
run: the runs are stored before anything is sent.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from stewardgate.errors import first_line
from stewardgate.results import LineageDelivery, RunResult

if TYPE_CHECKING:
    from stewardgate.suite.loader import LoadedSuite

RETRY = {"total": 2, "read": 2, "connect": 2, "backoff_factor": 0.2, "status_forcelist": [500, 502, 503, 504],
         "allowed_methods": ["POST"]}  # fmt: skip


def is_url(target: str) -> bool:
    """An http(s) URL is posted to; anything else is a file path."""
    return urlsplit(target).scheme in ("http", "https")


def emit_run(
    result: RunResult, suites: list[LoadedSuite], schemas: dict[str, Any], target: str, *, timeout: float = 5.0,
) -> RunResult:  # fmt: skip
    """The run with one delivery record per dataset run, after sending its events to ``target``."""
    by_name = {s.suite.dataset.name: s for s in suites}
    built: list[tuple[str, list[dict[str, Any]] | None, str | None]] = []
    for d in result.datasets:
        try:
            from stewardgate.lineage_events.events import dataset_events

            built.append((d.dataset, dataset_events(d, by_name[d.dataset], schemas.get(d.dataset)), None))
        except Exception as exc:  # an event that cannot be built is reported like one that cannot be sent
            built.append((d.dataset, None, f"the events could not be built: {type(exc).__name__}: {first_line(exc)}"))
    send = _post_all if is_url(target) else _write_all
    return replace(result, openlineage=tuple(send(built, target, timeout)))


def _delivery(dataset: str, target: str, events: list[dict[str, Any]] | None, error: str | None) -> LineageDelivery:
    run_uuid = events[0]["run"]["runId"] if events else None
    status = "failed" if error else "sent"
    return LineageDelivery(
        dataset, target, status, events=len(events or []) if not error else 0, run_uuid=run_uuid, error=error
    )


def _write_all(built: list[Any], target: str, timeout: float) -> list[LineageDelivery]:
    from stewardgate.io import atomic_write_text

    lines = [json.dumps(e, sort_keys=True, separators=(",", ":")) for _, events, _ in built for e in events or []]
    try:
        atomic_write_text(Path(target), "".join(line + "\n" for line in lines))
    except OSError as exc:
        why = f"cannot write {target}: {exc.strerror or exc}"
        return [_delivery(name, target, events, error or why) for name, events, error in built]
    return [_delivery(name, target, events, error) for name, events, error in built]


def _post_all(built: list[Any], target: str, timeout: float) -> list[LineageDelivery]:
    transport = _transport(target, timeout)
    out, down = [], None
    for name, events, error in built:
        if error is None and down is not None:
            error = f"not sent: the endpoint did not answer an earlier event ({down})"
        if error is None:
            error = _post(transport, events or [])
            down = error
        out.append(_delivery(name, target, events, error))
    return out


def _post(transport: Any, events: list[dict[str, Any]]) -> str | None:
    """None when every event was accepted, else why not (the first failure)."""
    for event in events:
        try:
            transport.emit(event)  # the client's Serde takes JSON data as it is
        except Exception as exc:  # requests/urllib3 errors: the endpoint did not take the event
            return f"{type(exc).__name__}: {first_line(exc)}"
    return None


def _transport(target: str, timeout: float) -> Any:
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    parts = urlsplit(target)
    base = f"{parts.scheme}://{parts.netloc}"
    endpoint = parts.path.lstrip("/") or "api/v1/lineage"
    return HttpTransport(HttpConfig(url=base, endpoint=endpoint, timeout=timeout, retry=RETRY))
