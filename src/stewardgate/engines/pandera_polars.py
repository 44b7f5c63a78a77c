"""Importing pandera's polars backend without pandas.

``import pandera.polars`` first runs ``pandera/__init__.py``, which imports pandas (and, when
pyspark is installed, ``pyspark.pandas``) to expose pandera's older pandas API at the top
level: about 0.35 s of CPU on every run, for a library the polars backend never calls. pandera
supports installs without pandas (its "polars-only" mode, taken when importing pandas raises
``ModuleNotFoundError: No module named 'pandas'``). :func:`load` takes that mode on purpose:
while *this thread* imports pandera, a finder answers "no module named 'pandas'"; other threads
import pandas as usual, and once pandera is in, pandas imports normally everywhere (Great
Expectations needs it). The polars backend is the same code either way; the parity suites run
through this import.

If pandera is already imported (by the caller, or in a test session), it is used as it is. If
the polars-only import fails for any other reason, the half-imported modules are dropped and
pandera is imported the ordinary way, so an older or newer pandera never breaks a run.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from types import ModuleType
from typing import Any

HIDDEN = "pandas"
_lock = threading.Lock()


class _NoPandasForThisThread(importlib.abc.MetaPathFinder):
    """Answers "No module named 'pandas'" to one thread's imports, and only to them."""

    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if threading.get_ident() == self.thread_id and fullname.split(".")[0] == HIDDEN:
            raise ModuleNotFoundError(f"No module named '{HIDDEN}'", name=HIDDEN)
        return None


def load() -> ModuleType:
    """``pandera.polars``, imported without pandas when pandera is not yet imported."""
    with _lock:
        if "pandera.polars" not in sys.modules and "pandera" not in sys.modules and HIDDEN not in sys.modules:
            _import_without_pandas()
        import pandera.polars

        return pandera.polars


def _import_without_pandas() -> None:
    finder = _NoPandasForThisThread(threading.get_ident())
    sys.meta_path.insert(0, finder)
    try:
        import pandera.polars  # noqa: F401
    except Exception:  # noqa: BLE001 - a pandera that does not take this path: import it normally
        for name in [m for m in sys.modules if m == "pandera" or m.startswith("pandera.")]:
            del sys.modules[name]
    finally:
        sys.meta_path.remove(finder)
