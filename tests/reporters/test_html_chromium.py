"""The HTML page in a real browser: headless Chromium renders it, runs its script, logs nothing.

Screenshots at a desktop (1280 px) and a phone (390 px) width are written to
``tests/reporters/artifacts/`` (ignored by git) for a human to look at, with the page itself.
Chromium is required: CI installs Debian's ``chromium``; a missing browser fails the test.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from stewardgate.reporters import html
from stewardgate.results import RunResult

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]

ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = (
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


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("/usr/bin/chromium")
    if found is None:
        pytest.fail(
            "headless Chromium is needed to test the HTML report: install Debian's `chromium` "
            "package (apt-get install -y chromium); CI installs it",
            pytrace=False,
        )
    return found


def _run(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [_chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"chromium exited {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def console_problems(stderr: str, page: Path) -> list[str]:
    """Lines of Chromium's log with console output of ``page`` (it logs nothing) or errors."""
    return [line for line in stderr.splitlines() if ("CONSOLE" in line and page.as_uri() in line) or "Uncaught" in line]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


@pytest.fixture
def page(run: RunResult) -> Path:
    """The full run's report, written where a human can open it after the tests."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report.html"
    path.write_text(html.render(run), encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot(page: Path, tmp_path: Path, width: int) -> None:
    shot = ARTIFACTS / f"report-{width}.png"
    shot.unlink(missing_ok=True)
    done = _run(page, tmp_path / "profile", f"--screenshot={shot}", f"--window-size={width},2000")
    assert _png_size(shot) == (width, 2000)
    assert console_problems(done.stderr, page) == []


def test_script_runs_and_the_verdict_is_in_the_page(page: Path, tmp_path: Path) -> None:
    done = _run(page, tmp_path / "profile", "--dump-dom")
    dom = done.stdout
    assert 'data-js="ready"' in dom, "the report's script did not run to its end"
    assert '<h1 id="verdict-title">Gate failed</h1>' in dom
    assert dom.count('<button type="button" class="sort"') == 7 * 3, "sort buttons on 3 tables"
    assert console_problems(done.stderr, page) == []


PROBE = """<script>
(function () {
  var table = document.querySelector("#ds-1 table.checks");
  function order() {
    return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
      return row.cells[1].querySelector("code").textContent;
    }).join(" ");
  }
  var byCheck = table.tHead.rows[0].cells[1].querySelector("button");
  byCheck.click();
  document.body.setAttribute("data-ascending", order());
  byCheck.click();
  document.body.setAttribute("data-descending", order());
  function hidden() {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return getComputedStyle(row).display === "none";
    }).map(function (r) { return r.id; }).join(" ");
  }
  document.body.setAttribute("data-hidden", hidden());
  document.querySelector('#ds-1 .filters input[value="passed"]').click();
  document.body.setAttribute("data-shown", hidden());
})();
</script>"""


def test_sorting_and_status_filter_work(run: RunResult, tmp_path: Path) -> None:
    """Click the Check header twice and tick "passed" (hidden at first) (CSP lifted for the probe script)."""
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html.render(run))
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _run(probe, tmp_path / "profile", "--dump-dom")
    body = dict(re.findall(r'data-(ascending|descending|hidden|shown)="([^"]*)"', done.stdout))
    checks = sorted(r.check_id for r in run.datasets[1].results)
    assert body["ascending"].split() == checks
    assert body["descending"].split() == checks[::-1]
    assert body["hidden"] == "ds-1-c8", "the page opens on what failed: only the passed row of orders is hidden"
    assert body["shown"] == "", "ticking passed shows it"
    assert console_problems(done.stderr, probe) == []


def test_console_problems_are_caught(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><p>x</p><script>console.error('e'); nope();</script>")
    done = _run(broken, tmp_path / "profile", "--dump-dom")
    problems = console_problems(done.stderr, broken)
    assert len(problems) == 2 and "Uncaught ReferenceError" in problems[1]
