"""``reconcile:`` and ``references:`` between files, end to end through the CLI: the planted
differences found with their counts and sample keys, in the plan, in every report, waivable;
and every kind of bad input (exit 2 with a located error, or an errored check), never a pass."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl
import pytest

from tests.conftest import write_suite
from tests.reconcile import planted

RECONCILE = {
    "against": {"dataset": "crm"},
    "key": "id",
    "row_count": {"max_difference": 0},
    "keys": {},
    "aggregates": [
        {"function": "sum", "column": "amount"},
        {"function": "count", "column": "id"},
        {"function": "sum", "column": "amount", "by": "day", "per": "day"},
    ],
    "rows": {"columns": ["amount", "status"]},
}


def _write(tmp_path: Path, reconcile: Any = None, columns: Any = None, **top: Any) -> None:
    write_suite(tmp_path, data=planted.crm(), data_name="crm.parquet", suite_name="crm.yml", name="crm",
                columns={"email": {"pii": "email"}}, schema={"extra_columns": "allow"})  # fmt: skip
    extra = {"reconcile": [RECONCILE] if reconcile is None else reconcile, **top}
    write_suite(tmp_path, data=planted.orders(), data_name="orders.parquet", suite_name="orders.yml", name="orders",
                columns=columns, schema={"extra_columns": "allow"}, top=extra)  # fmt: skip


def _results(tmp_path: Path, cli: Any, *args: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    code, out, err = cli("run", "orders.yml", "crm.yml", "--no-history", "--json", "run.json", *args, cwd=tmp_path)
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    by_id = {r["check_id"]: r for d in report["datasets"] for r in d["results"]}
    return code, by_id, out + err


def test_files_against_a_suites_dataset_find_the_planted_differences(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path)
    code, r, _ = _results(tmp_path, cli)
    assert code == 1
    prefix = "orders.reconcile.crm"
    assert r[f"{prefix}.row_count"]["status"] == "failed"
    assert (r[f"{prefix}.row_count"]["observed"], r[f"{prefix}.row_count"]["expected"]["value"]) == (299, 300)
    missing, extra = r[f"{prefix}.keys.missing"], r[f"{prefix}.keys.extra"]
    assert (missing["status"], missing["failing_count"], missing["samples"]) == ("failed", 3, ["3", "5", "7"])
    assert (extra["status"], extra["failing_count"], extra["samples"]) == ("failed", 2, ["900", "901"])
    assert missing["message"] == "3 id values of crm are missing here (first: 3, 5, 7)"
    total = r[f"{prefix}.aggregates.sum.amount"]
    assert total["status"] == "failed"
    assert (total["observed"], total["expected"]["value"]) == (
        planted.orders()["amount"].sum(),
        planted.crm()["amount"].sum(),
    )
    assert r[f"{prefix}.aggregates.count.id"]["observed"] == 299
    per_day = r[f"{prefix}.aggregates.sum.amount.by.day"]
    here, there = planted.day_sums(planted.orders()), planted.day_sums(planted.crm())
    diverged = sorted(d.isoformat() for d in there if here.get(d) != there[d])
    assert diverged == ["2026-11-01", "2026-11-02", "2026-11-04", "2026-11-06", "2026-11-08"]
    assert per_day["failing_count"] == 5
    assert [g["group"] for g in per_day["details"]["groups"]] == diverged
    assert per_day["samples"] == [
        "2026-11-01: 1590 here, 600 in crm", "2026-11-02: 633 here, 630 in crm",
        "2026-11-04: 687 here, 690 in crm", "2026-11-06: 745 here, 750 in crm",
        "2026-11-08: 803 here, 810 in crm",
    ]  # fmt: skip
    rows = r[f"{prefix}.rows"]
    assert (rows["status"], rows["failing_count"], rows["row_count"]) == ("failed", 1, 297)
    assert rows["samples"] == ["id=10: amount 1000 here, 10 there"]
    assert {x["engine"] for k, x in r.items() if ".reconcile." in k} == {"reconcile"}


def test_agreeing_datasets_pass_and_bounds_admit_small_differences(tmp_path: Path, cli: Any) -> None:
    loose = {"against": {"path": "crm.parquet"}, "name": "crm", "row_count": {"max_difference": 1},
             "aggregates": [{"function": "sum", "column": "amount", "max_fraction": 0.2}]}  # fmt: skip
    same = {"against": {"path": "orders.parquet"}, "name": "self", "key": "id", "keys": {}, "rows": {"columns": ["amount"]},
            "aggregates": [{"function": "max", "column": "day"}]}  # fmt: skip
    _write(tmp_path, reconcile=[loose, same])
    code, r, out = _results(tmp_path, cli)
    assert code == 0, out
    assert {k: v["status"] for k, v in r.items() if ".reconcile." in k} == {
        "orders.reconcile.crm.row_count": "passed",
        "orders.reconcile.crm.aggregates.sum.amount": "passed",
        "orders.reconcile.self.keys.missing": "passed",
        "orders.reconcile.self.keys.extra": "passed",
        "orders.reconcile.self.aggregates.max.day": "passed",
        "orders.reconcile.self.rows": "passed",
    }
    assert r["orders.reconcile.crm.row_count"]["message"] == (
        "299 rows here, 300 in crm.parquet (difference -1); allowed: max_difference 1"
    )


def test_references_find_values_the_referenced_column_lacks(tmp_path: Path, cli: Any) -> None:
    _write(
        tmp_path,
        reconcile=[],
        columns={"id": {"references": "crm.id"}, "email": {"references": "crm.email", "pii": "email"}},
    )
    code, r, _ = _results(tmp_path, cli)
    assert code == 1
    ref = r["orders.columns.id.references"]
    assert (ref["status"], ref["failing_count"], ref["samples"], ref["column"]) == ("failed", 2, ["900", "901"], "id")
    assert ref["message"] == "2 distinct values of id are not values of crm.id (first: 900, 901)"
    masked = r["orders.columns.email.references"]
    assert (masked["failing_count"], masked["samples"]) == (2, ["***", "***"])
    assert "new1@example.com" not in (tmp_path / "run.json").read_text(encoding="utf-8")


def test_each_comparison_is_in_the_plan_with_its_line(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, columns={"id": {"references": "crm.id"}})
    code, out, err = cli("plan", "orders.yml", cwd=tmp_path)
    assert (code, err) == (0, "")
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    for suffix in ("row_count", "keys.missing", "keys.extra", "aggregates.sum.amount", "aggregates.count.id",
                   "aggregates.sum.amount.by.day", "rows"):  # fmt: skip
        assert f"orders.reconcile.crm.{suffix}" in lines
        assert " reconcile " in lines[f"orders.reconcile.crm.{suffix}"]
    assert lines["orders.columns.id.references"].endswith("[orders.yml:5]")


def test_a_waiver_covers_a_reconciliation_and_junit_and_markdown_show_it(tmp_path: Path, cli: Any) -> None:
    waiver = {"check": "reconcile.crm.keys.extra", "reason": "new customers sync nightly",
              "approved_by": "jane@example.com", "expires": date(2026, 12, 31)}  # fmt: skip
    only_keys = {"against": {"dataset": "crm"}, "key": "id", "keys": {"missing": False}}
    _write(tmp_path, reconcile=[only_keys], waivers=[waiver])
    code, out, err = cli("run", "orders.yml", "crm.yml", "--no-history", "--json", "run.json", "--junit", "j.xml",
                         "--markdown", "r.md", "--html", "r.html", cwd=tmp_path)  # fmt: skip
    assert code == 0, out + err
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    (res,) = [r for r in report["datasets"][0]["results"] if r["check_id"] == "orders.reconcile.crm.keys.extra"]
    assert res["status"] == "waived"
    names = [c.get("name") for c in ElementTree.parse(tmp_path / "j.xml").iter("testcase")]
    assert "orders.reconcile.crm.keys.extra" in names
    assert "orders.reconcile.crm.keys.extra" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "reconcile_keys_extra · reconcile" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_store_run_keeps_the_results_in_the_audit_chain(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[{"against": {"dataset": "crm"}, "key": "id", "keys": {}}])
    store = f"sqlite:///{tmp_path / 'h.db'}"
    code, out, err = cli("run", "orders.yml", "crm.yml", "--store", store, cwd=tmp_path)
    assert code == 1, out + err
    code, out, err = cli("audit", "verify", "--store", store, cwd=tmp_path)
    assert code == 0, out + err
    code, out, err = cli("report", "--dataset", "orders", "--store", store, "--json", "stored.json", cwd=tmp_path)
    assert code == 0, out + err
    stored = json.loads((tmp_path / "stored.json").read_text(encoding="utf-8"))
    statuses = {r["check_id"]: r["status"] for r in stored["datasets"][0]["results"]}
    assert statuses["orders.reconcile.crm.keys.missing"] == "failed"
    assert statuses["orders.reconcile.crm.keys.extra"] == "failed"


# --- bad input ------------------------------------------------------------------------------


def test_a_dataset_no_suite_declares_is_a_located_suite_error(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[{"against": {"dataset": "nosuch"}, "row_count": {}}],
           columns={"id": {"references": "gone.id"}})  # fmt: skip
    code, out, err = cli("run", "orders.yml", "crm.yml", "--no-history", "--json", "run.json", cwd=tmp_path)
    assert code == 2
    assert err.splitlines() == [
        "orders.yml:7:37: reconcile.0.against.dataset: no suite declares dataset 'nosuch' (datasets of this run: "
        "crm, orders); add that dataset's suite to the run's paths, or give path (a file) or connection and table",
        "orders.yml:5:24: columns.id.references: no suite declares dataset 'gone' (datasets of this run: crm, "
        "orders); add that dataset's suite to the run's paths",
        "error: 2 problems in suites; nothing was run",
    ]
    assert "Traceback" not in err
    assert not (tmp_path / "run.json").exists()


def test_a_file_that_does_not_exist_is_exit_2_naming_the_suite_line(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[{"against": {"path": "nowhere.parquet"}, "row_count": {}}])
    code, out, err = cli("run", "orders.yml", "--no-history", cwd=tmp_path)
    assert code == 2
    assert "error: orders: orders.yml:" in err and ": reconcile.0.against: nowhere.parquet cannot be read: " in err
    assert "Traceback" not in err


def test_a_target_without_the_key_column_or_with_another_key_type_errors(tmp_path: Path, cli: Any) -> None:
    pl.DataFrame({"code": ["1", "2"]}).write_parquet(tmp_path / "text.parquet")
    pl.DataFrame({"id": ["1", "2"]}).write_parquet(tmp_path / "text_id.parquet")
    _write(tmp_path, reconcile=[
        {"against": {"path": "text.parquet"}, "name": "nokey", "key": "id", "keys": {}},
        {"against": {"path": "text_id.parquet"}, "name": "types", "key": "id", "keys": {"extra": False}},
        {"against": {"path": "text_id.parquet"}, "name": "agg", "aggregates": [{"function": "sum", "column": "amount"}]},
    ])  # fmt: skip
    code, r, _ = _results(tmp_path, cli)
    assert code == 1
    nokey = r["orders.reconcile.nokey.keys.missing"]
    assert (nokey["status"], nokey["message"]) == ("errored", "text.parquet has no key column id (it has: code)")
    assert r["orders.reconcile.nokey.keys.extra"]["status"] == "errored"
    types = r["orders.reconcile.types.keys.missing"]
    assert types["status"] == "errored"
    assert types["message"] == (
        "key types differ: column id is integer (Int64) here and id is text (String) in text_id.parquet: they "
        "cannot be compared (cast one side, e.g. in a view)"
    )
    assert r["orders.reconcile.agg.aggregates.sum.amount"]["message"] == (
        "text_id.parquet has no column amount (it has: id)"
    )


def test_bad_declarations_are_located_suite_errors(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[
        {"against": {"path": "crm.parquet"}, "row_count": {"max_difference": "ten"}},
        {"against": {"path": "crm.parquet", "dataset": "crm"}, "name": "two", "row_count": {}},
        {"against": {"path": "crm.parquet"}, "name": "nothing"},
        {"against": {"path": "crm.parquet"}, "name": "nokey", "keys": {}},
    ], columns={"id": {"references": "crm"}})  # fmt: skip
    code, out, err = cli("run", "orders.yml", "--no-history", cwd=tmp_path)
    assert code == 2
    assert "reconcile.0.row_count.max_difference: " in err and "number" in err
    assert (
        "reconcile.1.against: give exactly one of dataset (a suite's dataset), path (a file) or connection and table"
        in err
    )
    assert "reconcile.2: declares nothing to compare: give row_count, keys, aggregates or rows" in err
    assert "reconcile.3: keys and rows compare by key: give key (a column or a list)" in err
    assert "columns.id.references: 'crm': write the referenced column as dataset.column (e.g. customers.id)" in err
    assert "Traceback" not in err


def test_the_plan_lists_exactly_the_checks_the_run_reports(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, columns={"id": {"references": "crm.id"}})
    _, r, _ = _results(tmp_path, cli)
    code, out, _ = cli("plan", "orders.yml", cwd=tmp_path)
    planned = {line.split()[0] for line in out.splitlines()[1:]}
    reported = {k for k in r if k.startswith("orders.")}
    when_only = {"orders.schema.empty", "orders.drift.schema"}  # report only when empty / with a baseline
    assert planned - when_only == reported


def test_this_datasets_plain_aggregates_come_from_its_one_pass(tmp_path: Path, monkeypatch: Any) -> None:
    """No second read of this dataset for sum/mean/min/max/count: they are figures of the pass."""
    from stewardgate.reconcile.sides import PolarsSide
    from stewardgate.runner import RunOptions, run_paths

    asked: list[tuple[str, list[str], bool]] = []
    real = PolarsSide.figures

    def spy(self: PolarsSide, aggs: list[Any], *, rows: bool) -> dict[str, Any]:
        asked.append((self.label, [a.function for a in aggs], rows))
        return real(self, aggs, rows=rows)

    monkeypatch.setattr(PolarsSide, "figures", spy)
    functions = ["sum", "mean", "min", "max", "count"]
    aggregates = [{"function": f, "column": "amount"} for f in functions] + [{"function": "max", "column": "day"}]
    _write(tmp_path, reconcile=[{"against": {"path": "crm.parquet"}, "name": "crm", "aggregates": aggregates}])
    run = run_paths([tmp_path / "orders.yml"], RunOptions(as_of=date(2026, 11, 27)))
    assert asked == [("crm.parquet", [*functions, "max"], False), ("orders", [], False)]
    results = {r.check_id: r for r in run.datasets[0].results}
    for f in functions:
        assert (
            results[f"orders.reconcile.crm.aggregates.{f}.amount"].observed == getattr(planted.orders()["amount"], f)()
        )
    assert results["orders.reconcile.crm.aggregates.max.day"].status == "passed"


def test_numbers_of_two_types_compare_as_numbers(tmp_path: Path, cli: Any) -> None:
    """An integer column here against a float one there: aggregates and row values compare; keys must match types."""
    pl.DataFrame({"id": [1, 2, 3], "qty": [1.0, 2.0, 3.5]}).write_parquet(tmp_path / "floats.parquet")
    write_suite(tmp_path, data=pl.DataFrame({"id": [1, 2, 3], "qty": [1, 2, 3]}), suite_name="orders.yml",
                name="orders", top={"reconcile": [{"against": {"path": "floats.parquet"}, "name": "f", "key": "id",
                                                  "rows": {"columns": ["qty"]},
                                                  "aggregates": [{"function": "sum", "column": "qty"},
                                                                 {"function": "max", "column": "qty", "max_difference": 0.5}]}]})  # fmt: skip
    code, out, err = cli("run", "orders.yml", "--no-history", "--json", "run.json", cwd=tmp_path)
    report = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    r = {x["check_id"]: x for x in report["datasets"][0]["results"]}
    assert code == 1, out + err
    assert (r["orders.reconcile.f.rows"]["failing_count"], r["orders.reconcile.f.rows"]["samples"]) == (
        1, ["id=3: qty 3 here, 3.5 there"]
    )  # fmt: skip
    total = r["orders.reconcile.f.aggregates.sum.qty"]
    assert (total["status"], total["observed"], total["expected"]["value"]) == ("failed", 6, 6.5)
    assert r["orders.reconcile.f.aggregates.max.qty"]["status"] == "passed"


@pytest.mark.usefixtures("workers_at_once")
def test_each_worker_task_carries_only_the_suites_its_suite_names(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:  # fmt: skip
    """Each task is pickled on its own: with every suite of the run in each, a parallel run grew
    quadratically with the datasets (1,000 small ones took twice as long as serially)."""
    import stewardgate.workers as workers

    _write(tmp_path, reconcile=[{"against": {"dataset": "crm"}, "key": "id", "keys": {}}])
    carried: dict[str, list[str]] = {}
    run_all = workers.run_all

    def spy(tasks: list[Any], work: Any, **kw: Any) -> Any:
        carried.update({Path(task[0]).name: sorted(task[3].datasets) for task in tasks})
        return run_all(tasks, work, **kw)

    monkeypatch.setattr(workers, "run_all", spy)
    code, out, err = cli("run", ".", "--parallel", "2", "--no-history", cwd=tmp_path)
    assert code == 1, out + err  # the planted differences fail the gate: the worker found crm
    assert carried == {"orders.yml": ["crm"], "crm.yml": []}


@pytest.mark.usefixtures("workers_at_once")
def test_a_suite_left_out_by_select_is_still_found_and_workers_find_it_too(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[{"against": {"dataset": "crm"}, "key": "id", "keys": {}}])
    code, out, err = cli("run", ".", "--select", "orders", "--no-history", "--json", "one.json", cwd=tmp_path)
    one = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    assert [d["dataset"] for d in one["datasets"]] == ["orders"]
    code, out, err = cli("run", ".", "--parallel", "2", "--no-history", "--json", "two.json", cwd=tmp_path)
    assert code == 1, out + err
    two = json.loads((tmp_path / "two.json").read_text(encoding="utf-8"))
    for report in (one, two):
        (orders,) = [d for d in report["datasets"] if d["dataset"] == "orders"]
        found = {
            r["check_id"]: (r["failing_count"], r["samples"]) for r in orders["results"] if ".keys." in r["check_id"]
        }
        assert found == {"orders.reconcile.crm.keys.missing": (3, ["3", "5", "7"]),
                         "orders.reconcile.crm.keys.extra": (2, ["900", "901"])}  # fmt: skip


def test_github_annotations_point_at_the_reconciliation(tmp_path: Path, cli: Any) -> None:
    _write(tmp_path, reconcile=[{"against": {"dataset": "crm"}, "key": "id", "keys": {"extra": False}}])
    code, out, err = cli("run", "orders.yml", "crm.yml", "--no-history", "--github", cwd=tmp_path)
    assert code == 1
    (line,) = [x for x in out.splitlines() if "orders.reconcile.crm.keys.missing" in x and x.startswith("::")]
    assert line.startswith("::error file=orders.yml,line=")
    assert "3 id values of crm are missing here (first: 3, 5, 7)" in line


def test_validate_finds_a_dataset_no_suite_declares(tmp_path: Path, cli: Any) -> None:
    _write(
        tmp_path,
        reconcile=[{"against": {"dataset": "crm"}, "row_count": {}}],
        columns={"id": {"references": "gone.id"}},
    )
    assert cli("validate", "orders.yml", "crm.yml", cwd=tmp_path).code == 2
    code, out, err = cli("validate", "orders.yml", cwd=tmp_path)
    assert code == 2
    assert err.splitlines() == [
        "orders.yml:7:37: reconcile.0.against.dataset: no suite declares dataset 'crm' (datasets of this run: "
        "orders); add that dataset's suite to the run's paths, or give path (a file) or connection and table",
        "orders.yml:5:24: columns.id.references: no suite declares dataset 'gone' (datasets of this run: orders); "
        "add that dataset's suite to the run's paths",
        "error: 2 problems in suites; nothing was run",
    ]


def test_aggregates_and_groups_of_personal_data_show_no_values(tmp_path: Path, cli: Any) -> None:
    aggregates = [{"function": "min", "column": "email"}, {"function": "count", "column": "id", "by": "email"}]
    _write(tmp_path, reconcile=[{"against": {"dataset": "crm"}, "aggregates": aggregates}])
    code, r, _ = _results(tmp_path, cli)
    assert code == 1
    top = r["orders.reconcile.crm.aggregates.min.email"]  # new1@... here, user0@... there
    assert (top["status"], top["observed"], top["expected"]["value"]) == ("failed", "***", "***")
    assert top["message"] == "min(email) is *** here, *** in crm; allowed: equal"
    groups = r["orders.reconcile.crm.aggregates.count.id.by.email"]
    assert groups["failing_count"] == 5  # 3 missing here, 2 extra: one group each
    assert all(s.startswith("***: ") for s in groups["samples"])
    text = (tmp_path / "run.json").read_text(encoding="utf-8")
    assert "new1@" not in text and "user0@" not in text and "user3@" not in text
