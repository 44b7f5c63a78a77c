"""``stewardgate report --dataset/--run-id``: reports rendered from the history store.

One module-wide history: the nightly example backfilled from 2026-09-01 to 2026-10-21, then
the run of 2026-10-22 (the planted email null spike) with ``--json`` and ``--html``. The
report rendered later from the store must be the same records, and its HTML must show the
trend charts with the band and the flagged point; it is screenshot in headless Chromium
(``tests/reporters/artifacts/history-*.png``, for a human to look at).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parent.parent.parent
NIGHTLY = REPO / "examples" / "nightly"
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)


@pytest.fixture(scope="module")
def history(cli: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The store URL, the folder, and what the 2026-10-22 run wrote."""
    folder = tmp_path_factory.mktemp("history")
    url = f"sqlite:///{folder / 'h.db'}"
    code, _, stderr = cli("backfill", NIGHTLY, "--from", "2026-09-01", "--to", "2026-10-21", "--store", url, cwd=folder)
    assert code == 1, stderr  # the planted outage of 2026-10-14 fails that day's gate
    code, stdout, stderr = cli(
        "run", NIGHTLY, "--as-of", "2026-10-22", "--store", url,
        "--json", folder / "run.json", "--junit", folder / "run.xml", "--html", folder / "run.html", cwd=folder,
    )  # fmt: skip
    assert code == 1, stdout + stderr
    return {"url": url, "folder": folder, "record": json.loads((folder / "run.json").read_text(encoding="utf-8"))}


def _report(cli: Callable[..., Any], history: dict[str, Any], *args: Any) -> tuple[int, str, str]:
    code, stdout, stderr = cli("report", *args, cwd=history["folder"])
    return code, stdout, stderr


def test_the_latest_stored_run_gives_the_same_reports(cli: Callable[..., Any], history: dict[str, Any]) -> None:
    folder = history["folder"]
    code, stdout, stderr = _report(
        cli, history, "--dataset", "orders_daily", "--store", history["url"],
        "--json", folder / "again.json", "--junit", folder / "again.xml", "--html", folder / "again.html",
    )  # fmt: skip
    assert (code, stderr) == (0, "")
    assert stdout.splitlines() == [f"report: {folder / name}" for name in ("again.json", "again.xml", "again.html")]
    again = json.loads((folder / "again.json").read_text(encoding="utf-8"))
    assert again["datasets"] == history["record"]["datasets"]
    assert (again["run_id"], again["as_of"]) == (history["record"]["run_id"], "2026-10-22")
    # the same testsuites; only the root's time differs (the store keeps each dataset's times,
    # not the whole run's, so a stored run spans from its first dataset's start to its last's end)
    suites = [
        (folder / name).read_text(encoding="utf-8").split("<testsuite ", 1)[1] for name in ("again.xml", "run.xml")
    ]
    assert suites[0] == suites[1]


def test_the_html_shows_the_trend_band_and_flagged_point(history: dict[str, Any]) -> None:
    page = (history["folder"] / "run.html").read_text(encoding="utf-8")
    charts = dict(
        re.findall(r'<svg class="chart trend[^"]*"[^>]*aria-label="([^:"]+):.*?>(.*?)</svg>', page, re.DOTALL)
    )
    spike = charts["orders_daily.anomalies.email.null_fraction"]
    # the rule looks back over 13 weeks for a weekly rhythm (seasonality: auto): the chart draws
    # all 51 stored runs and this one, with the runs outside the 28-run baseline faded
    assert spike.count("<circle") == 52
    assert spike.count("<circle") - spike.count(' other"') == 29  # 28 baseline runs and this run
    assert spike.count('class="pt flagged last"') == 1 and spike.count('class="pt flagged') == 1
    assert '<rect class="band"' in spike and '<line class="median"' in spike
    assert '<text class="current flagged"' in spike and ">15.0%<" in spike  # a fraction reads as percent
    assert ">10%</text>" in spike  # the y axis has a scale
    volume = charts["orders_daily.anomalies.row_count"]
    assert volume.count('class="pt other"') > 0, "other weekdays are not in a day_of_week baseline"
    assert volume.count('<rect class="band"') > 1, "a weekday's band is drawn on that weekday's days only"
    assert "not in this baseline</span>" in page


