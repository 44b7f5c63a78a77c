"""The messages: one JSON summary per dataset, and its Slack, Teams and e-mail renderings.

Samples are the run's own, already masked (``***``) for columns classified confidential or
restricted or marked ``pii``, as in every other output. At most ``MAX_CHECKS`` failing checks
are listed, with the count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from email.message import EmailMessage
from typing import Any

from stewardgate.notify.events import Notice
from stewardgate.results import DatasetRun, Status

SCHEMA = "stewardgate-notification/1"
MAX_CHECKS = 10
_SHOWN = (Status.ERRORED, Status.FAILED, Status.WARNED)


def summary(
    run: DatasetRun, notices: Sequence[Notice], *, run_id: str, as_of: date, tool_version: str
) -> dict[str, Any]:
    """The generic webhook's JSON body: the dataset run in brief, and why it is sent."""
    shown = sorted((r for r in run.results if r.status in _SHOWN), key=lambda r: -r.status.rank)
    stewardship = run.stewardship
    return {
        "schema": SCHEMA,
        "run_id": run_id, "as_of": as_of.isoformat(), "tool_version": tool_version,
        "dataset": run.dataset, "suite_path": run.suite_path, "row_count": run.row_count,
        "gate": {"passed": run.gate.passed, "fail_on": run.gate.fail_on, "reason": run.gate.reason},
        "error": run.error,
        "notices": [{"trigger": n.trigger, "text": n.text} for n in notices],
        "checks": [
            {"check_id": r.check_id, "status": r.status.value, "message": r.message, "samples": list(r.samples)}
            for r in shown[:MAX_CHECKS]
        ],
        "more_checks": max(0, len(shown) - MAX_CHECKS),
        "counts": {k: v for k, v in run.counts().items() if v},
        "stewardship": {k: stewardship.get(k) for k in ("owner", "steward", "classification", "risk_tier")},
    }  # fmt: skip


def headline(body: dict[str, Any]) -> str:
    """``orders_daily 2026-10-14: gate FAILED`` (or ``passed``)."""
    verdict = "passed" if body["gate"]["passed"] else "FAILED"
    return f"{body['dataset']} {body['as_of']}: gate {verdict}"


def text_lines(body: dict[str, Any]) -> list[str]:
    """The message as plain lines: notices, then the failing checks with their samples."""
    lines = [f"- {n['text']}" for n in body["notices"]]
    if body["checks"]:
        lines.append("")
        lines.append("Checks not passing:")
    for c in body["checks"]:
        samples = f" (samples: {', '.join(c['samples'])})" if c["samples"] else ""
        lines.append(f"- {c['status'].upper()} {c['check_id']}: {c['message']}{samples}")
    if body["more_checks"]:
        lines.append(f"- and {body['more_checks']} more")
    s = body["stewardship"]
    lines += ["", f"Owner: {s['owner']} · steward: {s['steward']} · risk tier: {s['risk_tier'] or 'default'}",
              f"Run {body['run_id']} · suite {body['suite_path']} · stewardgate {body['tool_version']}"]  # fmt: skip
    return lines


def slack(body: dict[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message: a fallback ``text`` and Block Kit sections."""
    lines = text_lines(body)
    return {
        "text": headline(body),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": headline(body)[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:3000]}},
        ],
    }


def teams(body: dict[str, Any]) -> dict[str, Any]:
    """A Teams incoming-webhook message holding an Adaptive Card."""
    facts = [{"title": k, "value": str(v)} for k, v in body["stewardship"].items() if v]
    card = {
        "type": "AdaptiveCard", "version": "1.4",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "body": [
            {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": headline(body), "wrap": True},
            *({"type": "TextBlock", "text": line or " ", "wrap": True} for line in text_lines(body)[:-3]),
            {"type": "FactSet", "facts": facts},
        ],
    }  # fmt: skip
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def email(body: dict[str, Any], *, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """A plain-text e-mail of the summary."""
    message = EmailMessage()
    message["Subject"] = f"[stewardgate] {headline(body)}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content("\n".join([headline(body), "", *text_lines(body)]) + "\n")
    return message
