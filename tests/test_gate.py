"""The gate is a pure function: results x policy -> decision. Errored always blocks (fail
closed), failed always blocks, warned blocks only under ``fail_on: warn``; skipped, info and
waived never block."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from stewardgate.gate import BlockingPolicy, decide, unreadable
from stewardgate.results import CheckResult, DatasetRun, GateDecision, RunResult, Severity, Status

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def result(status: Status, check_id: str = "t.columns.a.min") -> CheckResult:
    return CheckResult(check_id, check_id.rsplit(".", 1)[-1], status, Severity.ERROR, "polars", status.value)


BLOCKS = {
    # status: (blocks under fail_on: error, blocks under fail_on: warn)
    Status.PASSED: (False, False),
    Status.SKIPPED: (False, False),
    Status.INFO: (False, False),
    Status.WAIVED: (False, False),
    Status.WARNED: (False, True),
    Status.FAILED: (True, True),
    Status.ERRORED: (True, True),
}


def test_the_table_covers_every_status() -> None:
    assert set(BLOCKS) == set(Status)


@pytest.mark.parametrize("fail_on", ["error", "warn"])
@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.value)
def test_one_result(status: Status, fail_on: str) -> None:
    blocks = BLOCKS[status][fail_on == "warn"]
    decision = decide([result(Status.PASSED, "t.x.ok"), result(status)], BlockingPolicy(fail_on=fail_on))
    assert decision.passed is not blocks
    assert decision.blocking == (("t.columns.a.min",) if blocks else ())
    assert decision.fail_on == fail_on


def test_no_results_pass() -> None:
    assert decide([], BlockingPolicy()) == GateDecision(
        passed=True, fail_on="error", blocking=(), reason="no blocking results"
    )


def test_the_default_policy_fails_on_error() -> None:
    assert BlockingPolicy().fail_on == "error"
    assert BlockingPolicy().blocking == frozenset({Status.FAILED, Status.ERRORED})
    assert BlockingPolicy("warn").blocking == frozenset({Status.FAILED, Status.ERRORED, Status.WARNED})


def test_the_reason_counts_blocking_statuses_worst_first() -> None:
    results = [
        result(Status.FAILED, "t.a"), result(Status.WARNED, "t.b"), result(Status.ERRORED, "t.c"),
        result(Status.FAILED, "t.d"), result(Status.SKIPPED, "t.e"), result(Status.INFO, "t.f"),
    ]  # fmt: skip
    assert decide(results, BlockingPolicy("error")) == GateDecision(
        passed=False, fail_on="error", blocking=("t.a", "t.c", "t.d"), reason="1 errored, 2 failed (fail_on: error)"
    )
    assert decide(results, BlockingPolicy("warn")) == GateDecision(
        passed=False, fail_on="warn", blocking=("t.a", "t.b", "t.c", "t.d"),
        reason="1 errored, 2 failed, 1 warned (fail_on: warn)",
    )  # fmt: skip


def test_errored_blocks_even_when_everything_else_passes() -> None:
    results = [result(Status.PASSED, f"t.{i}") for i in range(50)] + [result(Status.ERRORED, "t.crash")]
    decision = decide(results, BlockingPolicy("error"))
    assert (decision.passed, decision.blocking, decision.reason) == (False, ("t.crash",), "1 errored (fail_on: error)")


def test_only_non_blocking_statuses_pass_under_warn() -> None:
    results = [result(s, f"t.{s.value}") for s in (Status.PASSED, Status.SKIPPED, Status.INFO, Status.WAIVED)]
    assert decide(results, BlockingPolicy("warn")).passed is True


def test_decide_takes_any_iterable_and_is_pure() -> None:
    results = (result(Status.FAILED, "t.a"), result(Status.PASSED, "t.b"))
    first = decide(iter(results), BlockingPolicy())
    assert first == decide(list(results), BlockingPolicy()) == decide(results, BlockingPolicy())
    assert results == (result(Status.FAILED, "t.a"), result(Status.PASSED, "t.b"))


@pytest.mark.parametrize("fail_on", ["error", "warn"])
def test_an_unreadable_dataset_never_passes(fail_on: str) -> None:
    assert unreadable("d.parquet: the file is empty", BlockingPolicy(fail_on)) == GateDecision(
        passed=False, fail_on=fail_on, blocking=(), reason="dataset could not be checked: d.parquet: the file is empty"
    )


def _dataset(name: str, gate: GateDecision, error: str | None = None) -> DatasetRun:
    return DatasetRun(name, f"{name}.yml", "0" * 64, {}, (), gate, T0, T0, error=error)


def test_run_exit_code_is_the_worst_dataset() -> None:
    ok = decide([], BlockingPolicy())
    bad = decide([result(Status.FAILED)], BlockingPolicy())

    def run(*datasets: DatasetRun) -> RunResult:
        return RunResult("id", "0.1.0", date(2026, 11, 26), T0, T0, datasets)

    assert run().exit_code == 0
    assert run(_dataset("a", ok), _dataset("b", ok)).exit_code == 0
    assert run(_dataset("a", ok), _dataset("b", bad)).exit_code == 1
    broken = _dataset("c", unreadable("gone", BlockingPolicy()), error="gone")
    assert run(_dataset("a", bad), broken).exit_code == 2
    assert run(_dataset("a", ok), broken).passed is False
