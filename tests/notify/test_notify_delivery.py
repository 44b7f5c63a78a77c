"""Notifications end to end through the runner, against an HTTP server and an SMTP sink on 127.0.0.1.

Payloads (generic JSON, HMAC signature, Slack, Teams, e-mail), masking of samples, notify on
change with suppression across stored runs, time-outs, retries, and failures that never change
the gate or lose the run. As-of dates are pinned; the suppression counts as-of days.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.notify.config import NotifySettings
from stewardgate.notify.secrets import resolve_channels
from stewardgate.runner import RunOptions, run_paths
from stewardgate.store import open_store

DAY1 = date(2026, 10, 5)
SECRET_EMAIL = "secret.person@evil.org"
ACTOR = {"user": "tester", "host": "testhost"}


def _night(folder: Path, day: date, *, good: bool) -> None:
    emails = ["a@example.com", "b@example.com", "c@example.com", "d@example.com"]
    amounts = [1.0, 2.0, 3.0, 4.0]
    if not good:
        emails[1], amounts[2] = SECRET_EMAIL, -7.5
    frame = pl.DataFrame({"order_id": [1, 2, 3, 4], "email": emails, "amount": amounts})
    frame.write_parquet(folder / f"orders_{day.isoformat()}.parquet")


@pytest.fixture
def nightly(tmp_path: Path, suite_writer: Callable[..., Path]) -> Callable[..., Any]:
    """``nightly(day, good, channels, **settings)`` runs that night's suite and returns the RunResult."""
    suite = suite_writer(
        tmp_path, name="orders", path="orders_{as_of}.parquet",
        columns={"order_id": {"type": "int64"}, "email": {"type": "string", "pii": "email",
                 "regex": "^[^@]+@example[.]com$"}, "amount": {"type": "float64", "min": 0}},
    )  # fmt: skip

    def run(day: date, *, good: bool, channels: list[dict[str, Any]], environ: dict[str, str] | None = None,
            **settings: Any) -> Any:  # fmt: skip
        _night(tmp_path, day, good=good)
        notify = NotifySettings.model_validate({"channels": channels, "retry_delay_seconds": 0, **settings})
        plan = resolve_channels(notify, environ or {})
        options = RunOptions(as_of=day, use_store=True, store_path=tmp_path / "history.db", notify=plan, actor=ACTOR)
        return run_paths([suite], options)

    return run


def test_the_webhook_gets_a_signed_json_summary_with_masked_samples(nightly: Any, http_sink: Any) -> None:
    channel = {"kind": "webhook", "name": "ops", "url": http_sink.url, "secret_env": "HOOK_KEY"}
    run = nightly(DAY1, good=False, channels=[channel], environ={"HOOK_KEY": "k3y"})
    (request,) = http_sink.requests
    body = request.json
    assert request.path == "/hook/SECRET-PATH"
    assert (
        request.headers["x-stewardgate-signature"]
        == "sha256=" + hmac.new(b"k3y", request.body, hashlib.sha256).hexdigest()
    )
    assert body["schema"] == "stewardgate-notification/1"
    assert (body["dataset"], body["as_of"], body["gate"]["passed"]) == ("orders", "2026-10-05", False)
    assert [n["trigger"] for n in body["notices"]] == ["gate_failed"]
    checks = {c["check_id"]: c for c in body["checks"]}
    assert checks["orders.columns.email.regex"]["samples"] == ["***"]
    assert checks["orders.columns.amount.min"]["samples"] == ["-7.5"]
    assert SECRET_EMAIL.encode() not in request.body and b"evil" not in request.body
    assert body["stewardship"]["owner"] == "owner@example.com"
    (note,) = run.notifications
    assert (note.channel, note.status, note.triggers, note.attempts, note.error) == (
        "ops",
        "sent",
        ("gate_failed",),
        1,
        None,
    )
    assert run.exit_code == 1


