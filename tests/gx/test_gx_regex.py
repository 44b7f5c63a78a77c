"""The time bound on Python regexes that GX runs (engines/gx_regex.py), without GX itself."""

from __future__ import annotations

import threading

import pandas as pd

from stewardgate.engines.gx_regex import overtime
from stewardgate.planning import PlannedCheck
from stewardgate.results import Severity


def _planned(**arguments: object) -> PlannedCheck:
    return PlannedCheck(
        check_id="t.x", check="expect_column_values_to_match_regex", section="expectations", column="s",
        value={"column": "s", **arguments}, severity=Severity.ERROR, engine="gx", reason="", suite_line=1,
    )  # fmt: skip


FRAME = pd.DataFrame({"s": ["a" * 34 + "!", "b", None]})


def test_a_pattern_that_finishes_is_left_to_gx() -> None:
    assert overtime([_planned(regex="^a+!$"), _planned(regex_list=["^b$", "[("])], FRAME, timeout=5) == {}


def test_a_backtracking_pattern_is_stopped_and_named() -> None:
    (why,) = overtime([_planned(regex_list=["^b$", "^(a+)+$"])], FRAME, timeout=0.2).values()
    assert why.startswith("the pattern /^(a+)+$/ did not finish on the column's values within 0.2 s: ")


def test_off_the_main_thread_the_expectation_cannot_run_unbounded() -> None:
    found: dict[str, str] = {}
    thread = threading.Thread(target=lambda: found.update(overtime([_planned(regex="^b$")], FRAME, timeout=5)))
    thread.start()
    thread.join()
    assert found["t.x"].startswith("a Python regex can only be time-bounded on the main thread")
