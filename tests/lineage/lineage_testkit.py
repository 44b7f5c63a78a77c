"""Helpers of the lineage and permitted-use tests: two CSV datasets, their suites, an in-process run.

``customers`` (restricted, an e-mail column declared as personal data) is upstream of
``orders`` (internal, low tier). ``CUSTOMERS_BAD`` plants an id of 0 (``min: 1`` fails), so the
upstream's gate fails on demand.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from stewardgate.results import CheckResult, RunResult

AS_OF = date(2026, 11, 27)
CUSTOMERS_BAD = "id,email\n0,ann@example.com\n2,bob@example.com\n"
CUSTOMERS = "id,email\n1,ann@example.com\n2,bob@example.com\n"
ORDERS_OK = "order_id,customer_id,amount\n1,1,5.0\n2,2,7.5\n"
ORDERS_BAD = "order_id,customer_id,amount\n1,1,5.0\n2,2,-1.0\n"


def customers_suite(extra: str = "", *, uses: str = "[analytics, reporting]", personal: str = "[analytics]") -> str:
    return f"""version: 1
dataset: {{name: customers, path: customers.csv}}
stewardship:
  owner: crm@example.com
  steward: ann@example.com
  classification: restricted
  permitted_uses: {uses}
  personal_data_uses: {personal}
columns:
  id: {{type: int64, min: 1}}
  email: {{type: string, pii: email, classification: restricted}}
{extra}"""


def orders_suite(extra: str = "", *, upstream: str = "[customers, postgres://warehouse/sales.raw_orders]") -> str:
    return f"""version: 1
dataset: {{name: orders, path: orders.csv}}
stewardship:
  owner: sales@example.com
  steward: bob@example.com
  classification: internal
  risk_tier: low
  permitted_uses: [analytics, fine_tuning]
columns:
  order_id: {{type: int64}}
  customer_id: {{type: int64}}
  amount: {{type: float64, min: 0}}
lineage:
  upstream: {upstream}
{extra}"""


def run(paths: list[Path], *, store: Path | None = None, as_of: date = AS_OF, purpose: str | None = None,
        parallel: int = 1, **options: Any) -> RunResult:  # fmt: skip
    """An in-process run (no store unless ``store``), as of the tests' pinned day."""
    from stewardgate.runner import RunOptions, run_paths
    from stewardgate.settings import GovernanceSettings

    governance = GovernanceSettings(purpose=purpose)
    return run_paths(paths, RunOptions(as_of=as_of, use_store=store is not None, store_path=store,
                                       governance=governance, parallel=parallel, **options))  # fmt: skip


def by_id(result: RunResult, check_id: str) -> CheckResult:
    """The one result with this id."""
    found = [r for d in result.datasets for r in d.results if r.check_id == check_id]
    assert len(found) == 1, f"{check_id}: {len(found)} results"
    return found[0]
