"""The one id rule at the API: ids the engine cannot run, or that collide with a derived
child id, are refused with 422 and start nothing."""

import httpx
import pytest

from tests.support.orders import new_id, place, stocked_sku, wait_for

PROBLEM = "application/problem+json"


def _refused(response: httpx.Response, field: str | None = None) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    if field is not None:
        assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize("suffix", [":", "::1", ":::1::1:", ":shipping"])
def test_an_order_id_with_a_colon_is_refused_and_starts_nothing(
    api: httpx.Client, suffix: str
) -> None:
    """Trailing ':' and '::' (daprd's activity separator) and derived-looking ids: 422."""
    order_id = new_id("o") + suffix
    _refused(place(api, order_id, [("SKU-none", 1, "1.00")]), "body.order_id")
    listed = api.get("/api/v1/workflows/instances", params={"name": "order_fulfillment"})
    assert order_id not in [item["instance_id"] for item in listed.json()["items"]]


def test_an_order_cannot_take_or_read_another_orders_child_id(api: httpx.Client) -> None:
    """After order P ships, `P:shipping` is P's child: placing or reading it as an order is
    a 422, while the workflow API reads the child as what it is."""
    parent = new_id("P")
    assert place(api, parent, [(stocked_sku(api, 1), 1, "1.00")]).status_code == 202
    wait_for(api, parent, {"completed"})
    child = f"{parent}:shipping"
    _refused(place(api, child, [("SKU-none", 1, "1.00")]), "body.order_id")
    _refused(api.get(f"/api/v1/orders/{child}"))
    read = api.get(f"/api/v1/workflows/instances/{child}")
    assert read.status_code == 200, read.text
    assert (read.json()["name"], read.json()["runtime_status"]) == ("shipping", "COMPLETED")


def test_a_workflow_instance_id_must_be_a_client_id(api: httpx.Client) -> None:
    """Starting under a derived-looking id is a 422 at the edge; nothing starts."""
    body = {"input": {"sku": "SKU-1", "quantity": 1}, "instance_id": f"{new_id('w')}:shipping"}
    _refused(api.post("/api/v1/workflows/restock", json=body), "body.instance_id")
