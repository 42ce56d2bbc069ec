"""`restocks` topic through the real in-memory pub/sub: events start restock workflows."""

import time
import uuid

import httpx
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient

from actors.inventory_interface import INVENTORY_ACTOR_TYPE
from tests.support.restock_events import publish_restock, wait_completed, workflow_state


def _on_hand(sidecar_http: httpx.Client, sku: str) -> int:
    response = sidecar_http.post(f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/GetStock")
    return int(response.json()["on_hand"])


def test_published_event_is_delivered_and_restocks(
    dapr: DaprClient, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """An event on `restocks` reaches the app's subscription and its workflow completes."""
    sku, event_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    publish_restock(dapr, event_id, {"sku": sku, "quantity": 2})
    wait_completed(workflow_client, event_id)
    assert _on_hand(sidecar_http, sku) == 2


def test_redelivered_event_starts_nothing_new(
    dapr: DaprClient, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """The same event id twice: one workflow instance (same creation time), stock added once."""
    sku, event_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    publish_restock(dapr, event_id, {"sku": sku, "quantity": 5})
    first = wait_completed(workflow_client, event_id)
    publish_restock(dapr, event_id, {"sku": sku, "quantity": 5})
    time.sleep(2)  # delivery takes milliseconds; give a second run time to show up
    again = wait_completed(workflow_client, event_id)
    assert again.created_at == first.created_at
    assert _on_hand(sidecar_http, sku) == 5


def test_malformed_event_is_dropped_without_starting_a_workflow(
    dapr: DaprClient, workflow_client: DaprWorkflowClient
) -> None:
    """An event whose data fails validation is dropped: no workflow instance exists for it."""
    event_id = str(uuid.uuid4())
    publish_restock(dapr, event_id, {"sku": "", "quantity": "lots"})
    time.sleep(2)
    assert workflow_state(workflow_client, event_id) is None
