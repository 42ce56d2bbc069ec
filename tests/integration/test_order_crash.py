"""Workflows survive a crash: SIGKILL the app mid-order, start it again, every order
completes exactly once. Runs on a stack of its own, so the session stack never sees a kill."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.build import build
from devstack.stack import Stack
from devstack.stack_config import StackConfig
from tests.conftest import TEST_APP_ENV
from tests.support.orders import new_id, place, stock, stocked_sku, view, wait_for
from tests.support.payments import PaymentsAdmin


@pytest.fixture(scope="module")
def crash_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    build()
    root: Path = tmp_path_factory.mktemp("crash-stack")
    # Approval waits long enough to span the kill and the restart.
    config = StackConfig.throwaway(root, {**TEST_APP_ENV, "ORDERFLOW_APPROVAL_TIMEOUT": "PT120S"})
    running = Stack(config, progress=lambda _: None)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _wait_ready(api: httpx.Client, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if api.get("/health/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError("the restarted app did not become ready")


def test_orders_complete_exactly_once_after_the_app_is_killed(crash_stack: Stack) -> None:
    """Orders in payment (slow provider) and in approval when the app dies: after the
    restart each completes once, stock is taken once and each is charged once."""
    payments = PaymentsAdmin(crash_stack)
    payments.behave(latency_ms=1500)
    with crash_stack.api_client(timeout_s=10) as api:
        sku = stocked_sku(api, 20)
        small = [new_id("crash") for _ in range(3)]
        large = [new_id("crash-big") for _ in range(2)]
        for order_id in small:
            assert place(api, order_id, [(sku, 1, "5.00")]).status_code == 202
        for order_id in large:
            assert place(api, order_id, [(sku, 2, "600.00")]).status_code == 202
        for order_id in large:
            wait_for(api, order_id, {"awaiting_approval"})

        crash_stack.app.kill()
        crash_stack.app.start()
        _wait_ready(api)
        payments.behave()

        for order_id in large:
            approved = api.post(f"/api/v1/orders/{order_id}/approve", json={})
            assert approved.status_code == 202, approved.text
        for order_id in small + large:
            done = wait_for(api, order_id, {"completed", "failed", "cancelled"}, timeout_s=120)
            assert done["status"] == "completed", done
            history = [step["status"] for step in view(api, order_id)["order"]["history"]]
            assert history.count("completed") == 1
            charge = payments.charge(order_id)
            assert charge is not None
            assert charge["approved"] is True
        assert stock(api, sku) == {"sku": sku, "on_hand": 13, "reserved": 0, "available": 13}
