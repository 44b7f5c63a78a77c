"""Settings: defaults < [tool.stewardgate] in the nearest pyproject.toml < STEWARDGATE_* < flags.
A bad value is a SettingsError naming the layer and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgate.errors import EXIT_INVALID_INPUT, SettingsError
from stewardgate.settings import Settings, find_pyproject, load_settings


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with a pyproject.toml holding ``[tool.stewardgate] samples = 3``, and a subfolder."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.stewardgate]\nsamples = 3\n', encoding="utf-8"
    )
    (tmp_path / "suites" / "deep").mkdir(parents=True)
    return tmp_path


def test_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")  # stops the search upwards
    assert load_settings(cwd=tmp_path, environ={}) == Settings(samples=5, store=None, parallel=1)


def test_precedence(project: Path) -> None:
    assert load_settings(cwd=project, environ={}).samples == 3
    assert load_settings(cwd=project, environ={"STEWARDGATE_SAMPLES": "4"}).samples == 4
    assert load_settings(cwd=project, environ={"STEWARDGATE_SAMPLES": "4"}, flags={"samples": 6}).samples == 6


def test_a_flag_left_unset_does_not_override(project: Path) -> None:
    assert load_settings(cwd=project, environ={"STEWARDGATE_SAMPLES": "4"}, flags={"samples": None}).samples == 4


def test_the_nearest_pyproject_upwards_is_used(project: Path) -> None:
    deep = project / "suites" / "deep"
    assert find_pyproject(deep) == project / "pyproject.toml"
    assert load_settings(cwd=deep, environ={}).samples == 3


def test_every_setting_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.stewardgate]\nparallel = 2\nstore = 'sqlite:///h.db'\n", encoding="utf-8"
    )
    settings = load_settings(cwd=tmp_path, environ={})
    assert (settings.parallel, settings.store) == (2, "sqlite:///h.db")


def test_other_environment_variables_are_ignored(project: Path) -> None:
    env = {"STEWARDGATE_DEBUG": "1", "STEWARDGATE_UNKNOWN": "x", "SAMPLES": "9", "stewardgate_samples": "9"}
    assert load_settings(cwd=project, environ=env).samples == 3


def test_settings_are_immutable(project: Path) -> None:
    settings = load_settings(cwd=project, environ={})
    with pytest.raises(Exception, match="frozen"):
        settings.samples = 9  # type: ignore[misc]


def test_a_bad_pyproject_value_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.stewardgate]\nsamples = "lots"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=tmp_path, environ={"STEWARDGATE_SAMPLES": "4"})
    assert (
        str(info.value)
        == f"{path}:2: tool.stewardgate.samples: input should be a valid integer, unable to parse string as an integer (got 'lots')"
    )
    assert info.value.exit_code == EXIT_INVALID_INPUT


def test_an_unknown_pyproject_key(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.stewardgate]\nsampels = 3\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=tmp_path, environ={})
    assert str(info.value) == (
        f"{path}:2: tool.stewardgate.sampels: unknown key (did you mean 'samples'? allowed: as_of, "
        "connections, dataset_roots, engine, governance, notify, parallel, regex_timeout, s3, samples, spark_conf, "
        "spark_master, store, store_keep)"
    )


def test_an_unknown_governance_key_names_its_line_and_suggests(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n\n[tool.stewardgate.governance]\npii_sed = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=tmp_path, environ={})
    assert str(info.value).startswith(
        f"{path}:5: tool.stewardgate.governance.pii_sed: unknown key (did you mean 'pii_seed'? allowed: "
    )


def test_a_pyproject_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.stewardgate\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"^{path}: cannot read settings: "):
        load_settings(cwd=tmp_path, environ={})


def test_a_bad_environment_value(project: Path) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=project, environ={"STEWARDGATE_SAMPLES": "many"})
    assert (
        str(info.value)
        == "environment: STEWARDGATE_SAMPLES: input should be a valid integer, unable to parse string as an integer (got 'many')"
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"samples": -1}, "command line: samples: input should be greater than or equal to 0 (got -1)"),
        ({"samples": 1001}, "command line: samples: input should be less than or equal to 1000 (got 1001)"),
        ({"parallel": 0}, "command line: parallel: input should be greater than or equal to 1 (got 0)"),
    ],
)
def test_a_bad_flag_value(project: Path, flags: dict[str, int], message: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings(cwd=project, environ={}, flags=flags)
    assert str(info.value) == message


def test_the_real_environment_is_read_when_none_is_given(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARDGATE_SAMPLES", "7")
    assert load_settings(cwd=project).samples == 7