def test_a_week_sends_on_change_only(nightly: Any, http_sink: Any) -> None:
    """good, bad x4, good, bad: failed (with the new checks), then silence, recovery, failed again."""
    channel = {"kind": "webhook", "url": http_sink.url}
    pattern = [True, False, False, False, False, True, False]
    statuses = []
    for i, good in enumerate(pattern):
        run = nightly(DAY1 + timedelta(days=i), good=good, channels=[channel])
        statuses.append([(n.status, n.triggers, n.suppressed) for n in run.notifications])
    sent = [(r.json["as_of"], [n["trigger"] for n in r.json["notices"]]) for r in http_sink.requests]
    assert sent == [
        ("2026-10-06", ["gate_failed", "check_failed", "check_failed"]),
        ("2026-10-10", ["recovered"]),
        ("2026-10-11", ["gate_failed"]),
    ]
    assert statuses[2] == [("suppressed", (), ("gate_failed",))]
    assert statuses[6] == [("sent", ("gate_failed",), ("check_failed", "check_failed"))]


def test_a_long_outage_is_reminded_after_the_suppression_interval(nightly: Any, http_sink: Any) -> None:
    channel = {"kind": "webhook", "url": http_sink.url}
    for i in range(5):
        nightly(DAY1 + timedelta(days=i), good=False, channels=[channel], suppress_days=3)
    assert [r.json["as_of"] for r in http_sink.requests] == ["2026-10-05", "2026-10-08"]


def test_retries_after_server_errors_then_delivers(nightly: Any, http_sink: Any) -> None:
    http_sink.answers[:] = [500, 503]
    run = nightly(DAY1, good=False, channels=[{"kind": "webhook", "url": http_sink.url}], retries=2)
    assert len(http_sink.requests) == 3
    assert [(n.status, n.attempts) for n in run.notifications] == [("sent", 3)]


def test_a_client_error_is_not_retried(nightly: Any, http_sink: Any) -> None:
    http_sink.answers[:] = [404]
    run = nightly(DAY1, good=False, channels=[{"kind": "webhook", "url": http_sink.url}], retries=3)
    (note,) = run.notifications
    assert len(http_sink.requests) == 1
    assert (note.status, note.attempts) == ("failed", 1)
    assert note.error == f"{http_sink.url.split('/hook')[0]} answered HTTP 404 Not Found"


def test_a_slow_webhook_times_out_and_the_run_is_kept(nightly: Any, http_sink: Any, tmp_path: Path) -> None:
    http_sink.delay = 1.0
    run = nightly(
        DAY1, good=False, channels=[{"kind": "webhook", "url": http_sink.url}], timeout_seconds=0.2, retries=1
    )
    (note,) = run.notifications
    assert (note.status, note.attempts) == ("failed", 2)
    assert note.error is not None and note.error.endswith("timed out")
    assert run.exit_code == 1 and not run.datasets[0].gate.passed
    with open_store(None, default_path=tmp_path / "history.db") as store:
        assert [r.run_id for r in store.runs("orders")] == [run.run_id]
        (entry,) = store.audit_entries(kind="notification")
    assert (entry.payload["status"], entry.payload["attempts"]) == ("failed", 2)


def test_an_unreachable_webhook_is_a_failed_notification_that_hides_the_url_path(
    nightly: Any, closed_port: int
) -> None:
    url = f"http://127.0.0.1:{closed_port}/services/T000/B000/XXXXSECRET"
    run = nightly(
        DAY1, good=False, channels=[{"kind": "slack", "url_env": "SLACK_URL"}], environ={"SLACK_URL": url}, retries=1
    )
    (note,) = run.notifications
    assert (note.channel, note.status, note.attempts) == ("slack#1", "failed", 2)
    assert note.error is not None and note.error.startswith(f"cannot reach http://127.0.0.1:{closed_port}: ")
    assert "XXXXSECRET" not in note.error and "XXXXSECRET" not in repr(run)


def test_a_failed_delivery_is_tried_again_the_next_night(nightly: Any, http_sink: Any) -> None:
    http_sink.answers[:] = [500]
    channel = {"kind": "webhook", "url": http_sink.url}
    first = nightly(DAY1, good=False, channels=[channel], retries=0)
    second = nightly(DAY1 + timedelta(days=1), good=False, channels=[channel], retries=0)
    assert [n.status for n in (*first.notifications, *second.notifications)] == ["failed", "sent"]


