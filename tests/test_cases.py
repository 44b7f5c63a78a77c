"""One generator test for every per-check YAML case in ``tests/cases/<check>.yml``.

A case file is a list of cases::

    - name: negative amounts fail              # unique within the file
      rows: {amount: [1.5, -2.0, null]}        # column -> values, written as Parquet
      dtypes: {amount: Float64}                # optional polars dtype names (see _dtype)
      columns: {amount: {min: 0}}              # the suite's columns: part
      schema: {extra_columns: allow}           # optional: the suite's schema: part
      gate: {fail_on: warn}                    # optional: the suite's gate: part
      samples: 2                               # optional: RunOptions(samples=...)
      expect:                                  # check id without the dataset name
        columns.amount.min: {status: failed, failing_count: 1, samples: ["-2.0"]}
      not_planned: [columns.amount.nullable]   # optional: ids that must have no result
      gate_passed: false                       # optional: the dataset's gate verdict

``expect`` entries may also give ``observed``, ``message``, ``severity`` and
``failing_fraction``; only the keys given are compared. Datetime values in ``rows`` are wall
clock times in the column's zone, written without an offset.

The suite is run through :func:`stewardgate.runner.run_paths`, the same call the CLI makes,
once per engine (``engine: auto`` and ``engine: pandera``): both must give the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from ruamel.yaml import YAML

from stewardgate.checks.column_rules import RULES
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths

CASES = Path(__file__).parent / "cases"
DATASET = "t"
CASE_KEYS = {"name", "rows", "dtypes", "columns", "schema", "gate", "samples", "expect", "not_planned", "gate_passed"}
EXPECT_KEYS = {"status", "failing_count", "samples", "observed", "message", "severity", "failing_fraction"}
COLUMN_RULES = tuple(RULES)  # the registry's; tests/test_rule_registry.py holds it, ColumnSpec and the files together
SCHEMA_RULES = ("extra_columns", "order", "empty")
# Every engine that claims the column contract runs every case: ``auto`` compiles data checks
# into one polars pass, ``pandera`` validates the materialised frame (parity, STYLE.md #12).
ENGINES = ("auto", "pandera")


def load_cases() -> list[Any]:
    params = []
    for file in sorted(CASES.glob("*.yml")):
        cases = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
        for case in cases:
            params.append(pytest.param(case, id=f"{file.stem}:{case['name']}"))
    return params


def _dtype(text: str) -> Any:
    """``Int64``, ``Datetime(us, UTC)``, ``Decimal(10, 2)``, ``Enum(a, b)`` -> a polars dtype."""
    match = re.fullmatch(r"(\w+)(?:\((.*)\))?", text.strip())
    assert match, f"bad dtype name {text!r}"
    name, args = match.group(1), match.group(2)
    cls = getattr(pl, name)
    if args is None:
        return cls
    parts = [a.strip() for a in args.split(",") if a.strip()]
    if name == "Enum":
        return pl.Enum(parts)
    return cls(*(int(p) if p.isdigit() else p for p in parts))


def _series(name: str, values: list[Any], dtype_text: str | None) -> pl.Series:
    if dtype_text is None:
        return pl.Series(name, values)
    dtype = _dtype(dtype_text)
    base = dtype.base_type() if isinstance(dtype, pl.DataType) else dtype
    if base == pl.Datetime and getattr(dtype, "time_zone", None):
        naive = pl.Series(name, values, dtype=pl.Datetime(dtype.time_unit))
        return naive.dt.replace_time_zone(dtype.time_zone)
    if base in (pl.Decimal, pl.Categorical, pl.Enum):
        return pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String).cast(dtype)
    return pl.Series(name, values, dtype=dtype)


def frame(case: dict[str, Any]) -> pl.DataFrame:
    """The case's rows as a DataFrame, with the dtypes it names."""
    dtypes = case.get("dtypes") or {}
    unknown = set(dtypes) - set(case["rows"])
    assert not unknown, f"dtypes for columns not in rows: {unknown}"
    return pl.DataFrame([_series(n, list(v), dtypes.get(n)) for n, v in case["rows"].items()])


