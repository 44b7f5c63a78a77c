"""Notify after a run: due notices per dataset, suppression, delivery, and the record of it.

Called by the runner once every dataset run is stored. For each dataset run and each channel
that wants it (``datasets`` globs, ``on`` triggers): the due notices
(:mod:`~stewardgate.notify.events`, against the previous stored run), minus those already
sent within ``suppress_days`` (:mod:`~stewardgate.notify.memory`), are sent as one message.
Every attempt ends as a :class:`~stewardgate.results.Notification` in the run record, and a
delivered one also as an audit entry (what later runs' suppression reads). Nothing here can
change a gate or lose a run: a failure is a record, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from fnmatch import fnmatchcase
from typing import Any

from stewardgate.errors import StoreError
from stewardgate.notify import memory, messages, transport
from stewardgate.notify.events import Notice, due_notices
from stewardgate.notify.secrets import NotifyPlan, ResolvedChannel
from stewardgate.results import DatasetRun, Notification, RunResult

HISTORY_LIMIT = 500


def notify_run(run: RunResult, plan: NotifyPlan, store: Any | None) -> tuple[Notification, ...]:
    """Send what the run makes due on every channel; ``store`` None: no history, no suppression."""
    out: list[Notification] = []
    for d in run.datasets:
        channels = _channels_for(plan, d.dataset)
        try:
            previous, previous_as_of = _previous(store, d.dataset, run.run_id, run.as_of) if channels else (None, None)
            entries = _entries(store, d.dataset) if channels else []
        except StoreError as exc:  # without the history nothing can be judged as changed: say so, send nothing
            out += unsent(plan, d.dataset, f"the history store could not be read to decide what changed: {exc}")
            continue
        notices = due_notices(d, previous, previous_as_of)
        for channel in channels:
            wanted = [n for n in notices if n.trigger in channel.spec.on]
            if wanted:
                out.append(_one(run, d, channel, wanted, entries, plan, store))
    return tuple(out)


def _channels_for(plan: NotifyPlan, dataset: str) -> list[ResolvedChannel]:
    return [c for c in plan.channels if any(fnmatchcase(dataset, g) for g in c.spec.datasets)]


def unsent(plan: NotifyPlan, dataset: str, reason: str) -> list[Notification]:
    """A failed notification on each of the dataset's channels, for a reason outside delivery."""
    return [Notification(c.name, c.spec.kind, dataset, "failed", error=reason) for c in _channels_for(plan, dataset)]


def _one(run: RunResult, d: DatasetRun, channel: ResolvedChannel, notices: Sequence[Notice], entries: Sequence[Any],
         plan: NotifyPlan, store: Any | None) -> Notification:  # fmt: skip
    latest = memory.last_sent(entries, channel.name, run.as_of)
    send, held = memory.split_suppressed(notices, latest, run.as_of, plan.settings.suppress_days)
    base: dict[str, Any] = dict(
        channel=channel.name, kind=channel.spec.kind, dataset=d.dataset, suppressed=tuple(n.trigger for n in held)
    )
    if not send:
        return Notification(**base, status="suppressed")
    body = messages.summary(d, send, run_id=run.run_id, as_of=run.as_of, tool_version=run.tool_version)
    try:
        recipients, attempts = _deliver(channel, body, d, plan)
    except Exception as exc:  # a crashing notifier is a failed delivery, like a crashing check is a result
        recipients, attempts = (
            [],
            transport.Attempts(1, f"the {channel.spec.kind} notifier crashed: {type(exc).__name__}: {exc}"),
        )
    status = "sent" if attempts.error is None else "failed"
    error = attempts.error or attempts.note
    if store is not None:
        payload = memory.record_payload(
            run_id=run.run_id, as_of=run.as_of, channel=channel.name, kind=channel.spec.kind, status=status,
            sent=send, held=held, attempts=attempts.attempts, error=error,
        )  # fmt: skip
        try:
            store.append_audit(memory.KIND, d.dataset, payload)
        except StoreError as exc:
            error = f"{error + '; ' if error else ''}not recorded in the history store: {exc}"
    return Notification(
        **base,
        status=status,
        triggers=tuple(n.trigger for n in send),
        attempts=attempts.attempts,
        recipients=tuple(recipients),
        error=error,
    )


def _deliver(
    channel: ResolvedChannel, body: dict[str, Any], d: DatasetRun, plan: NotifyPlan
) -> tuple[list[str], transport.Attempts]:
    policy = transport.policy_of(plan.settings)
    spec = channel.spec
    if spec.kind == "email":
        recipients, problems = transport.recipients_of(spec.to, d.stewardship)
        if not recipients:
            return [], transport.Attempts(0, "; ".join(problems) + ": nobody to mail")
        mail = messages.email(body, sender=spec.sender, recipients=recipients)
        login = (spec.username, channel.password or "") if spec.username else None
        done = transport.send_mail(
            mail, host=spec.host, port=spec.port, security=spec.security, login=login, policy=policy
        )
        note = f"{'; '.join(problems)} (not mailed)" if problems else None
        return recipients, transport.Attempts(done.attempts, done.error, note)
    assert channel.url is not None
    return [transport.where(channel.url)], post_summary(channel, body, policy)


_HTTP_RENDERERS = {"webhook": lambda body: body, "slack": messages.slack, "teams": messages.teams}


def post_summary(channel: ResolvedChannel, body: dict[str, Any], policy: transport.Policy) -> transport.Attempts:
    """POST the summary to an HTTP channel in its own format, signed when it has a key."""
    rendered = _HTTP_RENDERERS[channel.spec.kind](body)
    data = json.dumps(rendered, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {}
    if channel.signing_key is not None:
        headers[channel.spec.signature_header] = transport.signature(channel.signing_key, data)  # type: ignore[union-attr]
    assert channel.url is not None
    return transport.post_json(channel.url, data, headers, policy)


def _previous(store: Any | None, dataset: str, run_id: str, as_of: date) -> tuple[DatasetRun | None, date | None]:
    """The stored run of ``dataset`` before this one (same day re-runs included), if any."""
    if store is None:
        return None, None
    for summary in store.runs(dataset, limit=20):
        if summary.run_id != run_id and summary.as_of <= as_of:
            if summary.pruned:  # its detail is gone (store prune): nothing to compare with
                return None, None
            return store.dataset_run(summary.run_id, dataset), summary.as_of
    return None, None


def _entries(store: Any | None, dataset: str) -> Sequence[Any]:
    if store is None:
        return []
    return store.audit_entries(kind=memory.KIND, subject=dataset, limit=HISTORY_LIMIT, newest_first=True)
