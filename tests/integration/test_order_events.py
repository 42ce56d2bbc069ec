"""The `orders` topic and its dead letters through the real pub/sub."""

import time

import httpx
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient

from tests.support.order_events import (
    dead_lettered,
    dead_letters,
    order_body,
    publish,
    wait_dead_letter,
)
from tests.support.orders import new_id, place, stocked_sku, view, wait_for
from tests.support.restock_events import workflow_state

SETTLE_S = 3  # delivery takes milliseconds; DROP goes to the dead letters at once


def test_order_placed_event_completes_the_order(api: httpx.Client, dapr: DaprClient) -> None:
    """An `order.placed` event starts order_fulfillment under the order id; it completes."""
    sku, order_id = stocked_sku(api, 5), new_id("order")
    publish(dapr, "orders", "order.placed", order_body(order_id, sku, 2))
    done = wait_for(api, order_id, {"completed"})
    assert done["workflow"]["runtime_status"] == "COMPLETED"
    assert done["workflow"]["instance_id"] == order_id


def test_same_order_twice_starts_one_instance(
    api: httpx.Client, dapr: DaprClient, workflow_client: DaprWorkflowClient
) -> None:
    """The same event id again, and a new event for the same order: one instance, one charge."""
    sku, order_id = stocked_sku(api, 5), new_id("order")
    body = order_body(order_id, sku, 1)
    event_id = publish(dapr, "orders", "order.placed", body)
    wait_for(api, order_id, {"completed"})
    first = workflow_state(workflow_client, order_id)
    assert first is not None
    publish(dapr, "orders", "order.placed", body, event_id=event_id)
    publish(dapr, "orders", "order.placed", body)
    time.sleep(SETTLE_S)
    again = workflow_state(workflow_client, order_id)
    assert again is not None
    assert again.created_at == first.created_at
    assert api.get(f"/api/v1/inventory/{sku}").json()["on_hand"] == 4


def test_route_and_event_share_the_order_id(api: httpx.Client, dapr: DaprClient) -> None:
    """An order placed over HTTP and then by event keeps its one workflow instance."""
    sku, order_id = stocked_sku(api, 5), new_id("order")
    assert place(api, order_id, [(sku, 1, "10.00")]).status_code == 202
    publish(dapr, "orders", "order.placed", order_body(order_id, sku, 1))
    wait_for(api, order_id, {"completed"})
    time.sleep(SETTLE_S)
    assert view(api, order_id)["status"] == "completed"
    assert api.get(f"/api/v1/inventory/{sku}").json()["on_hand"] == 4


def test_other_order_event_types_are_ignored(
    api: httpx.Client, dapr: DaprClient, workflow_client: DaprWorkflowClient
) -> None:
    """`order.completed` on `orders` is acknowledged: no instance, no dead letter."""
    order_id = new_id("order")
    event_id = publish(dapr, "orders", "order.completed", order_body(order_id, "SKU-X"))
    time.sleep(SETTLE_S)
    assert workflow_state(workflow_client, order_id) is None
    assert not dead_lettered(api, event_id)


def test_malformed_order_is_dropped_to_the_dead_letters(
    api: httpx.Client, dapr: DaprClient, workflow_client: DaprWorkflowClient
) -> None:
    """Invalid order data starts nothing and is listed under `orders` by the endpoint."""
    order_id = new_id("order")
    bad = {"order_id": order_id, "customer_id": "", "lines": []}
    event_id = publish(dapr, "orders", "order.placed", bad)
    letter = wait_dead_letter(api, event_id, "orders")
    assert letter["dead_letter_topic"] == "orders-deadletter"
    assert letter["type"] == "order.placed"
    assert letter["data"] == bad
    assert workflow_state(workflow_client, order_id) is None
    assert any(x["event_id"] == event_id for x in dead_letters(api, "orders-deadletter"))


def test_dead_letters_are_listed_newest_first(api: httpx.Client, dapr: DaprClient) -> None:
    """Two poison messages: the later one comes first; `limit` cuts the list."""
    older = publish(dapr, "orders", "order.placed", {"not": "an order"})
    wait_dead_letter(api, older, "orders")
    newer = publish(dapr, "orders", "order.placed", {"still": "not an order"})
    wait_dead_letter(api, newer, "orders")
    listed = [x["event_id"] for x in dead_letters(api, "orders")]
    assert listed.index(newer) < listed.index(older)
    assert len(dead_letters(api, "orders", limit=1)) == 1
    assert api.get("/api/v1/dead-letters", params={"limit": 0}).status_code == 422


def test_concurrent_dead_letters_are_all_kept(api: httpx.Client, dapr: DaprClient) -> None:
    """Eight poison messages published at once: the ETag-guarded index loses none."""
    ids = [publish(dapr, "orders", "order.placed", {"n": n}) for n in range(8)]
    for event_id in ids:
        wait_dead_letter(api, event_id, "orders")


def test_a_dead_letter_larger_than_the_state_value_limit_is_kept_and_listed(
    api: httpx.Client, dapr: DaprClient
) -> None:
    """A 1.2 MiB poison message (the state store takes 1 MiB a value) is kept in parts and
    listed whole with the others. (Before: the save was refused, the delivery retried
    until daprd gave up, and the message was lost.) Not larger: every later listing of
    the session's dead letters carries it."""
    bad = {"not": "an order", "blob": "x" * (1024 * 1024 + 200 * 1024)}
    event_id = publish(dapr, "orders", "order.placed", bad)
    letter = wait_dead_letter(api, event_id, "orders", timeout_s=60)
    assert letter["data"] == bad
    assert letter["dead_letter_topic"] == "orders-deadletter"
