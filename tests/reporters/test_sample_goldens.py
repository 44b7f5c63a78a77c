"""Golden JSON, JUnit and Markdown reports of a real run: ``stewardgate run examples/failing/``.

The fixture goldens (``run.*``) pin the writers on a hand-made run; these pin the whole path
from the sample suites and data to the files a pipeline reads. The run is made through the
CLI (``--json``, with ``--as-of`` fixed and no history), and everything that differs from one
run, machine or checkout to the next is replaced by :func:`normalise_record` before the
reports are rendered from the record. Regenerate after an intended change with

    STEWARDGATE_REGEN_GOLDEN=1 pytest tests/reporters/test_sample_goldens.py

and review ``git diff tests/reporters/golden/sample-*``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lxml import etree

from stewardgate.reporters import json_report, junit, markdown
from stewardgate.results import RunResult, run_from_dict, run_record_json_schema

REPO = Path(__file__).parent.parent.parent
FAILING = REPO / "examples" / "failing"
AS_OF = "2026-11-26"
FIXED_TIME = "2026-11-26T06:00:00Z"
FIXED_ID = "0" * 32
FIXED_DIGEST = "0" * 64
FIXED_VERSION = "0.0.0"
_TIMES = {"started_at", "finished_at"}
_DIGESTS = {"sha256", "suite_sha256"}


def normalise_record(record: Any, root: Path) -> Any:
    """A run record with everything that varies between runs replaced by fixed values.

    Replaced: the run id (``FIXED_ID``), every ``started_at``/``finished_at`` (``FIXED_TIME``,
    which makes every duration 0), the tool version (``FIXED_VERSION``), file ``mtime_ns`` (0),
    the suite and data fingerprints ``suite_sha256``/``sha256`` (``FIXED_DIGEST``), and, in
    every string, the absolute path of ``root`` (paths become relative to it, with ``/``).
    Everything else (statuses, counts, messages, samples, sizes, stewardship) is kept, so a
    golden diff is a real change of behaviour.
    """
    if isinstance(record, dict):
        out = {}
        for key, value in record.items():
            if key in _TIMES and value is not None:
                out[key] = FIXED_TIME
            elif key in _DIGESTS and value is not None:
                out[key] = FIXED_DIGEST
            elif key == "mtime_ns":
                out[key] = 0
            elif key in ("run_id", "tool_version") and isinstance(value, str):
                out[key] = FIXED_ID if key == "run_id" else FIXED_VERSION
            else:
                out[key] = normalise_record(value, root)
        return out
    if isinstance(record, list):
        return [normalise_record(v, root) for v in record]
    if isinstance(record, str):
        return record.replace(f"{root.resolve().as_posix()}/", "").replace(str(root.resolve()), ".")
    return record


def _sample_record(cli: Callable[..., Any], out: Path) -> dict[str, Any]:
    """Run the failing examples by absolute path (from another folder) and read the record."""
    code, _, stderr = cli("run", FAILING, "--as-of", AS_OF, "--no-history", "--json", out, cwd=out.parent)
    assert code == 1, stderr
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def records(cli: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw record of one sample run and the normalised record of a second one."""
    first = _sample_record(cli, tmp_path_factory.mktemp("sample-a") / "run.json")
    second = _sample_record(cli, tmp_path_factory.mktemp("sample-b") / "run.json")
    return first, normalise_record(second, REPO)


@pytest.fixture(scope="module")
def sample(records: tuple[dict[str, Any], dict[str, Any]]) -> RunResult:
    return run_from_dict(records[1])


def test_normalising_leaves_nothing_that_varies(records: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Two runs, normalised, are equal; the raw record did hold absolute paths and times."""
    raw, normalised = records
    assert normalise_record(raw, REPO) == normalised
    assert str(REPO.resolve()) in json.dumps(raw)
    assert str(REPO.resolve()) not in json.dumps(normalised)
    assert normalised["datasets"][2]["suite_path"] == "examples/failing/orders.yml"


def test_sample_json_matches_golden(sample: RunResult, golden: Callable[[str, str], None]) -> None:
    text = json_report.render(sample)
    golden("sample-run.json", text)
    validator = jsonschema.Draft202012Validator(run_record_json_schema())
    assert [e.message for e in validator.iter_errors(json.loads(text))] == []


def test_sample_junit_matches_golden(sample: RunResult, golden: Callable[[str, str], None]) -> None:
    text = junit.render(sample)
    golden("sample-run.junit.xml", text)
    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "junit.xsd")))
    assert schema.validate(etree.fromstring(text.encode("utf-8"))), schema.error_log
    root = etree.fromstring(text.encode("utf-8"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("119", "11", "1")


def test_sample_markdown_matches_golden(sample: RunResult, golden: Callable[[str, str], None]) -> None:
    text = markdown.render(sample)
    golden("sample-run.md", text)
    assert text.startswith("## ❌ stewardgate: gate failed (3 of 3 datasets blocked)\n")
