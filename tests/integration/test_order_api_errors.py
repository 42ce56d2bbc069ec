"""Bad input to each order and inventory route: a 4xx problem+json, never a 500."""

import httpx
import pytest

from tests.support.orders import new_id

PROBLEM = "application/problem+json"
GOOD_LINE = {"sku": "SKU-1", "quantity": 1, "unit_price": "1.00"}


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["status"] == status


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"order_id": "o-1", "customer_id": "c", "lines": []},
        {"order_id": "bad id!", "customer_id": "c", "lines": [GOOD_LINE]},
        {"order_id": "o-1", "customer_id": "c", "lines": [{**GOOD_LINE, "quantity": 0}]},
        {"order_id": "o-1", "customer_id": "c", "lines": [{**GOOD_LINE, "unit_price": "-1"}]},
        {"order_id": "o-1", "customer_id": "c", "lines": [{**GOOD_LINE, "sku": "../x"}]},
        {"order_id": "o-1", "customer_id": "c", "lines": [GOOD_LINE], "extra": 1},
    ],
)
def test_place_order_rejects_bad_bodies(api: httpx.Client, body: dict[str, object]) -> None:
    """Missing fields, empty lines, bad ids, non-positive quantities, negative prices."""
    _assert_problem(api.post("/api/v1/orders", json=body), 422)


def test_place_order_rejects_a_body_that_is_not_json(api: httpx.Client) -> None:
    """A body that does not parse is a 422 problem, not a 500."""
    response = api.post(
        "/api/v1/orders", content=b"{not json", headers={"content-type": "application/json"}
    )
    _assert_problem(response, 422)


def test_unknown_orders_are_404_and_bad_ids_422(api: httpx.Client) -> None:
    """Reading, approving, rejecting or cancelling an unknown order: 404; a malformed id: 422."""
    unknown = new_id("nobody")
    _assert_problem(api.get(f"/api/v1/orders/{unknown}"), 404)
    for action in ("approve", "reject", "cancel"):
        _assert_problem(api.post(f"/api/v1/orders/{unknown}/{action}"), 404)
        _assert_problem(api.post(f"/api/v1/orders/bad%20id/{action}"), 422)
    _assert_problem(api.get("/api/v1/orders/bad%20id"), 422)


def test_inventory_routes_reject_bad_input(api: httpx.Client) -> None:
    """A malformed SKU, a zero or huge restock quantity, unknown fields: 422 problems."""
    _assert_problem(api.get("/api/v1/inventory/bad%20sku"), 422)
    for body in ({"quantity": 0}, {"quantity": 10**9}, {"quantity": 1, "x": 1}, {}):
        _assert_problem(api.post("/api/v1/inventory/SKU-1/restock", json=body), 422)
    _assert_problem(api.post("/api/v1/inventory/bad%20sku/restock", json={"quantity": 1}), 422)
