"""One local Spark session for every Spark test (starting a JVM takes seconds).

Spark and Java are part of the dev install and of CI (`.ci/run` installs the JRE if missing):
these tests fail, never skip, when Spark cannot start.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stewardgate.engines.spark.session import SparkOptions, spark_session

# Faster JVM start-up for many tiny jobs (slower on big ones: tests only).
TEST_JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from stewardgate.engines.spark.session import _quiet_conf

    java = _quiet_conf("local[2]")["spark.driver.extraJavaOptions"]
    conf = {
        "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2", "spark.driver.memory": "1g",
        "spark.driver.extraJavaOptions": f"{java} {TEST_JVM}",
    }  # fmt: skip
    session = spark_session(SparkOptions(master="local[2]", conf=conf))
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="session")
def on_spark(spark: Any) -> SparkOptions:
    """RunOptions(spark=...) for a run on the test session."""
    return SparkOptions(session=spark)
