"""Child process of the crash test: stamp a suite's Parquet file and stop half-way.

Usage: ``python stamp_worker.py SUITE READY_FILE``. After the first row group is written to
the temporary file it creates READY_FILE and sleeps until the test kills it with SIGKILL.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from stewardgate.governance import stamp
from stewardgate.suite.loader import load_suite


def _stop(index: int) -> None:
    Path(sys.argv[2]).write_text(str(index), encoding="utf-8")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    stamp.after_row_group = _stop
    stamp.stamp_suite(load_suite(Path(sys.argv[1])), at=datetime.now(UTC))
