"""Permitted uses and run --purpose: approved uses, classification policy, personal-data columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from stewardgate.errors import SuiteError, UsageError
from stewardgate.results import Status
from tests.lineage.lineage_testkit import AS_OF, by_id, customers_suite, run


def test_a_declared_use_the_classification_forbids_fails(pair) -> None:
    folder = pair(customers=customers_suite(uses="[analytics, retrieval, training]", personal="[analytics]"))
    r = by_id(run([folder / "customers.yml"]), "customers.governance.permitted_uses")
    assert r.status is Status.FAILED
    assert (
        r.message
        == "declared uses retrieval, training are not allowed for restricted data (allowed: analytics, reporting)"
    )
    assert r.observed == ["retrieval", "training"]


def test_uses_the_classification_allows_pass(pair) -> None:
    folder = pair()
    r = by_id(run([folder / "orders.yml"]), "orders.governance.permitted_uses")
    assert r.status is Status.PASSED
    assert r.message == "permitted uses analytics, fine_tuning agree with the classification"


def test_without_a_purpose_no_purpose_check_is_planned(pair) -> None:
    folder = pair()
    ids = [r.check_id for d in run([folder]).datasets for r in d.results]
    assert not [i for i in ids if i.endswith(".governance.purpose")]


def test_purpose_blocks_a_dataset_not_approved_for_it(pair) -> None:
    folder = pair()
    result = run([folder], purpose="fine_tuning")
    orders = by_id(result, "orders.governance.purpose")
    assert orders.status is Status.PASSED and orders.message == "approved for fine_tuning"
    customers = by_id(result, "customers.governance.purpose")
    assert customers.status is Status.FAILED
    assert customers.message == (
        "not approved for fine_tuning: it is approved for analytics, reporting, not fine_tuning; "
        "restricted data allows analytics, reporting; fine_tuning may not see its personal-data columns "
        "(email; stewardship.personal_data_uses)"
    )
    gate = next(d for d in result.datasets if d.dataset == "customers").gate
    assert not gate.passed and "customers.governance.purpose" in gate.blocking


def test_personal_data_columns_need_a_purpose_that_may_see_them(pair) -> None:
    folder = pair()
    assert (
        by_id(run([folder / "customers.yml"], purpose="analytics"), "customers.governance.purpose").status
        is Status.PASSED
    )
    r = by_id(run([folder / "customers.yml"], purpose="reporting"), "customers.governance.purpose")
    assert r.status is Status.FAILED
    assert r.message == ("not approved for reporting: reporting may not see its personal-data columns "
                         "(email; stewardship.personal_data_uses)")  # fmt: skip


def test_a_suite_without_permitted_uses_is_approved_for_nothing(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "d.yml").write_text(
        "version: 1\ndataset: {name: d, path: d.csv}\nstewardship: {owner: a@example.com, steward: b@example.com}\n",
        encoding="utf-8",
    )
    r = by_id(run([tmp_path / "d.yml"], purpose="retrieval"), "d.governance.purpose")
    assert r.status is Status.FAILED
    assert r.message == "not approved for retrieval: the suite declares no stewardship.permitted_uses"


def test_an_unknown_purpose_is_a_usage_error(pair) -> None:
    folder = pair()
    with pytest.raises(UsageError) as err:
        run([folder], purpose="fine-tuning")
    assert str(err.value) == (
        "--purpose: unknown purpose 'fine-tuning' (did you mean 'fine_tuning'? "
        "allowed: analytics, reporting, retrieval, fine_tuning, training)"
    )


def test_unknown_use_names_in_a_suite_are_located_errors(pair) -> None:
    folder = pair(customers=customers_suite(uses="[analytics, reportng]", personal="[analytics, training]"))
    with pytest.raises(SuiteError) as err:
        run([folder / "customers.yml"])
    path = folder / "customers.yml"
    assert str(err.value).splitlines() == [
        f"{path}:7:31: stewardship.permitted_uses.1: unknown use 'reportng' (did you mean 'reporting'? "
        "allowed: analytics, reporting, retrieval, fine_tuning, training)",
        f"{path}:8:35: stewardship.personal_data_uses.1: 'training' is not one of permitted_uses",
    ]


def test_settings_define_the_vocabulary_and_the_policy(pair) -> None:
    from stewardgate.runner import RunOptions, run_paths
    from stewardgate.settings import GovernanceSettings

    folder = pair(customers=customers_suite(uses="[analytics, rag]", personal="[]"))
    settings = GovernanceSettings(
        uses=("analytics", "rag"), uses_by_classification={"restricted": ("analytics",)}, purpose="rag"
    )
    result = run_paths([folder / "customers.yml"], RunOptions(as_of=AS_OF, governance=settings))
    assert by_id(result, "customers.governance.permitted_uses").message == (
        "declared use rag is not allowed for restricted data (allowed: analytics)"
    )
    assert by_id(result, "customers.governance.purpose").status is Status.FAILED


def test_the_cli_refuses_an_unknown_purpose_with_exit_2(pair, cli) -> None:
    folder = pair()
    assert tuple(cli("run", folder, "--no-history", "--purpose", "training_data")) == (
        2, "", "error: --purpose: unknown purpose 'training_data' (did you mean 'training'? "
        "allowed: analytics, reporting, retrieval, fine_tuning, training)\n",
    )  # fmt: skip


def test_validate_finds_unknown_uses_too(pair, cli) -> None:
    folder = pair(customers=customers_suite(uses="[analytics, reportng]"))
    code, out, err = cli("validate", folder / "customers.yml")
    assert (code, out) == (2, "")
    assert err == (f"{folder / 'customers.yml'}:7:31: stewardship.permitted_uses.1: unknown use 'reportng' (did you mean "
                   "'reporting'? allowed: analytics, reporting, retrieval, fine_tuning, training)\n"
                   "error: 1 problem in suites; nothing was run\n")  # fmt: skip
