"""`restocks` topic through the real in-memory pub/sub: events start restock workflows."""

import json
import time
import uuid
from typing import Any

import httpx
from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient, WorkflowState, WorkflowStatus

from actors.inventory_interface import INVENTORY_ACTOR_TYPE

PUBSUB, TOPIC = "pubsub", "restocks"


def _publish(dapr: DaprClient, event_id: str, data: Any) -> None:
    """Publish our own CloudEvent envelope, so the event id (= instance id) is known."""
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "tests",
        "type": "inventory.restock.requested",
        "datacontenttype": "application/json",
        "data": data,
    }
    dapr.publish_event(
        PUBSUB, TOPIC, json.dumps(envelope), data_content_type="application/cloudevents+json"
    )


def _state(client: DaprWorkflowClient, instance_id: str) -> WorkflowState | None:
    try:
        return client.get_workflow_state(instance_id)
    except Exception as error:  # the 1.14 sidecar reports an unknown id as UNKNOWN
        if "no such instance exists" in str(error):
            return None
        raise


def _wait_completed(client: DaprWorkflowClient, instance_id: str) -> WorkflowState:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = _state(client, instance_id)
        if state is not None and state.runtime_status == WorkflowStatus.COMPLETED:
            return state
        time.sleep(0.2)
    raise AssertionError(f"workflow {instance_id} did not complete; last state {state}")


def _on_hand(sidecar_http: httpx.Client, sku: str) -> int:
    response = sidecar_http.post(f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/GetStock")
    return int(response.json()["on_hand"])


def test_published_event_is_delivered_and_restocks(
    dapr: DaprClient, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """An event on `restocks` reaches the app's subscription and its workflow completes."""
    sku, event_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    _publish(dapr, event_id, {"sku": sku, "quantity": 2})
    _wait_completed(workflow_client, event_id)
    assert _on_hand(sidecar_http, sku) == 2


def test_redelivered_event_starts_nothing_new(
    dapr: DaprClient, workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """The same event id twice: one workflow instance (same creation time), stock added once."""
    sku, event_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    _publish(dapr, event_id, {"sku": sku, "quantity": 5})
    first = _wait_completed(workflow_client, event_id)
    _publish(dapr, event_id, {"sku": sku, "quantity": 5})
    time.sleep(2)  # delivery takes milliseconds; give a second run time to show up
    again = _wait_completed(workflow_client, event_id)
    assert again.created_at == first.created_at
    assert _on_hand(sidecar_http, sku) == 5


def test_malformed_event_is_dropped_without_starting_a_workflow(
    dapr: DaprClient, workflow_client: DaprWorkflowClient
) -> None:
    """An event whose data fails validation is dropped: no workflow instance exists for it."""
    event_id = str(uuid.uuid4())
    _publish(dapr, event_id, {"sku": "", "quantity": "lots"})
    time.sleep(2)
    assert _state(workflow_client, event_id) is None