def test_slack_and_teams_payloads(nightly: Any, http_sink: Any) -> None:
    channels = [{"kind": "slack", "url": http_sink.url}, {"kind": "teams", "url": http_sink.url}]
    nightly(DAY1, good=False, channels=channels)
    slack, teams = (r.json for r in http_sink.requests)
    assert slack["text"] == "orders 2026-10-05: gate FAILED"
    assert slack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "orders 2026-10-05: gate FAILED"},
    }
    assert "FAILED orders.columns.email.regex" in slack["blocks"][1]["text"]["text"]
    assert "samples: ***" in slack["blocks"][1]["text"]["text"]
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == "orders 2026-10-05: gate FAILED"
    assert {"title": "owner", "value": "owner@example.com"} in card["content"]["body"][-1]["facts"]


def test_mail_goes_to_the_owner_the_steward_and_a_list(nightly: Any, smtp_sink: Any) -> None:
    channel = {"kind": "email", "host": "127.0.0.1", "port": smtp_sink.port, "sender": "gate@example.com",
               "to": ["owner", "steward", "oncall@example.com"]}  # fmt: skip
    run = nightly(DAY1, good=False, channels=[channel])
    (mail,) = smtp_sink.mails
    assert mail.recipients == ["owner@example.com", "steward@example.com", "oncall@example.com"]
    assert mail.message["Subject"] == "[stewardgate] orders 2026-10-05: gate FAILED"
    text = mail.message.get_payload(decode=True).decode()
    assert "- FAILED orders.columns.email.regex:" in text and "(samples: ***)" in text
    assert SECRET_EMAIL not in mail.data.decode()
    assert run.notifications[0].recipients == ("owner@example.com", "steward@example.com", "oncall@example.com")


def test_a_mail_server_that_defers_is_retried_then_reported(nightly: Any, smtp_sink: Any) -> None:
    smtp_sink.refuse_data_with = 451
    channel = {
        "kind": "email",
        "host": "127.0.0.1",
        "port": smtp_sink.port,
        "sender": "gate@example.com",
        "to": ["owner"],
    }
    run = nightly(DAY1, good=False, channels=[channel], retries=1)
    (note,) = run.notifications
    assert (note.status, note.attempts) == ("failed", 2)
    assert note.error == f"mail server 127.0.0.1:{smtp_sink.port} answered 451 try later"


def test_an_unreachable_mail_server(nightly: Any, closed_port: int) -> None:
    channel = {"kind": "email", "host": "127.0.0.1", "port": closed_port, "sender": "gate@example.com", "to": ["owner"]}
    run = nightly(DAY1, good=False, channels=[channel], retries=0)
    (note,) = run.notifications
    assert note.status == "failed"
    assert note.error is not None and note.error.startswith(f"cannot reach mail server 127.0.0.1:{closed_port}: ")


def test_channels_filter_by_trigger_and_dataset(nightly: Any, http_sink: Any) -> None:
    channels = [{"kind": "webhook", "url": http_sink.url, "on": ["recovered"]},
                {"kind": "webhook", "url": http_sink.url, "datasets": ["customers*"]}]  # fmt: skip
    run = nightly(DAY1, good=False, channels=channels)
    assert run.notifications == () and http_sink.requests == []


def test_a_missing_secret_variable_is_a_settings_error() -> None:
    from stewardgate.errors import SettingsError

    settings = NotifySettings.model_validate({"channels": [{"kind": "slack", "url_env": "SLACK_WEBHOOK_URL"}]})
    with pytest.raises(SettingsError) as info:
        resolve_channels(settings, {})
    assert str(info.value) == (
        "tool.stewardgate.notify.channels.0.url_env: the environment variable SLACK_WEBHOOK_URL is not set "
        "(it holds the webhook URL of channel slack#1); set it, or remove the channel"
    )
    assert info.value.exit_code == 2


def test_audit_entries_record_the_actor(nightly: Any, http_sink: Any, tmp_path: Path) -> None:
    nightly(DAY1, good=False, channels=[{"kind": "webhook", "url": http_sink.url}])
    with open_store(None, default_path=tmp_path / "history.db") as store:
        entries = store.audit_entries()
    assert {e.kind for e in entries} == {"run", "notification"}
    assert all(e.payload["actor"] == ACTOR for e in entries)


