"""The default history store has one meaning for every command: the working folder's
``.stewardgate/history.db`` (``stewardgate.locations.DEFAULT_STORE_PATH``).

The README's nightly sequence (``backfill``, then ``history`` and ``runs``, none with
``--store``) must find, in the later commands, the runs the first one recorded. The backfill
here covers three nights instead of the README's 51 (the same command otherwise;
tests/test_readme_commands.py runs the README's own).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stewardgate.locations import DEFAULT_STORE_PATH

REPO = Path(__file__).parent.parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
BACKFILL = "stewardgate backfill examples/nightly/ --from 2026-09-01 --to 2026-10-21"
HISTORY = "stewardgate history orders_daily --metric null_fraction --column email"
RUNS = "stewardgate runs orders_daily"
NIGHTS = ("2026-10-19", "2026-10-20", "2026-10-21")


def _copy(tmp_path: Path) -> Path:
    """The README's working folder: the nightly suite and its data, where the README has them."""
    root = tmp_path / "work"
    shutil.copytree(REPO / "examples" / "nightly", root / "examples" / "nightly")
    for night in NIGHTS:
        part = f"order_date={night}"
        shutil.copytree(REPO / "sample_data" / "orders_daily" / part, root / "sample_data" / "orders_daily" / part)
    return root


def test_the_readme_runs_backfill_then_history_and_runs_without_a_store_option() -> None:
    positions = [README.index(command) for command in (BACKFILL, HISTORY, RUNS)]
    assert positions == sorted(positions)
    assert "--store" not in " ".join((BACKFILL, HISTORY, RUNS))


def test_backfill_then_history_and_runs_find_the_same_runs(cli: Callable[..., Any], tmp_path: Path) -> None:
    root = _copy(tmp_path)
    code, out, err = cli("backfill", "examples/nightly/", "--from", NIGHTS[0], "--to", NIGHTS[-1], cwd=root)
    assert code == 0, err
    assert (root / DEFAULT_STORE_PATH).is_file()
    assert not (root / "examples" / "nightly" / DEFAULT_STORE_PATH).exists()  # not beside the suites

    code, out, err = cli("runs", "orders_daily", "--format", "json", cwd=root)
    assert code == 0, err
    assert sorted(r["as_of"] for r in json.loads(out)) == list(NIGHTS)

    code, out, err = cli(*HISTORY.split()[1:], "--format", "json", cwd=root)
    assert code == 0, err
    assert [p["as_of"] for p in json.loads(out)["series"]] == list(NIGHTS)


def test_another_working_folder_has_another_store(cli: Callable[..., Any], tmp_path: Path) -> None:
    """From the suites' folder the same commands look in that folder's store, which is not there."""
    root = _copy(tmp_path)
    assert cli("backfill", "examples/nightly/", "--from", NIGHTS[0], "--to", NIGHTS[0], cwd=root).code == 0
    code, _, err = cli("runs", "orders_daily", cwd=root / "examples" / "nightly")
    assert code == 2
    assert str(DEFAULT_STORE_PATH) in err and "Traceback" not in err
