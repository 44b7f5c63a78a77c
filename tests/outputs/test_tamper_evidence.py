"""Tamper evidence beyond the audit table (issue 17 item 13).

A failed run flipped to passed in ``sg_runs``, ``sg_results`` or ``sg_catalog`` must be caught
by ``audit verify``; so must deleting every audit entry while runs remain, and a chain
rewritten as a whole must be caught against a head kept elsewhere (``--head``).
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from stewardgate.store.audit import AuditEvent, append_events

AS_OF = "2026-06-01"


@pytest.fixture(scope="module")
def failed_store(tmp_path_factory: pytest.TempPathFactory, repo: Path, cli: Callable[..., Any]) -> Path:
    """A store holding one run of examples/failing (every gate failed), made once."""
    folder = tmp_path_factory.mktemp("tamper")
    shutil.copytree(repo / "examples", folder / "examples")
    shutil.copytree(repo / "sample_data", folder / "sample_data")
    store = folder / "history.db"
    assert cli("run", "examples/failing", "--as-of", AS_OF, "--store", f"sqlite:///{store}", cwd=folder).code == 1
    return store


@pytest.fixture
def store(failed_store: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "history.db"
    shutil.copy(failed_store, copy)
    yield copy


def _sql(store: Path, *statements: str) -> None:
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


def _verify(cli: Callable[..., Any], store: Path, *args: str) -> tuple[int, list[str]]:
    code, out, err = cli("audit", "verify", "--store", f"sqlite:///{store}", *args, cwd=store.parent)
    assert err == "" or code == 2, err
    return code, out.splitlines()


def _head(lines: list[str]) -> str:
    (line,) = [line for line in lines if line.startswith("head: ")]
    return line.split()[1]


def test_an_untouched_store_verifies_and_prints_its_head(store: Path, cli: Callable[..., Any]) -> None:
    code, lines = _verify(cli, store)
    assert code == 0
    assert lines[0].startswith("audit chain intact: 3 entries, head 3 sha256 ")
    assert lines[1] == "stored runs match the chain: 3 covered by record digests"
    seq, digest = _head(lines).split(":")
    assert seq == "3" and len(digest) == 64 and lines[0].endswith(digest[:16])


def test_flipping_a_run_to_passed_in_sg_runs_is_caught(store: Path, cli: Callable[..., Any]) -> None:
    _sql(store, "UPDATE sg_runs SET gate_passed = 1, status = 'passed' WHERE dataset = 'orders'")
    code, lines = _verify(cli, store)
    assert code == 1
    assert any(line.startswith("stored runs BROKEN: run ") and " of orders (audit entry " in line
               and line.endswith("sg_runs says gate passed, status passed; its audit entry says gate failed, status failed")
               for line in lines), lines  # fmt: skip
    assert not any(line.startswith("head: ") for line in lines) or lines[0].startswith("audit chain intact")


def test_rewriting_the_stored_record_is_caught(store: Path, cli: Callable[..., Any]) -> None:
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.begin() as conn:
        record = json.loads(
            zlib.decompress(
                conn.exec_driver_sql("SELECT record_zlib FROM sg_runs WHERE dataset = 'orders'").scalar_one()
            )
        )
        record["gate"]["passed"] = True
        record["results"] = [dict(r, status="passed") for r in record["results"]]
        conn.execute(
            sa.text("UPDATE sg_runs SET record_zlib = :r WHERE dataset = 'orders'"),
            {"r": zlib.compress(json.dumps(record).encode())},
        )
    engine.dispose()
    code, lines = _verify(cli, store)
    assert code == 1
    assert any(
        line.endswith("its stored record was changed (it does not match the digest in its audit entry)")
        for line in lines
    ), lines


def test_flipping_results_in_sg_results_is_caught(store: Path, cli: Callable[..., Any]) -> None:
    _sql(store, "UPDATE sg_results SET status = 'passed' WHERE status = 'failed' AND dataset = 'events'")
    code, lines = _verify(cli, store)
    assert code == 1
    assert any(" of events (audit entry " in line and line.endswith("its sg_results rows were changed (they do not match its stored record)")
               for line in lines), lines  # fmt: skip


def test_flipping_the_catalog_is_caught(store: Path, cli: Callable[..., Any]) -> None:
    _sql(store, "UPDATE sg_catalog SET last_gate_passed = 1, last_status = 'passed' WHERE dataset = 'customers'")
    code, lines = _verify(cli, store)
    assert code == 1
    assert any(line.startswith("stored runs BROKEN: sg_catalog row of customers was changed: it says gate passed, status passed; run ")
               for line in lines), lines  # fmt: skip


def test_deleting_every_audit_entry_and_the_head_is_caught(store: Path, cli: Callable[..., Any]) -> None:
    _sql(store, "DELETE FROM sg_audit", "DELETE FROM stewardgate_meta WHERE key = 'audit_head'")
    code, lines = _verify(cli, store)
    assert code == 1
    assert lines[0] == "audit chain intact: 0 entries"  # the chain alone cannot tell...
    assert any(line.startswith("stored runs BROKEN: 3 stored runs have no audit entry (run ")
               and line.endswith("audit entries were removed, or runs were added outside stewardgate") for line in lines), lines  # fmt: skip


def test_a_chain_rewritten_as_a_whole_is_caught_against_the_kept_head(store: Path, cli: Callable[..., Any]) -> None:
    anchor = _head(_verify(cli, store)[1])
    assert _verify(cli, store, "--head", anchor) == (
        0,
        _verify(cli, store)[1][:1]
        + [f"audit anchor held: entry {anchor.split(':')[0]} is the one anchored", *_verify(cli, store)[1][1:]],
    )
    # The attacker flips every row, then rebuilds a consistent chain from scratch.
    _sql(store, "UPDATE sg_runs SET gate_passed = 1, status = 'passed'", "UPDATE sg_results SET status = 'passed'",
         "UPDATE sg_catalog SET last_gate_passed = 1, last_status = 'passed'", "DELETE FROM sg_audit",
         "DELETE FROM stewardgate_meta WHERE key = 'audit_head'")  # fmt: skip
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT run_id, dataset, record_zlib FROM sg_runs").all()
        events = []
        for run_id, dataset, record in rows:
            data = json.loads(zlib.decompress(record))
            data["gate"]["passed"] = True
            data["results"] = [dict(r, status="passed") for r in data["results"]]
            text = json.dumps(data)
            conn.execute(sa.text("UPDATE sg_runs SET record_zlib = :r WHERE run_id = :i AND dataset = :d"),
                         {"r": zlib.compress(text.encode()), "i": run_id, "d": dataset})  # fmt: skip
            import hashlib

            digest = hashlib.sha256(text.encode()).hexdigest()
            events.append(
                AuditEvent(
                    "run", dataset, {"run_id": run_id, "status": "passed", "gate_passed": True, "record_sha256": digest}
                )
            )
        append_events(conn, events)
    engine.dispose()
    code, lines = _verify(cli, store)
    assert code == 0  # without an anchor, a perfect forgery verifies: hence the head kept elsewhere
    code, lines = _verify(cli, store, "--head", anchor)
    assert code == 1
    assert any(line.startswith("audit anchor BROKEN: entry 3 is not the one anchored") for line in lines), lines


def test_a_truncated_chain_is_caught_against_the_kept_head(store: Path, cli: Callable[..., Any]) -> None:
    anchor = _head(_verify(cli, store)[1])
    _sql(
        store,
        "DELETE FROM sg_audit WHERE seq = 3",
        "UPDATE stewardgate_meta SET value = (SELECT seq || ':' || hash FROM sg_audit WHERE seq = 2) WHERE key = 'audit_head'",
    )
    code, lines = _verify(cli, store, "--head", anchor[:18])  # the printed 16-digit prefix is enough
    assert code == 1
    assert "audit anchor BROKEN: the chain was truncated: it ends at entry 2, the anchor names entry 3" in lines


@pytest.mark.parametrize("bad", ["3", "x:abcdef0123456789", "3:abc", "3:" + "g" * 16, "0:" + "a" * 16])
def test_a_malformed_head_is_a_usage_error(store: Path, cli: Callable[..., Any], bad: str) -> None:
    code, out, err = cli("audit", "verify", "--store", f"sqlite:///{store}", "--head", bad, cwd=store.parent)
    assert (code, out) == (2, "") and err.startswith(f"error: --head {bad!r}: ")


@pytest.mark.postgres
def test_on_postgresql_flips_and_truncation_are_caught(
    pg_schema: str, tmp_path: Path, repo: Path, cli: Callable[..., Any]
) -> None:  # fmt: skip
    import os
    from urllib.parse import quote

    shutil.copytree(repo / "examples", tmp_path / "examples")
    shutil.copytree(repo / "sample_data", tmp_path / "sample_data")
    base = os.environ.get("STEWARDGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    url = f"{base}?options={quote(f'-csearch_path={pg_schema}')}"
    assert cli("run", "examples/failing", "--as-of", AS_OF, "--store", url, cwd=tmp_path).code == 1
    assert cli("audit", "verify", "--store", url, cwd=tmp_path).code == 0
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"UPDATE \"{pg_schema}\".sg_runs SET gate_passed = true, status = 'passed' WHERE dataset = 'orders'"
        )
        conn.exec_driver_sql(
            f"UPDATE \"{pg_schema}\".sg_catalog SET last_gate_passed = true, last_status = 'passed' WHERE dataset = 'orders'"
        )
    code, out, _ = cli("audit", "verify", "--store", url, cwd=tmp_path)
    assert code == 1
    assert "sg_runs says gate passed, status passed; its audit entry says gate failed, status failed" in out
    assert "stored runs BROKEN: sg_catalog row of orders was changed" in out
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DELETE FROM "{pg_schema}".sg_audit')
        conn.exec_driver_sql(f"DELETE FROM \"{pg_schema}\".stewardgate_meta WHERE key = 'audit_head'")
    engine.dispose()
    code, out, _ = cli("audit", "verify", "--store", url, cwd=tmp_path)
    assert code == 1 and "stored runs BROKEN: 3 stored runs have no audit entry (run " in out