def test_waiver_expiring_and_recertification_due_are_sent_once_a_week(tmp_path: Path, suite_writer: Callable[..., Path],
                                                                       http_sink: Any) -> None:  # fmt: skip
    expires = DAY1 + timedelta(days=5)
    suite = suite_writer(
        tmp_path, name="orders", path="orders_{as_of}.parquet", columns={"amount": {"type": "float64", "min": 0}},
        stewardship_extra={"recertify_by": DAY1 + timedelta(days=10), "risk_tier": "low"},
        top={"governance": {"personal_data": False, "retention": False, "completeness": False, "stamp_match": False},
             "waivers": [{"check": "columns.amount.min", "reason": "legacy", "approved_by": "jane@example.com",
                          "expires": expires}]},
    )  # fmt: skip
    plan = resolve_channels(NotifySettings.model_validate({"channels": [{"kind": "webhook", "url": http_sink.url}],
                                                           "suppress_days": 3}), {})  # fmt: skip
    for i in range(4):
        day = DAY1 + timedelta(days=i)
        _night(tmp_path, day, good=False)
        run = run_paths(
            [suite], RunOptions(as_of=day, use_store=True, store_path=tmp_path / "h.db", notify=plan, actor=ACTOR)
        )
        assert run.datasets[0].gate.passed  # a waived failure and a recertification warning do not block
    sent = [(r.json["as_of"], [n["trigger"] for n in r.json["notices"]]) for r in http_sink.requests]
    assert sent == [("2026-10-05", ["waiver_expiring", "recertification_due"]),
                    ("2026-10-08", ["waiver_expiring", "recertification_due"])]  # fmt: skip
    first = http_sink.requests[0].json["notices"]
    assert first[0]["text"] == ("the waiver of 'columns.amount.min' expires on 2026-10-10 (5 days left; approved by "
                                "jane@example.com): renew it or fix the failure")  # fmt: skip
    assert first[1]["text"] == "orders: recertification is due on 2026-10-15, in 10 days (warns within 30)"


def test_an_owner_given_as_a_handle_is_not_mailed_and_said_so(tmp_path: Path, suite_writer: Callable[..., Path],
                                                              smtp_sink: Any) -> None:  # fmt: skip
    suite = suite_writer(tmp_path, name="orders", path="orders_{as_of}.parquet", columns={"amount": {"min": 0}},
                         stewardship_extra={"owner": "@sales-team"})  # fmt: skip
    _night(tmp_path, DAY1, good=False)
    channel = {
        "kind": "email",
        "host": "127.0.0.1",
        "port": smtp_sink.port,
        "sender": "gate@example.com",
        "to": ["owner", "steward"],
    }
    plan = resolve_channels(NotifySettings.model_validate({"channels": [channel]}), {})
    run = run_paths(
        [suite], RunOptions(as_of=DAY1, use_store=True, store_path=tmp_path / "h.db", notify=plan, actor=ACTOR)
    )
    (note,) = run.notifications
    assert (note.status, note.recipients) == ("sent", ("steward@example.com",))
    assert note.error == "the owner '@sales-team' is not an e-mail address (not mailed)"
    assert [m.recipients for m in smtp_sink.mails] == [["steward@example.com"]]


def test_an_unreadable_history_sends_nothing_and_says_why(
    nightly: Any, http_sink: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stewardgate.errors import StoreError
    from stewardgate.store.api import Store

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("cannot read from the history store at test.db: disk I/O error")

    monkeypatch.setattr(Store, "audit_entries", broken)
    run = nightly(DAY1, good=False, channels=[{"kind": "webhook", "name": "ops", "url": http_sink.url}])
    assert http_sink.requests == [] and run.exit_code == 1
    (note,) = run.notifications
    assert (note.channel, note.status) == ("ops", "failed")
    assert note.error == ("the history store could not be read to decide what changed: "
                          "cannot read from the history store at test.db: disk I/O error")  # fmt: skip


def test_waits_between_attempts_double_and_are_capped(closed_port: int) -> None:
    from stewardgate.notify.transport import Policy, post_json

    waits: list[float] = []
    policy = Policy(timeout=0.5, retries=5, delay=20, sleep=waits.append)
    done = post_json(f"http://127.0.0.1:{closed_port}/never", b"{}", {}, policy)
    assert done.attempts == 6 and done.error is not None
    assert waits == [20, 40, 60, 60, 60]