def _check_shape(case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS, f"unknown case keys: {set(case) - CASE_KEYS}"
    assert case.get("expect"), "a case must expect something"
    for cid, want in case["expect"].items():
        assert set(want) <= EXPECT_KEYS, f"{cid}: unknown expect keys {set(want) - EXPECT_KEYS}"
        Status(want["status"])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", load_cases())
def test_case(case: dict[str, Any], engine: str, make_suite: Callable[..., Path]) -> None:
    check_case(case, make_suite, top={"engine": engine})


def check_case(case: dict[str, Any], make_suite: Callable[..., Path], *, top: dict[str, Any], **options: Any) -> None:
    """Run one case's suite through ``run_paths`` and compare every expected figure."""
    _check_shape(case)
    suite = make_suite(
        data=frame(case), name=DATASET, columns=case["columns"],
        schema=case.get("schema"), gate=case.get("gate"), top=top,
    )  # fmt: skip
    run = run_paths([suite], RunOptions(samples=case.get("samples", 5), **options))
    (dataset,) = run.datasets
    assert dataset.error is None
    results = {r.check_id.removeprefix(f"{DATASET}."): r for r in dataset.results}
    for cid, want in case["expect"].items():
        assert cid in results, f"no result {cid}; got {sorted(results)}"
        got = results[cid]
        seen = {
            "status": got.status.value,
            "failing_count": got.failing_count,
            "samples": list(got.samples),
            "observed": got.observed,
            "message": got.message,
            "severity": got.severity.value,
            "failing_fraction": got.failing_fraction,
        }
        assert {k: seen[k] for k in want} == want, f"{cid}: {got.message}"
    for cid in case.get("not_planned", []):
        assert cid not in results, f"{cid} should not be planned"
    if "gate_passed" in case:
        assert dataset.gate.passed is case["gate_passed"], dataset.gate.reason


def test_every_rule_has_a_case_file() -> None:
    """One case file per column rule and per schema rule, each with passing and failing cases."""
    for rule in (*COLUMN_RULES, *SCHEMA_RULES):
        file = CASES / f"{rule}.yml"
        assert file.is_file(), f"missing {file.name}"
        statuses = {
            want["status"]
            for case in YAML(typ="safe").load(file.read_text(encoding="utf-8"))
            for cid, want in case["expect"].items()
            if cid.endswith(f".{rule}")
        }
        assert {"passed", "failed"} <= statuses, f"{file.name} needs a passing and a failing case"


def test_case_files_cover_the_registry() -> None:
    from stewardgate.checks.registry import all_checks

    # governance, waiver, drift and lineage checks need stewardship, stamps, dates, baselines and
    # other datasets: tests/governance, tests/drift and tests/lineage cover them; named_columns needs
    # suite-level keys (anomalies, expectations): tests/test_named_columns.py covers it
    # (access checks need grants and file modes: tests/sql/test_access.py, tests/governance/test_access_files.py;
    # reconcile checks need a second dataset: tests/reconcile and tests/sql/test_sql_reconcile.py;
    # freshness checks need timestamps judged at an as-of time: tests/freshness, tests/sql/test_sql_freshness.py)
    skipped = ("governance", "waivers", "drift", "lineage", "access", "reconcile", "freshness")
    contract = {c.name for c in all_checks() if c.section not in skipped} - {"named_columns"}
    assert contract == {*COLUMN_RULES, *SCHEMA_RULES}


def test_case_names_are_unique() -> None:
    for file in sorted(CASES.glob("*.yml")):
        names = [c["name"] for c in YAML(typ="safe").load(file.read_text(encoding="utf-8"))]
        assert len(names) == len(set(names)), file.name
