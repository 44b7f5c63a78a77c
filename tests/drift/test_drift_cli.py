"""``diff``, ``breaking`` and ``baseline`` through the real CLI (subprocesses), with exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from stewardgate.results import run_from_dict

Cli = Callable[..., Any]


def _line(out: str, check_id: str) -> tuple[str, str]:
    """(label, message) of a check's console line (``  LABEL  check_id  message``)."""
    for line in out.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[1] == check_id:
            return parts[0], parts[2]
    raise AssertionError(f"no line for {check_id} in:\n{out}")


@pytest.fixture
def data(tmp_path: Path, orders: Callable[..., pl.DataFrame]) -> dict[str, Path]:
    """old.parquet, a copy, and new.parquet with a removed column, a rename and a shifted amount."""
    old = orders()
    paths = {"old": tmp_path / "old.parquet", "same": tmp_path / "same.parquet", "new": tmp_path / "new.parquet"}
    old.write_parquet(paths["old"])
    old.sample(fraction=1.0, shuffle=True, seed=1).write_parquet(paths["same"])
    new = old.drop("quantity").rename({"email": "email_address"}).with_columns(pl.col("amount") + 20)
    new.write_parquet(paths["new"])
    return paths


# --- diff ------------------------------------------------------------------------------------


def test_diff_of_the_same_rows_in_another_order_passes(cli: Cli, data: dict[str, Path], tmp_path: Path) -> None:
    code, out, err = cli("diff", "old.parquet", "same.parquet", cwd=tmp_path)
    assert (code, err) == (0, "")
    assert _line(out, "same.drift.schema") == (
        "PASS",
        "schema matches the dataset old.parquet: 5 columns, same names, types and order",
    )
    assert out.splitlines()[-1] == "gate: PASSED (1 of 1 datasets passed, exit 0)"
    assert out.splitlines()[0] == f"same  {tmp_path / 'same.parquet'}, {len(pl.read_parquet(data['same'])):,} rows"


def test_diff_exits_1_on_a_blocking_change_and_writes_every_report(
    cli: Cli, data: dict[str, Path], tmp_path: Path
) -> None:
    reports = {fmt: tmp_path / "out" / f"diff.{ext}" for fmt, ext in
               (("json", "json"), ("junit", "xml"), ("markdown", "md"), ("html", "html"))}  # fmt: skip
    flags = [x for fmt, path in reports.items() for x in (f"--{fmt}", path)]
    code, out, err = cli("diff", "old.parquet", "new.parquet", "-q", *flags, cwd=tmp_path)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("  FAIL")] == [
        "new.drift.schema.email.renamed",
        "new.drift.schema.quantity.column_removed",
        "new.drift.distribution.amount",
    ]
    assert lines[-1] == "gate: FAILED (1 of 1 datasets blocked: new; exit 1)"
    assert all(path.is_file() for path in reports.values())
    run = run_from_dict(json.loads(reports["json"].read_text(encoding="utf-8")))
    by_id = {r.check_id: r for r in run.datasets[0].results}
    assert by_id["new.drift.schema.quantity.column_removed"].details["change"] == "column_removed"
    assert by_id["new.drift.distribution.amount"].details["bins"][0].keys() == {
        "label",
        "baseline_share",
        "current_share",
    }
    assert "new.drift.distribution.amount" in reports["html"].read_text(encoding="utf-8")


def test_diff_takes_severities_from_a_suite(
    cli: Cli, data: dict[str, Path], tmp_path: Path, make_suite: Callable[..., Path]
) -> None:
    spec = {"severity": {"column_removed": "warn", "renamed": "warn"}, "distribution": {"columns": ["status"]}}
    make_suite(name="orders", path="old.parquet", top={"drift": spec})
    code, out, _ = cli("diff", "old.parquet", "new.parquet", "--suite", "suite.yml", "-q", cwd=tmp_path)
    assert code == 0
    assert _line(out, "orders.drift.schema.quantity.column_removed")[0] == "WARN"
    assert _line(out, "orders.drift.schema.email.renamed")[0] == "WARN"
    assert "orders.drift.distribution.amount" not in out  # the suite judges status only


