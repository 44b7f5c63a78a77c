"""``stewardgate notify test``: is every channel reachable with its settings and secrets?

A webhook, Slack or Teams channel gets a test message (trigger ``test``); an e-mail channel is
connected to, greeted and logged in to (if it has a login) but sent nothing, because its
recipients may be the owner and steward of datasets that did nothing wrong. Deliveries are
bounded as in a run.
"""

from __future__ import annotations

from dataclasses import dataclass

from stewardgate import __version__
from stewardgate.notify import messages, transport
from stewardgate.notify.secrets import NotifyPlan, ResolvedChannel


@dataclass(frozen=True)
class Probe:
    """One channel's answer: reached or not, in how many attempts, and why not."""

    channel: str
    kind: str
    attempts: int
    error: str | None


def test_body() -> dict[str, object]:
    """The test message: the summary's shape, with a ``test`` notice and no checks."""
    return {
        "schema": messages.SCHEMA, "run_id": "test", "as_of": "test", "tool_version": __version__,
        "dataset": "stewardgate-test", "suite_path": "", "row_count": None, "error": None,
        "gate": {"passed": True, "fail_on": "error", "reason": "test message"},
        "notices": [{"trigger": "test", "text": "A test message from stewardgate notify test: this channel works."}],
        "checks": [], "more_checks": 0, "counts": {},
        "stewardship": {"owner": None, "steward": None, "classification": None, "risk_tier": None},
    }  # fmt: skip


def probe_all(plan: NotifyPlan) -> list[Probe]:
    """Try every channel once (with the run's retries)."""
    policy = transport.policy_of(plan.settings)
    return [_probe(c, policy) for c in plan.channels]


def _probe(channel: ResolvedChannel, policy: transport.Policy) -> Probe:
    spec = channel.spec
    if spec.kind == "email":
        login = (spec.username, channel.password or "") if spec.username else None
        done = transport.send_mail(
            None, host=spec.host, port=spec.port, security=spec.security, login=login, policy=policy
        )
        return Probe(channel.name, spec.kind, done.attempts, done.error)
    from stewardgate.notify.dispatch import post_summary

    done = post_summary(channel, test_body(), policy)
    return Probe(channel.name, spec.kind, done.attempts, done.error)


__all__ = ["Probe", "probe_all", "test_body"]
