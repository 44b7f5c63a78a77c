"""The SparkSession a run uses: the caller's own, or one built from the settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stewardgate.errors import SettingsError, first_line

DEFAULT_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",  # naive timestamps mean UTC, as on the polars path
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.ansi.enabled": "true",
}
"""What stewardgate sets unless the settings say otherwise (``--spark-conf KEY=VALUE``)."""


@dataclass(frozen=True)
class SparkOptions:
    """Where Spark runs: ``master`` (default ``local[*]``), extra ``conf``, or an existing ``session``.

    A Spark job calling stewardgate as a library passes its own ``session``; stewardgate then
    leaves the session's settings alone and never stops it.
    """

    master: str = "local[*]"
    conf: Mapping[str, str] = field(default_factory=dict)
    session: Any = field(default=None, compare=False)


def spark_session(options: SparkOptions) -> Any:
    """The session to run on: ``options.session``, else the active one, else a new one."""
    if options.session is not None:
        return options.session
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SettingsError(
            "the Spark engine needs pyspark: pip install 'stewardgate[spark]' (and a Java 17 or 21 runtime)"
        ) from exc
    builder = SparkSession.builder.master(options.master).appName("stewardgate")
    for key, value in {**DEFAULT_CONF, **_quiet_conf(options.master), **options.conf}.items():
        builder = builder.config(key, value)
    try:
        return builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL...: the run cannot start at all
        raise SettingsError(
            f"cannot start Spark (master {options.master}): {first_line(exc)} "
            "(Spark 4 needs a Java 17 or 21 runtime: java on PATH or JAVA_HOME)"
        ) from exc


def _quiet_conf(master: str) -> dict[str, str]:
    """JVM logging at error level (the packaged log4j2.properties); a local driver on loopback."""
    from pathlib import Path

    config = Path(__file__).with_name("log4j2.properties")
    conf = {"spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile=file:{config}"}
    if master.startswith("local"):
        conf |= {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
    return conf


def parse_conf(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["spark.x=1", ...]`` -> ``{"spark.x": "1"}``; a pair without ``=`` is a settings error."""
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"--spark-conf {pair!r}: expected KEY=VALUE, e.g. spark.driver.memory=4g")
        conf[key.strip()] = value
    return conf
