"""The polars reader: local files and globs, scanned lazily and read in one streaming pass.

The schema level goes to pandera, compiled column rules, compiled GX expectations, the profile
and the figures to the one ``select`` (:mod:`stewardgate.engines.dispatch`), the other
expectations to GX on a pandas copy of their columns. It runs every check as planned.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate.datasets.scan import ScannedDataset, open_dataset, read_once
from stewardgate.engines.dispatch import execute, guard_read
from stewardgate.engines.figures import Figure, to_polars
from stewardgate.engines.measured import Measured

if TYPE_CHECKING:
    from stewardgate.planning import PlannedCheck
    from stewardgate.runner import RunOptions
    from stewardgate.suite.loader import LoadedSuite


class PolarsReader:
    """Reads with polars; see the module docstring."""

    name = "polars"

    def rewrite(self, p: PlannedCheck) -> PlannedCheck:
        """Every check runs where planning put it."""
        return p

    def open(self, loaded: LoadedSuite, options: RunOptions, as_of: date) -> ScannedDataset:
        """The suite's dataset as a lazy polars scan."""
        return open_dataset(
            loaded.suite.dataset, base=loaded.folder, as_of=as_of, roots=options.dataset_roots, s3=options.s3
        )

    def prepared(self, opened: ScannedDataset, *, profiled: bool) -> AbstractContextManager[ScannedDataset]:
        """A CSV or NDJSON file parsed once (a table that fits read once), not once per query
        (:func:`~stewardgate.datasets.scan.read_once`)."""
        return read_once(opened, profiled=profiled)

    def measure(
        self, loaded: LoadedSuite, opened: ScannedDataset, planned: list[PlannedCheck], *, figures: list[Figure],
        masked: set[str], as_of: date, moment: datetime, profiled: bool, options: RunOptions,
    ) -> Measured:  # fmt: skip
        """Contract, compiled checks, profile and figures in one pass, then GX."""
        from stewardgate.engines.gx import run_expectations
        from stewardgate.engines.profile import assemble_profile

        plan = _profile_plan(opened, planned) if profiled else None
        done = execute(
            planned, opened, masked=masked, samples=options.samples,
            extra_exprs=[*(plan.exprs if plan else []), *(to_polars(f, opened.schema) for f in figures)],
            side=plan.side if plan else None, derived=plan.derived if plan else None,
        )  # fmt: skip
        profile = (
            assemble_profile(plan, done.extra, done.frames, done.row_count, as_of=moment)
            if plan else {"row_count": done.row_count, "columns": {}}
        )  # fmt: skip
        expected = run_expectations(
            planned, opened, row_count=done.row_count, masked=masked, samples=options.samples,
            regex_timeout=options.regex_timeout,
        )  # fmt: skip
        return Measured(done.results, expected, profile, done.extra, lambda p: (opened, done.row_count))


def _profile_plan(scanned: ScannedDataset, planned: list[PlannedCheck]) -> Any:
    """The profile's part of the pass; a head sample first tells high-cardinality columns apart."""
    from stewardgate.engines.profile import high_cardinality_columns, plan_for_checks, sample_step

    high = guard_read(
        lambda: high_cardinality_columns(scanned.frame, scanned.schema, polars_engine=scanned.polars_engine), scanned
    )
    return plan_for_checks(scanned.schema, planned, high=high, step=sample_step(scanned.known_rows))


READER = PolarsReader()
