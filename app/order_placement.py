"""Placing an order: start `order_fulfillment` with instance id = order id, at most once,
and only while admission has room (429 otherwise: docs/workflow-engine.md).

Shared by `POST /api/v1/orders` and the `order.placed` topic handler.
"""

from contextlib import suppress
from datetime import UTC, datetime

import grpc
from dapr.ext.workflow import WorkflowStatus

from actors.order_interface import OrderDetails
from app.building_blocks.errors import WorkflowConflictError
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.building_blocks.workflows import WorkflowEngine
from app.records.workflow_index import InstanceRecord, WorkflowIndex
from workflows import ORDER_FULFILLMENT

WORKFLOW = ORDER_FULFILLMENT.name


async def start_order(
    workflows: WorkflowEngine,
    admission: WorkflowAdmission,
    index: WorkflowIndex,
    details: OrderDetails,
) -> bool:
    """Start fulfilment; False if an instance with this order id exists (nothing new).

    Raises EngineAtCapacityError when the service runs as many orders as it can: checked
    first, so a refusal costs no call to the sidecar while clients retry. A started order
    joins the workflow index at once (as WorkflowControl.start does), so the instance list
    shows it before anyone reads it.
    """
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
    await _index(index, details.order_id)
    return True


async def _index(index: WorkflowIndex, order_id: str) -> None:
    now = datetime.now(UTC)
    record = InstanceRecord(
        instance_id=order_id,
        name=WORKFLOW,
        status=WorkflowStatus.PENDING.name,
        created_at=now,
        updated_at=now,
    )
    # First write only: a read that already refreshed the record (RUNNING, or even
    # COMPLETED) is never overwritten with PENDING.
    with suppress(WorkflowConflictError):
        await index.claim(record)
    await index.add(WORKFLOW, order_id)  # ETag-guarded and idempotent: races lose nothing
