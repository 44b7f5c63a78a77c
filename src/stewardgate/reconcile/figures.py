"""This dataset's side of a reconciliation's plain aggregates, measured in the run's one pass.

A plain aggregate (``sum(amount)``, no ``by``) of this dataset is declared as a
:class:`~stewardgate.engines.figures.Figure`, so each reader computes it inside the pass it makes
anyway (the fused polars ``select``, the table's aggregate query, Spark's job) instead of reading
the data again. Only figures that cannot sink that pass are declared: a column the data has,
of a type the aggregate takes; any other is computed on its own (and errors on its own).
"""

from __future__ import annotations

from typing import Any

from stewardgate.engines.figures import Figure
from stewardgate.planning import PlannedCheck

PREFIX = "reconcile:"


def figure_name(check_id: str) -> str:
    return f"{PREFIX}{check_id}"


def reconcile_figures(planned: list[PlannedCheck], schema: dict[str, Any]) -> list[Figure]:
    """The figures of the plain aggregates of ``planned`` that this dataset's pass can compute."""
    out = []
    for p in planned:
        if p.check != "reconcile_aggregate" or p.args.get("by"):
            continue
        column, function = p.args["column"], p.args["function"]
        if column in schema and _takes(function, schema[column]):
            out.append(Figure(figure_name(p.check_id), function, column))
    return out


def _takes(function: str, dtype: Any) -> bool:
    import polars as pl

    if function == "count":
        return True
    if function in ("sum", "mean"):
        return bool(dtype.is_numeric()) and dtype != pl.Boolean
    return bool(dtype.is_numeric() or dtype.is_temporal() or dtype == pl.String)
