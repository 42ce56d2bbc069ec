"""Answers match what the OpenAPI document promises (issue 11, defect 6): order history
times carry their UTC offset, placed orders are listed at once, and the inventory-audit
binding route answers what it declares."""

import time
from datetime import datetime, timedelta

import httpx
from dapr.clients import DaprClient

from tests.support.order_events import order_body, publish
from tests.support.orders import new_id, place, stocked_sku, wait_for

INSTANCES = "/api/v1/workflows/instances"


def _listed(api: httpx.Client, instance_id: str) -> bool:
    page = api.get(INSTANCES, params={"name": "order_fulfillment", "limit": 500}).json()
    return instance_id in {item["instance_id"] for item in page["items"]}


def test_every_history_time_is_utc_with_its_offset(api: httpx.Client) -> None:
    """`date-time` in the schema: each step's `at`, the workflow's included, has +00:00."""
    order_id = new_id("o")
    assert place(api, order_id, [(stocked_sku(api, 1), 1, "1.00")]).status_code == 202
    done = wait_for(api, order_id, {"completed"})
    times = [datetime.fromisoformat(step["at"]) for step in done["order"]["history"]]
    assert len(times) == 5
    assert all(at.utcoffset() == timedelta(0) for at in times), done["order"]["history"]


def test_an_order_placed_over_http_is_listed_before_anyone_reads_it(api: httpx.Client) -> None:
    """The instance list shows a new order straight after the 202."""
    order_id = new_id("o")
    assert place(api, order_id, [("SKU-none", 1, "1.00")]).status_code == 202
    assert _listed(api, order_id)


def test_an_order_placed_by_event_is_listed_before_anyone_reads_it(
    api: httpx.Client, dapr: DaprClient
) -> None:
    """`order.placed` places the order through the same code: it joins the index too."""
    order_id = new_id("order")
    publish(dapr, "orders", "order.placed", order_body(order_id, "SKU-none", 1))
    deadline = time.monotonic() + 15
    while not _listed(api, order_id):
        assert time.monotonic() < deadline, f"{order_id} never listed"
        time.sleep(0.3)


def test_the_inventory_audit_route_answers_what_it_declares(api: httpx.Client) -> None:
    """200 with no body, and the OpenAPI document declares no body for it."""
    declared = api.get("/openapi.json").json()["paths"]["/inventory-audit"]["post"]
    assert declared["responses"]["200"].get("content", {}) == {}
    response = api.post("/inventory-audit")
    assert (response.status_code, response.content) == (200, b"")
