"""pandera's polars backend is imported without pandas (engines/pandera_polars.py), in a fresh
interpreter each time: which modules a process holds is the behaviour under test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CONTRACT = """
import polars as pl
from stewardgate.engines import pandera_polars
pa = pandera_polars.load()
import sys
loaded_without_pandas = "pandas" not in sys.modules
schema = pa.DataFrameSchema({"a": pa.Column(pl.Int64, checks=[pa.Check.ge(0)], nullable=False)}, strict=True)
try:
    schema.validate(pl.DataFrame({"a": [1, -2, None], "b": [1, 2, 3]}), lazy=True)
    checks = []
except pa.errors.SchemaErrors as exc:
    checks = sorted(set(exc.failure_cases["check"].to_list()))
"""


def _child(code: str, cwd: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


@pytest.mark.subprocess
def test_pandera_polars_loads_without_pandas_and_validates(repo: Path) -> None:
    code = (
        CONTRACT
        + """
import json
import pandas  # still importable afterwards, for Great Expectations
print(json.dumps({"loaded_without_pandas": loaded_without_pandas, "pandas": pandas.__name__, "checks": checks}))
"""
    )
    result = _child(code, repo)
    assert result["loaded_without_pandas"] is True
    assert result["pandas"] == "pandas"
    assert result["checks"] == ["column_in_schema", "greater_than_or_equal_to(0)", "not_nullable"]


def test_the_no_pandas_answer_is_for_the_importing_thread_only() -> None:
    import threading

    from stewardgate.engines.pandera_polars import _NoPandasForThisThread

    finder = _NoPandasForThisThread(threading.get_ident())
    try:
        finder.find_spec("pandas.core")
        raise AssertionError("the importing thread must be told there is no pandas")
    except ModuleNotFoundError as exc:
        assert str(exc) == "No module named 'pandas'"  # the wording pandera's polars-only mode expects
    assert finder.find_spec("pandera.polars") is None
    answers: list[object] = []
    other = threading.Thread(target=lambda: answers.append(finder.find_spec("pandas")))
    other.start()
    other.join()
    assert answers == [None]  # another thread: the normal finders decide


@pytest.mark.subprocess
def test_a_pandera_that_cannot_load_without_pandas_is_imported_normally(repo: Path) -> None:
    """If the polars-only import fails, the half-imported modules go and the ordinary import runs."""
    code = """
import json, sys
from stewardgate.engines import pandera_polars
class FailOnce:
    failed = False
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "pandera.engines.polars_engine" and not FailOnce.failed:
            FailOnce.failed = True
            raise ImportError("simulated: this pandera needs pandas")
        return None
sys.meta_path.insert(0, FailOnce())
pa = pandera_polars.load()
print(json.dumps({"failed_once": FailOnce.failed, "pandas": "pandas" in sys.modules, "schema": pa.DataFrameSchema.__module__}))
"""
    result = _child(code, repo)
    assert result == {"failed_once": True, "pandas": True, "schema": "pandera.api.polars.container"}


@pytest.mark.subprocess
def test_a_run_with_schema_checks_imports_pandera_but_not_pandas(repo: Path) -> None:
    """pandera validates the schema level on an empty frame: no check backend, so no pandas
    (a suite forcing ``engine: pandera`` on data checks does import it, through pandera's
    check registry)."""
    code = """
import contextlib, io, json, sys
from stewardgate.cli import cli
with contextlib.redirect_stdout(io.StringIO()):
    code = cli.main(["run", "examples/failing/customers.yml", "--exit-zero", "-q", "--no-history"], prog_name="stewardgate", standalone_mode=False)
print(json.dumps({"code": code, "pandera": "pandera" in sys.modules, "pandas": "pandas" in sys.modules}))
"""
    assert _child(code, repo) == {"code": 0, "pandera": True, "pandas": False}
