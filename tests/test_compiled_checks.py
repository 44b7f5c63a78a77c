"""Compiling a plan's column checks into the pass's aggregates (engines/compiled.py)."""

from __future__ import annotations

import polars as pl
import pytest

from stewardgate.engines.compiled import compile_checks
from stewardgate.planning import PlannedCheck
from stewardgate.results import Severity

SCHEMA = {"code": pl.String, "amount": pl.Float64, "tag": pl.String}


def _planned(column: str, check: str, value: object) -> PlannedCheck:
    return PlannedCheck(
        check_id=f"t.columns.{column}.{check}", check=check, section="columns", column=column, value=value,
        severity=Severity.ERROR, engine="polars", reason="", suite_line=1,
    )  # fmt: skip


def _counting_selects(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = pl.DataFrame.select
    monkeypatch.setattr(pl.DataFrame, "select", lambda self, *a, **k: (calls.append(1), real(self, *a, **k))[1])
    return calls


def test_checks_that_resolve_are_resolved_together_in_one_select(monkeypatch: pytest.MonkeyPatch) -> None:
    planned = [_planned("code", "regex", "^[A-Z]+$"), _planned("amount", "min", 0), _planned("tag", "unique", True)]
    calls = _counting_selects(monkeypatch)
    query = compile_checks(planned, SCHEMA)
    assert len(calls) == 1
    assert query.errored == {}
    assert {name: p.check_id for name, p in query.checks.items()} == {
        "__sg_0": "t.columns.code.regex", "__sg_1": "t.columns.amount.min", "__sg_2": "t.columns.tag.unique",
    }  # fmt: skip
    assert [e.meta.output_name() for e in query.exprs] == ["__sg_0", "__sg_1"] and list(query.side) == ["__sg_2"]


def test_a_check_polars_cannot_resolve_is_errored_alone_and_the_others_keep_their_order() -> None:
    # the suite loader refuses look-around for polars; a plan that has one anyway must not sink the pass
    planned = [_planned("code", "regex", "^(?=A)"), _planned("amount", "min", 0), _planned("tag", "regex", "^t")]
    query = compile_checks(planned, SCHEMA)
    assert list(query.errored) == ["t.columns.code.regex"]
    assert query.errored["t.columns.code.regex"].startswith("polars cannot evaluate the check: ")
    assert {name: p.check_id for name, p in query.checks.items()} == {
        "__sg_0": "t.columns.amount.min", "__sg_1": "t.columns.tag.regex",
    }  # fmt: skip
    frame = pl.DataFrame({"code": ["A"], "amount": [-1.0], "tag": ["x"]})
    assert frame.select(query.exprs).row(0, named=True) == {"__sg_0": 1, "__sg_1": 1}
