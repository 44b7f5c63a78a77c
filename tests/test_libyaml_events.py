"""Suites read through libyaml's events mean exactly what ruamel.yaml's own parser makes of them.

``load_located`` takes its events from libyaml (stewardgate.suite.libyaml_events) and hands the
document back to ruamel's parser whenever libyaml will not do; either way the data, every
position and every refusal must be the ones ruamel's parser alone gives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stewardgate.suite import libyaml_events, yamlpos

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "plain suite": "version: 1\ndataset: {name: d, path: d.parquet}\ncolumns:\n  id: {type: int64, nullable: false}\n",
    "text before keys on a line": "columns:\n  städte: {in_set: [Zürich, Köln], min: 1}\n  '😀x': {regex: '^é+$'}\n",
    "anchors and merge keys": "base: &b {type: int64, nullable: false}\ncolumns:\n  a: {<<: *b, unique: true}\n  b: *b\n",
    "YAML 1.2 scalars": "a: [yes, no, on, off, NO, y, '1', 010, 0o17, 0x1F, 1_000, .inf, -.inf, .nan, 1e3, ~, null, 2026-01-31]\n",
    "keys of every plain kind": "2: two\ntrue: yes\n~: nothing\n1.5: x\n2026-01-02: day\n",
    "block scalars": "description: |\n  two\n  lines\nfolded: >-\n  one\n  line\n",
    "CRLF line ends": "version: 1\r\ncolumns:\r\n  a: {min: 0}\r\n",
    "a byte order mark": "\ufeffversion: 1\ncolumns: {a: {min: 0}}\n",
    "an empty document": "",
    "only a comment": "# nothing here\n",
    "explicit document markers": "---\nversion: 1\n...\n",
    "allowed tags": "a: !!str 12\nb: !!int '7'\nc: !!float 1\nd: !!bool true\ne: !!null ''\nf: !!seq [1]\ng: !!map {x: 1}\n",
    "a YAML 1.1 directive": "%YAML 1.1\n---\nflag: yes\ncountry: NO\n",
    "a repeated key": "columns:\n  a: {min: 0}\n  a: {max: 1}\n",
    "a refused tag": "columns:\n  a: !!python/object:os.system {}\n",
    "a custom tag": "a: !secret x\n",
    "an undefined alias": "a: *nowhere\n",
    "too deep": "a: " + "[" * 80 + "]" * 80 + "\n",
    "aliases that explode": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcde", "bcdef", strict=True)),
    "a date that is not one": "valid_until: 2026-02-30\n",
    "half of a surrogate pair": 'name: "\\ud83d\\ude00"\n',
    "two documents": "a: 1\n---\nb: 2\n",
    "a syntax error": "columns:\n  a: {min: 0\n  b: 1\n",
    "a tab for indentation": "columns:\n\ta: 1\n",
    "a key that is a mapping": "? {a: 1}\n: x\n",
    "control characters": "a: \x07\n",
}


def _outcome(text: str, *, fast: bool) -> Any:
    """What reading ``text`` gives: the Located document, or the error's kind and place."""
    return _read(lambda: yamlpos._located(text, fast=fast))


def _read(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except libyaml_events.NotForLibyaml:
        return "not for libyaml"
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = (
            (mark.line, mark.column) if mark is not None else (getattr(exc, "line", None), getattr(exc, "col", None))
        )
        return type(exc).__name__, where, getattr(exc, "key", None)


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_libyaml_events_mean_what_ruamels_parser_reads(text: str) -> None:
    fast, pure = _outcome(text, fast=True), _outcome(text, fast=False)
    assert fast == pure or fast == "not for libyaml"
    assert _read(lambda: yamlpos.load_located(text)) == pure  # falling back where libyaml will not do


@pytest.mark.parametrize("name", ["a syntax error", "a YAML 1.1 directive", "a tab for indentation"])
def test_what_libyaml_will_not_take_goes_back_to_ruamels_parser(name: str) -> None:
    assert _outcome(CASES[name], fast=True) == "not for libyaml"


def test_a_yaml_1_1_document_keeps_its_booleans_as_ruamel_reads_them() -> None:
    assert yamlpos.load_located(CASES["a YAML 1.1 directive"]).data == {"flag": True, "country": False}
    assert yamlpos.load_located("flag: yes\ncountry: NO\n").data == {"flag": "yes", "country": "NO"}


def test_every_yaml_file_of_the_project_reads_the_same_both_ways() -> None:
    files = [p for pattern in ("suites/*.yml", "examples/**/*.yml", "tests/**/*.yml", "tests/**/*.yaml")
             for p in sorted(ROOT.glob(pattern))]  # fmt: skip
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _outcome(text, fast=True) == _outcome(text, fast=False), path


def test_libyaml_is_there_where_stewardgate_is_installed() -> None:
    """PyYAML's wheels carry libyaml; without it every suite would take the slower parser."""
    assert libyaml_events.available()
