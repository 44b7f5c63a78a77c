"""A table dataset in the suite and the settings: what is accepted, what is refused and how it is said."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgate.errors import SettingsError, SuiteError
from stewardgate.settings import load_settings
from stewardgate.suite.loader import load_suite

STEWARDS = "stewardship: {owner: a@example.com, steward: b@example.com}\n"


@pytest.mark.parametrize(
    ("dataset", "said"),
    [
        ("{name: t}", "give path (a file, glob or folder), or connection and table (a SQL table)"),
        ("{name: t, connection: wh}", "connection needs table"),
        ("{name: t, connection: wh, table: t, path: x.parquet}", "a SQL table (connection) has no path, format or csv"),
        ("{name: t, path: x.parquet, table: t}", "table needs connection"),
        ("{name: t, path: x.parquet, filter: 'a > 1'}", "filter needs connection"),
        ("{name: t, connection: wh, table: t, filter: 'a > 1; DELETE FROM t'}", "ONE boolean expression"),
    ],
)
def test_a_dataset_is_a_path_or_a_table(dataset: str, said: str, tmp_path: Path) -> None:
    suite = tmp_path / "s.yml"
    suite.write_text(f"version: 1\ndataset: {dataset}\n{STEWARDS}", encoding="utf-8")
    with pytest.raises(SuiteError) as info:
        load_suite(suite)
    assert f"{suite}:2" in str(info.value) and said in str(info.value)


def test_a_table_suite_loads(tmp_path: Path) -> None:
    suite = tmp_path / "s.yml"
    suite.write_text("version: 1\ndataset: {name: t, connection: wh, table: sales.orders, filter: 'd = {as_of}'}\n"
                     + STEWARDS, encoding="utf-8")  # fmt: skip
    spec = load_suite(suite).suite.dataset
    assert (spec.is_table, spec.connection, spec.table, spec.path) == (True, "wh", "sales.orders", None)


def test_connections_come_from_pyproject_with_an_environment_variable_name(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.stewardgate.connections.wh]\nurl_env = "WH_URL"\n', encoding="utf-8"
    )
    assert load_settings(cwd=tmp_path, environ={}).connections["wh"].url_env == "WH_URL"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.stewardgate.connections.wh]\nurl = "postgresql://u:pw@h/db"\n', encoding="utf-8"
    )
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=tmp_path, environ={})
    assert "tool.stewardgate.connections.wh" in str(info.value) and "pw@h" not in str(info.value)
