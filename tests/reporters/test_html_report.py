"""The HTML page: self-contained, escaped, and showing every kind of evidence."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from html.parser import HTMLParser
from importlib import resources

from stewardgate.reporters import html
from stewardgate.results import RunResult

RESOURCE_ATTRS = {
    "src",
    "href",
    "srcset",
    "poster",
    "data",
    "action",
    "formaction",
    "background",
    "manifest",
    "xlink:href",
    "cite",
    "longdesc",
    "ping",
    "codebase",
    "icon",
}
FORBIDDEN_TAGS = {
    "link",
    "img",
    "iframe",
    "object",
    "embed",
    "base",
    "frame",
    "audio",
    "video",
    "source",
    "track",
    "image",
    "use",
    "feimage",
}
EXTERNAL = re.compile(r"(?:https?:|ftp:|file:)?//|https?:", re.IGNORECASE)


class _Page(HTMLParser):
    """Collects tags, attributes, style and script text, and plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.code: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        (self.code if self._in else self.text).append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def external_references(text: str) -> list[str]:
    """Everything in a page that could make a browser fetch something: must be empty."""
    page = _parse(text)
    found = [f"<{tag}>" for tag in FORBIDDEN_TAGS & set(page.tags)]
    for tag, name, value in page.attrs:
        local = value.startswith("#") or value.startswith("data:")
        if (name in RESOURCE_ATTRS and not local) or EXTERNAL.match(value.strip()):
            found.append(f"<{tag} {name}={value!r}>")
        if name == "style" and ("url(" in value or "@import" in value):
            found.append(f"<{tag} style={value!r}>")
    code = "".join(page.code)
    needles = ("url(", "@import", "import(", "fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket")
    found += [f"style or script: {n}" for n in needles if n in code]
    found += [f"style or script: {m.group()}" for m in EXTERNAL.finditer(code)]
    return found


def test_no_external_references(run: RunResult) -> None:
    text = html.render(run)
    assert external_references(text) == []
    # a URL in a steward's text is shown as text, never turned into a link
    assert "https://wiki.example.com/orders" in "".join(_parse(text).text)


def test_the_reference_check_finds_references() -> None:
    bad = [
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">',
        '<a href="//example.com/">x</a>',
        '<div style="background: url(x.png)"></div>',
        "<style>@import 'x.css';</style>",
        "<script>fetch('/api')</script>",
        '<svg><use href="sprite.svg#a"/></svg>',
    ]
    for snippet in bad:
        assert external_references(snippet), snippet
    assert external_references('<a href="#top">top</a><p>see https://example.com</p>') == []


def test_content_security_policy_allows_only_our_script(run: RunResult) -> None:
    text = html.render(run)
    (script,) = re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    (policy,) = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert "default-src 'none'" in policy
    assert f"script-src 'sha256-{digest}'" in policy


def test_data_is_escaped(run: RunResult) -> None:
    text = html.render(run)
    assert "<code>&lt;b&gt;on hold&lt;/b&gt;</code>" in text
    assert "<b>on hold" not in text


def test_verdicts_and_reasons(run: RunResult) -> None:
    text = html.render(run)
    assert '<h1 id="verdict-title">Gate failed</h1>' in text
    assert "3 of 4 datasets blocked the release; 1 could not be read." in text
    assert "4 checks failed at severity error" in text
    assert "data/shipments/*.parquet: no files match the glob" in text
    # blocking check ids link to their rows
    for target in re.findall(r'class="check-link" href="#([^"]+)"', text):
        assert f'<tr id="{target}"' in text


def test_checks_are_listed_worst_first_with_samples(run: RunResult) -> None:
    text = html.render(run)
    orders = text.split('id="ds-1"', 1)[1].split('id="ds-2"', 1)[0]
    statuses = re.findall(r'<tr id="ds-1-c\d+" data-status="(\w+)"', orders)
    assert statuses == ["failed"] * 4 + ["warned"] * 2 + ["waived", "info", "passed"]
    assert "3 failing samples (masked)" in orders and "<code>-12.5</code>" in orders


def test_evidence_charts(run: RunResult) -> None:
    text = html.render(run)
    (trend,) = re.findall(r'<svg class="chart trend".*?</svg>', text, re.DOTALL)
    assert trend.count("<circle") == 29 and trend.count('class="pt flagged') == 2
    assert trend.count('class="band"') == 1 and 'class="median"' in trend
    drifts = re.findall(r'<svg class="chart drift".*?</svg>', text, re.DOTALL)
    assert [d.count('class="bar base"') for d in drifts] == [5, 3]
    assert "10% → 25%" in drifts[0]
    assert text.count('class="diff-line diff-') == 3
    assert "<del>Datetime(us)</del>" in text and "<ins>String</ins>" in text


