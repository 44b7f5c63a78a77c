"""The store password is never printed (issue 17 item 12): every error path, every position.

A password can sit in the user info (``u:secret@``), in the query (``?password=secret``), hold
an unencoded ``@`` (``u:ab@secret@host``), or come in a URL without a scheme. Each error path
that names the store is tried with each, through the library and through the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.errors import StoreError
from stewardgate.redact import safe_url
from stewardgate.reporters.console import rerun_options
from stewardgate.store import open_store
from stewardgate.store.engine import target_for

SECRET = "Zq7-s3cr3t"
POSITIONS = {
    "user info": "{scheme}://sg:" + SECRET + "@{host}/test",
    "query": "{scheme}://sg@{host}/test?password=" + SECRET,
    "query, other key": "{scheme}://sg@{host}/test?sslmode=disable&PASSWORD=" + SECRET,
    "unencoded @": "{scheme}://sg:ab@" + SECRET + "@{host}/test",
    "encoded @": "{scheme}://sg:" + SECRET + "%40x@{host}/test",
}
ERROR_PATHS = {  # scheme, host, the start of the message
    "unreachable": ("postgresql", "127.0.0.1:1", "cannot open the history store at postgresql+psycopg://sg"),
    "unknown driver": ("postgresql+nosuch", "h", "cannot use the store at postgresql+nosuch://sg"),
    "driver not installed": (
        "mysql+mysqldb",
        "h",
        "cannot use the store at mysql+mysqldb://sg",
    ),  # PyMySQL is installed
    "port not a number": ("postgresql", "h:port", "the store URL 'postgresql://sg"),
}


def _url(position: str, path: str) -> str:
    scheme, host, _ = ERROR_PATHS[path]
    return POSITIONS[position].format(scheme=scheme, host=host)


@pytest.mark.parametrize("path", ERROR_PATHS)
@pytest.mark.parametrize("position", POSITIONS)
def test_store_errors_never_hold_the_password(position: str, path: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(_url(position, path), default_path=tmp_path / "h.db")
    message = str(caught.value)
    assert message.startswith(ERROR_PATHS[path][2]), message
    assert SECRET not in message and "***" in message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("url", [f"sg:{SECRET}@db.example/test", f"sg:{SECRET}@db.example", f"//sg:{SECRET}@h/x"])
def test_a_url_without_a_scheme_is_refused_without_the_password(url: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url, default_path=tmp_path / "h.db")
    assert SECRET not in str(caught.value)
    assert str(caught.value).startswith("the store URL '")


def test_an_unencoded_at_in_the_password_reaches_the_right_host(tmp_path: Path) -> None:
    target = target_for(f"postgresql://sg:ab@{SECRET}@db.example:5432/test", default_path=tmp_path)
    assert (target.url.host, target.url.password) == ("db.example", f"ab@{SECRET}")
    assert target.where == "postgresql+psycopg://sg:***@db.example:5432/test"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            f"postgresql://sg@h/db?password={SECRET}&sslmode=require",
            "postgresql://sg@h/db?password=***&sslmode=require",
        ),
        (f"sg:{SECRET}@h", "sg:***@h"),
        (f"postgresql://sg:a@{SECRET}@h/db", "postgresql://sg:***@h/db"),
        ("postgresql://sg@h/db", "postgresql://sg@h/db"),
        ("sqlite:////tmp/a/history.db", "sqlite:////tmp/a/history.db"),
    ],
)
def test_safe_url_shows_everything_but_the_secrets(url: str, shown: str) -> None:
    assert safe_url(url) == shown


@pytest.mark.parametrize("position", POSITIONS)
def test_the_rerun_hint_never_repeats_a_password(position: str) -> None:
    url = POSITIONS[position].format(scheme="postgresql", host="h")
    assert rerun_options(store=url) == ["--store", '"$STEWARDGATE_STORE"']
    assert rerun_options(store=f"sg:{SECRET}@h") == ["--store", '"$STEWARDGATE_STORE"']


def test_the_rerun_hint_repeats_a_url_without_secrets() -> None:
    assert rerun_options(store="sqlite:///h.db") == ["--store", "sqlite:///h.db"]


COMMANDS = {
    "run": ["run", "suite.yml", "--as-of", "2026-06-01"],
    "history": ["history", "t"],
    "catalog": ["catalog"],
    "audit verify": ["audit", "verify"],
    "report": ["report", "--dataset", "t", "--json", "out.json"],
}


def _cli_case(
    command: str, position: str, how: str, cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> tuple[int, str, str]:  # fmt: skip
    import polars as pl

    make_suite(data=pl.DataFrame({"x": [1]}), columns={"x": {"type": "int64"}})
    url = (
        f"sg:{SECRET}@127.0.0.1:1/test"
        if position == "no scheme"
        else POSITIONS[position].format(scheme="postgresql", host="127.0.0.1:1")
    )
    args, env = (["--store", url], {}) if how == "flag" else ([], {"STEWARDGATE_STORE": url})
    code, stdout, stderr = cli(*COMMANDS[command], *args, cwd=tmp_path, env=env)
    return code, stdout, stderr


@pytest.mark.parametrize("position", [*POSITIONS, "no scheme"])
@pytest.mark.parametrize("command", COMMANDS)
def test_cli_never_prints_the_password(
    command: str, position: str, cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    code, stdout, stderr = _cli_case(command, position, "flag", cli, make_suite, tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert SECRET not in stdout + stderr
    assert "error: " in stderr


@pytest.mark.parametrize("position", [*POSITIONS, "no scheme"])
def test_cli_never_prints_the_password_from_the_environment(
    position: str, cli: Callable[..., Any], make_suite: Callable[..., Path], tmp_path: Path
) -> None:
    code, stdout, stderr = _cli_case("run", position, "env", cli, make_suite, tmp_path)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert SECRET not in stdout + stderr
    assert "error: " in stderr
