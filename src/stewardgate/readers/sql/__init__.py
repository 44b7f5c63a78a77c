"""Tables in SQL databases, checked inside the database (docs/sql.md).

:mod:`.table` opens a table (connection from the settings, columns from the catalogue),
:mod:`.lower` spells each column rule's failing condition as SQL with sqlglot, :mod:`.execute`
runs the one aggregate query and its group-bys, and :func:`.run.measure_on_sql` measures a
whole plan, as :func:`stewardgate.engines.spark.run.measure_on_spark` does for Spark.
"""
