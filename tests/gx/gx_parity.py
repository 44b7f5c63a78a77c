"""The GX parity kit: the same expectations through GX directly and through stewardgate.

``gx_verdicts`` runs a suite of expectations in GX 1.x on a pandas frame; ``our_verdicts`` runs
them through ``run_paths``; ``comparable`` keeps what both report (counts only for map
expectations); ``run_set`` runs one dataset of cases through both and asserts they agree. Used by
the sample-data differential test (``tests/gx``) and by the conformance tests over GX's own test
definitions (``tests/conformance``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl

from stewardgate.expectations.catalogue import lookup
from stewardgate.expectations.entries import parse_entries
from stewardgate.expectations.validate import check_entry
from stewardgate.results import Status
from stewardgate.runner import RunOptions, run_paths

Verdict = tuple[str, int | None]
# Where our static validation is stricter than GX's constructor: inverted bounds (the check can
# never pass) and run-time parameters (a suite holds its values).
_STRICTER = re.compile(r"is greater than max_value|run-time parameters")


def gx_verdicts(frame: pd.DataFrame, entries: list[tuple[str, dict[str, Any]]]) -> list[Verdict]:
    """GX directly: one suite on a pandas frame; per entry ("errored" | "passed" | "failed", count)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.registry import get_expectation_impl

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        batch = (
            context.data_sources.add_pandas("direct").add_dataframe_asset("frame")
            .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
        )  # fmt: skip
        suite = gx.ExpectationSuite(
            name="direct",
            expectations=[get_expectation_impl(kind)(**args, meta={"i": i}) for i, (kind, args) in enumerate(entries)],
        )
        results = batch.validate(suite, result_format={"result_format": "SUMMARY"}).results
    out: dict[int, Verdict] = {}
    for r in results:
        info = r.exception_info or {}
        raised = (
            info.get("raised_exception")
            if "raised_exception" in info
            else any(v.get("raised_exception") for v in info.values())
        )
        count = (r.result or {}).get("unexpected_count")
        out[r.expectation_config.meta["i"]] = (
            ("errored", None) if raised else ("passed" if r.success else "failed", count)
        )
    return [out[i] for i in range(len(entries))]


def gx_accepts(kind: str, args: dict[str, Any]) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from great_expectations.expectations.registry import get_expectation_impl

        try:
            get_expectation_impl(kind)(**args)
        except Exception:
            return False
    return True


def our_verdicts(suite: Path, entries: list[tuple[str, dict[str, Any]]]) -> list[Verdict]:
    run = run_paths([suite], RunOptions(samples=3))
    (dataset,) = run.datasets
    assert dataset.error is None, dataset.error
    by_id = {r.check_id: r for r in dataset.results}
    out = []
    for e in parse_entries(dataset.dataset, [{k: a} for k, a in entries]):
        r = by_id[e.check_id]
        if r.status is Status.ERRORED:
            out.append(("errored", None))
        else:
            out.append(("passed" if r.status is Status.PASSED else "failed", r.failing_count))
    return out


def comparable(verdicts: list[Verdict], entries: list[tuple[str, dict[str, Any]]]) -> list[Verdict]:
    """Counts only matter for map expectations (GX reports none for aggregates)."""
    out = []
    for (status, count), (kind, _) in zip(verdicts, entries):
        is_map = getattr(lookup(kind), "kind", None) == "map"
        out.append((status, count if is_map and status != "errored" else None))
    return out


def polars_can_hold(column: str, values: list[Any]) -> bool:
    try:
        pl.from_pandas(pd.DataFrame({column: values}))
    except Exception:  # pyarrow/polars reject mixed-type columns in several ways
        return False
    return True


def run_set(
    kind: str, data: dict[str, list[Any]], cases: list[dict[str, Any]], folder: Path, writer: Callable[..., Path]
) -> int:
    usable = {c: v for c, v in data.items() if polars_can_hold(c, v)}
    reference = pd.DataFrame(usable)
    frame = pl.from_pandas(reference)
    entries = []
    for args in cases:
        named = {a for k in ("column", "column_A", "column_B") if isinstance(a := args.get(k), str)} | set(
            args.get("column_list") or []
        )
        if (named - set(usable)) or (not named and len(usable) < len(data)):
            continue  # it reads a mixed-type column, which a polars frame cannot hold
        problems = [p.message for p in check_entry({kind: args})]
        if problems:
            if gx_accepts(kind, args):  # only where we are stricter by design, and GX never passes it
                assert all(_STRICTER.search(m) for m in problems), (
                    f"we reject what GX accepts: {kind} {args}: {problems}"
                )
                assert gx_verdicts(reference, [(kind, args)])[0][0] != "passed", (kind, args)
            continue
        entries.append((kind, args))
    if not entries:
        return 0
    suite = writer(folder, data=frame, name="parity", top={"expectations": [{k: a} for k, a in entries]})
    ours = our_verdicts(suite, entries)
    theirs = gx_verdicts(reference, entries)
    pairs = zip(entries, comparable(ours, entries), comparable(theirs, entries))
    mismatches = [(args, o, t) for (_, args), o, t in pairs if o != t]
    assert not mismatches, f"{kind}: stewardgate vs GX differ on {mismatches}"
    return len(entries)
