"""The freshness section's planner: one check per declared limit (``<ds>.freshness.<limit>``),
judged by the governance executor on figures of the run's one pass (:mod:`stewardgate.governance.freshness`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stewardgate.planning.check import PlannedCheck
from stewardgate.results import Severity

if TYPE_CHECKING:
    from stewardgate.suite.freshness_model import Freshness
    from stewardgate.suite.loader import LoadedSuite

ENGINE = "governance"


def source_value(spec: Freshness) -> dict[str, Any]:
    """Where a limit reads its times: ``{"column": c}`` or ``{"source": ...}`` (JSON-ready)."""
    if spec.column is not None:
        return {"column": spec.column}
    source = spec.source
    return {"source": source if isinstance(source, str) else source.model_dump(mode="json")}  # type: ignore[union-attr]


def source_words(value: dict[str, Any]) -> str:
    """``ts``, ``the file modification time``, ``the stamp's time`` or ``etl.loads.loaded_at``."""
    if "column" in value:
        return str(value["column"])
    source = value["source"]
    if source == "modified":
        return "the newest file modification time"
    if source == "stamp":
        return "the newest stewardship stamp's time"
    return f"the newest {source['table']}.{source['column']}"


def newest_words(value: dict[str, Any]) -> str:
    """``the newest ts``, or the metadata source's words (which say newest already)."""
    said = source_words(value)
    return f"the newest {said}" if "column" in value else said


def plan_freshness(loaded: LoadedSuite) -> list[PlannedCheck]:
    """One check per limit the suite declares, in :data:`~stewardgate.suite.freshness_model.LIMITS` order."""
    spec = loaded.suite.freshness
    if spec is None:
        return []
    where = source_value(spec)
    said = source_words(where)
    values: dict[str, tuple[dict[str, Any], str]] = {
        "max_age": ({"max_age": spec.max_age, **where},
                    f"freshness: {newest_words(where)} at most {spec.max_age} old at the as-of time"),
        "every": ({"every": spec.every, "window": spec.window or _default_window(spec), **where},
                  f"freshness: a value of {said} in every {spec.every} of the last "
                  f"{spec.window or _default_window(spec)} before the as-of time"),
        "available_by": ({"available_by": spec.available_by, **where},
                         f"freshness: past {spec.available_by} the as-of day's data is there ({said})"),
    }  # fmt: skip
    name = loaded.suite.dataset.name
    severity = Severity(spec.severity or "error")
    return [
        PlannedCheck(
            check_id=f"{name}.freshness.{limit}",
            check=limit,
            section="freshness",
            column=spec.column,
            value=values[limit][0],
            severity=severity,
            engine=ENGINE,
            reason=values[limit][1],
            suite_line=loaded.line_of("freshness", limit) or loaded.line_of("freshness"),
        )
        for limit in spec.declared
    ]


def _default_window(spec: Freshness) -> str:
    from stewardgate.suite.durations import duration_text

    return duration_text(spec.window_length)
