"""The nightly commands through the real CLI: notifier settings, selection, backfill, runs.

Bad input exits 2 with one clear line and runs nothing; a notifier that cannot deliver is a
warning on stderr and an entry of the run record, never a different exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

GOOD = pl.DataFrame({"order_id": [1, 2, 3], "amount": [1.0, 2.0, 3.0]})
BAD = pl.DataFrame({"order_id": [1, 2, 3], "amount": [1.0, -2.0, 3.0]})


@pytest.fixture
def project(tmp_path: Path, suite_writer: Callable[..., Path]) -> Callable[..., Path]:
    """``project(pyproject_text)``: a folder with that pyproject.toml and two suites (a, b)."""

    def make(pyproject: str = "") -> Path:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        for name, frame, tags in (("a", BAD, ["nightly", "finance"]), ("b", GOOD, ["nightly"])):
            suite_writer(tmp_path / "suites", data=frame, data_name=f"{name}.parquet", suite_name=f"{name}.yml",
                         name=name, columns={"amount": {"min": 0}}, top={"tags": tags})  # fmt: skip
        return tmp_path

    return make


def test_an_unknown_notifier_kind_names_file_line_and_key(project: Any, cli: Any) -> None:
    root = project(
        '[tool.stewardgate]\nsamples = 3\n\n[[tool.stewardgate.notify.channels]]\nkind = "pagerduty"\nurl = "http://127.0.0.1:9/x"\n'
    )
    code, out, err = cli("run", "suites", "--as-of", "2026-10-05", cwd=root)
    assert code == 2 and out == ""
    assert err == (
        f"error: {root / 'pyproject.toml'}:5: tool.stewardgate.notify.channels.0.kind: unknown notifier kind "
        "'pagerduty' (allowed: webhook, slack, teams, email)\n"
    )
    assert not (root / ".stewardgate").exists()


def test_a_missing_secret_stops_before_anything_runs(project: Any, cli: Any) -> None:
    root = project('[[tool.stewardgate.notify.channels]]\nkind = "slack"\nurl_env = "SLACK_WEBHOOK_URL"\n')
    code, out, err = cli("run", "suites", "--as-of", "2026-10-05", cwd=root)
    assert code == 2 and out == ""
    assert err == (
        "error: tool.stewardgate.notify.channels.0.url_env: the environment variable SLACK_WEBHOOK_URL is not set "
        "(it holds the webhook URL of channel slack#1); set it, or remove the channel\n"
    )
    assert not (root / ".stewardgate").exists()


def test_an_unreachable_webhook_warns_and_keeps_the_exit_code(project: Any, cli: Any, closed_port: int) -> None:
    root = project(
        "[tool.stewardgate.notify]\nretries = 0\ntimeout_seconds = 2\n\n"
        '[[tool.stewardgate.notify.channels]]\nkind = "webhook"\nname = "ops"\nurl_env = "HOOK"\n'
    )
    env = {"HOOK": f"http://127.0.0.1:{closed_port}/hook/TOPSECRET"}
    code, out, err = cli("run", "suites", "--as-of", "2026-10-05", "--json", "run.json", cwd=root, env=env)
    assert code == 1
    (warning,) = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warning.startswith(
        f"warning: notification to ops about a (gate_failed) failed after 1 attempt: cannot reach http://127.0.0.1:{closed_port}: "
    )
    assert warning.endswith("; the gate is not changed by it")
    assert "TOPSECRET" not in err + out
    record = json.loads((root / "run.json").read_text())
    assert [(n["channel"], n["dataset"], n["status"]) for n in record["notifications"]] == [("ops", "a", "failed")]
    assert "notify: ops failed: a: gate_failed" in out


@pytest.mark.parametrize(("flags", "message"), [
    (["--select", "c*"], "--select 'c*' matches no suite (datasets: a, b; tags: finance, nightly)"),
    (["--select", "tag:weekly"], "--select 'tag:weekly' matches no suite (datasets: a, b; tags: finance, nightly)"),
    (["--select", "tag:nightly", "--exclude", "a", "--exclude", "b"],
     "--select 'tag:nightly' --exclude 'a' --exclude 'b' leaves no suite to run (datasets: a, b; tags: finance, nightly)"),
])  # fmt: skip
def test_a_selection_that_matches_nothing_is_an_error(project: Any, cli: Any, flags: list[str], message: str) -> None:
    root = project()
    code, out, err = cli("run", "suites", "--no-history", *flags, cwd=root)
    assert (code, out, err) == (2, "", f"error: {message}\n")


def test_select_by_tag_and_exclude_by_name(project: Any, cli: Any) -> None:
    root = project()
    code, out, _ = cli("run", "suites", "--no-history", "--select", "tag:nightly", "--exclude", "a", "-q", cwd=root)
    assert code == 0 and "gate: PASSED (1 of 1 datasets passed, exit 0)" in out
    code, out, _ = cli("run", "suites", "--no-history", "--select", "tag:fin*", "-q", cwd=root)
    assert code == 1 and "1 of 1 datasets blocked: a" in out


@pytest.mark.slow
@pytest.mark.subprocess
@pytest.mark.usefixtures("workers_at_once")
def test_backfill_summary_json_parallel_and_runs(project: Any, cli: Any) -> None:
    root = project()
    code, out, _ = cli("backfill", "suites", "--from", "2026-10-01", "--to", "2026-10-03", "--parallel", "2", cwd=root)
    assert code == 1
    assert out.splitlines()[-1] == "3 nights x 2 datasets, 3 failed (2026-10-01 a, 2026-10-02 a, 2026-10-03 a)"
    code, out, _ = cli(
        "backfill",
        "suites",
        "--from",
        "2026-10-04",
        "--to",
        "2026-10-05",
        "--select",
        "b",
        "--format",
        "json",
        cwd=root,
    )
    data = json.loads(out)
    assert (code, data["days"], data["failed"], data["summary"]) == (0, 2, 0, "2 nights, all passed")
    assert [(n["as_of"], n["dataset"], n["passed"]) for n in data["nights"]] == [
        ("2026-10-04", "b", True),
        ("2026-10-05", "b", True),
    ]
    code, out, _ = cli(
        "runs", "a", "--limit", "2", "--store", f"sqlite:///{root / '.stewardgate' / 'history.db'}", cwd=root
    )
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["as", "of", "dataset", "gate", "worst", "took", "failed"]
    assert [ln.split()[:4] for ln in lines[1:]] == [
        ["2026-10-03", "a", "FAILED", "failed"],
        ["2026-10-02", "a", "FAILED", "failed"],
    ]
    assert all(ln.endswith("a.columns.amount.min") for ln in lines[1:])


def test_the_html_report_draws_each_checks_last_runs_up_to_its_day(project: Any, cli: Any) -> None:
    root = project()
    cli("backfill", "suites", "--from", "2026-10-01", "--to", "2026-10-04", cwd=root)
    code, _, _ = cli("run", "suites", "--as-of", "2026-10-03", "--select", "a", "--html", "r.html", cwd=root)
    page = (root / "r.html").read_text()
    assert code == 1
    assert page.count('title="2026-10-0') >= 3 and 'title="2026-10-04' not in page
    assert '<i class="sq s-failed" title="2026-10-03: failed">' in page
    assert "2026-10-01 → 2026-10-03" in page
    assert 'value="passed">' in page  # passed checks start hidden, one click away


def test_notify_test_reaches_each_channel_and_exits_2_when_one_cannot_be_reached(
    project: Any, cli: Any, http_sink: Any, smtp_sink: Any, closed_port: int,
) -> None:  # fmt: skip
    root = project(
        "[tool.stewardgate.notify]\nretries = 0\n\n"
        f'[[tool.stewardgate.notify.channels]]\nkind = "webhook"\nname = "ops"\nurl = "{http_sink.url}"\nsecret_env = "K"\n\n'
        f'[[tool.stewardgate.notify.channels]]\nkind = "email"\nhost = "127.0.0.1"\nport = {smtp_sink.port}\n'
        'sender = "gate@example.com"\nto = ["owner"]\n'
    )
    code, out, err = cli("notify", "test", cwd=root, env={"K": "key"})
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "ok    ops (webhook): reached in 1 attempt",
        "ok    email#2 (email): reached in 1 attempt",
    ]
    (request,) = http_sink.requests
    assert request.json["notices"][0]["trigger"] == "test" and request.headers["x-stewardgate-signature"].startswith(
        "sha256="
    )
    assert smtp_sink.mails == []  # a login, no mail
    (root / "pyproject.toml").write_text(
        f'[[tool.stewardgate.notify.channels]]\nkind = "teams"\nurl = "http://127.0.0.1:{closed_port}/x"\n',
        encoding="utf-8",
    )
    code, out, err = cli("notify", "test", cwd=root)
    assert code == 2 and out.startswith(f"FAIL  teams#1 (teams): cannot reach http://127.0.0.1:{closed_port}: ")
    assert err == "error: 1 of 1 channels could not be reached: teams#1\n"
