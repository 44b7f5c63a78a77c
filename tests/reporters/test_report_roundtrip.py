"""Every reporter renders a run read back from its JSON record exactly like the live run."""

from __future__ import annotations

import pytest

from stewardgate.reporters import github, html, junit, markdown
from stewardgate.results import RunResult, run_from_dict, run_to_dict


@pytest.mark.parametrize("module", [html, junit, markdown, github], ids=lambda m: m.__name__)
def test_render_from_stored_run_record(run: RunResult, module: object) -> None:
    again = run_from_dict(run_to_dict(run))
    assert module.render(again) == module.render(run)  # type: ignore[attr-defined]
