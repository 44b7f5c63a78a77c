"""Where stewardgate keeps its files when nothing says otherwise (imports nothing, for a fast start)."""

from __future__ import annotations

from pathlib import Path

# The history store when no URL is set (--store, STEWARDGATE_STORE, [tool.stewardgate] store): this
# SQLite file in the working folder, for every command (run, backfill, history, report, catalog...).
DEFAULT_STORE_PATH = Path(".stewardgate") / "history.db"
