"""Publishing restock events and waiting for the workflows they start, over the SDK's
sync clients against a running stack."""

import json
import time
from typing import Any

from dapr.clients import DaprClient
from dapr.ext.workflow import DaprWorkflowClient, WorkflowState, WorkflowStatus


def publish_restock(dapr: DaprClient, event_id: str, data: Any, pubsub: str = "pubsub") -> None:
    """Our own CloudEvent envelope, so the event id (= workflow instance id) is known."""
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "tests",
        "type": "inventory.restock.requested",
        "datacontenttype": "application/json",
        "data": data,
    }
    dapr.publish_event(
        pubsub, "restocks", json.dumps(envelope), data_content_type="application/cloudevents+json"
    )


def workflow_state(client: DaprWorkflowClient, instance_id: str) -> WorkflowState | None:
    """The instance's state, or None: the 1.14 sidecar reports an unknown id as UNKNOWN."""
    try:
        return client.get_workflow_state(instance_id)
    except Exception as error:
        if "no such instance exists" in str(error):
            return None
        raise


def wait_completed(
    client: DaprWorkflowClient, instance_id: str, timeout_s: float = 60
) -> WorkflowState:
    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline:
        state = workflow_state(client, instance_id)
        if state is not None and state.runtime_status == WorkflowStatus.COMPLETED:
            return state
        time.sleep(0.2)
    raise AssertionError(f"workflow {instance_id} did not complete; last state {state}")
