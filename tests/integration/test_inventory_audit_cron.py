"""The real `inventory-audit` cron on a stack of its own whose schedule (envRef) is 1 s."""

from collections.abc import Iterator
from dataclasses import replace

import pytest

from app.api.bindings.inventory_audit import AUDIT_INSTANCE_ID
from devstack.stack import Stack
from devstack.stack_config import StackConfig
from tests.conftest import TEST_APP_ENV
from tests.support.probe import wait_until


@pytest.fixture(scope="module")
def cron_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A local-profile stack whose daprd reads the audit schedule `@every 1s`."""
    root = tmp_path_factory.mktemp("audit-cron")
    config = replace(
        StackConfig.throwaway(
            root, {**TEST_APP_ENV, "ORDERFLOW_INVENTORY_AUDIT_PAGE_SIZE": "2"}, with_payment=False
        ),
        daprd_env={"ORDERFLOW_INVENTORY_AUDIT_SCHEDULE": "@every 1s"},
    )
    running = Stack(config, progress=lambda _: None)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def test_cron_ticks_run_the_audit_over_every_indexed_sku(cron_stack: Stack) -> None:
    """daprd's cron starts `inventory-audit`; its record covers the restocked SKUs in pages."""
    skus = ["CRON-A", "CRON-B", "CRON-C", "CRON-D", "CRON-E"]
    with cron_stack.api_client(timeout_s=10.0) as api:
        for sku in skus:
            restocked = api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 1})
            assert restocked.status_code == 200

        def audited_all() -> bool:
            last = api.get("/api/v1/inventory/audit")
            return last.status_code == 200 and last.json()["skus_checked"] == len(skus)

        wait_until(audited_all, 60, "a cron-started audit of all five SKUs", interval_s=0.5)
        record = api.get("/api/v1/inventory/audit").json()
    assert record["instance_id"] == AUDIT_INSTANCE_ID
    assert record["pages"] == 3  # page size 2: two continue_as_new, then the last page
    assert record["anomaly_count"] == 0
