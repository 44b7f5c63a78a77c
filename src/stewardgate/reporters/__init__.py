"""Report writers: pure ``render(run) -> str`` functions, one module per format.

``FILE_FORMATS`` is the registry of formats written to files (``--json``, ``--junit``,
``--markdown``, ``--html``); ``write_reports`` renders every requested one first and only then
writes them, each atomically, so a failing renderer leaves no report half-written.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stewardgate.io import atomic_write_text
from stewardgate.results import RunResult

FILE_FORMATS = {
    "json": "stewardgate.reporters.json_report",
    "junit": "stewardgate.reporters.junit",
    "markdown": "stewardgate.reporters.markdown",
    "html": "stewardgate.reporters.html",
}


def render(fmt: str, run: RunResult, **extra: Any) -> str:
    """Render ``run`` in the registered format ``fmt`` (``extra``: that renderer's own options)."""
    module = importlib.import_module(FILE_FORMATS[fmt])
    text: str = module.render(run, **extra)
    return text


def write_reports(
    run: RunResult, targets: Mapping[str, Path | None], extras: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Path]:
    """Render each requested format, then write each file atomically; returns the paths written.

    ``extras`` gives a format its renderer's options (``{"html": {"strips": ...}}``).
    """
    extras = extras or {}
    rendered = {path: render(fmt, run, **extras.get(fmt, {})) for fmt, path in targets.items() if path is not None}
    for path, text in rendered.items():
        atomic_write_text(path, text)
    return list(rendered)