def test_stewardship_and_waivers(run: RunResult) -> None:
    text = html.render(run)
    assert "sales-analytics@example.com" in text and "jane.doe@example.com" in text
    assert '<span class="badge cls-confidential">confidential</span>' in text
    assert '<span class="badge tier-high">high</span>' in text
    assert '400d <span class="muted">on</span> <code>order_ts</code>' in text
    assert "CRM migration backfills emails in Q4" in text and "DATA-12" in text


def test_index_only_for_several_datasets(run: RunResult, passing_run: RunResult) -> None:
    assert 'id="index-title"' in html.render(run)
    single = html.render(passing_run)
    assert 'id="index-title"' not in single and "Gate passed" in single


def test_chart_geometry_is_pure() -> None:
    chart = html.trend_chart(
        {"series": [{"as_of": "d1", "value": 1}, {"as_of": "d2", "value": 3}], "band": {"low": 1, "high": 3}}
    )
    assert chart is not None
    assert [(p.x, p.y) for p in chart.points] == [(2.0, chart.band_bottom), (98.0, chart.band_top)]
    assert html.trend_chart({"series": []}) is None
    bins = html.drift_bins({"bins": [{"label": "a", "baseline_share": 0.5, "current_share": 0.25}]})
    assert (bins[0].baseline_width, bins[0].current_width) == (100.0, 50.0)


def test_render_is_deterministic(run: RunResult) -> None:
    assert html.render(run) == html.render(run)


def test_templates_ship_inside_the_package() -> None:
    folder = resources.files("stewardgate.reporters") / "templates"
    names = {p.name for p in folder.iterdir()}
    assert {"report.html.j2", "dataset.html.j2", "macros.html.j2", "charts.html.j2", "report.css", "report.js"} <= names


def test_sparse_records_render(run: RunResult) -> None:
    """Missing stewardship, data, band, window or waiver fields never break the page."""
    base = run.datasets[1]
    odd = [
        dataclasses.replace(base.results[0], details={"series": [{"as_of": "d", "value": 5}]}),
        dataclasses.replace(base.results[0], details={"series": [{"value": None}], "band": {}}),
        dataclasses.replace(base.results[0], details={"bins": [{"label": "a"}], "psi": None}),
        dataclasses.replace(base.results[0], details={"change": "column_added", "new": "Int8"}),
        dataclasses.replace(base.results[4], details={"waiver": {}}),
    ]
    sparse = dataclasses.replace(base, stewardship={}, data=None, row_count=None, results=tuple(odd))
    empty = dataclasses.replace(run, datasets=())
    assert "No dataset was checked." in html.render(empty)
    for candidate in (dataclasses.replace(run, datasets=(sparse,)), empty):
        page = html.render(candidate)
        assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
        assert external_references(page) == []


def test_samples_are_called_masked_only_when_they_are(run: RunResult) -> None:
    page = html.render(run)
    assert "3 failing samples (masked)" in page  # the fixture's masked e-mail samples
    summaries = re.findall(r"<summary>(\d+ failing samples?[^<]*)</summary>", page)
    shown = [s for s in summaries if not s.endswith("(masked)")]
    assert shown, "visible samples are not labelled masked"


def test_option_mappings_read_as_words_not_json(run: RunResult) -> None:
    import dataclasses

    options = {"ignore_columns": [], "sample_size": 10000, "threshold": 0.5, "seed": None}
    first = run.datasets[1]
    changed = dataclasses.replace(first.results[0], expected=options)
    page = html.render(
        dataclasses.replace(
            run,
            datasets=(
                run.datasets[0],
                dataclasses.replace(first, results=(changed, *first.results[1:])),
                *run.datasets[2:],
            ),
        )
    )
    assert "ignore columns: none; sample size: 10,000; threshold: 0.5; seed: none" in page
    assert "sample_size" not in page and "{&#34;" not in page
    assert html.in_words([{"a_b": 1}, {"c": [1, 2]}]) == "a b: 1 | c: [1, 2]"


def test_passed_checks_start_hidden_only_where_something_needs_attention(run: RunResult) -> None:
    page = html.render(run)
    customers = page.split('id="ds-0"', 1)[1].split('id="ds-1"', 1)[0]  # passes (passed, skipped, info)
    orders = page.split('id="ds-1"', 1)[1].split('id="ds-2"', 1)[0]  # fails
    assert '<input type="checkbox" value="passed" checked>' in customers and "hidden: tick" not in customers
    assert (
        '<input type="checkbox" value="passed">' in orders
        and "1 passed check hidden: tick <em>passed</em> above to show it." in orders
    )