def test_diff_of_an_unreadable_dataset_exits_2(cli: Cli, data: dict[str, Path], tmp_path: Path) -> None:
    code, out, err = cli("diff", "old.parquet", "missing.parquet", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"error: {tmp_path / 'missing.parquet'}: no such file or folder\n"


# --- breaking --------------------------------------------------------------------------------

SUITE = """version: 1
dataset: {name: orders, path: orders.parquet}
stewardship: {owner: sales@example.com, steward: jane@example.com, classification: confidential}
columns:
  order_id: {type: int64, nullable: false}
  email: {type: string, pii: email}
  amount: {type: float64, min: 0}
"""


def _suites(tmp_path: Path, new: str) -> None:
    (tmp_path / "v1.yml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "v2.yml").write_text(new, encoding="utf-8")


def test_breaking_from_the_consumer_side(cli: Cli, tmp_path: Path) -> None:
    _suites(tmp_path, SUITE.replace("  email: {type: string, pii: email}\n", "").replace("min: 0", "min: -10")
            + "  coupon: {type: string}\n")  # fmt: skip
    code, out, err = cli("breaking", "v1.yml", "v2.yml", cwd=tmp_path)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "v1.yml -> v2.yml (consumer perspective)",
        "  BREAKING  column_removed  columns.email: declared -> absent",
        "  BREAKING  min_loosened    columns.amount.min: 0 -> -10",
        "  ok        column_added    columns.coupon: absent -> declared",
        "3 changes, 2 breaking: breaking",
    ]


def test_breaking_from_the_producer_side_reverses_it(cli: Cli, tmp_path: Path) -> None:
    _suites(tmp_path, SUITE.replace("  email: {type: string, pii: email}\n", "").replace("min: 0", "min: -10"))
    code, out, _ = cli("breaking", "v1.yml", "v2.yml", "--perspective", "producer", cwd=tmp_path)
    assert code == 0
    assert out.splitlines()[-1] == "2 changes, 0 breaking: not breaking"
    _suites(tmp_path, SUITE.replace("min: 0", "min: 0, max: 100"))
    code, out, _ = cli("breaking", "v1.yml", "v2.yml", "--perspective", "producer", "--format", "json", cwd=tmp_path)
    assert code == 1
    assert json.loads(out) == [{"rule": "max_tightened", "path": "columns.amount.max", "old": None, "new": 100,
                                "direction": "tightened", "breaking": True}]  # fmt: skip


def test_breaking_stewardship_regressions(cli: Cli, tmp_path: Path) -> None:
    _suites(tmp_path, SUITE.replace("classification: confidential", "classification: internal")
            .replace("{type: string, pii: email}", "{type: string}"))  # fmt: skip
    code, out, _ = cli("breaking", "v1.yml", "v2.yml", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[1:3] == [
        "  BREAKING  pii_removed             columns.email.pii: email -> (none)",
        "  BREAKING  classification_lowered  stewardship.classification: confidential -> internal",
    ]


def test_breaking_of_identical_suites_passes_and_a_bad_suite_exits_2(cli: Cli, tmp_path: Path) -> None:
    _suites(tmp_path, SUITE)
    code, out, _ = cli("breaking", "v1.yml", "v2.yml", cwd=tmp_path)
    assert (code, out.splitlines()[-1]) == (0, "0 changes, 0 breaking: not breaking")
    _suites(tmp_path, SUITE.replace("nullable: false", "nullabel: false"))
    code, out, err = cli("breaking", "v1.yml", "v2.yml", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert "v2.yml:5:27: columns.order_id.nullabel: unknown key (did you mean 'nullable'?" in err


# --- baseline: store and committed file ------------------------------------------------------


ALLOW = {"extra_columns": "allow"}


def _store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.db'}"


def test_accepting_a_change_stops_it_being_flagged(
    cli: Cli, tmp_path: Path, make_suite: Callable[..., Path], orders: Callable[..., pl.DataFrame]
) -> None:
    store = _store(tmp_path)
    make_suite(data=orders(), name="orders", schema=ALLOW, top={"drift": {"distribution": {"columns": ["amount"]}}})
    code, out, _ = cli("run", "suite.yml", "--store", store, cwd=tmp_path)
    assert code == 0
    assert _line(out, "orders.drift.schema")[0] == "SKIP"
    assert (
        "no accepted baseline for 'orders' yet; after a good run, accept it with: stewardgate baseline accept orders"
        in out
    )

    code, out, err = cli(
        "baseline", "accept", "suite.yml", "--reason", "first release", "--by", "jane", "--store", store, cwd=tmp_path
    )
    assert (code, err) == (0, "")
    assert out.startswith("orders: the baseline run ") and out.endswith(
        "is now the baseline (accepted by jane: first release)\n"
    )

    orders().with_columns(pl.col("quantity").cast(pl.Int64)).drop("email").write_parquet(tmp_path / "data.parquet")
    code, out, _ = cli("run", "suite.yml", "--store", store, "-q", cwd=tmp_path)
    assert code == 1
    flagged = sorted(line.split()[1] for line in out.splitlines() if line.startswith(("  FAIL", "  WARN")))
    assert flagged == ["orders.drift.schema.email.column_removed", "orders.drift.schema.quantity.type_widened"]

    code, _, _ = cli(
        "baseline",
        "accept",
        "orders",
        "--reason",
        "email moved to customers",
        "--by",
        "jane",
        "--store",
        store,
        cwd=tmp_path,
    )
    assert code == 0
    code, out, _ = cli("audit", "log", "--store", store, "--kind", "baseline", "--format", "json", cwd=tmp_path)
    entry = json.loads(out)[0]  # newest first: this acceptance
    assert (entry["subject"], entry["payload"]["by"], entry["payload"]["reason"]) == (
        "orders",
        "jane",
        "email moved to customers",
    )
    assert cli("audit", "verify", "--store", store, cwd=tmp_path).code == 0
    code, out, _ = cli("run", "suite.yml", "--store", store, cwd=tmp_path)
    assert code == 0
    assert _line(out, "orders.drift.schema")[0] == "PASS"
    assert "orders.drift.schema." not in out


def test_a_suite_without_a_drift_section_gets_schema_drift_once_a_baseline_is_accepted(
    cli: Cli, tmp_path: Path, make_suite: Callable[..., Path], orders: Callable[..., pl.DataFrame]
) -> None:
    store = _store(tmp_path)
    make_suite(data=orders(), name="orders", schema=ALLOW)
    code, out, _ = cli("run", "suite.yml", "--store", store, cwd=tmp_path)
    assert code == 0 and "drift" not in out
    code, out, err = cli("baseline", "show", "orders", "--store", store, cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("error: no accepted baseline for dataset 'orders' in sqlite:///")
    assert (
        cli("baseline", "accept", "orders", "--reason", "ok", "--by", "jane", "--store", store, cwd=tmp_path).code == 0
    )
    orders().drop("status").write_parquet(tmp_path / "data.parquet")
    code, out, _ = cli("run", "suite.yml", "--store", store, "-q", cwd=tmp_path)
    assert code == 1
    label, message = _line(out, "orders.drift.schema.status.column_removed")
    assert label == "FAIL" and message.startswith("column 'status' (String) was removed (vs baseline run ")


def test_a_removed_required_column_fails_once_by_the_contract_and_drift_notes_it(
    cli: Cli, tmp_path: Path, make_suite: Callable[..., Path], orders: Callable[..., pl.DataFrame]
) -> None:
    store = _store(tmp_path)
    make_suite(data=orders(), name="orders", schema=ALLOW, columns={"status": {"type": "string"}})
    assert cli("run", "suite.yml", "--store", store, cwd=tmp_path).code == 0
    assert (
        cli("baseline", "accept", "orders", "--reason", "ok", "--by", "jane", "--store", store, cwd=tmp_path).code == 0
    )
    orders().drop("status").write_parquet(tmp_path / "data.parquet")
    code, out, _ = cli("run", "suite.yml", "--store", store, "-q", cwd=tmp_path)
    assert code == 1
    blocking = [line.split()[1] for line in out.splitlines() if line.startswith(("  FAIL", "  WARN"))]
    assert blocking == ["orders.columns.status.required"]
    label, message = _line(out, "orders.drift.schema.status.column_removed")
    assert label == "INFO" and message.endswith("; the failure is orders.columns.status.required")


def test_an_older_run_cannot_be_accepted_over_a_newer_baseline(
    cli: Cli, tmp_path: Path, make_suite: Callable[..., Path], orders: Callable[..., pl.DataFrame]
) -> None:
    store = _store(tmp_path)
    make_suite(data=orders(), name="orders", schema=ALLOW)
    for day in ("2026-10-01", "2026-10-02"):
        assert cli("run", "suite.yml", "--store", store, "--as-of", day, cwd=tmp_path).code == 0
    assert cli("baseline", "accept", "orders", "--reason", "ok", "--by", "j", "--store", store, cwd=tmp_path).code == 0
    code, out, _ = cli("history", "orders", "--format", "json", "--store", store, cwd=tmp_path)
    first = json.loads(out)["series"][0]["run_id"]
    code, _, err = cli(
        "baseline",
        "accept",
        "orders",
        "--from-run",
        first,
        "--reason",
        "r",
        "--by",
        "j",
        "--store",
        store,
        cwd=tmp_path,
    )
    assert code == 2
    assert err.startswith(f"error: run {first} is older than the accepted baseline (run ")


def test_committed_baseline_mode_needs_no_store(
    cli: Cli, tmp_path: Path, make_suite: Callable[..., Path], orders: Callable[..., pl.DataFrame]
) -> None:
    store = _store(tmp_path)
    make_suite(data=orders(), name="orders", schema=ALLOW)
    assert cli("run", "suite.yml", "--store", store, cwd=tmp_path).code == 0
    assert (
        cli(
            "baseline", "accept", "orders", "--reason", "release 1.4", "--by", "jane", "--store", store, cwd=tmp_path
        ).code
        == 0
    )
    code, out, _ = cli("baseline", "export", "orders", "-o", "orders.baseline.json", "--store", store, cwd=tmp_path)
    assert (code, out) == (0, "orders: baseline written to orders.baseline.json\n")
    exported = json.loads((tmp_path / "orders.baseline.json").read_text(encoding="utf-8"))
    assert (exported["format"], exported["dataset"], exported["source"]["accepted_by"]) == (
        "stewardgate-baseline",
        "orders",
        "jane",
    )
    assert exported["profile"]["row_count"] == 2000

    ci = tmp_path / "ci"
    drift = {"baseline": "../orders.baseline.json", "distribution": {"columns": "all"}}
    make_suite(folder=ci, data=orders(seed=8), name="orders", schema=ALLOW, top={"drift": drift})
    code, out, _ = cli("run", "suite.yml", "--no-history", cwd=ci)
    assert code == 0, out
    assert "schema matches the baseline file ../orders.baseline.json (run " in out
    assert not (ci / ".stewardgate").exists() and not (tmp_path / ".stewardgate").exists()

    orders(seed=8).with_columns(pl.col("amount") * 2).write_parquet(ci / "data.parquet")
    code, out, _ = cli("run", "suite.yml", "--no-history", "-q", cwd=ci)
    assert code == 1
    assert _line(out, "orders.drift.distribution.amount")[0] == "FAIL"

    (tmp_path / "orders.baseline.json").unlink()
    code, out, _ = cli("run", "suite.yml", "--no-history", "-q", cwd=ci)
    assert code == 1
    assert _line(out, "orders.drift.schema")[0] == "ERROR"
    assert (
        "errored: baseline file " in out
        and "orders.baseline.json: no such file (write it with: stewardgate baseline export orders" in out
    )
