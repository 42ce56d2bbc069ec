"""Placing an order: start `order_fulfillment` with instance id = order id, at most once,
and only while admission has room (429 otherwise: docs/workflow-engine.md).

Shared by `POST /api/v1/orders` and the `order.placed` topic handler.
"""

import grpc

from actors.order_interface import OrderDetails
from app.building_blocks.errors import WorkflowConflictError
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine

WORKFLOW = "order_fulfillment"


async def start_order(
    workflows: WorkflowEngine, admission: WorkflowAdmission, details: OrderDetails
) -> bool:
    """Start fulfilment; False if an instance with this order id exists (nothing new).
    Raises EngineAtCapacityError when the service runs as many orders as it can: checked
    first, so a refusal costs no call to the sidecar while clients retry."""
    if admission.is_admitted(details.order_id):
        return False  # running here already
    admission.admit(details.order_id)
    try:
        if await workflows.get_state(details.order_id) is not None:
            admission.forget(details.order_id)
            return False
        await workflows.schedule(WORKFLOW, details.model_dump(mode="json"), details.order_id)
    except (grpc.RpcError, WorkflowConflictError):
        admission.forget(details.order_id)
        # Two identical requests raced past the check: the sidecar refused the second.
        if await workflows.get_state(details.order_id) is None:
            raise
        return False
    except BaseException:
        admission.forget(details.order_id)
        raise
    return True