def test_a_run_id_picks_an_older_run(cli: Callable[..., Any], history: dict[str, Any]) -> None:
    from stewardgate.store import open_store

    with open_store(history["url"], default_path=Path("unused.db")) as store:
        (outage,) = [s for s in store.runs("orders_daily", limit=None) if s.as_of.isoformat() == "2026-10-14"]
    out = history["folder"] / "outage.json"
    for args in (["--run-id", outage.run_id], ["--run-id", outage.run_id, "--dataset", "orders_daily"]):
        code, _, stderr = _report(cli, history, *args, "--store", history["url"], "--json", out)
        assert (code, stderr) == (0, "")
        record = json.loads(out.read_text(encoding="utf-8"))
        assert (record["run_id"], record["as_of"]) == (outage.run_id, "2026-10-14")
        assert [(d["dataset"], d["row_count"]) for d in record["datasets"]] == [("orders_daily", 583)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--dataset", "nope"],
            "error: no stored run of dataset 'nope' in the history store at {url} (stored datasets: orders_daily)\n",
        ),
        (["--run-id", "feed"], "error: no run 'feed' in the history store at {url}\n"),
        (["--dataset"], None),
    ],
    ids=["unknown-dataset", "unknown-run", "usage"],
)
def test_nothing_stored_is_exit_2(
    cli: Callable[..., Any], history: dict[str, Any], args: list[str], message: str | None
) -> None:
    code, stdout, stderr = _report(
        cli, history, *args, "--store", history["url"], "--html", history["folder"] / "x.html"
    )
    assert (code, stdout) == (2, "")
    if message is not None:
        assert stderr == message.format(url=history["url"])
    assert not (history["folder"] / "x.html").exists()


def test_a_missing_store_file_is_not_created(cli: Callable[..., Any], tmp_path: Path) -> None:
    code, stdout, stderr = cli("report", "--dataset", "orders", "--html", "r.html", cwd=tmp_path)
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: no history store at .stewardgate/history.db "
        "(the default; name the store with --store URL or STEWARDGATE_STORE)\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "error: name the run to report: --from-json RUN.json, --dataset NAME or --run-id ID\n"),
        (
            ["--from-json", "run.json", "--dataset", "orders_daily"],
            "error: --from-json reads a run record; it does not go with --dataset, --run-id or --store\n",
        ),
    ],
    ids=["no-source", "two-sources"],
)
def test_exactly_one_source(cli: Callable[..., Any], history: dict[str, Any], args: list[str], message: str) -> None:
    code, _, stderr = _report(cli, history, *args, "--html", "x.html")
    assert (code, stderr) == (2, message)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
    if found is None:
        pytest.fail("headless Chromium is needed: install Debian's `chromium`", pytrace=False)
    return found


@pytest.mark.browser
@pytest.mark.subprocess
@pytest.mark.parametrize(("width", "height"), [(1280, 3300), (390, 7600)])
def test_screenshot_of_a_report_with_history(history: dict[str, Any], tmp_path: Path, width: int, height: int) -> None:
    """The whole page, charts included (the checks table comes first, hence the heights)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "history.html"
    shutil.copyfile(history["folder"] / "run.html", page)
    shot = ARTIFACTS / f"history-{width}.png"
    shot.unlink(missing_ok=True)
    cmd = [
        _chromium(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        f"--window-size={width},{height}",
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    problems = [
        line for line in done.stderr.splitlines() if ("CONSOLE" in line and page.as_uri() in line) or "Uncaught" in line
    ]
    assert problems == []
