"""Judging the columns a suite names outside ``columns`` against the data's schema.

The check is planned by :mod:`stewardgate.planning.schema` (which says which keys name a column);
here it errors, and blocks, on each named column the data does not have, located at the key
that names it: ``suite.yml:14:31: anomalies[0].columns[0]: column 'emial' is not in the data
(did you mean 'email'? ...)``. The retention column is checked by the retention check itself,
which also needs it to be a date or datetime.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.engines.outcome import Outcome, build_result
from stewardgate.planning.schema import NAMED_COLUMNS as CHECK
from stewardgate.results import CheckResult
from stewardgate.wording import suggest

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck


def judge_named_columns(planned: list[PlannedCheck], schema: dict[str, Any]) -> list[CheckResult]:
    """The check's result from the data's schema: errored on each named column it lacks."""
    out = []
    for p in (p for p in planned if p.check == CHECK):
        assert isinstance(p.value, list)  # the named-column references, [{"column", "at"}] (planning.schema)
        missing = [n for n in p.value if n["column"] not in schema]
        if missing:
            lines = [
                f"{n['at']}: column '{n['column']}' is not in the data{suggest(n['column'], list(schema))}"
                for n in missing
            ]
            outcome = Outcome(ok=False, errored="; ".join(lines), observed=[n["column"] for n in missing])
        else:
            outcome = Outcome(ok=True, message=f"every column named outside columns is in the data: "
                                               f"{', '.join(sorted({n['column'] for n in p.value}))}")  # fmt: skip
        out.append(build_result(p, outcome, row_count=None))
    return out
