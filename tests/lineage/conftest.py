"""Fixtures of the lineage and permitted-use tests (helpers: lineage_testkit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.lineage.lineage_testkit import CUSTOMERS, ORDERS_OK, customers_suite, orders_suite


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    """Write both datasets and suites; ``pair(customers=..., orders=..., orders_data=...)`` overrides."""

    def write(*, customers: str | None = None, orders: str | None = None, orders_data: str = ORDERS_OK,
              customers_data: str = CUSTOMERS) -> Path:  # fmt: skip
        (tmp_path / "customers.csv").write_text(customers_data, encoding="utf-8")
        (tmp_path / "orders.csv").write_text(orders_data, encoding="utf-8")
        (tmp_path / "customers.yml").write_text(
            customers if customers is not None else customers_suite(), encoding="utf-8"
        )
        (tmp_path / "orders.yml").write_text(orders if orders is not None else orders_suite(), encoding="utf-8")
        return tmp_path

    return write
