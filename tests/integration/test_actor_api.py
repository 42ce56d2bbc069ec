"""Actor method invocation under /api/v1/actors against the real sidecar."""

import uuid
from typing import Any

import httpx

BASE = "/api/v1/actors/InventoryActor"


def _problem(response: httpx.Response, status: int, error_code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["error_code"] == error_code
    return body


def test_declared_methods_are_invoked_with_the_body_as_argument(api: httpx.Client) -> None:
    """Restock takes the JSON body; GetStock then returns the new level."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    restocked = api.post(f"{BASE}/{sku}/methods/Restock", json={"restock_id": "r-1", "quantity": 7})
    assert restocked.status_code == 200, restocked.text
    assert restocked.json() == {"sku": sku, "on_hand": 7, "reserved": 0, "available": 7}
    stock = api.post(f"{BASE}/{sku}/methods/GetStock")
    assert stock.json() == {"sku": sku, "on_hand": 7, "reserved": 0, "available": 7}


def test_unknown_actor_type_is_404(api: httpx.Client) -> None:
    """A type the service does not host is a 404 problem naming it."""
    body = _problem(
        api.post("/api/v1/actors/NoSuchActor/x/methods/GetStock"), 404, "ACTOR_NOT_FOUND"
    )
    assert "NoSuchActor" in body["detail"]


def test_undeclared_method_is_404(api: httpx.Client) -> None:
    """Only interface-declared names are callable: not Python names, not private helpers."""
    for method in ("get_stock", "_stock_level", "SelfDestruct", "getstock"):
        _problem(api.post(f"{BASE}/SKU-1/methods/{method}"), 404, "ACTOR_NOT_FOUND")


def test_the_actors_own_refusal_is_a_422_and_changes_nothing(api: httpx.Client) -> None:
    """Restock with a bad argument is the actor's ValidationError as a 422, never a 500."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    body = _problem(
        api.post(f"{BASE}/{sku}/methods/Restock", json={"restock_id": "r", "quantity": 0}),
        422,
        "ACTOR_METHOD_REJECTED",
    )
    assert "quantity" in body["detail"]
    assert "greater than 0" in body["detail"]
    missing = api.post(f"{BASE}/{sku}/methods/Restock")
    assert 400 <= missing.status_code < 500, missing.text
    empty = {"sku": sku, "on_hand": 0, "reserved": 0, "available": 0}
    assert api.post(f"{BASE}/{sku}/methods/GetStock").json() == empty
