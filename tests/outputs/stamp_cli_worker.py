"""Child process of the stamp kill tests: run ``stewardgate stamp`` and stop at a chosen moment.

Usage: ``python stamp_cli_worker.py MOMENT READY_FILE STAMP-ARGS...``. MOMENT is ``row_group``
(after the first row group reached the temporary file) or ``audit`` (when the stamp is about
to be recorded in the audit trail). There the worker creates READY_FILE and sleeps until the
test kills it with SIGKILL.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from stewardgate.cli import cli
from stewardgate.governance import stamp
from stewardgate.store.api import Store


def _stop(*_: Any) -> Any:
    Path(sys.argv[2]).write_text("stopped", encoding="utf-8")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    if sys.argv[1] == "row_group":
        stamp.after_row_group = _stop
    else:
        Store.append_audit = _stop  # type: ignore[method-assign]
    cli.main(args=["stamp", *sys.argv[3:]], prog_name="stewardgate")
