"""The Spark engine: the same suites, read and judged by Apache Spark (``run --engine spark``).

``session`` builds or borrows the SparkSession, ``dataset`` reads a suite's dataset with Spark
and maps its schema to the polars dtypes every other part of stewardgate speaks, ``execute``
judges the column rules and builds the metric profile in one aggregate job (plus a group-by per
``unique`` and per low-cardinality column). pyspark is imported only here, only on a Spark run.
"""
