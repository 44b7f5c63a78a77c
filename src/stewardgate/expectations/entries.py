"""Valid ``expectations:`` entries with stable check ids (planned by :mod:`stewardgate.planning.expectations`).

Check id: ``<dataset>.expectations.<target>.<expectation_type>``, where the target is the
column (``email``), the two columns of a pair or the columns of a multi-column expectation
joined by ``+`` (``ship_date+order_date``), or ``table``. Only when two entries share a target
and a type does the second get ``.2``, the third ``.3`` (in suite order). Inserting, removing or
reordering other entries never changes an id, so a waiver keeps naming the same check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from stewardgate.expectations.catalogue import ExpectationType, lookup

ENGINE = "gx"
SEVERITIES = ("info", "warn", "error")


@dataclass(frozen=True)
class ExpectationEntry:
    """One valid entry: its type, the arguments GX receives, our severity, target and id."""

    index: int
    type: str
    arguments: dict[str, Any]
    severity: str
    target: str
    columns: tuple[str, ...]
    check_id: str
    engine: str = "auto"

    @property
    def column(self) -> str | None:
        """The single column the entry is about, if it has one."""
        return self.columns[0] if len(self.columns) == 1 and self.target != "table" else None


def parse_entries(dataset: str, raw: list[dict[str, Any]]) -> list[ExpectationEntry]:
    """Entries of an already validated suite, with their check ids."""
    seen: Counter[str] = Counter()
    out = []
    for index, entry in enumerate(raw):
        name, args = next(iter(entry.items()))
        kind = lookup(name)
        if kind is None:  # validation already rejected it; never plan what cannot run
            raise ValueError(f"expectations.{index}: unknown expectation type '{name}'")
        arguments = {k: v for k, v in (args or {}).items() if k not in ("severity", "engine")}
        target = target_of(kind, arguments)
        seen[f"{target}.{name}"] += 1
        n = seen[f"{target}.{name}"]
        check_id = f"{dataset}.expectations.{target}.{name}" + (f".{n}" if n > 1 else "")
        out.append(
            ExpectationEntry(
                index=index, type=name, arguments=arguments, severity=str((args or {}).get("severity") or "error"),
                target=target, columns=columns_of(kind, arguments), check_id=check_id,
                engine=str((args or {}).get("engine") or "auto"),
            )
        )  # fmt: skip
    return out


def columns_of(kind: ExpectationType, arguments: dict[str, Any]) -> tuple[str, ...]:
    """The columns an entry names (its data columns; schema expectations name theirs too)."""
    if kind.domain == "column_pair":
        return (str(arguments["column_A"]), str(arguments["column_B"]))
    if kind.domain == "multicolumn":
        return tuple(str(c) for c in arguments.get("column_list") or ())
    if "column" in arguments:
        return (str(arguments["column"]),)
    return ()


def target_of(kind: ExpectationType, arguments: dict[str, Any]) -> str:
    """The middle part of the check id: a column, columns joined by ``+``, or ``table``."""
    columns = columns_of(kind, arguments)
    return "+".join(columns) if columns else "table"
