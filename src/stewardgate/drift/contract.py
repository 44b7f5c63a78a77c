"""``stewardgate breaking OLD_SUITE NEW_SUITE``: what a new version of a suite breaks.

A suite is a data contract. Each difference between two versions is a :class:`Finding` with
a direction:

- ``loosened``: a guarantee is weaker or gone (a column removed, ``nullable`` or ``unique``
  dropped, a range widened, set members added, a rule removed) and the stewardship
  regressions peers ignore (classification lowered, a ``pii`` marking removed, retention
  lengthened or removed on personal data);
- ``tightened``: a guarantee is stronger or new (a required column added, a rule added or
  narrowed, classification raised, ``pii`` added, retention shortened);
- ``changed``: neither (a regex replaced, a type changed incompatibly, sets that overlap);
- ``narrowed`` / ``widened``: a column type (see ``stewardgate.drift.types``).

From the **consumer** side (the default) loosened, changed and narrowed findings break; from
the **producer** side (``--perspective producer``) tightened, changed and narrowed ones do.
A widened type breaks neither. Retention changes of datasets without personal data (no
column marked ``pii``) are noted, never breaking.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from stewardgate.checks.column_rules import CHANGES, RULES, ColumnRule
from stewardgate.drift.types import CHANGED, NARROWED, SAME, compare_types
from stewardgate.levels import rank
from stewardgate.suite.models import ColumnSpec, Rule, Suite

LOOSENED, TIGHTENED, NOTED = "loosened", "tightened", "noted"
BREAKS = {
    "consumer": frozenset({LOOSENED, CHANGED, NARROWED}),
    "producer": frozenset({TIGHTENED, CHANGED, NARROWED}),
}

_DTYPES = {
    "int8": "Int8", "int16": "Int16", "int32": "Int32", "int64": "Int64",
    "uint8": "UInt8", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
    "float32": "Float32", "float64": "Float64", "string": "String", "bool": "Boolean",
    "date": "Date", "datetime": "Datetime(time_unit='us', time_zone=None)",
    "duration": "Duration(time_unit='us')", "decimal": "Decimal(precision=None, scale=0)",
    "categorical": "Categorical", "integer": "Int64", "number": "Float64",
}  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One difference between two suite versions: rule, path, old -> new, and its direction."""

    rule: str
    path: str
    old: Any
    new: Any
    direction: str

    def breaks(self, perspective: str) -> bool:
        return self.direction in BREAKS[perspective]

    def as_dict(self, perspective: str) -> dict[str, Any]:
        return {"rule": self.rule, "path": self.path, "old": _plain(self.old), "new": _plain(self.new),
                "direction": self.direction, "breaking": self.breaks(perspective)}  # fmt: skip


def compare_suites(old: Suite, new: Suite) -> list[Finding]:
    """Every contract difference from ``old`` to ``new``: columns, rules, stewardship."""
    found = list(_columns(old, new))
    found += list(_stewardship(old, new))
    return found


def _columns(old: Suite, new: Suite) -> Iterator[Finding]:
    for name, spec in old.columns.items():
        if name not in new.columns:
            yield Finding("column_removed", f"columns.{name}", "declared", "absent", LOOSENED)
        else:
            yield from _column(name, spec, new.columns[name])
    for name, spec in new.columns.items():
        if name not in old.columns:
            direction = TIGHTENED if _value(spec.required) else NOTED
            yield Finding("column_added", f"columns.{name}", "absent", "declared", direction)


def _column(name: str, old: ColumnSpec, new: ColumnSpec) -> Iterator[Finding]:
    """Each rule compared the way it says (``ColumnRule.change``), then the column's stewardship."""
    path = f"columns.{name}"
    for key, rule in sorted(RULES.items(), key=lambda item: CHANGES.index(item[1].change)):
        yield from _COMPARE[rule.change](f"{path}.{key}", rule, _value(getattr(old, key)), _value(getattr(new, key)))
    yield from _classification(f"{path}.classification", old.classification, new.classification)
    yield from _pii(f"{path}.pii", old.pii, new.pii)


def _flag(path: str, rule: ColumnRule, old: Any, new: Any) -> Iterator[Finding]:
    """A flag loosens when it stops asking anything (``nullable`` set to true, ``unique`` dropped)."""
    a, b = bool(old), bool(new)
    if a != b:
        direction = LOOSENED if rule.active(old) else TIGHTENED
        yield Finding(f"{rule.name}_{direction}", path, a, b, direction)


def _type(path: str, rule: ColumnRule, old: str | None, new: str | None) -> Iterator[Finding]:
    if old == new:
        return
    if old is None or new is None:
        direction = LOOSENED if new is None else TIGHTENED
        yield Finding(f"type_{'removed' if new is None else 'added'}", path, old, new, direction)
        return
    verdict = compare_types(_DTYPES[old], _DTYPES[new])
    if verdict != SAME:
        yield Finding(f"type_{verdict}", path, old, new, verdict)


