"""Helpers for order tests: unique ids, placing orders, waiting for an end."""

import time
import uuid
from typing import Any

import httpx

TERMINAL = {"completed", "cancelled", "failed"}


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def stocked_sku(api: httpx.Client, quantity: int) -> str:
    sku = new_id("SKU")
    response = api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": quantity})
    assert response.status_code == 200, response.text
    return sku


def place(api: httpx.Client, order_id: str, lines: list[tuple[str, int, str]]) -> httpx.Response:
    body = {
        "order_id": order_id,
        "customer_id": "c-1",
        "lines": [{"sku": s, "quantity": q, "unit_price": p} for s, q, p in lines],
    }
    return api.post("/api/v1/orders", json=body)


def view(api: httpx.Client, order_id: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/orders/{order_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def wait_for(
    api: httpx.Client, order_id: str, statuses: set[str], timeout_s: float = 60.0
) -> dict[str, Any]:
    """Poll until the order's status is one of `statuses` and, for an end status, its
    workflow has finished too."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = api.get(f"/api/v1/orders/{order_id}")
        if response.status_code == 200:
            current = response.json()
            workflow = current["workflow"] or {}
            settled = current["status"] not in TERMINAL or workflow.get("runtime_status") in {
                "COMPLETED",
                "FAILED",
                "TERMINATED",
            }
            if current["status"] in statuses and settled:
                return dict(current)
        if time.monotonic() > deadline:
            raise AssertionError(f"order {order_id} not in {statuses}: {response.text}")
        time.sleep(0.3)


def stock(api: httpx.Client, sku: str) -> dict[str, Any]:
    response = api.get(f"/api/v1/inventory/{sku}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result
