"""The `restock` workflow end to end: workflow -> activity -> InventoryActor."""

import uuid

import httpx
from dapr.ext.workflow import DaprWorkflowClient, WorkflowStatus

from actors.inventory_interface import INVENTORY_ACTOR_TYPE
from workflows.restock import restock


def test_restock_workflow_completes_with_the_new_stock_level(
    workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """A started restock completes, outputs the new level, and the actor holds it."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    instance_id = workflow_client.schedule_new_workflow(
        workflow=restock, input={"sku": sku, "quantity": 4}
    )
    state = workflow_client.wait_for_workflow_completion(instance_id, timeout_in_seconds=60)
    assert state is not None
    assert state.runtime_status == WorkflowStatus.COMPLETED
    assert state.serialized_output is not None
    assert '"on_hand": 4' in state.serialized_output
    stock = sidecar_http.post(f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/GetStock")
    assert stock.json() == {"sku": sku, "on_hand": 4, "reserved": 0, "available": 4}


def test_restock_workflow_with_invalid_input_fails_and_changes_nothing(
    workflow_client: DaprWorkflowClient, sidecar_http: httpx.Client
) -> None:
    """Input the workflow's model rejects fails the instance before any activity runs."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    instance_id = workflow_client.schedule_new_workflow(
        workflow=restock, input={"sku": sku, "quantity": 0}
    )
    state = workflow_client.wait_for_workflow_completion(instance_id, timeout_in_seconds=60)
    assert state is not None
    assert state.runtime_status == WorkflowStatus.FAILED
    assert state.failure_details is not None
    assert "quantity" in state.failure_details.message
    stock = sidecar_http.post(f"/v1.0/actors/{INVENTORY_ACTOR_TYPE}/{sku}/method/GetStock")
    assert stock.json() == {"sku": sku, "on_hand": 0, "reserved": 0, "available": 0}