def _bound(path: str, rule: ColumnRule, old: Any, new: Any) -> Iterator[Finding]:
    """A lower bound loosens when it drops (or goes); an upper bound when it rises (or goes)."""
    if old == new:
        return
    if old is None or new is None:
        direction = LOOSENED if new is None else TIGHTENED
    elif not _comparable(old, new):
        direction = CHANGED
    else:
        rises = new > old
        direction = TIGHTENED if rises == (rule.change == "lower") else LOOSENED
    yield Finding(f"{rule.name}_{direction}", path, old, new, direction)


def _comparable(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or type(a) is type(b)


def _in_set(path: str, rule: ColumnRule, old: list[Any] | None, new: list[Any] | None) -> Iterator[Finding]:
    if old is None and new is None:
        return
    a, b = set(old or []), set(new or [])
    if old is not None and new is not None and a == b:
        return
    if new is None or (old is not None and b > a):
        direction = LOOSENED
    elif old is None or b < a:
        direction = TIGHTENED
    else:
        direction = CHANGED
    yield Finding(f"in_set_{direction}", path, sorted(map(str, a)) if old is not None else None,
                  sorted(map(str, b)) if new is not None else None, direction)  # fmt: skip


def _regex(path: str, rule: ColumnRule, old: str | None, new: str | None) -> Iterator[Finding]:
    if old == new:
        return
    direction = LOOSENED if new is None else TIGHTENED if old is None else CHANGED
    yield Finding(f"regex_{direction}", path, old, new, direction)


_COMPARE = {"flag": _flag, "type": _type, "lower": _bound, "upper": _bound, "set": _in_set, "pattern": _regex}
"""How two values of a rule are compared, by the rule's ``change`` (its direction for breaking changes)."""


def _classification(path: str, old: str | None, new: str | None) -> Iterator[Finding]:
    a, b = rank(old), rank(new)
    if a != b:
        lowered = b < a
        yield Finding(f"classification_{'lowered' if lowered else 'raised'}", path, old, new,
                      LOOSENED if lowered else TIGHTENED)  # fmt: skip


def _pii(path: str, old: str | None, new: str | None) -> Iterator[Finding]:
    if old == new:
        return
    if new is None or old is None:
        yield Finding(f"pii_{'removed' if new is None else 'added'}", path, old, new,
                      LOOSENED if new is None else TIGHTENED)  # fmt: skip
    else:
        yield Finding("pii_changed", path, old, new, CHANGED)


def _stewardship(old: Suite, new: Suite) -> Iterator[Finding]:
    a, b = old.stewardship, new.stewardship
    yield from _classification("stewardship.classification", a.classification, b.classification)
    personal = any(c.pii for s in (old, new) for c in s.columns.values())
    ra, rb = a.retention, b.retention
    if (ra and ra.period) != (rb and rb.period):
        yield _retention(ra.period if ra else None, rb.period if rb else None, personal)
    for role in ("owner", "steward"):
        if getattr(a, role) and not getattr(b, role):
            yield Finding(f"{role}_removed", f"stewardship.{role}", getattr(a, role), None, LOOSENED)


def _retention(old: str | None, new: str | None, personal: bool) -> Finding:
    from stewardgate.suite.periods import parse_period

    if new is None or old is None:
        rule, direction = f"retention_{'removed' if new is None else 'added'}", (LOOSENED if new is None else TIGHTENED)
    else:
        longer = parse_period(new).approx_days > parse_period(old).approx_days
        rule, direction = f"retention_{'lengthened' if longer else 'shortened'}", (LOOSENED if longer else TIGHTENED)
    return Finding(rule, "stewardship.retention.period", old, new, direction if personal else NOTED)


def describe(findings: list[Finding], perspective: str, old: str, new: str) -> list[str]:
    """The findings for a person: a header, one line each (breaking first), a verdict."""
    breaking = [f for f in findings if f.breaks(perspective)]
    lines = [f"{old} -> {new} ({perspective} perspective)"]
    width = max((len(f.rule) for f in findings), default=0)
    for f in sorted(findings, key=lambda f: not f.breaks(perspective)):
        label = "BREAKING" if f.breaks(perspective) else "ok"
        lines.append(f"  {label:<8}  {f.rule:<{width}}  {f.path}: {_shown(f.old)} -> {_shown(f.new)}")
    verdict = "breaking" if breaking else "not breaking"
    lines.append(f"{len(findings)} change{'s' if len(findings) != 1 else ''}, {len(breaking)} breaking: {verdict}")
    return lines


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _value(raw: Any) -> Any:
    """A rule's value whether written short (``min: 0``) or long (``min: {value: 0}``)."""
    return raw.value if isinstance(raw, Rule) else raw


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, list)) or value is None:
        return value
    return str(value)
