"""GitHub workflow commands and the step summary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from stewardgate.reporters import github
from stewardgate.results import RunResult


def test_matches_golden(run: RunResult, golden: Callable[[str, str], None]) -> None:
    golden("run.annotations.txt", github.render_annotations(run))


def test_one_command_per_non_passing_check_worst_first(run: RunResult) -> None:
    lines = github.render_annotations(run).splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds == ["::error"] * 6 + ["::warning"] * 4 + ["::notice"] * 2
    assert lines[2] == (
        "::error file=suites/orders.yml,line=12,title=orders.columns.amount.min::12 values are below the minimum 0"
    )
    assert github.render(run) == github.render_annotations(run)


def test_line_is_omitted_when_unknown(run: RunResult) -> None:
    lines = github.render_annotations(run).splitlines()
    assert ("::error file=suites/orders.yml,title=orders.schema.columns.discount::column discount was removed") in lines
    assert lines[0].startswith("::error file=suites/shipments.yml,title=shipments.dataset.read::")


def test_message_escaping() -> None:
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_properties_are_escaped_in_commands() -> None:
    line = github.workflow_command("warning", "x\ny", file="s/a,b.yml", line=None, title="t:1,2")
    assert line == "::warning file=s/a%2Cb.yml,title=t%3A1%2C2::x%0Ay"


def test_multiline_messages_stay_on_one_line(run: RunResult) -> None:
    text = github.render_annotations(run)
    assert "KeyError: 'amount_eur'%0Awhile running" in text
    assert all(line.startswith("::") for line in text.splitlines())


def test_suite_root_makes_paths_relative(run: RunResult) -> None:
    d = dataclasses.replace(run.datasets[1], suite_path="/repo/data/suites/orders.yml")
    moved = dataclasses.replace(run, datasets=(d,))
    inside = github.render_annotations(moved, suite_root=Path("/repo"))
    assert inside.startswith("::error file=data/suites/orders.yml,line=12,")
    outside = github.render_annotations(moved, suite_root=Path("/elsewhere"))
    assert outside.startswith("::error file=/repo/data/suites/orders.yml,line=12,")


def test_title_does_not_repeat_the_dataset(run: RunResult) -> None:
    d = run.datasets[1]
    r = dataclasses.replace(d.results[1], check_id="orders.columns.amount.min")
    assert github.annotation_title(d, r) == "orders.columns.amount.min"


def test_step_summary_appends(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    github.append_step_summary("## ours", summary)
    github.append_step_summary("## again\n", summary)
    assert summary.read_text(encoding="utf-8") == "# earlier step\n## ours\n## again\n"
