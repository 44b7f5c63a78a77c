"""The Spark reader: files, tables and Delta read by Spark (``run --engine spark``, or a suite's
``engine: spark``); see :mod:`stewardgate.engines.spark.run` and docs/spark.md.

Its rewrite moves the data-level checks (compiled and pandera column rules, every expectation,
the named columns) to the ``spark`` executor: the column rules are counted in its one aggregate job and the
expectations run in GX's Spark data source. The schema level stays with pandera (its pyspark
backend, at schema depth).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from stewardgate.engines.compiled import SCHEMA_CHECKS

if TYPE_CHECKING:
    from stewardgate.engines.figures import Figure
    from stewardgate.engines.measured import Measured
    from stewardgate.planning import PlannedCheck
    from stewardgate.runner import RunOptions
    from stewardgate.suite.loader import LoadedSuite


class SparkReader:
    """Reads with Spark; see the module docstring."""

    name = "spark"

    def rewrite(self, p: PlannedCheck) -> PlannedCheck:
        """Data-level checks run on Spark, whatever engine of record the suite named for polars."""
        if p.engine in ("polars", "gx") or (p.engine == "pandera" and p.check not in SCHEMA_CHECKS):
            return replace(p, engine="spark", reason=f"{p.reason} (on Spark)" if p.reason else "on Spark")
        return p

    def open(self, loaded: LoadedSuite, options: RunOptions, as_of: date) -> Any:
        """The suite's dataset as a Spark DataFrame (nothing but metadata read yet)."""
        from stewardgate.engines.spark.dataset import open_spark_dataset
        from stewardgate.engines.spark.session import spark_session

        spark = spark_session(options.spark)
        return open_spark_dataset(
            spark, loaded.suite.dataset, base=loaded.folder, as_of=as_of, roots=options.dataset_roots
        )

    def prepared(self, opened: Any, *, profiled: bool) -> AbstractContextManager[Any]:
        """Spark plans and caches its own reads: the dataset as opened."""
        return nullcontext(opened)

    def measure(
        self, loaded: LoadedSuite, opened: Any, planned: list[PlannedCheck], *, figures: list[Figure],
        masked: set[str], as_of: date, moment: datetime, profiled: bool, options: RunOptions,
    ) -> Measured:  # fmt: skip
        """Everything Spark measures on the suite's data (:func:`~stewardgate.engines.spark.run.measure_on_spark`)."""
        from stewardgate.engines.spark.run import measure_on_spark

        return measure_on_spark(
            loaded, opened, planned, figures=figures, masked=masked, samples=options.samples, as_of=as_of,
            moment=moment, profiled=profiled,
        )  # fmt: skip


READER = SparkReader()
